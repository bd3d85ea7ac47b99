/**
 * TensorFlow.js's `tf.metrics`: functions of (yTrue, yPred) giving one value per sample (the
 * last axis reduced), written with ops. `compile({metrics: [metrics.binaryAccuracy]})` averages
 * them over an epoch, as any metric function; the names `'accuracy'`, `'precision'`… pick the
 * exact accumulators in metrics.ts instead.
 */
import { abs, div, equal, greater, maximum, mul, neg, sqrt, square, sub } from '../ops/elementwise.js';
import { argmax, mean, sum } from '../ops/reduce.js';
import { reshape } from '../ops/layout.js';
import { fmt } from '../tensor/shape.js';
import type { Tensor } from '../tensor/tensor.js';
import { EPSILON, perSample } from '../losses/losses.js';

function same(op: string, a: Tensor, b: Tensor): void {
  if (a.size !== b.size) throw new Error(`metrics.${op}: yTrue shape ${fmt(a.shape)} does not match yPred shape ${fmt(b.shape)}`);
}

const lastMean = (t: Tensor): Tensor => (t.rank <= 1 ? t : mean(t, -1));

/** 1 where (ŷ > 0.5) equals y, averaged over the last axis. */
export function binaryAccuracy(yTrue: Tensor, yPred: Tensor): Tensor {
  same('binaryAccuracy', yTrue, yPred);
  return lastMean(equal(yTrue, greater(yPred, 0.5)));
}

/** 1 where the argmax of ŷ is the one-hot target's. */
export function categoricalAccuracy(yTrue: Tensor, yPred: Tensor): Tensor {
  same('categoricalAccuracy', yTrue, yPred);
  return equal(argmax(yTrue, -1), argmax(yPred, -1));
}

/** 1 where the argmax of ŷ is the integer label. */
export function sparseCategoricalAccuracy(yTrue: Tensor, yPred: Tensor): Tensor {
  return equal(reshape(yTrue, [-1]), reshape(argmax(yPred, -1), [-1]));
}

export function meanSquaredError(yTrue: Tensor, yPred: Tensor): Tensor {
  same('meanSquaredError', yTrue, yPred);
  return lastMean(square(sub(yTrue, yPred)));
}

export function meanAbsoluteError(yTrue: Tensor, yPred: Tensor): Tensor {
  same('meanAbsoluteError', yTrue, yPred);
  return lastMean(abs(sub(yTrue, yPred)));
}

/** 100·|y − ŷ| / max(|y|, ε). */
export function meanAbsolutePercentageError(yTrue: Tensor, yPred: Tensor): Tensor {
  same('meanAbsolutePercentageError', yTrue, yPred);
  return mul(lastMean(div(abs(sub(yTrue, yPred)), maximum(abs(yTrue), EPSILON))), 100);
}

export function binaryCrossentropy(yTrue: Tensor, yPred: Tensor): Tensor {
  return perSample.binaryCrossentropy(yTrue, yPred);
}

export function categoricalCrossentropy(yTrue: Tensor, yPred: Tensor): Tensor {
  return perSample.categoricalCrossentropy(yTrue, yPred);
}

export function sparseCategoricalCrossentropy(yTrue: Tensor, yPred: Tensor): Tensor {
  return perSample.sparseCategoricalCrossentropy(yTrue, yPred);
}

/** −cos(y, ŷ) along the last axis (tfjs's cosineProximity: −1 is a perfect match). */
export function cosineProximity(yTrue: Tensor, yPred: Tensor): Tensor {
  same('cosineProximity', yTrue, yPred);
  const unit = (t: Tensor): Tensor => div(t, sqrt(maximum(sum(square(t), -1, true), 1e-24)));
  return neg(sum(mul(unit(yTrue), unit(yPred)), -1));
}

/** TP / (TP + FP) over the whole batch, predictions thresholded at 0.5 (a scalar). */
export function precision(yTrue: Tensor, yPred: Tensor): Tensor {
  same('precision', yTrue, yPred);
  const p = greater(yPred, 0.5);
  const tp = sum(mul(p, yTrue));
  return div(tp, maximum(sum(p), EPSILON));
}

/** TP / (TP + FN) over the whole batch (a scalar). */
export function recall(yTrue: Tensor, yPred: Tensor): Tensor {
  same('recall', yTrue, yPred);
  const tp = sum(mul(greater(yPred, 0.5), yTrue));
  return div(tp, maximum(sum(yTrue), EPSILON));
}

/** 1 − Σ(y − ŷ)² / Σ(y − ȳ)² (a scalar). */
export function r2Score(yTrue: Tensor, yPred: Tensor): Tensor {
  same('r2Score', yTrue, yPred);
  const res = sum(square(sub(yTrue, yPred)));
  const tot = sum(square(sub(yTrue, mean(yTrue))));
  return sub(1, div(res, maximum(tot, EPSILON)));
}

export { meanSquaredError as MSE, meanSquaredError as mse, meanAbsoluteError as MAE, meanAbsoluteError as mae };
export { meanAbsolutePercentageError as MAPE, meanAbsolutePercentageError as mape };
