/**
 * Adamax (Keras): m ← m + (g − m)(1 − β₁); u ← max(β₂u, |g|); w ← w − η·m / ((1 − β₁ᵗ)(u + ε)).
 * Defaults: η = 0.001, β₁ = 0.9, β₂ = 0.999, ε = 1e-7.
 */
import type { Buf } from '../tensor/tensor.js';
import { getContext } from '../context/context.js';
import { Optimizer, type OptimizerOptions } from './optimizer.js';

export interface AdamaxOptions extends OptimizerOptions {
  beta1?: number;
  beta2?: number;
  epsilon?: number;
}

export class Adamax extends Optimizer {
  readonly className = 'Adamax';
  readonly beta1: number;
  readonly beta2: number;
  readonly epsilon: number;
  protected readonly slotNames = ['m', 'u'] as const;

  constructor(options: AdamaxOptions = {}) {
    super(options, 0.001);
    this.beta1 = this.option('beta1', options.beta1, 0.9, (v) => v >= 0 && v < 1, 'in [0, 1)');
    this.beta2 = this.option('beta2', options.beta2, 0.999, (v) => v >= 0 && v < 1, 'in [0, 1)');
    this.epsilon = this.option('epsilon', options.epsilon, 1e-7, (v) => v > 0, 'a positive number');
  }

  override get stepScalarCount(): number {
    return 2;
  }

  /** The learning rate and the bias correction 1 − β₁ᵗ. */
  protected override writeStepScalars(lr: number, t: number, out: Float64Array): void {
    out[0] = lr;
    out[1] = 1 - this.beta1 ** t;
  }

  protected applyStep(p: Buf, g: Buf, slots: Float32Array[], s: ArrayLike<number>): void {
    getContext().backend.kernels.adamaxUpdate(p, g, slots[0]!, slots[1]!, p.length, s[0]!, this.beta1, this.beta2, this.epsilon, s[1]!);
  }


  override getConfig(): Record<string, unknown> {
    return { ...super.getConfig(), beta1: this.beta1, beta2: this.beta2, epsilon: this.epsilon };
  }
}
