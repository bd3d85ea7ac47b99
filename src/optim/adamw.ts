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

  override get stepScalarCount(): number {
    return 3;
  }

  /** Adam's α and ε̂, then the decay factor 1 − η·λ. */
  protected override writeStepScalars(lr: number, t: number, out: Float64Array): void {
    super.writeStepScalars(lr, t, out);
    out[2] = 1 - lr * this.weightDecay;
  }

  protected override applyStep(p: Buf, g: Buf, slots: Float32Array[], s: ArrayLike<number>): void {
    getContext().backend.kernels.scaleUpdate(p, p.length, s[2]!);
    super.applyStep(p, g, slots, s);
  }

  override getConfig(): Record<string, unknown> {
    return { ...super.getConfig(), weightDecay: this.weightDecay };
  }
}
