/**
 * Callbacks: hooks around training. A callback is any object with some of `onTrainBegin`,
 * `onEpochBegin`, `onBatchBegin`, `onBatchEnd`, `onEpochEnd`, `onTrainEnd` (tfjs's names);
 * subclass `Callback` to get `model` and `params`.
 */
import type { Logs, TrainingModel, TrainingParams } from './types.js';

export interface CallbackHooks {
  onTrainBegin?(logs: Logs): void | Promise<void>;
  onTrainEnd?(logs: Logs): void | Promise<void>;
  onEpochBegin?(epoch: number, logs: Logs): void | Promise<void>;
  onEpochEnd?(epoch: number, logs: Logs): void | Promise<void>;
  onBatchBegin?(batch: number, logs: Logs): void | Promise<void>;
  onBatchEnd?(batch: number, logs: Logs): void | Promise<void>;
}

export abstract class Callback {
  model: TrainingModel | null = null;
  params: TrainingParams | null = null;

  setModel(model: TrainingModel): void {
    this.model = model;
  }

  setParams(params: TrainingParams): void {
    this.params = params;
  }

  protected get trainingModel(): TrainingModel {
    if (this.model === null) throw new Error(`${this.constructor.name}: used outside fit()`);
    return this.model;
  }
}

/** Runs hooks of several callbacks in order, awaiting each. */
export class CallbackList {
  /** Whether any callback listens to batches (if not, fit skips building per-batch logs). */
  readonly hasBatchHooks: boolean;

  constructor(private readonly list: CallbackHooks[], model: TrainingModel, params: TrainingParams) {
    this.hasBatchHooks = list.some((c) => c.onBatchBegin !== undefined || c.onBatchEnd !== undefined);
    for (const c of list) {
      if (c instanceof Callback) {
        c.setModel(model);
        c.setParams(params);
      }
    }
  }

  async trainBegin(logs: Logs): Promise<void> {
    for (const c of this.list) await c.onTrainBegin?.(logs);
  }
  async trainEnd(logs: Logs): Promise<void> {
    for (const c of this.list) await c.onTrainEnd?.(logs);
  }
  async epochBegin(epoch: number, logs: Logs): Promise<void> {
    for (const c of this.list) await c.onEpochBegin?.(epoch, logs);
  }
  async epochEnd(epoch: number, logs: Logs): Promise<void> {
    for (const c of this.list) await c.onEpochEnd?.(epoch, logs);
  }
  async batchBegin(batch: number, logs: Logs): Promise<void> {
    for (const c of this.list) await c.onBatchBegin?.(batch, logs);
  }
  async batchEnd(batch: number, logs: Logs): Promise<void> {
    for (const c of this.list) await c.onBatchEnd?.(batch, logs);
  }
}

/** What `fit` returns: every epoch's logs, by key (`history.history.loss[epoch]`). */
export class History extends Callback {
  readonly epoch: number[] = [];
  readonly history: Record<string, number[]> = {};

  override setParams(params: TrainingParams): void {
    super.setParams(params);
  }

  onEpochEnd(epoch: number, logs: Logs): void {
    this.epoch.push(epoch);
    for (const [k, v] of Object.entries(logs)) (this.history[k] ??= []).push(v);
    // tfjs writes 'acc' where Keras writes 'accuracy'; both names read the same series.
    for (const [a, b] of [['accuracy', 'acc'], ['val_accuracy', 'val_acc']] as const) {
      if (a in this.history && !(b in this.history)) Object.defineProperty(this.history, b, { get: () => this.history[a], enumerable: false, configurable: true });
      if (b in this.history && !(a in this.history)) Object.defineProperty(this.history, a, { get: () => this.history[b], enumerable: false, configurable: true });
    }
  }
}
