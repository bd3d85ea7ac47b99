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

/** Every hook a callback may have. */
const HOOKS = ['onTrainBegin', 'onTrainEnd', 'onEpochBegin', 'onEpochEnd', 'onBatchBegin', 'onBatchEnd'] as const satisfies ReadonlyArray<keyof CallbackHooks>;

/**
 * A callback made of the hooks given (tfjs `new tf.CustomCallback({onEpochEnd})`): the same as
 * passing the object itself, for programs that construct one.
 */
// The hooks given become the callback's own (declaration merging types them).
export interface CustomCallback extends CallbackHooks {}
export class CustomCallback extends Callback {
  constructor(hooks: CallbackHooks) {
    super();
    if (hooks === null || typeof hooks !== 'object') throw new Error(`CustomCallback: expected an object of hooks (onEpochEnd…), got ${hooks === null ? 'null' : typeof hooks}`);
    for (const name of HOOKS) {
      const hook = hooks[name];
      if (hook === undefined) continue;
      if (typeof hook !== 'function') throw new Error(`CustomCallback: ${name} must be a function, got ${typeof hook}`);
      this[name] = hook.bind(hooks) as never;
    }
  }
}

type HookName = keyof CallbackHooks;

/**
 * Runs hooks of several callbacks in order, awaiting each. Only callbacks that define a hook
 * are called for it, and a list with no listener for a hook returns at once: training with
 * 50,000 one-batch epochs should not pay for hooks nobody wrote.
 */
export class CallbackList {
  /** Whether any callback listens to batches (if not, fit skips building per-batch logs). */
  readonly hasBatchHooks: boolean;
  private readonly byHook: Record<HookName, CallbackHooks[]>;

  constructor(list: CallbackHooks[], model: TrainingModel, params: TrainingParams) {
    for (const c of list) {
      if (c instanceof Callback) {
        c.setModel(model);
        c.setParams(params);
      }
    }
    const names: readonly HookName[] = HOOKS;
    this.byHook = Object.fromEntries(names.map((n) => [n, list.filter((c) => typeof c[n] === 'function')])) as Record<HookName, CallbackHooks[]>;
    this.hasBatchHooks = this.byHook.onBatchBegin.length > 0 || this.byHook.onBatchEnd.length > 0;
  }

  /** Whether any callback defines this hook. */
  listens(hook: HookName): boolean {
    return this.byHook[hook].length > 0;
  }

  trainBegin(logs: Logs): Promise<void> | undefined {
    return this.fire('onTrainBegin', null, logs);
  }
  trainEnd(logs: Logs): Promise<void> | undefined {
    return this.fire('onTrainEnd', null, logs);
  }
  epochBegin(epoch: number, logs: Logs): Promise<void> | undefined {
    return this.fire('onEpochBegin', epoch, logs);
  }
  epochEnd(epoch: number, logs: Logs): Promise<void> | undefined {
    return this.fire('onEpochEnd', epoch, logs);
  }
  batchBegin(batch: number, logs: Logs): Promise<void> | undefined {
    return this.fire('onBatchBegin', batch, logs);
  }
  batchEnd(batch: number, logs: Logs): Promise<void> | undefined {
    return this.fire('onBatchEnd', batch, logs);
  }

  /**
   * Calls `hook` on each callback in order, with (index, logs), or (logs) for the train hooks.
   * Synchronous hooks run synchronously (no promise, no microtask, no closure: 50,000 one-batch
   * epochs call this 50,000 times); from the first hook that returns a promise on, the rest
   * wait in turn.
   */
  private fire(hook: HookName, index: number | null, logs: Logs): Promise<void> | undefined {
    const list = this.byHook[hook];
    for (let i = 0; i < list.length; i++) {
      const r = callHook(list[i]!, hook, index, logs);
      if (r !== undefined && r !== null && typeof (r as Promise<void>).then === 'function') return rest(r as Promise<void>, list, i, hook, index, logs);
    }
    return undefined;
  }
}

function callHook(c: CallbackHooks, hook: HookName, index: number | null, logs: Logs): unknown {
  const f = c[hook] as (...args: unknown[]) => unknown;
  return index === null ? f.call(c, logs) : f.call(c, index, logs);
}

async function rest(first: Promise<void>, list: CallbackHooks[], i: number, hook: HookName, index: number | null, logs: Logs): Promise<void> {
  await first;
  for (let j = i + 1; j < list.length; j++) await callHook(list[j]!, hook, index, logs);
}

/** What `fit` returns: every epoch's logs, by key (`history.history.loss[epoch]`). */
export class History extends Callback {
  readonly epoch: number[] = [];
  /** Each logged figure per epoch; `loss` is always there (empty before the first epoch). */
  readonly history: { loss: number[] } & Record<string, number[]> = { loss: [] };

  override setParams(params: TrainingParams): void {
    super.setParams(params);
  }

  onEpochEnd(epoch: number, logs: Logs): void {
    this.epoch.push(epoch);
    for (const k in logs) (this.history[k] ??= []).push(logs[k]!);
    if (this.epoch.length === 1) accuracyAliases(this.history);
  }
}

/**
 * tfjs writes 'acc' where Keras writes 'accuracy' (`acc`, `val_acc`, `out_acc`): each such key
 * of `record` gets the other spelling as a non-enumerable alias, so a program written for
 * either reads the same figure.
 */
export function accuracyAliases<T>(record: Record<string, T>): void {
  defineAliases(record, aliasPairs(record));
}

/**
 * accuracyAliases for a run of records with the same keys (one fit's epoch or batch logs): the
 * keys are matched once, not once per record (50,000 one-batch epochs of XOR spent 4% of their
 * time matching 'loss').
 */
export function sameKeysAliases(): <T>(record: Record<string, T>) => void {
  let pairs: ReadonlyArray<readonly [string, string]> | null = null;
  return (record) => defineAliases(record, (pairs ??= aliasPairs(record)));
}

/** [key, its other spelling] for each accuracy key of `record` whose other spelling is not there. */
function aliasPairs(record: Record<string, unknown>): Array<readonly [string, string]> {
  const pairs: Array<readonly [string, string]> = [];
  for (const key of Object.keys(record)) {
    const m = /^(.*?)(accuracy|acc)$/.exec(key);
    if (m === null || (m[1] !== '' && !m[1]!.endsWith('_'))) continue;
    const other = `${m[1]}${m[2] === 'acc' ? 'accuracy' : 'acc'}`;
    if (!(other in record)) pairs.push([key, other]);
  }
  return pairs;
}

function defineAliases<T>(record: Record<string, T>, pairs: ReadonlyArray<readonly [string, string]>): void {
  for (let i = 0; i < pairs.length; i++) {
    const [key, other] = pairs[i]!;
    Object.defineProperty(record, other, { get: () => record[key], enumerable: false, configurable: true });
  }
}
