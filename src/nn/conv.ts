/**
 * Convolution layers, as in TensorFlow.js and Keras: Conv1D, Conv2D, Conv2DTranspose,
 * DepthwiseConv2D, SeparableConv2D, Conv3D, Conv3DTranspose. Channels last by default; `dataFormat: 'channelsFirst'`
 * transposes in and out. Weights in the tfjs/Keras layouts, so files load both ways:
 * kernel [kH, kW, in, filters] (Conv2DTranspose: [kH, kW, filters, in]), depthwise_kernel
 * [kH, kW, in, depthMultiplier], pointwise_kernel [1, 1, in·depthMultiplier, filters]; the 3-D
 * kernels [kD, kH, kW, in, filters] (Conv3DTranspose: [kD, kH, kW, filters, in]).
 */
import { add } from '../ops/elementwise.js';
import { type Padding, conv1d, conv2d, conv2dTranspose, depthwiseConv2d } from '../ops/conv.js';
import { conv3d, conv3dTranspose } from '../ops/conv3d.js';
import { transpose } from '../ops/layout.js';
import { fmt } from '../tensor/shape.js';
import type { Tensor } from '../tensor/tensor.js';
import { type ActivationIdentifier, activationName, getActivation } from './activations.js';
import type { InitializerIdentifier } from './initializers.js';
import { type CallOptions, Layer, type LayerArgs, type SymbolicShape, formatShape } from './layer.js';
import type { RegularizerIdentifier } from './regularizers.js';
import type { ConstraintIdentifier } from './constraints.js';

export type DataFormat = 'channelsLast' | 'channelsFirst';

export interface ConvConfig extends LayerArgs {
  /** Output channels (not for DepthwiseConv2D). */
  filters?: number;
  /** Window size: one number for every axis, or one per axis. */
  kernelSize: number | readonly number[];
  /** Default 1. */
  strides?: number | readonly number[];
  /** Default 'valid'; 'causal' for Conv1D only. */
  padding?: Padding;
  /** Default 'channelsLast'. */
  dataFormat?: DataFormat;
  /** Default 1. */
  dilationRate?: number | readonly number[];
  /** Default 'linear'. */
  activation?: ActivationIdentifier;
  /** Default true. */
  useBias?: boolean;
  /** Default 'glorotUniform'. */
  kernelInitializer?: InitializerIdentifier;
  /** Default 'zeros'. */
  biasInitializer?: InitializerIdentifier;
  kernelRegularizer?: RegularizerIdentifier;
  /** Applied after each update (Keras's kernel_constraint). */
  kernelConstraint?: ConstraintIdentifier | null;
  biasRegularizer?: RegularizerIdentifier;
  /** Applied after each update (Keras's bias_constraint). */
  biasConstraint?: ConstraintIdentifier | null;
  /** DepthwiseConv2D and SeparableConv2D: filters per input channel (default 1). */
  depthMultiplier?: number;
  /** DepthwiseConv2D and SeparableConv2D: default 'glorotUniform'. */
  depthwiseInitializer?: InitializerIdentifier;
  depthwiseRegularizer?: RegularizerIdentifier;
  /** Applied after each update (Keras's depthwise_constraint). */
  depthwiseConstraint?: ConstraintIdentifier | null;
  /** SeparableConv2D: default 'glorotUniform'. */
  pointwiseInitializer?: InitializerIdentifier;
  pointwiseRegularizer?: RegularizerIdentifier;
  /** Applied after each update (Keras's pointwise_constraint). */
  pointwiseConstraint?: ConstraintIdentifier | null;
}

/** The permutation taking channels-first input of `rank` spatial axes to channels last. */
export const toChannelsLast = (rank: number): number[] => [0, ...Array.from({ length: rank }, (_, i) => i + 2), 1];
/** Its inverse: channels last back to channels first. */
export const toChannelsFirst = (rank: number): number[] => [0, rank + 1, ...Array.from({ length: rank }, (_, i) => i + 1)];

const SPATIAL = ['length', 'height, width', 'depth, height, width'];

