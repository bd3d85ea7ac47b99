/**
 * Adamax (Keras): m ← m + (g − m)(1 − β₁); u ← max(β₂u, |g|); w ← w − η·m / ((1 − β₁ᵗ)(u + ε)).
 * Defaults: η = 0.001, β₁ = 0.9, β₂ = 0.999, ε = 1e-7.
 */
import type { Buf } from '../tensor/tensor.js';
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
    this.beta1 = options.beta1 ?? 0.9;
    this.beta2 = options.beta2 ?? 0.999;
    this.epsilon = options.epsilon ?? 1e-7;
  }

  protected update(p: Buf, g: Buf, slots: Float32Array[], lr: number, t: number): void {
    const [m, u] = slots as [Float32Array, Float32Array];
    const b1 = this.beta1;
    const corr = 1 - b1 ** t;
    for (let i = 0; i < p.length; i++) {
      const gi = g[i]!;
      m[i] = m[i]! + (gi - m[i]!) * (1 - b1);
      u[i] = Math.max(this.beta2 * u[i]!, Math.abs(gi));
      p[i] = p[i]! - (lr * m[i]!) / (corr * (u[i]! + this.epsilon));
    }
  }

  override getConfig(): Record<string, unknown> {
    return { ...super.getConfig(), beta1: this.beta1, beta2: this.beta2, epsilon: this.epsilon };
  }
}
