/** Layers without weights: Activation, Flatten, LeakyReLU, ELU, ReLU, ThresholdedReLU, Softmax, Dropout, Masking, Rescaling, and the Input spec. */
import { getContext } from '../context/context.js';
import { elu, leakyRelu, relu, softmax } from '../ops/activations.js';
import { add, greater, minimum, mul, notEqual } from '../ops/elementwise.js';
import { dropoutMask } from '../ops/extended.js';
import { max } from '../ops/reduce.js';
import { expandDims, reshape } from '../ops/layout.js';
import { randomUniform } from '../ops/creation.js';
import { Rng } from '../tensor/random.js';
import type { Tensor } from '../tensor/tensor.js';
import { type ActivationIdentifier, activationName, getActivation } from './activations.js';
import { type CallOptions, Layer, type LayerArgs, type SymbolicShape, kerasKeys } from './layer.js';
import { Node, SymbolicTensor } from './symbolic.js';

export interface ActivationConfig extends LayerArgs {
  activation: ActivationIdentifier;
}

/** Applies an activation as its own layer (Keras `Activation('softmax')`). */
export class Activation extends Layer<ActivationConfig> {
  readonly className = 'Activation';
  override readonly supportsMasking = true;
  constructor(config: ActivationConfig) {
    super(config);
    getActivation(config.activation);
  }
  get activationName(): string {
    return activationName(this.config.activation);
  }
  call(x: Tensor): Tensor {
    return getActivation(this.config.activation)(x);
  }
}

/** [batch, d1, d2, …] → [batch, d1·d2·…]. */
export class Flatten extends Layer<LayerArgs> {
  readonly className = 'Flatten';
  call(x: Tensor): Tensor {
    return reshape(x, [x.shape[0]!, -1]);
  }
  override computeOutputShape(s: SymbolicShape): SymbolicShape {
    const rest = s.slice(1);
    return [s[0] ?? null, rest.some((d) => d === null) ? null : rest.reduce<number>((p, d) => p * d!, 1)];
  }
}

export interface LeakyReLUConfig extends LayerArgs {
  /** Slope for x < 0; Keras's layer default 0.3. */
  alpha?: number;
}

/** Keras's LeakyReLU layer: x for x > 0, αx otherwise, α = 0.3 by default. */
export class LeakyReLU extends Layer<LeakyReLUConfig> {
  readonly className = 'LeakyReLU';
  override readonly supportsMasking = true;
  call(x: Tensor): Tensor {
    return leakyRelu(x, this.config.alpha ?? 0.3);
  }
}

/** A layer option that must be a finite number when given; says which layer and option otherwise. */
function finiteOption(layer: string, key: string, v: unknown): void {
  if (v !== undefined && (typeof v !== 'number' || !Number.isFinite(v))) throw new Error(`${layer}: ${key} must be a finite number, got ${String(v)}`);
}

export interface ELUConfig extends LayerArgs {
  /** α in α(eˣ − 1) for x < 0; default 1. */
  alpha?: number;
}

/** Keras's ELU layer: x for x > 0, α(eˣ − 1) otherwise. */
export class ELU extends Layer<ELUConfig> {
  readonly className = 'ELU';
  override readonly supportsMasking = true;
  constructor(config: ELUConfig) {
    super(config);
    finiteOption('elu', 'alpha', config.alpha);
  }
  call(x: Tensor): Tensor {
    return elu(x, this.config.alpha ?? 1);
  }
}

export interface ReLUConfig extends LayerArgs {
  /** Upper bound of the output (tfjs `maxValue`); none by default. */
  maxValue?: number;
}

/** tfjs's ReLU layer: max(x, 0), clipped at `maxValue` when one is given. */
export class ReLU extends Layer<ReLUConfig> {
  readonly className = 'ReLU';
  override readonly supportsMasking = true;
  constructor(config: ReLUConfig) {
    super(config);
    finiteOption('reLU', 'maxValue', config.maxValue);
    if (config.maxValue !== undefined && config.maxValue < 0) throw new Error(`reLU: maxValue must be >= 0, got ${config.maxValue}`);
  }
  call(x: Tensor): Tensor {
    const y = relu(x);
    return this.config.maxValue === undefined ? y : minimum(y, this.config.maxValue);
  }
}

