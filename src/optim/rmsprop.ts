/**
 * RMSprop (Keras): s ← ρs + (1 − ρ)g²; centered: ḡ ← ρḡ + (1 − ρ)g, d = s − ḡ² + ε, else
 * d = s + ε; Δ = η·g/√d; with momentum μ: m ← μm + Δ, w ← w − m, else w ← w − Δ.
 * Defaults: η = 0.001, ρ = 0.9, μ = 0, ε = 1e-7.
 */
import type { Buf } from '../tensor/tensor.js';
import { Optimizer, type OptimizerOptions } from './optimizer.js';

export interface RMSpropOptions extends OptimizerOptions {
  rho?: number;
  momentum?: number;
  epsilon?: number;
  centered?: boolean;
}

export class RMSprop extends Optimizer {
  readonly className = 'RMSprop';
  readonly rho: number;
  readonly momentum: number;
  readonly epsilon: number;
  readonly centered: boolean;
  protected readonly slotNames = ['velocity', 'momentum', 'averageGradient'] as const;

  constructor(options: RMSpropOptions = {}) {
    super(options, 0.001);
    this.rho = options.rho ?? 0.9;
    this.momentum = options.momentum ?? 0;
    this.epsilon = options.epsilon ?? 1e-7;
    this.centered = options.centered ?? false;
  }

  protected update(p: Buf, g: Buf, slots: Float32Array[], lr: number): void {
    const [s, m, avg] = slots as [Float32Array, Float32Array, Float32Array];
    const rho = this.rho;
    for (let i = 0; i < p.length; i++) {
      const gi = g[i]!;
      s[i] = rho * s[i]! + (1 - rho) * gi * gi;
      let d = s[i]! + this.epsilon;
      if (this.centered) {
        avg[i] = rho * avg[i]! + (1 - rho) * gi;
        d -= avg[i]! * avg[i]!;
      }
      const inc = (lr * gi) / Math.sqrt(d);
      if (this.momentum > 0) {
        m[i] = this.momentum * m[i]! + inc;
        p[i] = p[i]! - m[i]!;
      } else p[i] = p[i]! - inc;
    }
  }

  override getConfig(): Record<string, unknown> {
    return { ...super.getConfig(), rho: this.rho, momentum: this.momentum, epsilon: this.epsilon, centered: this.centered };
  }
}
