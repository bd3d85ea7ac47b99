/**
 * One forward pass of a layer stack with its loss (Sequential's steps). When the loss can
 * take logits (cross-entropy after a softmax or sigmoid output), the last activation is
 * skipped and the fused form is used: stable at saturated outputs, gradient p − y.
 */
import { noGrad } from '../context/context.js';
import type { LossSpec } from '../losses/index.js';
import { reduceLoss } from '../losses/losses.js';
import { getActivation } from '../nn/activations.js';
import { add, mul } from '../ops/elementwise.js';
import { Dense } from '../nn/dense.js';
import { type Layer, applyMasked } from '../nn/layer.js';
import { Activation } from '../nn/simple.js';
import { softmaxOfLoss } from '../ops/crossentropy.js';
import type { Tensor } from '../tensor/tensor.js';

/** What `testStep` gives. */
export interface ForwardResult {
  /** The model's output (probabilities, not logits), without graph; a list for several outputs. */
  pred: Tensor | Tensor[];
  /** The scalar data loss (with graph when training). */
  loss: Tensor;
  /** Each output's weighted data loss, for a model with several outputs. */
  outputLosses?: Tensor[];
}

/** One output's prediction and data loss. */
export interface OutputLoss {
  pred: Tensor;
  loss: Tensor;
}

/** @internal A forward pass with its losses, as lists. */
export interface StepForward {
  preds: Tensor[];
  /** The total data loss: the outputs' losses, weighted, summed. */
  loss: Tensor;
  /** Each output's weighted loss. */
  outputLosses: Tensor[];
}

/** The logits of the last layer when `loss` fuses with its activation, else null. */
function fusedLogits(last: Layer, h: Tensor, loss: LossSpec): { logits: Tensor; act: string } | null {
  if (loss.fusesWith === undefined) return null;
  if (last instanceof Dense && last.activationName === loss.fusesWith) return { logits: last.preActivation(h), act: loss.fusesWith };
  if (last instanceof Activation && last.activationName === loss.fusesWith) return { logits: h, act: loss.fusesWith };
  return null;
}

/**
 * The output of `last` on `h` with its loss against `y`. When the loss can take logits
 * (cross-entropy after a softmax or sigmoid), the activation is skipped and the fused form used.
 */
export function outputWithLoss(last: Layer, h: Tensor, y: Tensor, loss: LossSpec, training: boolean, sampleWeight?: Tensor, mask: Tensor | null = null): OutputLoss {
  const fused = fusedLogits(last, h, loss);
  if (fused !== null) {
    const per = loss.perSample(y, fused.logits, { fromLogits: true });
    // Softmax cross-entropy computes the probabilities with the loss: they are the prediction.
    const pred = (fused.act === 'softmax' ? softmaxOfLoss(per) : undefined) ?? noGrad(() => getActivation(fused.act)(fused.logits));
    return { pred, loss: reduceLoss(per, loss.reduction, sampleWeight) };
  }
  const out = last.apply(h, mask === null ? { training } : { training, mask });
  return { pred: out.detach(), loss: reduceLoss(loss.perSample(y, out), loss.reduction, sampleWeight) };
}

/** A stack's forward pass with its loss: every layer but the last, then the last with the loss. */
export function forwardWithLoss(layers: readonly Layer[], x: Tensor, y: Tensor, loss: LossSpec, training: boolean, sampleWeight?: Tensor): OutputLoss {
  let h = x;
  let mask: Tensor | null = null;
  for (let i = 0; i < layers.length - 1; i++) ({ y: h, mask } = applyMasked(layers[i]!, h, mask, { training }));
  return outputWithLoss(layers[layers.length - 1]!, h, y, loss, training, sampleWeight, mask);
}

/** The outputs' losses weighted and summed (one output of weight 1: its loss itself, no extra op). */
export function combineLosses(parts: readonly OutputLoss[], weights: readonly number[]): StepForward {
  const outputLosses = parts.map((p, i) => (weights[i] === 1 ? p.loss : mul(p.loss, weights[i]!)));
  let loss = outputLosses[0]!;
  for (let i = 1; i < outputLosses.length; i++) loss = add(loss, outputLosses[i]!);
  return { preds: parts.map((p) => p.pred), loss, outputLosses };
}

/** Total loss = data loss + every layer's weight penalty. */
export function totalLoss(layers: readonly Layer[], dataLoss: Tensor): Tensor {
  let total = dataLoss;
  for (const l of layers) {
    const r = l.regularizationLoss();
    if (r !== null) total = add(total, r);
  }
  return total;
}