export interface ThresholdedReLUConfig extends LayerArgs {
  /** The threshold (default 1). */
  theta?: number;
}

/** x where x > θ, else 0 (Keras's and tfjs's ThresholdedReLU). */
export class ThresholdedReLU extends Layer<ThresholdedReLUConfig> {
  readonly className = 'ThresholdedReLU';
  override readonly supportsMasking = true;
  constructor(config: ThresholdedReLUConfig) {
    super(config);
    finiteOption('thresholdedReLU', 'theta', config.theta);
  }
  call(x: Tensor): Tensor {
    return mul(x, greater(x, this.config.theta ?? 1));
  }
}

export interface SoftmaxConfig extends LayerArgs {
  /** The axis normalized; default −1 (the last). */
  axis?: number;
}

/** Softmax as its own layer, over one axis (tfjs's and Keras's Softmax layer). */
export class Softmax extends Layer<SoftmaxConfig> {
  readonly className = 'Softmax';
  override readonly supportsMasking = true;
  constructor(config: SoftmaxConfig) {
    super(config);
    if (config.axis !== undefined && !Number.isInteger(config.axis)) throw new Error(`softmax: axis must be an integer, got ${String(config.axis)}`);
  }
  call(x: Tensor): Tensor {
    return softmax(x, this.config.axis ?? -1);
  }
}

export interface DropoutConfig extends LayerArgs {
  /** Fraction of inputs to zero during training, in [0, 1). */
  rate: number;
  /** A seed of its own; otherwise the context's generator. */
  seed?: number;
}

/**
 * Inverted dropout: in training, zeroes each input with probability `rate` and scales the
 * rest by 1/(1 − rate), so inference needs no change. Outside training it is the identity.
 */
export class Dropout extends Layer<DropoutConfig> {
  readonly className = 'Dropout';
  override readonly supportsMasking = true;
  private readonly rng: Rng | null;
  constructor(config: DropoutConfig) {
    super(config);
    if (!(config.rate >= 0 && config.rate < 1)) throw new Error(`dropout: rate must be in [0, 1), got ${config.rate}`);
    this.rng = config.seed === undefined ? null : new Rng(config.seed);
  }
  call(x: Tensor, options: CallOptions): Tensor {
    const rate = this.config.rate;
    if (!(options.training ?? false) || rate === 0) return x;
    const u = randomUniform(x.shape, 0, 1, { rng: this.rng ?? getContext().rng });
    return mul(x, dropoutMask(u, rate));
  }
}

export interface MaskingConfig extends LayerArgs {
  /** The value that marks a padding step when every feature of the step equals it (default 0). */
  maskValue?: number;
}

/**
 * Keras's Masking: a step of a sequence [batch, steps, features] whose features all equal
 * `maskValue` is padding. Its output is the input with those steps zeroed, and a mask that the
 * recurrent layers after it use to skip them.
 */
export class Masking extends Layer<MaskingConfig> {
  readonly className = 'Masking';
  constructor(config: MaskingConfig = {}) {
    super(config);
    finiteOption('masking', 'maskValue', config.maskValue);
  }
  /** 1 where any feature of the step differs from maskValue: [batch, steps]. */
  private keep(x: Tensor): Tensor {
    return max(notEqual(x, this.config.maskValue ?? 0), -1);
  }
  call(x: Tensor): Tensor {
    return mul(x, expandDims(this.keep(x), -1));
  }
  override computeMask(x: Tensor | Tensor[]): Tensor {
    return this.keep(x as Tensor);
  }
}

export interface RescalingConfig extends LayerArgs {
  /** Multiplies the inputs. */
  scale: number;
  /** Added after scaling (default 0). */
  offset?: number;
}

/**
 * x·scale + offset (Keras and TensorFlow.js `Rescaling`): input preprocessing kept inside the
 * model, so a saved model takes raw data. `rescaling({scale: 1/255})` maps pixels to [0, 1];
 * `{scale: 1/σ, offset: −μ/σ}` standardizes with a mean and deviation measured on the training set.
 */
