/**
 * Losses as Keras defines them. Each computes one value per sample (the mean over the last
 * axis, except where noted); `reduceLoss` turns those into the scalar training loss, Keras's
 * "sum over batch size": Σ wᵢ·lossᵢ / n. Arguments are (yTrue, yPred), as in Keras and tfjs.
 */
import { noGrad } from '../context/context.js';
import { oneHot } from '../ops/creation.js';
import { softmaxCrossEntropy } from '../ops/crossentropy.js';
import { abs, add, clip, div, equal, less, log, maximum, mul, neg, softplus, square, sub, where } from '../ops/elementwise.js';
import { mean, min, sum } from '../ops/reduce.js';
import { reshape } from '../ops/layout.js';
import { fmt } from '../tensor/shape.js';
import type { Tensor } from '../tensor/tensor.js';

/** Keras's fuzz factor for clipping probabilities away from 0 and 1. */
export const EPSILON = 1e-7;

export interface LossOptions {
  /** yPred are logits (pre-sigmoid / pre-softmax): the fused, stable form is used. */
  fromLogits?: boolean;
}

/** Per-sample loss: Tensor of shape [batch] (or yPred's leading shape). */
export type PerSampleLoss = (yTrue: Tensor, yPred: Tensor, options?: LossOptions) => Tensor;

function checkSame(op: string, yTrue: Tensor, yPred: Tensor): void {
  if (yTrue.rank !== yPred.rank || yTrue.shape.some((d, i) => d !== yPred.shape[i])) {
    throw new Error(`${op}: yTrue shape ${fmt(yTrue.shape)} does not match yPred shape ${fmt(yPred.shape)}`);
  }
}

const lastMean = (t: Tensor): Tensor => (t.rank === 0 ? t : mean(t, -1));

export const perSample = {
  /** (y − ŷ)², averaged over the last axis. */
  meanSquaredError: ((yTrue, yPred) => {
    checkSame('meanSquaredError', yTrue, yPred);
    return lastMean(square(sub(yTrue, yPred)));
  }) as PerSampleLoss,
  /** |y − ŷ|, averaged over the last axis. */
  meanAbsoluteError: ((yTrue, yPred) => {
    checkSame('meanAbsoluteError', yTrue, yPred);
    return lastMean(abs(sub(yTrue, yPred)));
  }) as PerSampleLoss,
  /** The notes' SSE: (y − ŷ)² summed over the last axis (and summed over the batch). */
  sumSquaredError: ((yTrue, yPred) => {
    checkSame('sumSquaredError', yTrue, yPred);
    const e = square(sub(yTrue, yPred));
    return e.rank === 0 ? e : sum(e, -1);
  }) as PerSampleLoss,
  /** ½e² where |e| ≤ 1, |e| − ½ elsewhere (δ = 1), averaged over the last axis. */
  huber: ((yTrue, yPred) => {
    checkSame('huber', yTrue, yPred);
    const e = abs(sub(yTrue, yPred));
    return lastMean(where(less(e, 1), mul(square(e), 0.5), sub(e, 0.5)));
  }) as PerSampleLoss,
  /** max(1 − y·ŷ, 0) with labels in {−1, 1}; 0/1 labels are converted as Keras does. */
  hinge: ((yTrue, yPred) => {
    checkSame('hinge', yTrue, yPred);
    // Written with ops (not a test of the values in plain code) so a recorded step replays it:
    // 1 when every label is 0 or 1.
    const y = noGrad(() => {
      const allBinary = min(add(equal(yTrue, 0), equal(yTrue, 1)));
      return where(allBinary, sub(mul(yTrue, 2), 1), yTrue);
    });
    return lastMean(maximum(sub(1, mul(y, yPred)), 0));
  }) as PerSampleLoss,
  /**
   * −[y log p + (1 − y) log(1 − p)] with p clipped to [ε, 1 − ε]; from logits z:
   * softplus(z) − z·y, whose gradient σ(z) − y is finite everywhere.
   */
  binaryCrossentropy: ((yTrue, yPred, options = {}) => {
    checkSame('binaryCrossentropy', yTrue, yPred);
    if (options.fromLogits) return lastMean(sub(softplus(yPred), mul(yPred, yTrue)));
    const p = clip(yPred, EPSILON, 1 - EPSILON);
    return lastMean(neg(add(mul(yTrue, log(p)), mul(sub(1, yTrue), log(sub(1, p))))));
  }) as PerSampleLoss,
  /**
   * −Σ y log p over the last axis, p normalized to sum 1 and clipped to [ε, 1 − ε]; from
   * logits: −Σ y·logSoftmax(z), gradient softmax(z) − y.
   */
  categoricalCrossentropy: ((yTrue, yPred, options = {}) => {
    checkSame('categoricalCrossentropy', yTrue, yPred);
    if (options.fromLogits) return softmaxCrossEntropy(yTrue, yPred);
    const p = clip(div(yPred, sum(yPred, -1, true)), EPSILON, 1 - EPSILON);
    return neg(sum(mul(yTrue, log(p)), -1));
  }) as PerSampleLoss,
  /** Categorical cross-entropy with integer class labels of shape [batch] or [batch, 1]. */
  sparseCategoricalCrossentropy: ((yTrue, yPred, options = {}) => {
    const classes = yPred.shape[yPred.rank - 1]!;
    const labels = yTrue.rank === yPred.rank && yTrue.shape[yTrue.rank - 1] === 1 ? reshape(yTrue, yTrue.shape.slice(0, -1)) : yTrue;
    if (labels.rank !== yPred.rank - 1 || labels.shape.some((d, i) => d !== yPred.shape[i])) {
      throw new Error(`sparseCategoricalCrossentropy: labels of shape ${fmt(yTrue.shape)} do not match predictions of shape ${fmt(yPred.shape)} (expected [${yPred.shape.slice(0, -1).join(',')}] integer labels)`);
    }
    for (let i = 0; i < labels.size; i++) {
      const v = labels.values[i]!;
      if (!Number.isInteger(v) || v < 0 || v >= classes) {
        throw new Error(`sparseCategoricalCrossentropy: label ${v} at row ${i} is not an integer class in [0, ${classes})`);
      }
    }
    return perSample.categoricalCrossentropy(reshape(oneHot(labels, classes), yPred.shape), yPred, options);
  }) as PerSampleLoss,
};

/** Σ wᵢ·lossᵢ / n (Keras's sum_over_batch_size); `sum` reduction for the notes' SSE. */
export function reduceLoss(values: Tensor, reduction: 'mean' | 'sum', sampleWeight?: Tensor): Tensor {
  let v = values;
  if (sampleWeight !== undefined) {
    const w = sampleWeight.rank > v.rank ? reshape(sampleWeight, v.shape) : sampleWeight;
    v = mul(v, w);
  }
  return reduction === 'sum' ? sum(v) : div(sum(v), Math.max(1, v.size));
}
