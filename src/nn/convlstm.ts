/**
 * ConvLSTM2D (tfjs `tf.layers.convLstm2d`, Keras `ConvLSTM2D`): an LSTM whose products are
 * convolutions, over [batch, time, rows, cols, channels]. Each step's gates are
 * z = conv2d(x_t, kernel, strides, padding, dilation) + bias + conv2d(h, recurrentKernel, 1, 'same'),
 * split into i, f, c, o along the channels as an LSTM's; the state h and c are
 * [batch, rows', cols', filters]. Weights in the tfjs/Keras layouts: kernel
 * [kH, kW, channels, 4·filters], recurrent_kernel [kH, kW, filters, 4·filters], bias [4·filters].
 *
 * It is the LSTM layer with its two products replaced: the input convolution runs once for every
 * step (the batch and time axes merged), and the cell is the LSTM's, elementwise per position.
 */
import { add } from '../ops/elementwise.js';
import { conv2d, type Padding } from '../ops/conv.js';
import { reshape, transpose } from '../ops/layout.js';
import { fmt } from '../tensor/shape.js';
import type { Tensor } from '../tensor/tensor.js';
import { type DataFormat, convSizes, sizeList } from './conv.js';
import { type CallOptions, type SymbolicShape, formatShape } from './layer.js';
import { LSTM, type RecurrentConfig } from './recurrent.js';

export interface ConvLSTM2DConfig extends Omit<RecurrentConfig, 'units' | 'resetAfter'> {
  /** Output channels (the state's depth). */
  filters: number;
  /** Window of both convolutions: one number or [rows, cols]. */
  kernelSize: number | readonly number[];
  /** Of the input convolution; default 1. */
  strides?: number | readonly number[];
  /** Of the input convolution ('valid' or 'same'; default 'valid'); the recurrent one is always 'same'. */
  padding?: Padding;
  /** Default 'channelsLast': [batch, time, rows, cols, channels]; channelsFirst is [batch, time, channels, rows, cols]. */
  dataFormat?: DataFormat;
  /** Of the input convolution; default 1. */
  dilationRate?: number | readonly number[];
}

/** [batch, time, channels, rows, cols] → [batch, time, rows, cols, channels], and back. */
const SEQUENCE_LAST = [0, 1, 3, 4, 2];
const SEQUENCE_FIRST = [0, 1, 4, 2, 3];
/** A state [batch, channels, rows, cols] → [batch, rows, cols, channels], and back. */
const STATE_LAST = [0, 2, 3, 1];
const STATE_FIRST = [0, 3, 1, 2];

export class ConvLSTM2D extends LSTM {
  override readonly className = 'ConvLSTM2D';
  declare readonly config: ConvLSTM2DConfig & { units: number };

  constructor(config: ConvLSTM2DConfig) {
    if (config === null || typeof config !== 'object') throw new Error(`convLstm2d: expected a config object {filters, kernelSize, …}, got ${String(config)}`);
    if (!Number.isInteger(config.filters) || config.filters < 1) throw new Error(`convLstm2d: filters must be a positive integer, got ${config.filters}`);
    if (config.kernelSize === undefined) throw new Error('convLstm2d: kernelSize is required (a positive integer or [rows, cols])');
    const padding = config.padding ?? 'valid';
    if (padding !== 'valid' && padding !== 'same') throw new Error(`convLstm2d: padding must be 'valid' or 'same', got ${JSON.stringify(config.padding)}`);
    if (config.dataFormat !== undefined && config.dataFormat !== 'channelsLast' && config.dataFormat !== 'channelsFirst') {
      throw new Error(`convLstm2d: dataFormat must be 'channelsLast' or 'channelsFirst', got ${JSON.stringify(config.dataFormat)}`);
    }
    if ((config as { unroll?: boolean }).unroll === true) throw new Error('convLstm2d: unroll is not possible with convolutional recurrent layers (as in tfjs)');
    for (const key of ['kernelSize', 'strides', 'dilationRate'] as const) sizeList('convLstm2d', key, config[key], 2);
    super({ ...config, units: config.filters }, 'convLstm2d');
  }

  /** The number of output channels (tfjs's `layer.filters`). */
  get filters(): number {
    return this.config.filters;
  }

  private sizes(key: 'kernelSize' | 'strides' | 'dilationRate'): [number, number] {
    return sizeList('convLstm2d', key, this.config[key], 2) as [number, number];
  }

  private get channelsFirst(): boolean {
    return this.config.dataFormat === 'channelsFirst';
  }

  /** A channels-first shape [batch, time, channels, rows, cols] as the steps see it, channels last. */
  private inner(shape: SymbolicShape): SymbolicShape {
    if (shape.length !== 5) throw new Error(`convLstm2d: expected input of rank 5 (batch, time, ${this.channelsFirst ? 'channels, rows, cols' : 'rows, cols, channels'}), got shape ${formatShape(shape)}`);
    return this.channelsFirst ? SEQUENCE_LAST.map((a) => shape[a] ?? null) : shape;
  }

