/**
 * Batch normalization: y = γ·(x − μ)/√(σ² + ε) + β over every axis but `axis`. In training μ, σ²
 * are the batch's (biased variance, as Keras 3) and the moving averages move toward them by
 * (1 − momentum); at inference the moving averages are used.
 */
import { noGrad } from '../context/context.js';
import { add, div, mul, sqrt, square, sub } from '../ops/elementwise.js';
import { assignValues, reshape } from '../ops/layout.js';
import { mean } from '../ops/reduce.js';
import { normalizeAxis } from '../tensor/shape.js';
import type { Tensor } from '../tensor/tensor.js';
import type { ConstraintIdentifier } from './constraints.js';
import type { InitializerIdentifier } from './initializers.js';
import { type CallOptions, Layer, type LayerArgs, type SymbolicShape, formatShape } from './layer.js';

export interface BatchNormalizationConfig extends LayerArgs {
  /** The feature axis (default −1). */
  axis?: number;
  /** Moving-average momentum (default 0.99). */
  momentum?: number;
  /** Added to the variance (default 0.001). */
  epsilon?: number;
  center?: boolean;
  scale?: boolean;
  betaInitializer?: InitializerIdentifier;
  gammaInitializer?: InitializerIdentifier;
  movingMeanInitializer?: InitializerIdentifier;
  movingVarianceInitializer?: InitializerIdentifier;
  /** Applied after each update (Keras's beta_constraint, gamma_constraint). */
  betaConstraint?: ConstraintIdentifier | null;
  gammaConstraint?: ConstraintIdentifier | null;
}

export class BatchNormalization extends Layer<BatchNormalizationConfig> {
  readonly className = 'BatchNormalization';
  override readonly supportsMasking = true;
  gamma: Tensor | null = null;
  beta: Tensor | null = null;
  movingMean: Tensor | null = null;
  movingVariance: Tensor | null = null;
  private axis = -1;
  private rank = 0;

  constructor(config: BatchNormalizationConfig = {}) {
    super(config);
    const c = this.config;
    if (c.epsilon !== undefined && !(c.epsilon > 0 && Number.isFinite(c.epsilon))) throw new Error(`batchNormalization: epsilon must be a positive number, got ${c.epsilon}`);
    if (c.momentum !== undefined && !(c.momentum >= 0 && c.momentum <= 1)) throw new Error(`batchNormalization: momentum must be in [0, 1], got ${c.momentum}`);
  }

  override build(inputShape: SymbolicShape): void {
    const c = this.config;
    this.rank = inputShape.length;
    this.axis = normalizeAxis(c.axis ?? -1, this.rank, 'batchNormalization');
    const dim = inputShape[this.axis];
    if (dim === null || dim === undefined) {
      throw new Error(`batchNormalization: axis ${c.axis ?? -1} of input shape ${formatShape(inputShape)} must be known`);
    }
    if (c.scale ?? true) this.gamma = this.addWeight('gamma', [dim], c.gammaInitializer ?? 'ones', { constraint: c.gammaConstraint });
    if (c.center ?? true) this.beta = this.addWeight('beta', [dim], c.betaInitializer ?? 'zeros', { constraint: c.betaConstraint });
    this.movingMean = this.addWeight('moving_mean', [dim], c.movingMeanInitializer ?? 'zeros', { trainable: false });
    this.movingVariance = this.addWeight('moving_variance', [dim], c.movingVarianceInitializer ?? 'ones', { trainable: false });
    this.built = true;
  }

  call(x: Tensor, options: CallOptions): Tensor {
    const c = this.config;
    const eps = c.epsilon ?? 1e-3;
    const reduceAxes = Array.from({ length: x.rank }, (_, i) => i).filter((i) => i !== this.axis);
    const bshape = x.shape.map((d, i) => (i === this.axis ? d : 1));
    const param = (t: Tensor): Tensor => reshape(t, bshape);
    let mu: Tensor;
    let variance: Tensor;
    if (options.training ?? false) {
      mu = mean(x, reduceAxes, true);
      variance = mean(square(sub(x, mu)), reduceAxes, true);
      const m = c.momentum ?? 0.99;
      noGrad(() => {
        assignValues(this.movingMean!, add(mul(this.movingMean!, m), mul(reshape(mu, [-1]), 1 - m)));
        assignValues(this.movingVariance!, add(mul(this.movingVariance!, m), mul(reshape(variance, [-1]), 1 - m)));
      });
    } else {
      mu = param(this.movingMean!);
      variance = param(this.movingVariance!);
    }
    let y = div(sub(x, mu), sqrt(add(variance, eps)));
    if (this.gamma !== null) y = mul(y, param(this.gamma));
    if (this.beta !== null) y = add(y, param(this.beta));
    return y;
  }
}
