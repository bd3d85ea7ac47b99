/**
 * Optimizers by name (`'sgd'`, `'adam'`…, Keras defaults), as classes with options objects
 * (`new SGD({learningRate: 0.1, momentum: 0.9})`), and tfjs's positional `train.*` factories.
 */
import { type Spellings, lookup } from '../nn/names.js';
import { Adadelta } from './adadelta.js';
import { Adagrad } from './adagrad.js';
import { Adam } from './adam.js';
import { AdamW } from './adamw.js';
import { Adamax } from './adamax.js';
import type { Optimizer } from './optimizer.js';
import { RMSprop } from './rmsprop.js';
import { SGD } from './sgd.js';

const OPTIMIZER_TABLE = {
  sgd: () => new SGD(),
  adam: () => new Adam(),
  adamw: () => new AdamW(),
  rmsprop: () => new RMSprop(),
  adagrad: () => new Adagrad(),
  adadelta: () => new Adadelta(),
  adamax: () => new Adamax(),
} satisfies Record<string, () => Optimizer>;
const OPTIMIZERS: Readonly<Record<string, () => Optimizer>> = OPTIMIZER_TABLE;
/** An optimizer's name ('sgd', 'adam', 'rmsprop'…). */
export type OptimizerName = Spellings<keyof typeof OPTIMIZER_TABLE>;

/** Every optimizer name `compile({optimizer})` accepts. */
export const optimizerNames: readonly string[] = Object.keys(OPTIMIZERS);

export type OptimizerIdentifier = OptimizerName | Optimizer;

export function getOptimizer(id: string | Optimizer): Optimizer {
  return typeof id === 'string' ? lookup('optimizer', OPTIMIZERS, id)() : id;
}

/** TensorFlow.js's factories, with its positional arguments. */
export const train = {
  sgd: (learningRate: number): SGD => new SGD({ learningRate }),
  momentum: (learningRate: number, momentum: number, useNesterov = false): SGD => new SGD({ learningRate, momentum, nesterov: useNesterov }),
  adam: (learningRate = 0.001, beta1 = 0.9, beta2 = 0.999, epsilon = 1e-7): Adam => new Adam({ learningRate, beta1, beta2, epsilon }),
  adamax: (learningRate = 0.002, beta1 = 0.9, beta2 = 0.999, epsilon = 1e-7): Adamax => new Adamax({ learningRate, beta1, beta2, epsilon }),
  rmsprop: (learningRate: number, decay = 0.9, momentum = 0, epsilon = 1e-7, centered = false): RMSprop => new RMSprop({ learningRate, rho: decay, momentum, epsilon, centered }),
  adagrad: (learningRate: number, initialAccumulatorValue = 0.1): Adagrad => new Adagrad({ learningRate, initialAccumulatorValue }),
  adadelta: (learningRate = 0.001, rho = 0.95, epsilon = 1e-7): Adadelta => new Adadelta({ learningRate, rho, epsilon }),
};

export { Optimizer, type OptimizerOptions } from './optimizer.js';
export { SGD, type SGDOptions } from './sgd.js';
export { Adam, type AdamOptions } from './adam.js';
export { AdamW, type AdamWOptions } from './adamw.js';
export { RMSprop, type RMSpropOptions } from './rmsprop.js';
export { Adagrad, type AdagradOptions } from './adagrad.js';
export { Adadelta, type AdadeltaOptions } from './adadelta.js';
export { Adamax, type AdamaxOptions } from './adamax.js';
export { exponentialDecay, piecewiseConstantDecay, cosineDecay, type LearningRateSchedule } from './schedules.js';
