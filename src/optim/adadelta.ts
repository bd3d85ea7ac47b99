/**
 * Adadelta (Keras): E[g²] ← ρE[g²] + (1 − ρ)g²; Δ = −√(E[Δ²] + ε)/√(E[g²] + ε)·g;
 * E[Δ²] ← ρE[Δ²] + (1 − ρ)Δ²; w ← w + η·Δ. Defaults: η = 0.001, ρ = 0.95, ε = 1e-7.
 */
import type { Buf } from '../tensor/tensor.js';
import { Optimizer, type OptimizerOptions } from './optimizer.js';

export interface AdadeltaOptions extends OptimizerOptions {
  rho?: number;
  epsilon?: number;
}

export class Adadelta extends Optimizer {
  readonly className = 'Adadelta';
  readonly rho: number;
  readonly epsilon: number;
  protected readonly slotNames = ['accumulatedGrad', 'accumulatedDelta'] as const;

  constructor(options: AdadeltaOptions = {}) {
    super(options, 0.001);
    this.rho = options.rho ?? 0.95;
    this.epsilon = options.epsilon ?? 1e-7;
  }

  protected update(p: Buf, g: Buf, slots: Float32Array[], lr: number): void {
    const [eg, ed] = slots as [Float32Array, Float32Array];
    const rho = this.rho;
    const eps = this.epsilon;
    for (let i = 0; i < p.length; i++) {
      const gi = g[i]!;
      eg[i] = rho * eg[i]! + (1 - rho) * gi * gi;
      const delta = (-Math.sqrt(ed[i]! + eps) / Math.sqrt(eg[i]! + eps)) * gi;
      ed[i] = rho * ed[i]! + (1 - rho) * delta * delta;
      p[i] = p[i]! + lr * delta;
    }
  }

  override getConfig(): Record<string, unknown> {
    return { ...super.getConfig(), rho: this.rho, epsilon: this.epsilon };
  }
}
