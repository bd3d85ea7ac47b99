/**
 * Scalers fitted on training data and applied unchanged to test data (serializable, so they
 * travel with a saved model), a seeded train/test split, and mini-batch iteration.
 */
import { tensor } from '../ops/creation.js';
import { gather } from '../ops/layout.js';
import { Rng } from '../tensor/random.js';
import { fmt } from '../tensor/shape.js';
import type { Tensor } from '../tensor/tensor.js';

export interface ScalerJSON {
  kind: 'standard' | 'minmax';
  /** Per column: subtract `offset`, then divide by `scale`. */
  offset: number[];
  scale: number[];
}

/** Column-wise affine scaling x' = (x − offset) / scale. */
export class Scaler {
  constructor(readonly kind: ScalerJSON['kind'], readonly offset: Float64Array, readonly scale: Float64Array) {}

  /** Fits a scaler on the columns of a [n, d] tensor. */
  static fit(kind: ScalerJSON['kind'], x: Tensor): Scaler {
    if (x.rank !== 2) throw new Error(`${kind}Scaler.fit: expected a [samples, features] tensor, got shape ${fmt(x.shape)}`);
    const [n, d] = x.shape as [number, number];
    if (n === 0) throw new Error(`${kind}Scaler.fit: cannot fit on 0 samples`);
    const offset = new Float64Array(d);
    const scale = new Float64Array(d);
    for (let j = 0; j < d; j++) {
      let a = 0;
      let b = 0;
      if (kind === 'standard') {
        for (let i = 0; i < n; i++) a += x.values[i * d + j]!;
        a /= n;
        for (let i = 0; i < n; i++) b += (x.values[i * d + j]! - a) ** 2;
        b = Math.sqrt(b / n);
      } else {
        a = Infinity;
        let hi = -Infinity;
        for (let i = 0; i < n; i++) {
          a = Math.min(a, x.values[i * d + j]!);
          hi = Math.max(hi, x.values[i * d + j]!);
        }
        b = hi - a;
      }
      offset[j] = a;
      // A constant column maps to 0 instead of dividing by zero (as scikit-learn).
      scale[j] = b === 0 ? 1 : b;
    }
    return new Scaler(kind, offset, scale);
  }

  transform(x: Tensor): Tensor {
    const d = this.offset.length;
    if (x.rank !== 2 || x.shape[1] !== d) throw new Error(`${this.kind}Scaler.transform: expected [n, ${d}], got ${fmt(x.shape)}`);
    const out = new Float32Array(x.size);
    for (let i = 0; i < x.size; i++) out[i] = (x.values[i]! - this.offset[i % d]!) / this.scale[i % d]!;
    return tensor(out, x.shape);
  }

  inverseTransform(x: Tensor): Tensor {
    const d = this.offset.length;
    const out = new Float32Array(x.size);
    for (let i = 0; i < x.size; i++) out[i] = x.values[i]! * this.scale[i % d]! + this.offset[i % d]!;
    return tensor(out, x.shape);
  }

  toJSON(): ScalerJSON {
    return { kind: this.kind, offset: Array.from(this.offset), scale: Array.from(this.scale) };
  }

  static fromJSON(json: ScalerJSON): Scaler {
    if ((json.kind !== 'standard' && json.kind !== 'minmax') || !Array.isArray(json.offset) || !Array.isArray(json.scale) || json.offset.length !== json.scale.length) {
      throw new Error('Scaler.fromJSON: expected {kind: "standard" | "minmax", offset: number[], scale: number[]} of equal lengths');
    }
    return new Scaler(json.kind, Float64Array.from(json.offset), Float64Array.from(json.scale));
  }
}

/** Zero mean, unit variance per column (population standard deviation, as scikit-learn). */
export const standardScaler = (x: Tensor): Scaler => Scaler.fit('standard', x);
/** Each column mapped to [0, 1] by its training min and max. */
export const minMaxScaler = (x: Tensor): Scaler => Scaler.fit('minmax', x);