/** A convolution's output sizes along its spatial axes (null stays unknown), as the ops compute them. */
export function convSizes(sizes: ReadonlyArray<number | null>, k: number[], s: number[], d: number[], padding: Padding): Array<number | null> {
  return sizes.map((n, i) => {
    if (n === null) return null;
    if (padding !== 'valid') return Math.ceil(n / s[i]!);
    return Math.floor((n - ((k[i]! - 1) * d[i]! + 1)) / s[i]!) + 1;
  });
}

/** A per-axis size option (kernelSize, strides, dilationRate, poolSize) as `rank` positive integers, checked. */
export function sizeList(label: string, key: string, v: number | readonly number[] | undefined, rank: number): number[] {
  const given = v ?? 1;
  const list = typeof given === 'number' ? new Array<number>(rank).fill(given) : [...given];
  if (list.length !== rank || !list.every((d) => Number.isInteger(d) && d >= 1)) {
    throw new Error(`${label}: ${key} must be a positive integer or ${rank} of them, got ${JSON.stringify(given)}`);
  }
  return list;
}

/** Shared lifecycle: option checks, channels-first handling, bias and activation. */
abstract class Conv extends Layer<ConvConfig> {
  abstract readonly rank: 1 | 2 | 3;
  bias: Tensor | null = null;
  protected inChannels = 0;

  /** The number of output channels (tfjs's `layer.filters`); undefined for a depthwise convolution. */
  get filters(): number | undefined {
    return this.config.filters;
  }

  constructor(config: ConvConfig, private readonly kind: string, needsFilters = true) {
    super(config);
    const label = kind;
    if (needsFilters && (!Number.isInteger(config.filters) || config.filters! < 1)) {
      throw new Error(`${label}: filters must be a positive integer, got ${config.filters}`);
    }
    if (config.dataFormat !== undefined && config.dataFormat !== 'channelsLast' && config.dataFormat !== 'channelsFirst') {
      throw new Error(`${label}: dataFormat must be 'channelsLast' or 'channelsFirst', got ${JSON.stringify(config.dataFormat)}`);
    }
    const padding = config.padding ?? 'valid';
    if (padding !== 'valid' && padding !== 'same' && !(padding === 'causal' && label === 'conv1d')) {
      throw new Error(`${label}: padding must be 'valid' or 'same'${label === 'conv1d' ? " or 'causal'" : ''}, got ${JSON.stringify(config.padding)}`);
    }
    getActivation(config.activation);
  }

  protected get label(): string {
    return this.name === undefined ? this.kind : `${this.kind} '${this.name}'`;
  }

  get activationName(): string {
    return activationName(this.config.activation);
  }

  /** The size options checked at construction (subclasses call it once `rank` is set). */
  protected checkSizes(): void {
    for (const key of ['kernelSize', 'strides', 'dilationRate'] as const) this.sizes(key);
  }

  /** A per-axis size option as `rank` numbers, checked. */
  protected sizes(key: 'kernelSize' | 'strides' | 'dilationRate'): number[] {
    return sizeList(this.label, key, this.config[key], this.rank);
  }

  protected get channelsFirst(): boolean {
    return this.config.dataFormat === 'channelsFirst';
  }

  /** The input's channel count from a shape with the batch axis. */
  protected channelsOf(shape: SymbolicShape): number {
    if (shape.length !== this.rank + 2) {
      throw new Error(`${this.label}: expected input of rank ${this.rank + 2} (batch, ${SPATIAL[this.rank - 1]}, channels), got shape ${formatShape(shape)}`);
    }
    const c = this.channelsFirst ? shape[1] : shape[shape.length - 1];
    if (c === null || c === undefined) throw new Error(`${this.label}: the channel dimension of the input shape ${formatShape(shape)} must be known to build the layer`);
    return c;
  }

  protected addBias(units: number): void {
    const c = this.config;
    if (c.useBias ?? true) this.bias = this.addWeight('bias', [units], c.biasInitializer ?? 'zeros', { regularizer: c.biasRegularizer, constraint: c.biasConstraint });
  }

