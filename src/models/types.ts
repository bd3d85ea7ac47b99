/** What the training loop and callbacks see of a model (kept apart so they need no cycle). */
import type { Optimizer } from '../optim/optimizer.js';
import type { Tensor } from '../tensor/tensor.js';

/** Per-epoch or per-batch figures: `loss`, metric names, `val_`-prefixed validation figures. */
export type Logs = Record<string, number>;

export interface TrainingModel {
  /** Set true (by a callback or the user) to stop `fit` after the current batch. */
  stopTraining: boolean;
  readonly optimizer: Optimizer;
  getWeights(): Tensor[];
  setWeights(weights: readonly Tensor[]): void;
}

export interface TrainingParams {
  /**
   * The road `fit` took: 'compiled' (a recorded program of kernel calls, the update included,
   * replayed per batch) or 'eager' (ops and autograd per batch; `pathReason` says why).
   */
  path: 'compiled' | 'eager';
  /** Why the step is eager, when it is. */
  pathReason?: string;
  epochs: number;
  initialEpoch: number;
  /** Batches per epoch. */
  steps: number;
  samples: number;
  batchSize: number;
  verbose: 0 | 1 | 2;
  /** Metric keys in the order they are shown. */
  metrics: string[];
}
