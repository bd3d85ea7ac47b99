/**
 * SGD (Keras): v ← μv − η·g; w ← w + v, or with Nesterov w ← w + μv − η·g. With μ = 0 this is
 * plain gradient descent, w ← w − η·g. Defaults: η = 0.01, μ = 0.
 */
import type { Buf } from '../tensor/tensor.js';
import { getContext } from '../context/context.js';
import { Optimizer, type OptimizerOptions } from './optimizer.js';

export interface SGDOptions extends OptimizerOptions {
  momentum?: number;
  nesterov?: boolean;
}

export class SGD extends Optimizer {
  readonly className = 'SGD';
  readonly momentum: number;
  readonly nesterov: boolean;
  protected readonly slotNames: readonly string[];

  constructor(options: SGDOptions = {}) {
    super(options, 0.01);
    this.momentum = this.option('momentum', options.momentum, 0, (v) => v >= 0 && v < 1, 'in [0, 1)');
    this.nesterov = options.nesterov ?? false;
    if (!(this.momentum >= 0 && this.momentum <= 1)) throw new Error(`SGD: momentum must be in [0, 1], got ${this.momentum}`);
    this.slotNames = this.momentum > 0 ? ['momentum'] : [];
  }

  protected applyStep(p: Buf, g: Buf, slots: Float32Array[], s: ArrayLike<number>): void {
    const mu = this.momentum;
    getContext().backend.kernels.sgdUpdate(p, g, mu === 0 ? null : slots[0]!, p.length, s[0]!, mu, this.nesterov);
  }

  override getConfig(): Record<string, unknown> {
    return { ...super.getConfig(), momentum: this.momentum, nesterov: this.nesterov };
  }
}
