/**
 * Rosenblatt's perceptron, as in the notes: output 1 if Σ wⱼxⱼ > threshold, else 0, trained by
 * the perceptron rule w ← w + η(y − ŷ)x, b ← b + η(y − ŷ) (with b = −threshold). It needs no
 * gradient, so it trains the step activation that gradient descent cannot. It converges on
 * linearly separable data (AND, OR) and reports failure after its epoch budget otherwise (XOR).
 */
import { tensor } from '../ops/creation.js';
import { fmt } from '../tensor/shape.js';
import type { Tensor } from '../tensor/tensor.js';

export interface PerceptronOptions {
  /** Number of inputs. */
  inputDim: number;
  /** η (default 1). */
  learningRate?: number;
  /** Initial threshold (default 0); learned as the negated bias. */
  threshold?: number;
}

export interface PerceptronResult {
  /** True when an epoch made no mistakes. */
  converged: boolean;
  /** Epochs run. */
  epochs: number;
  /** Mistakes per epoch. */
  errors: number[];
}

export class Perceptron {
  readonly weights: Float64Array;
  bias: number;
  private readonly lr: number;

  constructor(options: PerceptronOptions) {
    if (!Number.isInteger(options.inputDim) || options.inputDim < 1) throw new Error(`perceptron: inputDim must be a positive integer, got ${options.inputDim}`);
    this.weights = new Float64Array(options.inputDim);
    this.bias = -(options.threshold ?? 0);
    this.lr = options.learningRate ?? 1;
  }

  get threshold(): number {
    return -this.bias;
  }

  private check(x: Tensor, op: string): [number, number] {
    const d = this.weights.length;
    if (x.rank !== 2 || x.shape[1] !== d) throw new Error(`perceptron.${op}: expected x of shape [n, ${d}], got ${fmt(x.shape)}`);
    return [x.shape[0]!, d];
  }

  private output(x: Tensor, row: number, d: number): number {
    let z = this.bias;
    for (let j = 0; j < d; j++) z += this.weights[j]! * x.values[row * d + j]!;
    return z > 0 ? 1 : 0;
  }

  /** 0/1 outputs, shape [n, 1]. */
  predict(x: Tensor): Tensor {
    const [n, d] = this.check(x, 'predict');
    return tensor(Float32Array.from({ length: n }, (_, i) => this.output(x, i, d)), [n, 1]);
  }

  /** Applies the perceptron rule sample by sample, in order, until an epoch has no mistakes. */
  fit(x: Tensor, y: Tensor, options: { epochs?: number } = {}): PerceptronResult {
    const [n, d] = this.check(x, 'fit');
    if (y.size !== n) throw new Error(`perceptron.fit: x has ${n} samples but y has ${y.size} values`);
    for (let i = 0; i < n; i++) {
      const v = y.values[i];
      if (v !== 0 && v !== 1) throw new Error(`perceptron.fit: targets must be 0 or 1; row ${i} is ${v}`);
    }
    const budget = options.epochs ?? 100;
    const errors: number[] = [];
    for (let e = 0; e < budget; e++) {
      let mistakes = 0;
      for (let i = 0; i < n; i++) {
        const delta = y.values[i]! - this.output(x, i, d);
        if (delta === 0) continue;
        mistakes++;
        for (let j = 0; j < d; j++) this.weights[j] = this.weights[j]! + this.lr * delta * x.values[i * d + j]!;
        this.bias += this.lr * delta;
      }
      errors.push(mistakes);
      if (mistakes === 0) return { converged: true, epochs: e + 1, errors };
    }
    return { converged: false, epochs: budget, errors };
  }
}

export function perceptron(options: PerceptronOptions): Perceptron {
  return new Perceptron(options);
}