  /** The convolution on channels-last input. */
  protected abstract convolve(x: Tensor): Tensor;

  call(x: Tensor, _options: CallOptions): Tensor {
    const s = x.shape;
    if (x.rank !== this.rank + 2 || (this.channelsFirst ? s[1] : s[s.length - 1]) !== this.inChannels) {
      throw new Error(`${this.label}: expected input of rank ${this.rank + 2} with ${this.inChannels} channels (${this.config.dataFormat ?? 'channelsLast'}), got ${fmt(x.shape)}`);
    }
    const last = this.channelsFirst ? transpose(x, toChannelsLast(this.rank)) : x;
    let y = this.convolve(last);
    if (this.bias !== null) y = add(y, this.bias);
    y = getActivation(this.config.activation)(y);
    return this.channelsFirst ? transpose(y, toChannelsFirst(this.rank)) : y;
  }

  /** Output sizes along the spatial axes, as the ops compute them. */
  protected outSpatial(sizes: ReadonlyArray<number | null>): Array<number | null> {
    return convSizes(sizes, this.sizes('kernelSize'), this.sizes('strides'), this.sizes('dilationRate'), this.config.padding ?? 'valid');
  }

  protected abstract outChannels(): number;

  override computeOutputShape(inputShape: SymbolicShape): SymbolicShape {
    this.channelsOf(inputShape);
    const spatial = this.channelsFirst ? inputShape.slice(2) : inputShape.slice(1, -1);
    const out = this.outSpatial(spatial);
    return this.channelsFirst ? [inputShape[0] ?? null, this.outChannels(), ...out] : [inputShape[0] ?? null, ...out, this.outChannels()];
  }

  protected options(): { strides: [number, number]; dilations: [number, number]; padding: Padding } {
    const s = this.sizes('strides');
    const d = this.sizes('dilationRate');
    return { strides: [s[0]!, s[1]!], dilations: [d[0]!, d[1]!], padding: this.config.padding ?? 'valid' };
  }
}

/** 2-D convolution layer (Keras `Conv2D`): y = activation(conv2d(x, kernel) + bias). */
export class Conv2D extends Conv {
  readonly className: string = 'Conv2D';
  readonly rank = 2;
  kernel: Tensor | null = null;

  constructor(config: ConvConfig, label = 'conv2d') {
    super(config, label);
    this.checkSizes();
  }

  override build(inputShape: SymbolicShape): void {
    this.inChannels = this.channelsOf(inputShape);
    const [kH, kW] = this.sizes('kernelSize');
    const c = this.config;
    this.kernel = this.addWeight('kernel', [kH!, kW!, this.inChannels, c.filters!], c.kernelInitializer ?? 'glorotUniform', { regularizer: c.kernelRegularizer, constraint: c.kernelConstraint });
    this.addBias(c.filters!);
    this.built = true;
  }

  protected convolve(x: Tensor): Tensor {
    return conv2d(x, this.kernel!, this.options());
  }

  protected outChannels(): number {
    return this.config.filters!;
  }
}

/** 1-D convolution layer (Keras `Conv1D`) over [batch, length, channels]; padding 'causal' allowed. */
export class Conv1D extends Conv {
  readonly className = 'Conv1D';
  readonly rank = 1;
  kernel: Tensor | null = null;

  constructor(config: ConvConfig) {
    super(config, 'conv1d');
    this.checkSizes();
  }

  override build(inputShape: SymbolicShape): void {
    this.inChannels = this.channelsOf(inputShape);
    const [k] = this.sizes('kernelSize');
    const c = this.config;
    this.kernel = this.addWeight('kernel', [k!, this.inChannels, c.filters!], c.kernelInitializer ?? 'glorotUniform', { regularizer: c.kernelRegularizer, constraint: c.kernelConstraint });
    this.addBias(c.filters!);
    this.built = true;
  }

  protected convolve(x: Tensor): Tensor {
    return conv1d(x, this.kernel!, { stride: this.sizes('strides')[0]!, dilation: this.sizes('dilationRate')[0]!, padding: this.config.padding ?? 'valid' });
  }

