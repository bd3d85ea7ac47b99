/**
 * Keras's standard callbacks: earlyStopping, reduceLROnPlateau, terminateOnNaN,
 * learningRateScheduler, csvLogger. Defaults as in Keras.
 */
import type { Tensor } from '../tensor/tensor.js';
import { Callback } from './callbacks.js';
import { knownKeys, nonNegativeInt, numberOption } from '../tensor/options.js';
import { type OutputStream, defaultStream } from './progress.js';
import type { Logs } from './types.js';

type Mode = 'auto' | 'min' | 'max';

/** 'auto' means max for accuracy- and AUC-like keys, min otherwise (as Keras). */
function resolveMode(op: string, mode: Mode, monitor: string): 'min' | 'max' {
  if (mode !== 'auto' && mode !== 'min' && mode !== 'max') throw new Error(`${op}: mode must be 'auto', 'min' or 'max', got ${JSON.stringify(mode)}`);
  if (typeof monitor !== 'string' || monitor === '') throw new Error(`${op}: monitor must be the name of a logged quantity ('val_loss', 'accuracy'…), got ${JSON.stringify(monitor)}`);
  if (mode !== 'auto') return mode;
  return /(acc|accuracy|auc|precision|recall)$/.test(monitor) ? 'max' : 'min';
}

export interface EarlyStoppingOptions {
  /** Default 'val_loss'. */
  monitor?: string;
  /** Smallest change that counts as an improvement (default 0). */
  minDelta?: number;
  /** Epochs without improvement before stopping (default 0). */
  patience?: number;
  mode?: Mode;
  /** Value the monitored quantity must beat for waiting to reset. */
  baseline?: number;
  /** Restore the weights of the best epoch when stopping (default false). */
  restoreBestWeights?: boolean;
}

export class EarlyStopping extends Callback {
  readonly monitor: string;
  private readonly minDelta: number;
  private readonly patience: number;
  private readonly mode: 'min' | 'max';
  private best = Number.NaN;
  private wait = 0;
  private bestWeights: Tensor[] | null = null;
  stoppedEpoch = -1;
  bestEpoch = -1;

  constructor(private readonly options: EarlyStoppingOptions = {}) {
    super();
    knownKeys('earlyStopping', options, ['monitor', 'minDelta', 'patience', 'mode', 'baseline', 'restoreBestWeights', 'verbose']);
    this.monitor = options.monitor ?? 'val_loss';
    this.minDelta = Math.abs(numberOption('earlyStopping', 'minDelta', options.minDelta, 0, () => true, 'a number'));
    this.patience = numberOption('earlyStopping', 'patience', options.patience, 0, nonNegativeInt, 'an integer ≥ 0');
    numberOption('earlyStopping', 'baseline', options.baseline, 0, () => true, 'a number');
    this.mode = resolveMode('earlyStopping', options.mode ?? 'auto', this.monitor);
  }

  private improved(current: number, reference: number): boolean {
    if (Number.isNaN(reference)) return true;
    return this.mode === 'min' ? current < reference - this.minDelta : current > reference + this.minDelta;
  }

  onTrainBegin(): void {
    this.best = Number.NaN;
    this.wait = 0;
    this.bestWeights = null;
    this.stoppedEpoch = -1;
  }

  onEpochEnd(epoch: number, logs: Logs): void {
    const current = logs[this.monitor];
    if (current === undefined) {
      throw new Error(`earlyStopping: monitored key '${this.monitor}' is not in the logs; available: ${Object.keys(logs).join(', ')}`);
    }
    this.wait++;
    if (this.improved(current, this.best)) {
      this.best = current;
      this.bestEpoch = epoch;
      if (this.options.restoreBestWeights) this.bestWeights = this.trainingModel.getWeights().map((w) => w.clone());
      if (this.options.baseline === undefined || this.improved(current, this.options.baseline)) this.wait = 0;
      return;
    }
    if (this.wait >= this.patience && epoch > 0) {
      this.stoppedEpoch = epoch;
      this.trainingModel.stopTraining = true;
      if (this.bestWeights !== null) this.trainingModel.setWeights(this.bestWeights);
    }
  }
}

export interface ReduceLROnPlateauOptions {
  monitor?: string;
  /** New rate = rate · factor (default 0.1). */
  factor?: number;
  /** Default 10. */
  patience?: number;
  mode?: Mode;
  /** Default 1e-4. */
  minDelta?: number;
  /** Epochs to wait after a reduction (default 0). */
  cooldown?: number;
  /** Default 0. */
  minLr?: number;
}

export class ReduceLROnPlateau extends Callback {
  private readonly monitor: string;
  private readonly mode: 'min' | 'max';
  private best = Number.NaN;
  private wait = 0;
  private cooldownLeft = 0;

