/**
 * Metrics as stateful accumulators over an epoch, as in Keras: `reset`, `update` per batch,
 * `result`. Mean metrics average per-sample values; precision, recall and AUC accumulate
 * confusion counts so the epoch figure is exact, not an average of batch figures.
 */
import { noGrad } from '../context/context.js';
import { fmt } from '../tensor/shape.js';
import type { Tensor } from '../tensor/tensor.js';

export interface Metric {
  /** The key in logs and History (`accuracy`, `acc`, `precision`…). */
  readonly name: string;
  reset(): void;
  update(yTrue: Tensor, yPred: Tensor): void;
  result(): number;
}

/** Averages a per-sample score computed on raw values. */
export function meanMetric(name: string, score: (yTrue: Tensor, yPred: Tensor) => { sum: number; count: number }): Metric {
  let total = 0;
  let count = 0;
  return {
    name,
    reset() { total = 0; count = 0; },
    update(yTrue, yPred) {
      const s = noGrad(() => score(yTrue, yPred));
      total += s.sum;
      count += s.count;
    },
    result() { return count === 0 ? 0 : total / count; },
  };
}

function rows(t: Tensor): [number, number] {
  const width = t.rank === 0 ? 1 : t.shape[t.rank - 1]!;
  return [width === 0 ? 0 : t.size / width, width];
}

function argmaxRow(v: ArrayLike<number>, off: number, width: number): number {
  let best = 0;
  for (let j = 1; j < width; j++) if (v[off + j]! > v[off + best]!) best = j;
  return best;
}

/** Fraction of elements where (ŷ > threshold) equals y. */
export const binaryAccuracy = (name = 'binaryAccuracy', threshold = 0.5): Metric =>
  meanMetric(name, (t, p) => {
    if (t.size !== p.size) throw new Error(`${name}: yTrue shape ${fmt(t.shape)} does not match yPred shape ${fmt(p.shape)}`);
    let s = 0;
    for (let i = 0; i < p.size; i++) s += (p.values[i]! > threshold ? 1 : 0) === t.values[i] ? 1 : 0;
    return { sum: s, count: p.size };
  });

/** Fraction of rows whose argmax matches the one-hot target's argmax. */
export const categoricalAccuracy = (name = 'categoricalAccuracy'): Metric =>
  meanMetric(name, (t, p) => {
    const [n, w] = rows(p);
    let s = 0;
    for (let r = 0; r < n; r++) s += argmaxRow(p.values, r * w, w) === argmaxRow(t.values, r * w, w) ? 1 : 0;
    return { sum: s, count: n };
  });

/** Fraction of rows whose argmax equals the integer label. */
export const sparseCategoricalAccuracy = (name = 'sparseCategoricalAccuracy'): Metric =>
  meanMetric(name, (t, p) => {
    const [n, w] = rows(p);
    let s = 0;
    for (let r = 0; r < n; r++) s += argmaxRow(p.values, r * w, w) === t.values[r] ? 1 : 0;
    return { sum: s, count: n };
  });

export const meanSquaredErrorMetric = (name = 'mse'): Metric =>
  meanMetric(name, (t, p) => {
    let s = 0;
    for (let i = 0; i < p.size; i++) s += (t.values[i]! - p.values[i]!) ** 2;
    return { sum: s, count: p.size };
  });

export const meanAbsoluteErrorMetric = (name = 'mae'): Metric =>
  meanMetric(name, (t, p) => {
    let s = 0;
    for (let i = 0; i < p.size; i++) s += Math.abs(t.values[i]! - p.values[i]!);
    return { sum: s, count: p.size };
  });

function confusion(name: string, result: (tp: number, fp: number, fn: number) => number, threshold = 0.5): Metric {
  let tp = 0;
  let fp = 0;
  let fn = 0;
  return {
    name,
    reset() { tp = 0; fp = 0; fn = 0; },
    update(t, p) {
      for (let i = 0; i < p.size; i++) {
        const pos = p.values[i]! > threshold;
        const truth = t.values[i]! > 0.5;
        if (pos && truth) tp++;
        else if (pos) fp++;
        else if (truth) fn++;
      }
    },
    result() { return result(tp, fp, fn); },
  };
}

/** TP / (TP + FP) at threshold 0.5 (0 when nothing is predicted positive). */
export const precision = (name = 'precision'): Metric => confusion(name, (tp, fp) => (tp + fp === 0 ? 0 : tp / (tp + fp)));
/** TP / (TP + FN) at threshold 0.5 (0 when there are no positives). */
export const recall = (name = 'recall'): Metric => confusion(name, (tp, _fp, fn) => (tp + fn === 0 ? 0 : tp / (tp + fn)));

/**
 * Area under the ROC curve from confusion counts at `numThresholds` evenly spaced thresholds
 * (Keras's default 200, with the end thresholds nudged past 0 and 1), by the trapezoid rule.
 */
export function auc(name = 'auc', numThresholds = 200): Metric {
  const th = Array.from({ length: numThresholds }, (_, i) => (i === 0 ? -1e-7 : i === numThresholds - 1 ? 1 + 1e-7 : i / (numThresholds - 1)));
  const tp = new Float64Array(numThresholds);
  const fp = new Float64Array(numThresholds);
  let pos = 0;
  let neg = 0;
  return {
    name,
    reset() { tp.fill(0); fp.fill(0); pos = 0; neg = 0; },
    update(t, p) {
      for (let i = 0; i < p.size; i++) {
        const truth = t.values[i]! > 0.5;
        if (truth) pos++;
        else neg++;
        const v = p.values[i]!;
        for (let k = 0; k < numThresholds; k++) {
          if (v > th[k]!) {
            if (truth) tp[k]!++;
            else fp[k]!++;
          } else break;
        }
      }
    },
    result() {
      if (pos === 0 || neg === 0) return 0;
      let area = 0;
      for (let k = 0; k + 1 < numThresholds; k++) {
        const x0 = fp[k]! / neg;
        const x1 = fp[k + 1]! / neg;
        area += (x0 - x1) * (tp[k]! / pos + tp[k + 1]! / pos) / 2;
      }
      return area;
    },
  };
}
