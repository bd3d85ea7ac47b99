/**
 * RMSprop (Keras): s ← ρs + (1 − ρ)g²; centered: ḡ ← ρḡ + (1 − ρ)g, d = s − ḡ² + ε, else
 * d = s + ε; Δ = η·g/√d; with momentum μ: m ← μm + Δ, w ← w − m, else w ← w − Δ.
 * Defaults: η = 0.001, ρ = 0.9, μ = 0, ε = 1e-7.
 */
import type { Buf } from '../tensor/tensor.js';
import { getContext } from '../context/context.js';
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
    this.rho = this.option('rho', options.rho, 0.9, (v) => v >= 0 && v < 1, 'in [0, 1)');
    this.momentum = this.option('momentum', options.momentum, 0, (v) => v >= 0 && v < 1, 'in [0, 1)');
    this.epsilon = this.option('epsilon', options.epsilon, 1e-7, (v) => v > 0, 'a positive number');
    this.centered = options.centered ?? false;
  }

  protected applyStep(p: Buf, g: Buf, slots: Float32Array[], step: ArrayLike<number>): void {
    const [s, m, avg] = slots as [Float32Array, Float32Array, Float32Array];
    getContext().backend.kernels.rmspropUpdate(p, g, s, m, avg, p.length, step[0]!, this.rho, this.momentum, this.epsilon, this.centered);
  }

  override getConfig(): Record<string, unknown> {
    return { ...super.getConfig(), rho: this.rho, momentum: this.momentum, epsilon: this.epsilon, centered: this.centered };
  }
}