  constructor(private readonly options: ReduceLROnPlateauOptions = {}) {
    super();
    const op = 'reduceLROnPlateau';
    knownKeys(op, options, ['monitor', 'factor', 'patience', 'mode', 'minDelta', 'cooldown', 'minLr', 'verbose']);
    this.monitor = options.monitor ?? 'val_loss';
    this.mode = resolveMode(op, options.mode ?? 'auto', this.monitor);
    numberOption(op, 'factor', options.factor, 0.1, (v) => v > 0 && v < 1, 'in (0, 1)');
    numberOption(op, 'patience', options.patience, 10, nonNegativeInt, 'an integer ≥ 0');
    numberOption(op, 'cooldown', options.cooldown, 0, nonNegativeInt, 'an integer ≥ 0');
    numberOption(op, 'minDelta', options.minDelta, 1e-4, (v) => v >= 0, 'a number ≥ 0');
    numberOption(op, 'minLr', options.minLr, 0, (v) => v >= 0, 'a number ≥ 0');
  }

  onEpochEnd(_epoch: number, logs: Logs): void {
    const opt = this.trainingModel.optimizer;
    const current = logs[this.monitor];
    if (current === undefined) throw new Error(`reduceLROnPlateau: monitored key '${this.monitor}' is not in the logs; available: ${Object.keys(logs).join(', ')}`);
    const minDelta = this.options.minDelta ?? 1e-4;
    const better = Number.isNaN(this.best) || (this.mode === 'min' ? current < this.best - minDelta : current > this.best + minDelta);
    if (this.cooldownLeft > 0) this.cooldownLeft--;
    if (better) {
      this.best = current;
      this.wait = 0;
    } else if (this.cooldownLeft === 0) {
      this.wait++;
      if (this.wait >= (this.options.patience ?? 10)) {
        const old = opt.currentLearningRate();
        const minLr = this.options.minLr ?? 0;
        if (old > minLr) opt.learningRate = Math.max(old * (this.options.factor ?? 0.1), minLr);
        this.cooldownLeft = this.options.cooldown ?? 0;
        this.wait = 0;
      }
    }
    logs.learning_rate = opt.currentLearningRate();
  }
}

/** Stops training at the first batch whose loss is NaN or infinite, saying where. */
export class TerminateOnNaN extends Callback {
  /** Where training stopped, if it did. */
  stoppedAt: { epoch: number; batch: number } | null = null;
  private epoch = 0;

  constructor(private readonly stream: OutputStream = defaultStream()) {
    super();
  }

  onEpochBegin(epoch: number): void {
    this.epoch = epoch;
  }

  onBatchEnd(batch: number, logs: Logs): void {
    const loss = logs.loss;
    if (loss !== undefined && !Number.isFinite(loss)) {
      this.stoppedAt = { epoch: this.epoch, batch };
      this.stream.write(`Epoch ${this.epoch + 1}, batch ${batch}: invalid loss (${loss}), terminating training\n`);
      this.trainingModel.stopTraining = true;
    }
  }
}

/** Sets the learning rate at the start of each epoch from `schedule(epoch, currentRate)`. */
export class LearningRateScheduler extends Callback {
  constructor(private readonly schedule: (epoch: number, lr: number) => number) {
    super();
  }

  onEpochBegin(epoch: number): void {
    const opt = this.trainingModel.optimizer;
    const lr = this.schedule(epoch, opt.currentLearningRate());
    if (!Number.isFinite(lr) || lr < 0) throw new Error(`learningRateScheduler: schedule returned ${lr} for epoch ${epoch}; expected a non-negative number`);
    opt.learningRate = lr;
  }

  onEpochEnd(_epoch: number, logs: Logs): void {
    logs.learning_rate = this.trainingModel.optimizer.currentLearningRate();
  }
}

/** Writes one CSV row per epoch (Node only): `epoch,loss,...`. */
export class CSVLogger extends Callback {
  private keys: string[] | null = null;
  private fs: typeof import('node:fs') | null = null;

  constructor(private readonly filename: string, private readonly options: { separator?: string; append?: boolean } = {}) {
    super();
  }

  async onTrainBegin(): Promise<void> {
    this.fs = await import('node:fs');
    this.keys = null;
    if (!this.options.append) this.fs.writeFileSync(this.filename, '');
  }

  onEpochEnd(epoch: number, logs: Logs): void {
    const sep = this.options.separator ?? ',';
    const fs = this.fs!;
    if (this.keys === null) {
      this.keys = Object.keys(logs).sort();
      const exists = this.options.append && fs.existsSync(this.filename) && fs.statSync(this.filename).size > 0;
      if (!exists) fs.appendFileSync(this.filename, ['epoch', ...this.keys].join(sep) + '\n');
    }
    fs.appendFileSync(this.filename, [epoch, ...this.keys.map((k) => logs[k] ?? '')].join(sep) + '\n');
  }
}

/** tfjs-style factories: `callbacks.earlyStopping({monitor: 'val_loss', patience: 3})`. */
export const callbacks = {
  earlyStopping: (o?: EarlyStoppingOptions) => new EarlyStopping(o),
  reduceLROnPlateau: (o?: ReduceLROnPlateauOptions) => new ReduceLROnPlateau(o),
  terminateOnNaN: (stream?: OutputStream) => new TerminateOnNaN(stream),
  learningRateScheduler: (schedule: (epoch: number, lr: number) => number) => new LearningRateScheduler(schedule),
  csvLogger: (filename: string, o?: { separator?: string; append?: boolean }) => new CSVLogger(filename, o),
};
