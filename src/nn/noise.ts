/**
 * Regularization layers that add noise in training and are the identity at inference:
 * GaussianNoise, GaussianDropout, AlphaDropout, SpatialDropout1D (Keras's and tfjs's names and
 * configs). Each draws from its own seeded generator when given `seed`, else the context's.
 */
import { getContext } from '../context/context.js';
import { randomNormal, randomUniform } from '../ops/creation.js';
import { add, greaterEqual, mul, sub } from '../ops/elementwise.js';
import { dropoutMask } from '../ops/extended.js';
import { Rng } from '../tensor/random.js';
import type { Tensor } from '../tensor/tensor.js';
import { type CallOptions, Layer, type LayerArgs, type SymbolicShape, formatShape } from './layer.js';

function rateOption(layer: string, rate: unknown): void {
  if (typeof rate !== 'number' || !(rate >= 0 && rate < 1)) throw new Error(`${layer}: rate must be a number in [0, 1), got ${String(rate)}`);
}

abstract class NoiseLayer<C extends LayerArgs & { seed?: number }> extends Layer<C> {
  override readonly supportsMasking = true;
  private readonly ownRng: Rng | null;
  constructor(config: C) {
    super(config);
    if (config.seed !== undefined && !Number.isInteger(config.seed)) throw new Error(`${this.constructor.name}: seed must be an integer, got ${String(config.seed)}`);
    this.ownRng = config.seed === undefined ? null : new Rng(config.seed);
  }
  protected get rng(): Rng {
    return this.ownRng ?? getContext().rng;
  }
  call(x: Tensor, options: CallOptions): Tensor {
    return options.training ?? false ? this.noisy(x) : x;
  }
  protected abstract noisy(x: Tensor): Tensor;
}

export interface GaussianNoiseConfig extends LayerArgs {
  /** Standard deviation of the noise added. */
  stddev: number;
  seed?: number;
}

/** In training, x + N(0, stddev²) noise, elementwise. */
export class GaussianNoise extends NoiseLayer<GaussianNoiseConfig> {
  readonly className = 'GaussianNoise';
  constructor(config: GaussianNoiseConfig) {
    super(config);
    if (typeof config.stddev !== 'number' || !(config.stddev >= 0 && Number.isFinite(config.stddev))) throw new Error(`gaussianNoise: stddev must be a number >= 0, got ${String(config.stddev)}`);
  }
  protected noisy(x: Tensor): Tensor {
    return add(x, randomNormal(x.shape, 0, this.config.stddev, { rng: this.rng }));
  }
}

export interface RateConfig extends LayerArgs {
  /** Drop probability, in [0, 1). */
  rate: number;
  seed?: number;
}

/** A noise layer driven by a drop rate in [0, 1); rate 0 is the identity. */
abstract class RateLayer<C extends RateConfig> extends NoiseLayer<C> {
  constructor(config: C, factory: string) {
    super(config);
    rateOption(factory, config.rate);
  }
  override call(x: Tensor, options: CallOptions): Tensor {
    return this.config.rate === 0 ? x : super.call(x, options);
  }
}

/** In training, x · N(1, rate/(1 − rate)) noise, elementwise (multiplicative, mean 1). */
export class GaussianDropout extends RateLayer<RateConfig> {
  readonly className = 'GaussianDropout';
  constructor(config: RateConfig) {
    super(config, 'gaussianDropout');
  }
  protected noisy(x: Tensor): Tensor {
    const r = this.config.rate;
    return mul(x, randomNormal(x.shape, 1, Math.sqrt(r / (1 - r)), { rng: this.rng }));
  }
}

/** −λα of SELU: where AlphaDropout sets the dropped inputs. */
const ALPHA_P = -1.6732632423543772 * 1.0507009873554805;

export interface AlphaDropoutConfig extends RateConfig {
  /** Shape of the keep mask (broadcast over the input); the input's shape by default. */
  noiseShape?: number[];
}

/**
 * Dropout for SELU networks (Klambauer et al. 2017): in training, a dropped input becomes
 * α' = −λα, then a·x + b restores the mean and variance: with keep probability q = 1 − rate,
 * a = (q(1 + rate·α'²))^(−1/2), b = −a·α'·rate.
 */
export class AlphaDropout extends RateLayer<AlphaDropoutConfig> {
  readonly className = 'AlphaDropout';
  constructor(config: AlphaDropoutConfig) {
    super(config, 'alphaDropout');
  }
  protected noisy(x: Tensor): Tensor {
    const r = this.config.rate;
    const kept = greaterEqual(randomUniform(this.config.noiseShape ?? x.shape, 0, 1, { rng: this.rng }), r);
    const a = ((1 - r) * (1 + r * ALPHA_P * ALPHA_P)) ** -0.5;
    const b = -a * ALPHA_P * r;
    // x·kept + α'(1 − kept), then a·(…) + b
    const dropped = add(mul(x, kept), mul(sub(1, kept), ALPHA_P));
    return add(mul(dropped, a), b);
  }
}

/** Dropout of whole channels of a sequence [batch, steps, channels]: one draw per (sample, channel). */
export class SpatialDropout1D extends RateLayer<RateConfig> {
  readonly className = 'SpatialDropout1D';
  constructor(config: RateConfig) {
    super(config, 'spatialDropout1d');
  }
  override computeOutputShape(s: SymbolicShape): SymbolicShape {
    if (s.length !== 3) throw new Error(`spatialDropout1d: expected input [batch, steps, channels], got ${formatShape(s)}`);
    return s;
  }
  protected noisy(x: Tensor): Tensor {
    const r = this.config.rate;
    if (x.rank !== 3) throw new Error(`spatialDropout1d: expected input [batch, steps, channels], got [${x.shape.join(', ')}]`);
    const u = randomUniform([x.shape[0]!, 1, x.shape[2]!], 0, 1, { rng: this.rng });
    return mul(x, dropoutMask(u, r));
  }
}
