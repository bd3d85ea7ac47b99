/**
 * TensorFlow.js's `tf.losses`: (labels, predictions, weights?, …, reduction?) → a scalar (or,
 * with reduction NONE, the weighted elementwise losses). Elementwise, unlike Keras's per-sample
 * losses; the default reduction, SUM_BY_NONZERO_WEIGHTS, divides the weighted sum by the
 * number of non-zero weights. All written with ops, so they differentiate.
 */
import { abs, add, div, log, maximum, minimum, mul, neg, notEqual, softplus, square, sub } from '../ops/elementwise.js';
import { logSoftmax } from '../ops/activations.js';
import { broadcastTo } from '../ops/layout.js';
import { mean, sum } from '../ops/reduce.js';
import { fmt } from '../tensor/shape.js';
import { Tensor } from '../tensor/tensor.js';

/** tfjs's `tf.Reduction`. */
export const Reduction = { NONE: 0, SUM: 1, MEAN: 2, SUM_BY_NONZERO_WEIGHTS: 3 } as const;
export type ReductionValue = (typeof Reduction)[keyof typeof Reduction];

function same(op: string, a: Tensor, b: Tensor): void {
  if (a.rank !== b.rank || a.shape.some((d, i) => d !== b.shape[i])) throw new Error(`losses.${op}: labels shape ${fmt(a.shape)} does not match predictions shape ${fmt(b.shape)}`);
}

/** tfjs `tf.losses.computeWeightedLoss`: weight the losses, then reduce. */
export function computeWeightedLoss(losses: Tensor, weights?: Tensor | number, reduction: ReductionValue = Reduction.SUM_BY_NONZERO_WEIGHTS): Tensor {
  const w = weights === undefined ? null : weights instanceof Tensor ? weights : new Tensor(Float32Array.of(weights), []);
  const weighted = w === null ? losses : mul(losses, w);
  if (reduction === Reduction.NONE) return weighted;
  if (reduction === Reduction.SUM) return sum(weighted);
  if (reduction === Reduction.MEAN) return w === null ? mean(weighted) : div(sum(weighted), sum(broadcastTo(w, losses.shape)));
  if (w === null) return mean(weighted);
  const nonzero = sum(notEqual(broadcastTo(w, losses.shape), 0));
  return div(sum(weighted), maximum(nonzero, 1e-12));
}

type Loss = (labels: Tensor, predictions: Tensor, weights?: Tensor | number, reduction?: ReductionValue) => Tensor;

const elementwise = (op: string, f: (l: Tensor, p: Tensor) => Tensor): Loss => (labels, predictions, weights, reduction) => {
  same(op, labels, predictions);
  return computeWeightedLoss(f(labels, predictions), weights, reduction);
};

/** (l − p)². */
export const meanSquaredError = elementwise('meanSquaredError', (l, p) => square(sub(l, p)));
/** |l − p|. */
export const absoluteDifference = elementwise('absoluteDifference', (l, p) => abs(sub(l, p)));

/** −l·log(p + ε) − (1 − l)·log(1 − p + ε). */
export function logLoss(labels: Tensor, predictions: Tensor, weights?: Tensor | number, epsilon = 1e-7, reduction?: ReductionValue): Tensor {
  same('logLoss', labels, predictions);
  const ll = neg(add(mul(labels, log(add(predictions, epsilon))), mul(sub(1, labels), log(add(sub(1, predictions), epsilon)))));
  return computeWeightedLoss(ll, weights, reduction);
}

/** ½e² where |e| ≤ δ, else δ(|e| − ½δ), e = l − p. */
export function huberLoss(labels: Tensor, predictions: Tensor, weights?: Tensor | number, delta = 1, reduction?: ReductionValue): Tensor {
  same('huberLoss', labels, predictions);
  const e = abs(sub(labels, predictions));
  const quad = minimum(e, delta);
  return computeWeightedLoss(add(mul(square(quad), 0.5), mul(sub(e, quad), delta)), weights, reduction);
}

/** max(0, 1 − (2l − 1)·p): labels in {0, 1}, as tfjs takes them. */
export const hingeLoss = elementwise('hingeLoss', (l, p) => maximum(sub(1, mul(sub(mul(l, 2), 1), p)), 0));

/** 1 − Σ l·p along `axis` (for unit vectors: one minus the cosine). */
export function cosineDistance(labels: Tensor, predictions: Tensor, axis: number, weights?: Tensor | number, reduction?: ReductionValue): Tensor {
  same('cosineDistance', labels, predictions);
  return computeWeightedLoss(sub(1, sum(mul(labels, predictions), axis, true)), weights, reduction);
}

function smooth(labels: Tensor, amount: number, classes: number): Tensor {
  return amount > 0 ? add(mul(labels, 1 - amount), amount / classes) : labels;
}

/** Sigmoid cross-entropy on logits x: max(x, 0) − x·l + log(1 + e^−|x|) (stable), elementwise. */
export function sigmoidCrossEntropy(labels: Tensor, logits: Tensor, weights?: Tensor | number, labelSmoothing = 0, reduction?: ReductionValue): Tensor {
  same('sigmoidCrossEntropy', labels, logits);
  const l = labelSmoothing > 0 ? add(mul(labels, 1 - labelSmoothing), 0.5 * labelSmoothing) : labels;
  return computeWeightedLoss(sub(softplus(logits), mul(l, logits)), weights, reduction);
}

/** Softmax cross-entropy on logits, one value per row: −Σ l·log softmax(x). */
export function softmaxCrossEntropy(labels: Tensor, logits: Tensor, weights?: Tensor | number, labelSmoothing = 0, reduction?: ReductionValue): Tensor {
  same('softmaxCrossEntropy', labels, logits);
  const l = smooth(labels, labelSmoothing, logits.shape[logits.rank - 1]!);
  return computeWeightedLoss(neg(sum(mul(l, logSoftmax(logits, -1)), -1)), weights, reduction);
}

/** Whether `v` is a weights argument (a tensor or number) rather than neurite's options object. */
export function isWeights(v: unknown): v is Tensor | number {
  return v instanceof Tensor || typeof v === 'number';
}