export class Rescaling extends Layer<RescalingConfig> {
  readonly className = 'Rescaling';
  override readonly supportsMasking = true;
  constructor(config: RescalingConfig) {
    super(config);
    for (const key of ['scale', 'offset'] as const) finiteOption('rescaling', key, config[key]);
    if (config.scale === undefined) throw new Error('rescaling: scale is required (e.g. {scale: 1/255})');
  }
  get scale(): number {
    return this.config.scale;
  }
  get offset(): number {
    return this.config.offset ?? 0;
  }
  call(x: Tensor): Tensor {
    return add(mul(x, this.scale), this.offset);
  }
}

export interface InputConfig {
  /** Shape without the batch axis (or give `batchShape`). */
  shape?: ReadonlyArray<number | null> | number;
  /** Shape with the batch axis, which may be null (tfjs `batchShape`). */
  batchShape?: ReadonlyArray<number | null>;
  /** tfjs's `inputLayer` spelling of `shape`. */
  inputShape?: ReadonlyArray<number | null> | number;
  /** tfjs's `inputLayer` spelling of `batchShape`. */
  batchInputShape?: ReadonlyArray<number | null>;
  batchSize?: number;
  name?: string;
  /** Only 'float32' (tfjs accepts the key). */
  dtype?: 'float32';
  /** Only false (tfjs accepts the key). */
  sparse?: false;
}

/**
 * Declares a model's input shape; computes nothing. `layers.inputLayer({inputShape})` makes one
 * (tfjs), as does `input({shape})` behind the symbolic tensor it returns.
 */
export class InputLayer extends Layer<LayerArgs> {
  readonly className = 'InputLayer';
  constructor(config: InputConfig) {
    const c = kerasKeys(config);
    const given = (['shape', 'inputShape', 'batchShape', 'batchInputShape'] as const).filter((k) => c[k] !== undefined);
    if (given.length !== 1) {
      throw new Error(`input: give exactly one of shape (without the batch axis; inputShape in tfjs's inputLayer) and batchShape (with it; batchInputShape), got ${given.length === 0 ? 'none' : given.join(' and ')}`);
    }
    if (c.dtype !== undefined && c.dtype !== 'float32') throw new Error(`input: dtype must be 'float32', got ${JSON.stringify(c.dtype)}`);
    if (c.sparse !== undefined && c.sparse !== false) throw new Error(`input: sparse inputs are not supported, got sparse: ${JSON.stringify(c.sparse)}`);
    const shape = c.shape ?? c.inputShape;
    const batchShape = c.batchShape ?? c.batchInputShape;
    // A shape may hold null (any length: a sequence's time axis), so it becomes the batch shape.
    super({
      batchInputShape: shape === undefined ? batchShape! : [c.batchSize ?? null, ...(typeof shape === 'number' ? [shape] : shape)],
      ...(c.name === undefined ? {} : { name: c.name }),
    });
  }
  call(x: Tensor): Tensor {
    return x;
  }
}

/**
 * A symbolic input of the given shape (tfjs `tf.input` and `tf.layers.input`, Keras
 * `keras.Input`): where a functional model starts; a Sequential also takes one as its first
 * layer, as Keras's does.
 */
export function input(config: InputConfig): SymbolicTensor {
  return symbolicInput(new InputLayer(config));
}

/** The symbolic tensor an input layer gives: its node, made on first use (a Sequential's explicit input layer, whose `output` is its `inputs[0]`). */
export function symbolicInput(layer: InputLayer): SymbolicTensor {
  if (layer.inboundNodes.length === 0) {
    layer.inboundNodes.push(new Node(layer, [], [layer.batchInputShape!]));
    layer.built = true;
  }
  return layer.inboundNodes[0]!.outputs[0]!;
}

/** The input layer behind `x` when `x` is what `input()` returned; otherwise null. */
export function inputLayerOf(x: unknown): InputLayer | null {
  return x instanceof SymbolicTensor && x.node.layer instanceof InputLayer && x.node.inputs.length === 0 ? x.node.layer : null;
}
