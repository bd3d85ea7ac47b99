/**
 * The network a state describes, as data: hidden layers, the output layer the problem needs,
 * the loss, the optimizer. The trainer builds its model from this plan (`model.ts`) and the
 * "copy code" snippet prints the same plan, so the two cannot drift apart. No neurite import:
 * the page uses this too.
 */

export type ProblemKind = 'binary' | 'multiclass' | 'regression';
import type { LossChoice, OptimizerChoice, PlaygroundState } from './state.js';

export interface NetworkPlan {
  inputs: number;
  /** Dense layers in order, the output last. */
  dense: Array<{ units: number; activation: string }>;
  /** Dropout rate after each hidden layer (0: none). */
  dropout: number;
  l1: number;
  l2: number;
  loss: Exclude<LossChoice, ''>;
  metrics: string[];
  optimizer: OptimizerChoice;
  learningRate: number;
}

/** The losses that fit each kind of problem; the first is the default. */
export const LOSSES_FOR: Record<ProblemKind, Array<Exclude<LossChoice, ''>>> = {
  binary: ['binaryCrossentropy', 'meanSquaredError', 'meanAbsoluteError', 'huber'],
  multiclass: ['sparseCategoricalCrossentropy'],
  regression: ['meanSquaredError', 'meanAbsoluteError', 'huber'],
};

export const OPTIMIZER_CLASS: Record<OptimizerChoice, string> = {
  sgd: 'SGD', adam: 'Adam', adamw: 'AdamW', rmsprop: 'RMSprop', adagrad: 'Adagrad', adadelta: 'Adadelta', adamax: 'Adamax',
};

/** The plan for `state` on a problem of `kind` with `inputs` inputs and `classes` classes. */
export function planNetwork(state: PlaygroundState, kind: ProblemKind, inputs: number, classes: number): NetworkPlan {
  const allowed = LOSSES_FOR[kind];
  if (state.loss !== '' && !allowed.includes(state.loss)) throw new Error(`loss '${state.loss}' does not fit a ${kind} problem; expected one of ${allowed.join(', ')}`);
  const output = kind === 'binary' ? { units: 1, activation: 'sigmoid' } : kind === 'multiclass' ? { units: classes, activation: 'softmax' } : { units: 1, activation: 'linear' };
  return {
    inputs,
    dense: [...state.hidden.map((l) => ({ units: l.units, activation: l.activation as string })), output],
    dropout: state.dropout,
    l1: state.l1,
    l2: state.l2,
    loss: state.loss === '' ? allowed[0]! : state.loss,
    metrics: kind === 'regression' ? [] : ['accuracy'],
    optimizer: state.optimizer,
    learningRate: state.learningRate,
  };
}