export interface SplitOptions {
  /** Fraction for the test set (default 0.25). */
  testSize?: number;
  /** Default true. */
  shuffle?: boolean;
  seed?: number;
  /**
   * Keep each class's share in both parts (scikit-learn's `stratify=y`): y holds class indices
   * [n] or one-hot rows [n, k]. Each class gives round(count · testSize) rows to the test part.
   */
  stratify?: boolean;
}

/** Each row's class: y as class indices [n], or one-hot rows [n, k] (the largest entry). */
function classIndices(y: Tensor, where: string): Int32Array {
  const n = y.shape[0] ?? 0;
  const out = new Int32Array(n);
  if (y.rank === 1) {
    for (let i = 0; i < n; i++) {
      const v = y.values[i]!;
      if (!Number.isInteger(v)) throw new Error(`${where}: stratify needs class indices or one-hot rows in y; row ${i} holds ${v}`);
      out[i] = v;
    }
    return out;
  }
  if (y.rank !== 2) throw new Error(`${where}: stratify needs y of shape [n] or [n, classes], got [${y.shape.join(', ')}]`);
  const k = y.shape[1]!;
  for (let i = 0; i < n; i++) {
    let best = 0;
    for (let c = 1; c < k; c++) if (y.values[i * k + c]! > y.values[i * k + best]!) best = c;
    out[i] = best;
  }
  return out;
}

/** Seeded split into train and test rows (same rows for x and y). */
export function trainTestSplit(x: Tensor, y: Tensor, o: SplitOptions = {}): { xTrain: Tensor; xTest: Tensor; yTrain: Tensor; yTest: Tensor } {
  const n = x.shape[0] ?? 0;
  if (y.shape[0] !== n) throw new Error(`trainTestSplit: x has ${n} samples but y has ${y.shape[0]}`);
  const testSize = o.testSize ?? 0.25;
  if (!(testSize > 0 && testSize < 1)) throw new Error(`trainTestSplit: testSize must be in (0, 1), got ${testSize}`);
  const order = o.shuffle ?? true ? new Rng(o.seed ?? 0).permutation(n) : Int32Array.from({ length: n }, (_, i) => i);
  let trainIdx: Int32Array;
  let testIdx: Int32Array;
  if (o.stratify) {
    const label = classIndices(y, 'trainTestSplit');
    const count = new Map<number, number>();
    for (const c of label) count.set(c, (count.get(c) ?? 0) + 1);
    const quota = new Map([...count].map(([c, k]) => [c, Math.round(k * testSize)]));
    const test: number[] = [];
    const train: number[] = [];
    for (const i of order) {
      const q = quota.get(label[i]!)!;
      if (q > 0) {
        quota.set(label[i]!, q - 1);
        test.push(i);
      } else train.push(i);
    }
    if (test.length === 0 || train.length === 0) throw new Error(`trainTestSplit: stratifying ${n} samples at testSize ${testSize} leaves ${test.length === 0 ? 'the test' : 'the train'} part empty`);
    trainIdx = Int32Array.from(train);
    testIdx = Int32Array.from(test);
  } else {
    const nTest = Math.max(1, Math.round(n * testSize));
    trainIdx = order.subarray(0, n - nTest);
    testIdx = order.subarray(n - nTest);
  }
  return { xTrain: gather(x, trainIdx), xTest: gather(x, testIdx), yTrain: gather(y, trainIdx), yTest: gather(y, testIdx) };
}

/**
 * Shuffled mini-batches: a permutation of indices per epoch and one gather per batch; the
 * dataset itself is never copied.
 */
export function* batches(x: Tensor, y: Tensor, o: { batchSize: number; shuffle?: boolean; rng?: Rng }): Generator<[Tensor, Tensor]> {
  const n = x.shape[0] ?? 0;
  if (!Number.isInteger(o.batchSize) || o.batchSize <= 0) throw new Error(`batches: batchSize must be a positive integer, got ${o.batchSize}`);
  const order = o.shuffle ?? true ? (o.rng ?? new Rng(0)).permutation(n) : Int32Array.from({ length: n }, (_, i) => i);
  for (let s = 0; s < n; s += o.batchSize) {
    const idx = order.subarray(s, Math.min(n, s + o.batchSize));
    yield [gather(x, idx), gather(y, idx)];
  }
}
