/**
 * Adagrad (Keras): a ← a + g²; w ← w − η·g/√(a + ε). Defaults: η = 0.001, a₀ = 0.1, ε = 1e-7.
 */
import type { Buf } from '../tensor/tensor.js';
import { getContext } from '../context/context.js';
import { Optimizer, type OptimizerOptions } from './optimizer.js';

export interface AdagradOptions extends OptimizerOptions {
  initialAccumulatorValue?: number;
  epsilon?: number;
}

export class Adagrad extends Optimizer {
  readonly className = 'Adagrad';
  readonly initialAccumulatorValue: number;
  readonly epsilon: number;
  protected readonly slotNames = ['accumulator'] as const;

  constructor(options: AdagradOptions = {}) {
    super(options, 0.001);
    this.initialAccumulatorValue = this.option('initialAccumulatorValue', options.initialAccumulatorValue, 0.1, (v) => v >= 0, 'a number ≥ 0');
    this.epsilon = this.option('epsilon', options.epsilon, 1e-7, (v) => v > 0, 'a positive number');
  }

  protected override slotInit(): number {
    return this.initialAccumulatorValue;
  }

  protected applyStep(p: Buf, g: Buf, slots: Float32Array[], s: ArrayLike<number>): void {
    getContext().backend.kernels.adagradUpdate(p, g, slots[0]!, p.length, s[0]!, this.epsilon);
  }


  override getConfig(): Record<string, unknown> {
    return { ...super.getConfig(), initialAccumulatorValue: this.initialAccumulatorValue, epsilon: this.epsilon };
  }
}