  protected outChannels(): number {
    return this.config.filters!;
  }
}

/** A transposed convolution's output sizes: n·stride ('same') or n·stride + max(k − stride, 0) ('valid'). */
function transposedSizes(spatial: ReadonlyArray<number | null>, k: number[], s: number[], padding: Padding): Array<number | null> {
  return spatial.map((n, i) => (n === null ? null : n * s[i]! + (padding === 'valid' ? Math.max(k[i]! - s[i]!, 0) : 0)));
}

/**
 * Transposed 2-D convolution (Keras `Conv2DTranspose`): the gradient of Conv2D with respect to
 * its input, which upsamples: output size n·stride ('same') or n·stride + max(k − stride, 0) ('valid').
 */
export class Conv2DTranspose extends Conv2D {
  override readonly className = 'Conv2DTranspose';

  constructor(config: ConvConfig) {
    super(config, 'conv2dTranspose');
    if (this.sizes('dilationRate').some((d) => d !== 1)) throw new Error(`${this.label}: dilationRate other than 1 is not supported (as in TensorFlow.js)`);
  }

  override build(inputShape: SymbolicShape): void {
    this.inChannels = this.channelsOf(inputShape);
    const [kH, kW] = this.sizes('kernelSize');
    const c = this.config;
    this.kernel = this.addWeight('kernel', [kH!, kW!, c.filters!, this.inChannels], c.kernelInitializer ?? 'glorotUniform', { regularizer: c.kernelRegularizer, constraint: c.kernelConstraint });
    this.addBias(c.filters!);
    this.built = true;
  }

  protected override outSpatial(spatial: ReadonlyArray<number | null>): Array<number | null> {
    return transposedSizes(spatial, this.sizes('kernelSize'), this.sizes('strides'), this.config.padding ?? 'valid');
  }

  protected override convolve(x: Tensor): Tensor {
    const [h, w] = this.outSpatial([x.shape[1]!, x.shape[2]!]) as [number, number];
    return conv2dTranspose(x, this.kernel!, [x.shape[0]!, h, w, this.config.filters!], this.options());
  }
}

/** Depthwise 2-D convolution (Keras `DepthwiseConv2D`): each channel by its own `depthMultiplier` filters. */
export class DepthwiseConv2D extends Conv {
  readonly className: string = 'DepthwiseConv2D';
  readonly rank = 2;
  depthwiseKernel: Tensor | null = null;

  constructor(config: ConvConfig, label = 'depthwiseConv2d') {
    super(config, label, false);
    this.checkSizes();
    const m = config.depthMultiplier ?? 1;
    if (!Number.isInteger(m) || m < 1) throw new Error(`${this.label}: depthMultiplier must be a positive integer, got ${m}`);
  }

  protected get multiplier(): number {
    return this.config.depthMultiplier ?? 1;
  }

  override build(inputShape: SymbolicShape): void {
    this.inChannels = this.channelsOf(inputShape);
    const [kH, kW] = this.sizes('kernelSize');
    const c = this.config;
    this.depthwiseKernel = this.addWeight('depthwise_kernel', [kH!, kW!, this.inChannels, this.multiplier], c.depthwiseInitializer ?? 'glorotUniform', { regularizer: c.depthwiseRegularizer, constraint: c.depthwiseConstraint });
    this.addBias(this.inChannels * this.multiplier);
    this.built = true;
  }

  protected convolve(x: Tensor): Tensor {
    return depthwiseConv2d(x, this.depthwiseKernel!, this.options());
  }

  protected outChannels(): number {
    return this.inChannels * this.multiplier;
  }
}

/** Separable 2-D convolution (Keras `SeparableConv2D`): depthwise, then a 1×1 convolution to `filters` channels. */
export class SeparableConv2D extends DepthwiseConv2D {
  override readonly className = 'SeparableConv2D';
  pointwiseKernel: Tensor | null = null;

