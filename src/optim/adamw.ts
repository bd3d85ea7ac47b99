/**
 * AdamW (Keras): decoupled weight decay w ← w − η·λ·w, then the Adam step. Default λ = 0.004.
 */
import type { Buf } from '../tensor/tensor.js';
import { getContext } from '../context/context.js';
import { Adam, type AdamOptions } from './adam.js';

export interface AdamWOptions extends AdamOptions {
  weightDecay?: number;
}

export class AdamW extends Adam {
  override readonly className = 'AdamW';
  readonly weightDecay: number;

  constructor(options: AdamWOptions = {}) {
    super(options);
    this.weightDecay = this.option('weightDecay', options.weightDecay, 0.004, (v) => v >= 0, 'a number ≥ 0');
  }

  protected override update(p: Buf, g: Buf, slots: Float32Array[], lr: number, t: number): void {
    getContext().backend.kernels.scaleUpdate(p, p.length, 1 - lr * this.weightDecay);
    super.update(p, g, slots, lr, t);
  }

  override getConfig(): Record<string, unknown> {
    return { ...super.getConfig(), weightDecay: this.weightDecay };
  }
}