  override build(input: SymbolicShape | SymbolicShape[]): void {
    const shape = (Array.isArray(input[0]) ? input[0] : input) as SymbolicShape;
    super.build(this.inner(shape));
  }

  override computeOutputShape(input: SymbolicShape | SymbolicShape[]): SymbolicShape | SymbolicShape[] {
    const shape = (Array.isArray(input[0]) ? input[0] : input) as SymbolicShape;
    const out = super.computeOutputShape(this.inner(shape));
    if (!this.channelsFirst) return out;
    const back = (s: SymbolicShape): SymbolicShape => (s.length === 5 ? SEQUENCE_FIRST : STATE_FIRST).map((a) => s[a] ?? null);
    return Array.isArray(out[0]) ? (out as SymbolicShape[]).map(back) : back(out as SymbolicShape);
  }

  /** Given states in the layer's data format, moved to channels last as the layer keeps them. */
  override resetStates(states?: Tensor[]): void {
    super.resetStates(states === undefined || !this.channelsFirst ? states : states.map((s) => (s.rank === 4 ? transpose(s, STATE_LAST) : s)));
  }

  /** Input shapes here are channels last (the steps' layout). */
  protected override buildWeights(inputShape: SymbolicShape): void {
    const channels = inputShape[4];
    if (channels === null || channels === undefined) throw new Error(`convLstm2d: the channel dimension of the input shape ${formatShape(inputShape)} must be known to build the layer`);
    const c = this.config;
    const [kH, kW] = this.sizes('kernelSize');
    const width = 4 * this.filters;
    this.kernel = this.addWeight('kernel', [kH, kW, channels, width], c.kernelInitializer ?? 'glorotNormal', { regularizer: c.kernelRegularizer, constraint: c.kernelConstraint });
    this.recurrentKernel = this.addWeight('recurrent_kernel', [kH, kW, this.filters, width], c.recurrentInitializer ?? 'orthogonal', { regularizer: c.recurrentRegularizer, constraint: c.recurrentConstraint });
  }

  /** The state [batch, rows', cols', filters] for channels-last input [batch, time, rows, cols, channels]. */
  protected override stateShapeOf(inputShape: SymbolicShape): SymbolicShape {
    const [rows, cols] = convSizes(inputShape.slice(2, 4).map((d) => d ?? null), this.sizes('kernelSize'), this.sizes('strides'), this.sizes('dilationRate'), this.config.padding ?? 'valid');
    return [inputShape[0] ?? null, rows!, cols!, this.filters];
  }

  protected override get stateLabel(): string {
    return '[batch, rows, cols, filters] (channels last)';
  }

  protected override checkInput(x: Tensor): void {
    const channels = this.kernel!.shape[2];
    if (x.rank !== 5 || x.shape[4] !== channels) {
      throw new Error(`convLstm2d: expected input of shape [batch, time, rows, cols, ${channels}], got ${fmt(x.shape)}`);
    }
    const [rows, cols] = this.stateShapeOf(x.shape).slice(1, 3) as [number, number];
    if (!(rows >= 1 && cols >= 1)) throw new Error(`convLstm2d: the input's rows and cols ${fmt(x.shape.slice(2, 4))} are smaller than the kernel ${fmt(this.sizes('kernelSize'))} spans (with padding 'valid')`);
  }

  protected override projectInput(x: Tensor): Tensor {
    const [batch, time, rows, cols, channels] = x.shape as [number, number, number, number, number];
    const [strides, dilations] = [this.sizes('strides'), this.sizes('dilationRate')];
    let z = conv2d(reshape(x, [batch * time, rows, cols, channels]), this.kernel!, { strides, dilations, padding: this.config.padding ?? 'valid' });
    if (this.bias !== null) z = add(z, this.bias);
    return reshape(z, [batch, time, ...z.shape.slice(1)]);
  }

  protected override recurrentProduct(h: Tensor): Tensor {
    return conv2d(h, this.recurrentKernel!, { padding: 'same' });
  }

  /** Channels-first input and states move to channels last for the steps, and the outputs back. */
  override call(input: Tensor | Tensor[], options: CallOptions): Tensor | Tensor[] {
    if (!this.channelsFirst) return super.call(input, options);
    const [x, ...states] = Array.isArray(input) ? input : [input];
    if (x === undefined || x.rank !== 5) throw new Error(`convLstm2d: expected input of rank 5 (batch, time, channels, rows, cols), got ${x === undefined ? 'no input' : fmt(x.shape)}`);
    const inner = [transpose(x, SEQUENCE_LAST), ...states.map((s) => (s.rank === 4 ? transpose(s, STATE_LAST) : s))];
    const out = super.call(inner.length === 1 ? inner[0]! : inner, options);
    const back = (t: Tensor): Tensor => transpose(t, t.rank === 5 ? SEQUENCE_FIRST : STATE_FIRST);
    return Array.isArray(out) ? out.map(back) : back(out);
  }

}