  constructor(config: ConvConfig) {
    super(config, 'separableConv2d');
    if (!Number.isInteger(config.filters) || config.filters! < 1) throw new Error(`${this.label}: filters must be a positive integer, got ${config.filters}`);
  }

  override build(inputShape: SymbolicShape): void {
    this.inChannels = this.channelsOf(inputShape);
    const [kH, kW] = this.sizes('kernelSize');
    const c = this.config;
    this.depthwiseKernel = this.addWeight('depthwise_kernel', [kH!, kW!, this.inChannels, this.multiplier], c.depthwiseInitializer ?? 'glorotUniform', { regularizer: c.depthwiseRegularizer, constraint: c.depthwiseConstraint });
    this.pointwiseKernel = this.addWeight('pointwise_kernel', [1, 1, this.inChannels * this.multiplier, c.filters!], c.pointwiseInitializer ?? 'glorotUniform', { regularizer: c.pointwiseRegularizer, constraint: c.pointwiseConstraint });
    this.addBias(c.filters!);
    this.built = true;
  }

  protected override convolve(x: Tensor): Tensor {
    return conv2d(depthwiseConv2d(x, this.depthwiseKernel!, this.options()), this.pointwiseKernel!);
  }

  protected override outChannels(): number {
    return this.config.filters!;
  }
}

/** 3-D convolution layer (Keras `Conv3D`) over volumes [batch, depth, height, width, channels]. */
export class Conv3D extends Conv {
  readonly className: string = 'Conv3D';
  readonly rank = 3;
  kernel: Tensor | null = null;

  constructor(config: ConvConfig, label = 'conv3d') {
    super(config, label);
    this.checkSizes();
  }

  override build(inputShape: SymbolicShape): void {
    this.inChannels = this.channelsOf(inputShape);
    const c = this.config;
    this.kernel = this.addWeight('kernel', [...this.sizes('kernelSize'), ...this.kernelChannels()], c.kernelInitializer ?? 'glorotUniform', { regularizer: c.kernelRegularizer, constraint: c.kernelConstraint });
    this.addBias(c.filters!);
    this.built = true;
  }

  /** The kernel's last two axes: [in, filters]. */
  protected kernelChannels(): [number, number] {
    return [this.inChannels, this.config.filters!];
  }

  protected convolve(x: Tensor): Tensor {
    const o = this.options3();
    return conv3d(x, this.kernel!, o.strides, o.padding, 'NDHWC', o.dilations);
  }

  protected options3(): { strides: [number, number, number]; dilations: [number, number, number]; padding: 'valid' | 'same' } {
    const [s0, s1, s2] = this.sizes('strides');
    const [d0, d1, d2] = this.sizes('dilationRate');
    return { strides: [s0!, s1!, s2!], dilations: [d0!, d1!, d2!], padding: (this.config.padding ?? 'valid') as 'valid' | 'same' };
  }

  protected outChannels(): number {
    return this.config.filters!;
  }
}

/** Transposed 3-D convolution (Keras `Conv3DTranspose`): Conv3D's gradient with respect to its input, which upsamples. */
export class Conv3DTranspose extends Conv3D {
  override readonly className = 'Conv3DTranspose';

  constructor(config: ConvConfig) {
    super(config, 'conv3dTranspose');
    if (this.sizes('dilationRate').some((d) => d !== 1)) throw new Error(`${this.label}: dilationRate other than 1 is not supported (as in TensorFlow.js)`);
  }

  protected override kernelChannels(): [number, number] {
    return [this.config.filters!, this.inChannels];
  }

  protected override outSpatial(spatial: ReadonlyArray<number | null>): Array<number | null> {
    return transposedSizes(spatial, this.sizes('kernelSize'), this.sizes('strides'), this.config.padding ?? 'valid');
  }

  protected override convolve(x: Tensor): Tensor {
    const out = this.outSpatial(x.shape.slice(1, 4)) as number[];
    const o = this.options3();
    return conv3dTranspose(x, this.kernel!, [x.shape[0]!, ...out, this.config.filters!], o.strides, o.padding);
  }
}
