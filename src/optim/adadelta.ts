/**
 * Adadelta (Keras): E[g²] ← ρE[g²] + (1 − ρ)g²; Δ = −√(E[Δ²] + ε)/√(E[g²] + ε)·g;
 * E[Δ²] ← ρE[Δ²] + (1 − ρ)Δ²; w ← w + η·Δ. Defaults: η = 0.001, ρ = 0.95, ε = 1e-7.
 */
import type { Buf } from '../tensor/tensor.js';
import { getContext } from '../context/context.js';
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
    this.rho = this.option('rho', options.rho, 0.95, (v) => v >= 0 && v < 1, 'in [0, 1)');
    this.epsilon = this.option('epsilon', options.epsilon, 1e-7, (v) => v > 0, 'a positive number');
  }

  protected applyStep(p: Buf, g: Buf, slots: Float32Array[], s: ArrayLike<number>): void {
    getContext().backend.kernels.adadeltaUpdate(p, g, slots[0]!, slots[1]!, p.length, s[0]!, this.rho, this.epsilon);
  }


  override getConfig(): Record<string, unknown> {
    return { ...super.getConfig(), rho: this.rho, epsilon: this.epsilon };
  }
}
