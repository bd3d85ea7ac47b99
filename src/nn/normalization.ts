/**
 * Layer normalization (Ba et al. 2016): y = γ·(x − μ)/√(σ² + ε) + β, with μ and σ² (biased) over
 * `axis` of each sample, so it behaves alike in training and inference. γ and β have the shape
 * of the normalized axes. And PReLU, whose slope for x < 0 is learned.
 */
import { add, div, mul, sqrt, square, sub } from '../ops/elementwise.js';
import { relu } from '../ops/activations.js';
import { reshape } from '../ops/layout.js';
import { mean } from '../ops/reduce.js';
import { normalizeAxis } from '../tensor/shape.js';
import type { Tensor } from '../tensor/tensor.js';
import type { InitializerIdentifier } from './initializers.js';
import { Layer, type LayerArgs, type SymbolicShape, formatShape } from './layer.js';
import type { RegularizerIdentifier } from './regularizers.js';
import type { ConstraintIdentifier } from './constraints.js';

export interface LayerNormalizationConfig extends LayerArgs {
  /** The axis or axes normalized (default −1, the last). */
  axis?: number | number[];
  /** Added to the variance (default 0.001). */
  epsilon?: number;
  center?: boolean;
  scale?: boolean;
  betaInitializer?: InitializerIdentifier;
  gammaInitializer?: InitializerIdentifier;
  betaRegularizer?: RegularizerIdentifier;
  /** Applied after each update (Keras's beta_constraint). */
  betaConstraint?: ConstraintIdentifier | null;
  gammaRegularizer?: RegularizerIdentifier;
  /** Applied after each update (Keras's gamma_constraint). */
  gammaConstraint?: ConstraintIdentifier | null;
}

export class LayerNormalization extends Layer<LayerNormalizationConfig> {
  readonly className = 'LayerNormalization';
  override readonly supportsMasking = true;
  gamma: Tensor | null = null;
  beta: Tensor | null = null;
  private axes: number[] = [];

  constructor(config: LayerNormalizationConfig = {}) {
    super(config);
    const c = this.config;
    if (c.epsilon !== undefined && !(typeof c.epsilon === 'number' && c.epsilon > 0 && Number.isFinite(c.epsilon))) throw new Error(`layerNormalization: epsilon must be a positive number, got ${String(c.epsilon)}`);
    const axes = c.axis === undefined ? [-1] : Array.isArray(c.axis) ? c.axis : [c.axis];
    if (axes.length === 0 || axes.some((a) => !Number.isInteger(a))) throw new Error(`layerNormalization: axis must be an integer or a non-empty list of them, got ${JSON.stringify(c.axis)}`);
  }

  override build(inputShape: SymbolicShape): void {
    const c = this.config;
    const rank = inputShape.length;
    const given = c.axis === undefined ? [-1] : Array.isArray(c.axis) ? c.axis : [c.axis];
    this.axes = [...new Set(given.map((a) => normalizeAxis(a, rank, 'layerNormalization')))].sort((a, b) => a - b);
    if (this.axes.includes(0)) throw new Error(`layerNormalization: axis ${JSON.stringify(c.axis)} includes the batch axis of input shape ${formatShape(inputShape)}`);
    const dims = this.axes.map((a) => inputShape[a]);
    if (dims.some((d) => d === null || d === undefined)) throw new Error(`layerNormalization: the normalized axes of input shape ${formatShape(inputShape)} must be known`);
    const shape = dims as number[];
    if (c.scale ?? true) this.gamma = this.addWeight('gamma', shape, c.gammaInitializer ?? 'ones', { regularizer: c.gammaRegularizer, constraint: c.gammaConstraint });
    if (c.center ?? true) this.beta = this.addWeight('beta', shape, c.betaInitializer ?? 'zeros', { regularizer: c.betaRegularizer, constraint: c.betaConstraint });
    this.built = true;
  }

  call(x: Tensor): Tensor {
    const eps = this.config.epsilon ?? 1e-3;
    const mu = mean(x, this.axes, true);
    const centred = sub(x, mu);
    const variance = mean(square(centred), this.axes, true);
    let y = div(centred, sqrt(add(variance, eps)));
    const bshape = x.shape.map((d, i) => (this.axes.includes(i) ? d : 1));
    if (this.gamma !== null) y = mul(y, reshape(this.gamma, bshape));
    if (this.beta !== null) y = add(y, reshape(this.beta, bshape));
    return y;
  }
}

export interface PReLUConfig extends LayerArgs {
  /** Initial slopes (default zeros: the layer starts as ReLU). */
  alphaInitializer?: InitializerIdentifier;
  alphaRegularizer?: RegularizerIdentifier;
  /** Applied after each update (Keras's alpha_constraint). */
  alphaConstraint?: ConstraintIdentifier | null;
  /** Axes (1-based, as Keras: 1 is the first after the batch) along which one slope is shared. */
  sharedAxes?: number | number[];
}

/** Parametric ReLU (He et al. 2015): max(x, 0) + α·min(x, 0), α learned per unit (shared along `sharedAxes`). */
export class PReLU extends Layer<PReLUConfig> {
  readonly className = 'PReLU';
  override readonly supportsMasking = true;
  alpha: Tensor | null = null;

  override build(inputShape: SymbolicShape): void {
    const c = this.config;
    const shared = c.sharedAxes === undefined ? [] : Array.isArray(c.sharedAxes) ? c.sharedAxes : [c.sharedAxes];
    for (const a of shared) {
      if (!Number.isInteger(a) || a < 1 || a >= inputShape.length) throw new Error(`prelu: sharedAxes must be axes 1..${inputShape.length - 1} of input shape ${formatShape(inputShape)}, got ${JSON.stringify(c.sharedAxes)}`);
    }
    const shape = inputShape.slice(1).map((d, i) => (shared.includes(i + 1) ? 1 : d));
    if (shape.some((d) => d === null)) throw new Error(`prelu: input shape ${formatShape(inputShape)} must be known on every axis that is not shared`);
    this.alpha = this.addWeight('alpha', shape as number[], c.alphaInitializer ?? 'zeros', { regularizer: c.alphaRegularizer, constraint: c.alphaConstraint });
    this.built = true;
  }

  call(x: Tensor): Tensor {
    // relu(x) + α·(x − |x|)/2 = relu(x) − α·relu(−x)
    return sub(relu(x), mul(this.alpha!, relu(mul(x, -1))));
  }
}
