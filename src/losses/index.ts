/**
 * Losses by name (`'mse'`, `'binary_crossentropy'`, `'categoricalCrossentropy'`…) and as
 * functions returning the scalar loss, for the manual loop:
 *
 * @example
 * const loss = losses.binaryCrossentropy(y, model.apply(x)); // (yTrue, yPred), as Keras
 * loss.backward();
 */
import type { Tensor } from '../tensor/tensor.js';
import { type Spellings, lookup } from '../nn/names.js';
import { type LossOptions, type PerSampleLoss, perSample, reduceLoss } from './losses.js';
import * as tfl from './tfjs-losses.js';
import { isWeights } from './tfjs-losses.js';

export interface LossSpec {
  /** Canonical camelCase name. */
  readonly name: string;
  readonly perSample: PerSampleLoss;
  readonly reduction: 'mean' | 'sum';
  /** The output activation whose logits this loss can take directly (fused, stable). */
  readonly fusesWith?: 'sigmoid' | 'softmax';
}

const spec = (name: keyof typeof perSample, reduction: 'mean' | 'sum' = 'mean', fusesWith?: 'sigmoid' | 'softmax'): LossSpec =>
  fusesWith === undefined ? { name, perSample: perSample[name], reduction } : { name, perSample: perSample[name], reduction, fusesWith };

const LOSS_TABLE = {
  meanSquaredError: spec('meanSquaredError'),
  mse: spec('meanSquaredError'),
  sumSquaredError: spec('sumSquaredError', 'sum'),
  sse: spec('sumSquaredError', 'sum'),
  meanAbsoluteError: spec('meanAbsoluteError'),
  mae: spec('meanAbsoluteError'),
  huber: spec('huber'),
  hinge: spec('hinge'),
  binaryCrossentropy: spec('binaryCrossentropy', 'mean', 'sigmoid'),
  categoricalCrossentropy: spec('categoricalCrossentropy', 'mean', 'softmax'),
  sparseCategoricalCrossentropy: spec('sparseCategoricalCrossentropy', 'mean', 'softmax'),
} satisfies Record<string, LossSpec>;
const LOSSES: Readonly<Record<string, LossSpec>> = LOSS_TABLE;
/** A loss's name, camelCase or snake_case ('binaryCrossentropy', 'binary_crossentropy'). */
export type LossName = Spellings<keyof typeof LOSS_TABLE>;

/** Whether `spec` is one of the library's losses (not a function of the user's). */
export function isBuiltinLoss(spec: LossSpec): boolean {
  return Object.values(LOSSES).includes(spec);
}

/** Every name `compile({loss})` accepts (camelCase; snake_case spellings resolve to these). */
export const lossNames: readonly string[] = Object.keys(LOSSES);

/** A user loss: (yTrue, yPred) → per-sample values or a scalar. */
export type LossFunction = (yTrue: Tensor, yPred: Tensor) => Tensor;
export type LossIdentifier = LossName | LossFunction;

export function getLoss(id: string | LossFunction): LossSpec {
  if (typeof id === 'function') return { name: id.name || 'custom', perSample: (t, p) => id(t, p), reduction: 'mean' };
  return lookup('loss', LOSSES, id);
}

const scalarLoss = (name: keyof typeof perSample, reduction: 'mean' | 'sum' = 'mean') =>
  (yTrue: Tensor, yPred: Tensor, options: LossOptions & { sampleWeight?: Tensor } = {}): Tensor =>
    reduceLoss(perSample[name](yTrue, yPred, options), reduction, options.sampleWeight);

const mse = scalarLoss('meanSquaredError');

/**
 * Scalar losses, arguments (yTrue, yPred) as Keras and tfjs: Keras's (mean over the batch of
 * per-sample losses; SSE sums), and tfjs's `tf.losses` (elementwise, with weights and a
 * reduction: absoluteDifference, logLoss, huberLoss, hingeLoss, sigmoidCrossEntropy,
 * softmaxCrossEntropy, cosineDistance, computeWeightedLoss). `meanSquaredError` is both: a
 * weights tensor or number as its third argument takes tfjs's form (for mean squared error the
 * two agree without weights).
 */
export const losses = {
  meanSquaredError: (yTrue: Tensor, yPred: Tensor, options?: (LossOptions & { sampleWeight?: Tensor }) | Tensor | number, reduction?: tfl.ReductionValue): Tensor =>
    isWeights(options) || reduction !== undefined ? tfl.meanSquaredError(yTrue, yPred, options as Tensor | number | undefined, reduction) : mse(yTrue, yPred, options),
  sumSquaredError: scalarLoss('sumSquaredError', 'sum'),
  meanAbsoluteError: scalarLoss('meanAbsoluteError'),
  huber: scalarLoss('huber'),
  hinge: scalarLoss('hinge'),
  binaryCrossentropy: scalarLoss('binaryCrossentropy'),
  categoricalCrossentropy: scalarLoss('categoricalCrossentropy'),
  sparseCategoricalCrossentropy: scalarLoss('sparseCategoricalCrossentropy'),
  absoluteDifference: tfl.absoluteDifference,
  logLoss: tfl.logLoss,
  huberLoss: tfl.huberLoss,
  hingeLoss: tfl.hingeLoss,
  sigmoidCrossEntropy: tfl.sigmoidCrossEntropy,
  softmaxCrossEntropy: tfl.softmaxCrossEntropy,
  cosineDistance: tfl.cosineDistance,
  computeWeightedLoss: tfl.computeWeightedLoss,
  Reduction: tfl.Reduction,
};

export { EPSILON, reduceLoss } from './losses.js';
export type { LossOptions, PerSampleLoss } from './losses.js';
