/**
 * Softmax cross-entropy as one primitive: −Σ y·log softmax(z) over the last axis, for the loss
 * after a softmax output. Composed from logSoftmax it costs a dozen kernel calls forward and as
 * many backward, per step (measured: most of a compiled Dense step's calls); fused, one kernel
 * forward and a few ops backward, and stable for any finite logits.
 */
import { record } from '../autograd/engine.js';
import { emptyTensor, getContext } from '../context/context.js';
import { fmt, sameShape } from '../tensor/shape.js';
import type { Tensor } from '../tensor/tensor.js';
import { logSoftmax } from './activations.js';
import { mul, neg, sub } from './elementwise.js';
import { reshape } from './layout.js';
import { sum } from './reduce.js';

/** The softmax each loss from `softmaxCrossEntropy` was computed with (kept only as long as the loss is). */
const softmaxes = new WeakMap<Tensor, Tensor>();

/**
 * The probabilities softmax(z) the kernel computed beside `loss` (a result of
 * `softmaxCrossEntropy`; no graph), or undefined for any other tensor: a model whose softmax
 * output is fused with its loss predicts these instead of computing the softmax again.
 */
export function softmaxOfLoss(loss: Tensor): Tensor | undefined {
  return softmaxes.get(loss);
}

/**
 * Per-row loss −Σⱼ yⱼ·log softmax(z)ⱼ of logits z against targets y (one-hot or
 * probabilities) of the same shape, reducing the last axis: [..., n] → [...].
 * Gradient: dz = g·(p·Σy − y) with p = softmax(z) (p − y for one-hot rows); dy = −g·log p.
 * @example softmaxCrossEntropy(tensor([[0, 1]]), tensor([[0, 0]])) // [ln 2]
 */
export function softmaxCrossEntropy(labels: Tensor, logits: Tensor): Tensor {
  if (!sameShape(labels.shape, logits.shape) || logits.rank === 0) {
    throw new Error(`softmaxCrossEntropy: labels of shape ${fmt(labels.shape)} must match logits of shape ${fmt(logits.shape)} (rank ≥ 1)`);
  }
  const n = logits.shape[logits.rank - 1]!;
  const lead = logits.shape.slice(0, -1);
  const rows = n === 0 ? 0 : logits.size / n;
  const loss = emptyTensor(lead);
  const probs = emptyTensor(logits.shape);
  getContext().backend.kernels.softmaxCrossEntropy(logits.values, labels.values, rows, n, loss.values, probs.values);
  softmaxes.set(loss, probs);
  return record(loss, 'softmaxCrossEntropy', [labels, logits], (g) => {
    const gr = reshape(g, [...lead, 1]);
    return [
      labels.requiresGrad ? mul(neg(logSoftmax(logits)), gr) : null,
      mul(sub(mul(probs, sum(labels, -1, true)), labels), gr),
    ];
  });
}
