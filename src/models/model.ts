/**
 * The model base class, as Keras's `Model`: `compile`, `fit`, `evaluate`, `predict`,
 * `trainOnBatch` and the weights API, over small overridable steps. `trainStep` (forward, loss,
 * penalties, gradients) and `testStep` (forward and loss) are written with ops; `fit` and
 * `evaluate` record them once per batch size into compiled programs and replay those, so a
 * subclass that overrides a step gets its own step compiled. A subclass says how to run its
 * layers (`call`), how to check an input, and its output shape; `Sequential` is one.
 */
import { computeGrads } from '../autograd/engine.js';
import { getContext, noGrad, withContext } from '../context/context.js';
import { type LossFunction, type LossName, type LossSpec, getLoss, isBuiltinLoss } from '../losses/index.js';
import { BUILTIN_LAYERS } from '../nn/index.js';
import { reduceLoss } from '../losses/losses.js';
import { getMetric, type Metric, type MetricFunction, type MetricIdentifier, type MetricName } from '../metrics/index.js';
import type { Checked } from '../nn/names.js';
import type { CallOptions, Layer, SymbolicShape } from '../nn/layer.js';
import { scalar } from '../ops/creation.js';
import { concat } from '../ops/layout.js';
import { type OptimizerName, getOptimizer } from '../optim/index.js';
import type { Optimizer } from '../optim/optimizer.js';
import { fmt } from '../tensor/shape.js';
import { Tensor } from '../tensor/tensor.js';
import type { History } from './callbacks.js';
import { type CompiledStep, compileForward, compileStep, gradientPairs, type NotCompiled, type StepSpec } from './compiled.js';
import { checkBatchSize, checkFinite, checkSampleLists, fillRows, identityOrder, takeRows } from './data.js';
import { type FitArgs, checkSparseLabels, fitLoop, nonFiniteLoss } from './fit.js';
import { type ForwardResult, type StepForward, combineLosses, totalLoss } from './step.js';
import type { TrainingModel } from './types.js';
import { ModelLayer } from './model-layer.js';
import type { Dataset } from '../data/dataset.js';
import { type FitDatasetArgs, evaluateDatasetValues, fitDatasetLoop } from './fit-dataset.js';

/** A model's inputs (or targets): one tensor, a list in the model's order, or an object keyed by input (output) name. */
export type ModelData = Tensor | Tensor[] | Record<string, Tensor>;

/**
 * What `evaluate` returns: the loss alone, or a list of at least two scalars (the loss, then
 * each output's loss and the metrics). Typed so `const [loss, accuracy] = model.evaluate(x, y)`
 * compiles under strict settings: a list has both, and a lone scalar refuses to be destructured
 * with a message (tensors iterate over their first axis).
 */
export type Evaluated = Tensor | [Tensor, Tensor, ...Tensor[]];

type LossArg<L extends string> = Checked<L, LossName> | LossFunction;
type MetricArg<M extends string> = Checked<M, MetricName> | MetricFunction | Metric;

/**
 * `V` with each name in it checked against the names `U` (a literal outside them becomes `U`,
 * so a typo fails to compile and an editor lists the names; a `string` from a variable stays
 * `string`), through lists, lists of lists and objects keyed by output name. One type
 * parameter per name kind would take its first candidate only, so a per-output object with
 * two different losses would not compile.
 */
type CheckNames<V, U extends string> =
  V extends string ? (string extends V ? V : V extends U ? V : U)
    : V extends ((...args: never[]) => unknown) | Metric | Optimizer ? V
      : V extends readonly unknown[] ? { [I in keyof V]: CheckNames<V[I], U> }
        : V extends object ? { [K in keyof V]: CheckNames<V[K], U> }
          : V;

/** compile's options with their optimizer, loss and metric names checked. */
type CheckedArgs<A> = {
  [K in keyof A]: K extends 'optimizer' ? CheckNames<A[K], OptimizerName> : K extends 'loss' ? CheckNames<A[K], LossName> : K extends 'metrics' ? CheckNames<A[K], MetricName> : A[K];
};

function evaluated(values: number[]): Evaluated {
  const scalars = values.map((v) => scalar(v));
  return scalars.length === 1 ? scalars[0]! : (scalars as [Tensor, Tensor, ...Tensor[]]);
}

/**
 * `compile`'s options. Names are typed: a literal must be one of the registry's names (an
 * editor completes them; a typo is a compile error), a `string` from a variable is accepted and
 * checked when compile runs, as tfjs types these options.
 */
export interface CompileArgs<L extends string = LossName, O extends string = OptimizerName, M extends string = MetricName> {
  optimizer: Checked<O, OptimizerName> | Optimizer;
  /** One loss for every output, or one per output (a list in output order, or keyed by output name). */
  loss: LossArg<L> | readonly LossArg<L>[] | Record<string, LossArg<L>>;
  /** Metrics for every output, or per output (a list of lists, or keyed by output name). */
  metrics?: MetricArg<M> | readonly MetricArg<M>[] | readonly (readonly MetricArg<M>[])[] | Record<string, MetricArg<M> | readonly MetricArg<M>[]>;
  /** How much each output's loss counts in the total (default 1 each). */
  lossWeights?: readonly number[] | Record<string, number>;
  /**
   * Run every step through ops and autograd, batch by batch, instead of a compiled program
   * (Keras `run_eagerly`): slower, for debugging a layer.
   */
  runEagerly?: boolean;
}

export interface Compiled {
  optimizer: Optimizer;
  /** One loss per output. */
  losses: LossSpec[];
  lossWeights: number[];
  /** The first output's loss (the only one, for most models). */
  loss: LossSpec;
  /** Metric identifiers per output. */
  metricIds: Array<Array<string | MetricFunction | Metric>>;
  runEagerly: boolean;
}

/** What `trainStep` gives: the total loss (penalties included), predictions, and gradients. */
export interface TrainStepResult {
  loss: Tensor;
  /** The model's output, or its outputs in order. */
  pred: Tensor | Tensor[];
  grads: Map<Tensor, Tensor>;
  /** Each output's weighted data loss, for a model with several outputs (their sum is in `loss`). */
  outputLosses?: Tensor[];
}

/** A metric bound to one of the model's outputs, under its log name (`acc`, or `out1_acc` with several outputs). */
export interface OutputMetric {
  readonly name: string;
  readonly output: number;
  reset(): void;
  update(targets: readonly Tensor[], preds: readonly Tensor[]): void;
  result(): number;
}

type Program = { xs: Tensor[]; outs: Tensor[]; run(): void } | NotCompiled;

/** `t` as a list. */
export function asList<T>(t: T | T[]): T[] {
  return Array.isArray(t) ? t : [t];
}

/** Whether `l` runs code the library does not know: a custom class, an activation given as a function, or such a layer inside a nested model or a wrapper. */
function runsUnknownCode(l: Layer): boolean {
  if (l instanceof ModelLayer) return l.model.runsCustomCode;
  const inner = (l.config as { layer?: unknown }).layer;
  if (inner instanceof Object && 'apply' in inner && runsUnknownCode(inner as Layer)) return true;
  return !BUILTIN_LAYERS.has(l.constructor) || typeof (l.config as { activation?: unknown }).activation === 'function';
}

export abstract class Model implements TrainingModel {
  name: string;
  stopTraining = false;
  private compiledState: Compiled | null = null;
  /**
   * Compiled programs (train, test, forward) by batch size, each kept while its key — loss,
   * backend, shapes, layers, the weights' buffers — stays the same: repeated fits reuse them
   * instead of allocating new buffers in kernel memory.
   */
  private readonly programs = new Map<string, { key: readonly unknown[]; byBatch: Map<number, unknown> }>();

  /**
   * @param defaultName whether `name` is the default ('model', 'sequential') rather than one the
   *   user gave: a default-named model nested beside another is renamed ('model_1'), as Keras's
   *   and tfjs's numbered default names never collide.
   */
  constructor(name: string, readonly defaultName = false) {
    this.name = name;
  }

  /** The class name model files carry ('Sequential', 'Functional'). */
  abstract readonly className: string;
  /** Every layer of the model, each once. */
  abstract readonly layers: Layer[];
  /** The inputs' names, in order (what an object of inputs is keyed by). */
  abstract get inputNames(): string[];
  /** The outputs' names, in order (what targets, losses and metrics are keyed by). */
  abstract get outputNames(): string[];
  /** Each output's shape, batch axis included. */
  abstract get outputShapes(): SymbolicShape[];
  /** The forward pass (Keras `call`), recording gradients when they are on. */
  abstract call(x: Tensor | Tensor[], options?: CallOptions): Tensor | Tensor[];
  /** @internal The forward pass on a list of inputs, giving the list of outputs. */
  abstract forward(xs: Tensor[], options?: CallOptions): Tensor[];
  /** @internal Throws unless `xs` fit the model's inputs; builds the model on first use. */
  abstract checkInputs(xs: Tensor[], op: string): void;

  /** @internal Builds the model for inputs of these shapes, when it is used as a layer before being built. */
  buildFor(shapes: SymbolicShape[]): void {
    void shapes;
  }

  /** Output shape, batch axis included (a list of them for a model with several outputs). */
  get outputShape(): SymbolicShape | SymbolicShape[] {
    const s = this.outputShapes;
    return s.length === 1 ? s[0]! : s;
  }

  /** @internal Whether `trainStep` is this class's (one the library knows: no check of its program needed). */
  get hasDefaultTrainStep(): boolean {
    return this.trainStep === Model.prototype.trainStep;
  }

  /**
   * @internal Whether the steps run code the library does not know — a custom layer, an
   * activation or loss given as a function, an overridden trainStep or testStep — which could
   * compute on tensor values outside ops. Compiled steps are then checked on a second batch.
   */
  get runsCustomCode(): boolean {
    const c = this.compiledState;
    return !this.hasDefaultTrainStep || this.testStep !== Model.prototype.testStep || (c !== null && !c.losses.every(isBuiltinLoss)) ||
      this.layers.some(runsUnknownCode);
  }

  /** @internal Forgets compiled programs (the layers changed). */
  protected layersChanged(): void {
    this.programs.clear();
  }

  /**
   * @internal `x` as the list of the model's inputs (or, with `targets`, of its outputs): one
   * tensor for a one-input model, a list in order, or an object keyed by name.
   */
  dataList(x: ModelData, op: string, targets = false): Tensor[] {
    // A vector is a column, one value per sample, as tfjs and Keras read it (tensor1d targets
    // for a one-unit output: tfjs-examples website-phishing).
    return this.dataTensors(x, op, targets).map((t) => (t.rank === 1 ? t.reshape([t.shape[0]!, 1]) : t));
  }

  private dataTensors(x: ModelData, op: string, targets: boolean): Tensor[] {
    const names = targets ? this.outputNames : this.inputNames;
    const what = targets ? 'targets' : 'inputs';
    if (x instanceof Tensor) {
      if (names.length !== 1) throw new Error(`${op}: the model has ${names.length} ${what} (${names.join(', ')}); give a list or an object keyed by name, got one tensor`);
      return [x];
    }
    if (Array.isArray(x)) {
      // tfjs takes tensors only; a JavaScript array of numbers is the common slip.
      if (x.length > 0 && !x.some((t) => t instanceof Tensor) && x.every((t) => typeof t === 'number' || Array.isArray(t))) {
        throw new Error(`${op}: ${what} must be tensors, got a JavaScript array of numbers; wrap it: tensor([[…], …])${names.length > 1 ? ` (one per ${what.slice(0, -1)}: ${names.join(', ')})` : ''}`);
      }
      if (x.length !== names.length || !x.every((t) => t instanceof Tensor)) {
        throw new Error(`${op}: the model has ${names.length} ${what} (${names.join(', ')}), got a list of ${x.length}${x.every((t) => t instanceof Tensor) ? '' : ' with non-tensors in it'}`);
      }
      return x;
    }
    if (x === null || typeof x !== 'object') throw new Error(`${op}: expected a tensor, a list of tensors or an object of them keyed by ${what.slice(0, -1)} name, got ${x === null ? 'null' : typeof x}`);
    const extra = Object.keys(x).filter((k) => !names.includes(k));
    if (extra.length > 0) throw new Error(`${op}: no ${what.slice(0, -1)} named ${extra.map((k) => `'${k}'`).join(', ')}; the model's ${what} are ${names.join(', ')}`);
    return names.map((n) => {
      const t = x[n];
      if (!(t instanceof Tensor)) throw new Error(`${op}: missing ${what.slice(0, -1)} '${n}' (the model's ${what} are ${names.join(', ')})`);
      return t;
    });
  }

  /** `ts` as the user's side sees it: one tensor for a one-output (one-input) model, else the list. */
  protected unwrap(ts: Tensor[]): Tensor | Tensor[] {
    return ts.length === 1 ? ts[0]! : ts;
  }

  private readonly warned = new Set<string>();

  private cachedProgram<T>(slot: string, key: () => readonly unknown[], batch: number, make: () => T): T {
    const k = key();
    let entry = this.programs.get(slot);
    if (entry === undefined || entry.key.length !== k.length || entry.key.some((v, i) => v !== k[i])) {
      entry = { key: k, byBatch: new Map() };
      this.programs.set(slot, entry);
    }
    if (!entry.byBatch.has(batch)) {
      const made = make();
      // A program refused for want of memory runs eagerly; say so once per model and slot.
      if (made !== null && typeof made === 'object' && 'outOfMemory' in made && 'why' in made && !this.warned.has(slot)) {
        this.warned.add(slot);
        console.warn(`neurite: ${slot}: ${String(made.why)}`);
      }
      entry.byBatch.set(batch, made);
      // Compiling moves weights into kernel memory, which changes the key: take it again.
      entry.key = key();
    }
    return entry.byBatch.get(batch) as T;
  }

  /** What a program for inputs like `xs` depends on, besides `extra`: backend, shapes, layers, the weights' buffers. */
  private programKey(xs: readonly Tensor[], extra: readonly unknown[]): () => readonly unknown[] {
    const backend = getContext().backend;
    const shapes = xs.flatMap((x) => [x.storage, x.rank, ...x.shape.slice(1)]);
    return () => [backend, ...shapes, ...extra, ...this.layers, ...this.weights.map((w) => w.values)];
  }

  /** The recorded form of a step: lists in, lists out, whatever `trainStep`/`testStep` take and give. */
  private stepOf(kind: 'train' | 'test'): StepSpec['step'] {
    return (xs, ys, w) => {
      const r = kind === 'train' ? this.trainStep(this.unwrap(xs), this.unwrap(ys), w) : this.testStep(this.unwrap(xs), this.unwrap(ys), w);
      return { loss: r.loss, preds: asList(r.pred), outputLosses: r.outputLosses ?? [], ...('grads' in r ? { grads: (r as TrainStepResult).grads } : {}) };
    };
  }

  /**
   * @internal The compiled training step (`trainStep` recorded) for batches of `batch` rows,
   * with the optimizer's update inside when `update` and the optimizer's update can be recorded
   * (Optimizer.recordable; not for a model running code the library does not know, whose
   * program is checked against the eager step by its gradients).
   */
  compiledTrainStep(xs: Tensor[], ys: Tensor[], batch: number, weighted: boolean, update = true): CompiledStep | NotCompiled {
    const c = this.compiledOrThrow('fit');
    const backend = getContext().backend;
    const opt = c.optimizer;
    const inside = update && opt.recordable && !this.runsCustomCode;
    const trained = this.stepWeights();
    const key = this.programKey([...xs, ...ys], [...c.losses, ...c.lossWeights, weighted, inside ? opt : null, ...trained]);
    const stepUpdate = inside
      ? { count: opt.stepScalarCount, record: (pairs: ReadonlyArray<readonly [Tensor, Tensor]>, s: ArrayLike<number>) => opt.recordUpdate(pairs, s), next: (out: Float64Array) => opt.nextStepScalars(out), done: () => opt.stepDone() }
      : undefined;
    return this.cachedProgram('train', key, batch, () => this.withStepWeights(() =>
      compileStep({ step: this.stepOf('train'), layers: this.layers, batch, xs, ys, weighted, backend, verify: this.runsCustomCode, ...(stepUpdate === undefined ? {} : { update: stepUpdate }) }, trained), trained));
  }

  private compiledTestStep(xs: Tensor[], ys: Tensor[], batch: number, weighted: boolean): CompiledStep | NotCompiled {
    const c = this.compiledOrThrow('evaluate');
    const backend = getContext().backend;
    const key = this.programKey([...xs, ...ys], [...c.losses, ...c.lossWeights, weighted]);
    return this.cachedProgram('test', key, batch, () =>
      compileStep({ step: this.stepOf('test'), layers: this.layers, batch, xs, ys, weighted, backend, verify: this.runsCustomCode }, []));
  }

  /**
   * The forward pass with its data loss, for the steps: each output's loss (weighted), summed.
   * Subclasses may fuse an output's last activation into its loss (softmax with cross-entropy).
   */
  protected forwardWithLoss(xs: Tensor[], ys: Tensor[], training: boolean, sampleWeight?: Tensor): StepForward {
    const c = this.compiledOrThrow('forward');
    const outs = this.forward(xs, { training });
    return combineLosses(outs.map((out, i) => ({ pred: out.detach(), loss: reduceLoss(c.losses[i]!.perSample(ys[i]!, out), c.losses[i]!.reduction, sampleWeight) })), c.lossWeights);
  }

  /**
   * One training step's maths (Keras `train_step`): forward in training mode, the loss with every
   * layer's penalties, and its gradients. Written with ops; `fit` records it into a program.
   * Override to change what a step computes; the update is the optimizer's. `x` and `y` are
   * tensors for a one-input, one-output model, else lists in the model's order.
   */
  trainStep(x: Tensor | Tensor[], y: Tensor | Tensor[], sampleWeight?: Tensor): TrainStepResult {
    this.compiledOrThrow('trainStep');
    return withContext({ gradEnabled: true }, () => {
      const r = this.forwardWithLoss(asList(x), asList(y), true, sampleWeight);
      const total = totalLoss(this.layers, r.loss);
      return { loss: total, pred: this.unwrap(r.preds), grads: computeGrads(total), ...(r.preds.length > 1 ? { outputLosses: r.outputLosses } : {}) };
    });
  }

  /** One evaluation step (Keras `test_step`): forward in inference mode and the data loss. */
  testStep(x: Tensor | Tensor[], y: Tensor | Tensor[], sampleWeight?: Tensor): ForwardResult {
    this.compiledOrThrow('testStep');
    return noGrad(() => {
      const r = this.forwardWithLoss(asList(x), asList(y), false, sampleWeight);
      return { loss: r.loss, pred: this.unwrap(r.preds), ...(r.preds.length > 1 ? { outputLosses: r.outputLosses } : {}) };
    });
  }

  /** Configures training: optimizer, loss and metrics, by name or object. */
  compile<const A extends CompileArgs<string, string, string>>(compileArgs: CheckedArgs<A>): void {
    const args: CompileArgs<string, string, string> = compileArgs;
    const outs = this.outputNames;
    const perOutput = <T>(v: T | readonly T[] | Record<string, T> | undefined, what: string, isOne: (v: unknown) => boolean, fallback: T): T[] => {
      if (v === undefined) return outs.map(() => fallback);
      if (isOne(v)) return outs.map(() => v as T);
      if (Array.isArray(v)) {
        const list = v as readonly T[];
        if (list.length !== outs.length) throw new Error(`compile: ${what} has ${list.length} entries for ${outs.length} outputs (${outs.join(', ')})`);
        return [...list];
      }
      const o = v as Record<string, T>;
      const extra = Object.keys(o).filter((k) => !outs.includes(k));
      if (extra.length > 0) throw new Error(`compile: ${what} names ${extra.map((k) => `'${k}'`).join(', ')}, not an output of the model (${outs.join(', ')})`);
      return outs.map((n) => o[n] ?? fallback);
    };
    const isLossId = (v: unknown): boolean => typeof v === 'string' || typeof v === 'function';
    const losses = perOutput<string | LossFunction | undefined>(args.loss, 'loss', isLossId, undefined).map((id, i) => {
      if (id === undefined) throw new Error(`compile: no loss for output '${outs[i]}'`);
      return getLoss(id);
    });
    const lossWeights = perOutput<number>(args.lossWeights, 'lossWeights', (v) => typeof v === 'number', 1);
    for (const [i, w] of lossWeights.entries()) {
      if (!Number.isFinite(w) || w < 0) throw new Error(`compile: lossWeights for output '${outs[i]}' must be a finite number ≥ 0, got ${w}`);
    }
    // A flat list of metrics applies to every output (as Keras); a list of lists or an object is per output.
    const m = args.metrics;
    const isMetricId = (v: unknown): boolean => typeof v === 'string' || typeof v === 'function' || (typeof v === 'object' && v !== null && !Array.isArray(v) && 'update' in v);
    const nested = Array.isArray(m) && m.some(Array.isArray);
    const metricIds = m === undefined ? outs.map(() => [])
      : isMetricId(m) ? outs.map(() => [m as MetricIdentifier])
        : Array.isArray(m) && !nested ? outs.map(() => [...(m as readonly MetricIdentifier[])])
          : perOutput<MetricIdentifier | readonly MetricIdentifier[]>(m as readonly (readonly MetricIdentifier[])[] | Record<string, MetricIdentifier | readonly MetricIdentifier[]>, 'metrics', () => false, []).map((v) => (Array.isArray(v) ? [...(v as readonly MetricIdentifier[])] : [v as MetricIdentifier]));
    this.compiledState = { optimizer: getOptimizer(args.optimizer), losses, lossWeights, loss: losses[0]!, metricIds, runEagerly: args.runEagerly ?? false };
    this.captured = null;
    if (this.built) {
      const trained = this.stepWeights();
      if (this.compiledState.optimizer.params.length === 0) this.compiledState.optimizer.params = trained;
    }
  }

  private captured: { weights: Tensor[]; layers: Layer[]; warned: boolean } | null = null;

  /**
   * @internal The weights training updates: the trainable ones when the model was compiled (or
   * first trained, when it was built after), as Keras keeps them. Freezing a layer or the model
   * afterwards takes effect at the next compile, so a GAN's discriminator, compiled before it
   * was frozen for the combined model, still trains on its own.
   */
  stepWeights(): Tensor[] {
    const layers = this.layers;
    const was = this.captured;
    if (was === null || was.layers.length !== layers.length || was.layers.some((l, i) => l !== layers[i])) {
      this.captured = { weights: this.trainableWeights, layers: [...layers], warned: false };
      return this.captured.weights;
    }
    const c = was;
    if (!c.warned) {
      const now = this.trainableWeights;
      if (now.length !== c.weights.length || now.some((w, i) => w !== c.weights[i])) {
        c.warned = true;
        console.warn(`neurite: ${this.name}: trainable changed since compile (${now.length} trainable weight tensors now, ${c.weights.length} then); training updates the ones it was compiled with, as Keras does: call compile again to train the others`);
      }
    }
    return c.weights;
  }

  /** @internal Runs `f` with gradients on for every step weight (those of a layer frozen after compile too), `trained` when the caller has them. */
  withStepWeights<T>(f: () => T, trained: readonly Tensor[] = this.stepWeights()): T {
    const off = trained.filter((w) => !w.requiresGrad);
    if (off.length === 0) return f();
    for (const w of off) w.requiresGrad = true;
    try {
      return f();
    } finally {
      for (const w of off) w.requiresGrad = false;
    }
  }

  private trainableFlag = true;

  /** Whether the model trains as a layer of another; setting it freezes or unfreezes every layer (Keras, tfjs). Takes effect at the next compile. */
  get trainable(): boolean {
    return this.trainableFlag;
  }

  set trainable(value: boolean) {
    this.trainableFlag = value;
    for (const l of this.layers) l.trainable = value;
  }

  /** Whether every layer has its weights. */
  get built(): boolean {
    return this.layers.length > 0 && this.layers.every((l) => l.built);
  }

  /** @internal */
  compiledOrThrow(op: string): Compiled {
    if (this.compiledState === null) {
      throw new Error(`${op}: the model must be compiled first: model.compile({optimizer: 'sgd', loss: 'meanSquaredError'})`);
    }
    return this.compiledState;
  }

  get optimizer(): Optimizer {
    return this.compiledOrThrow('optimizer').optimizer;
  }

  /** @internal Fresh metric accumulators for the compiled metrics, each bound to its output. */
  makeMetrics(): OutputMetric[] {
    const c = this.compiledOrThrow('metrics');
    const shapes = this.outputShapes;
    const names = this.outputNames;
    const several = names.length > 1;
    return c.metricIds.flatMap((ids, o) => ids.map((id): OutputMetric => {
      const shape = shapes[o]!;
      const m = getMetric(id, { lossName: c.losses[o]!.name, outputWidth: shape[shape.length - 1] ?? 1 });
      return {
        name: several ? `${names[o]}_${m.name}` : m.name,
        output: o,
        reset: () => m.reset(),
        update: (targets, preds) => m.update(targets[o]!, preds[o]!),
        result: () => m.result(),
      };
    }));
  }

  /** @internal The log keys of each output's loss, for a model with several outputs (none for one). */
  get outputLossNames(): string[] {
    const names = this.outputNames;
    return names.length > 1 ? names.map((n) => `${n}_loss`) : [];
  }

  /** Trains for a number of epochs; resolves to the History. */
  async fit(x: ModelData, y: ModelData, args: FitArgs = {}): Promise<History> {
    this.compiledOrThrow('fit');
    const xs = this.dataList(x, 'fit');
    this.checkInputs(xs, 'fit');
    const ys = this.dataList(y, 'fit', true);
    return this.training(() => fitLoop(this, xs, ys, args));
  }

  private fitting = false;
  private userMetadata: Record<string, unknown> | undefined;

  /**
   * Metadata saved with the model in model.json (tfjs's `setUserDefinedMetadata`): a plain
   * object of JSON values, committed together with the weights. The key `neurite` is the
   * library's own.
   */
  setUserDefinedMetadata(metadata: Record<string, unknown> | undefined): void {
    if (metadata === undefined) {
      this.userMetadata = undefined;
      return;
    }
    if (metadata === null || typeof metadata !== 'object' || Array.isArray(metadata)) throw new Error(`setUserDefinedMetadata: expected a plain object, got ${metadata === null ? 'null' : Array.isArray(metadata) ? 'an array' : typeof metadata}`);
    if ('neurite' in metadata) throw new Error("setUserDefinedMetadata: the key 'neurite' is the library's own (the optimizer state and checksums); use another name");
    let text: string;
    try {
      text = JSON.stringify(metadata);
    } catch (e) {
      throw new Error(`setUserDefinedMetadata: the metadata must be JSON: ${(e as Error).message}`);
    }
    this.userMetadata = JSON.parse(text) as Record<string, unknown>;
  }

  /** The metadata set with setUserDefinedMetadata or loaded with the model (a copy), or undefined. */
  getUserDefinedMetadata(): Record<string, unknown> | undefined {
    return this.userMetadata === undefined ? undefined : (JSON.parse(JSON.stringify(this.userMetadata)) as Record<string, unknown>);
  }

  /** Runs one fit at a time, as tfjs: a second call while one runs is refused with tfjs's message. */
  protected async training<T>(run: () => Promise<T>): Promise<T> {
    if (this.fitting) throw new Error('Cannot start training because another fit() call is ongoing.');
    this.fitting = true;
    try {
      return await run();
    } finally {
      this.fitting = false;
    }
  }

  /**
   * @internal One gradient step on one batch of lists, through the compiled step for its size
   * where it compiles: the loss, each output's loss (several outputs), the predictions and the
   * targets the metrics read.
   */
  trainBatch(xs: Tensor[], ys: Tensor[], compiled: boolean): { loss: number; outputLosses: number[]; preds: Tensor[]; targets: Tensor[] } {
    const c = this.compiledOrThrow('fit');
    const n = xs[0]!.shape[0]!;
    const program = compiled && !c.runEagerly ? this.compiledTrainStep(xs, ys, n, false) : null;
    if (program !== null && !('why' in program)) {
      xs.forEach((t, i) => program.xs[i]!.values.set(t.values));
      ys.forEach((t, i) => program.ys[i]!.values.set(t.values));
      const loss = program.run();
      if (!program.updates) c.optimizer.applyGradients(program.grads);
      return { loss, outputLosses: program.outputLosses.map((t) => t.values[0]!), preds: program.preds, targets: program.ys };
    }
    const trained = this.stepWeights();
    const r = this.withStepWeights(() => this.trainStep(this.unwrap(xs), this.unwrap(ys)), trained);
    c.optimizer.applyGradients(gradientPairs(trained, r.grads));
    return { loss: r.loss.item(), outputLosses: (r.outputLosses ?? []).map((t) => t.item()), preds: asList(r.pred), targets: ys };
  }

  /** One gradient update on one batch; resolves to the loss, then metrics (tfjs). */
  async trainOnBatch(x: ModelData, y: ModelData): Promise<number | number[]> {
    const c = this.compiledOrThrow('trainOnBatch');
    const xs = this.dataList(x, 'trainOnBatch');
    const ys = this.dataList(y, 'trainOnBatch', true);
    this.checkInputs(xs, 'trainOnBatch');
    checkSampleLists('trainOnBatch', xs, ys);
    ys.forEach((t, i) => checkSparseLabels(this, c.losses[i]!.name, t, 'trainOnBatch', i));
    if (c.optimizer.params.length === 0) c.optimizer.params = this.stepWeights();
    const r = this.trainBatch(xs, ys, true);
    if (!Number.isFinite(r.loss)) nonFiniteLoss('trainOnBatch', r.loss, 'this batch', c.optimizer, 'throw', false);
    const metrics = this.makeMetrics();
    for (const m of metrics) m.update(r.targets, r.preds);
    const values = [r.loss, ...r.outputLosses, ...metrics.map((m) => m.result())];
    return values.length === 1 ? r.loss : values;
  }

  /**
   * Trains on a dataset of batches (tfjs `fitDataset`): each element `{xs, ys}` (or `[xs, ys]`),
   * tensors with a batch axis, as `.batch(n)` makes them. Streams: only the batches in flight
   * are held, so a dataset larger than memory trains.
   */
  async fitDataset(dataset: Dataset<unknown>, args: FitDatasetArgs = {}): Promise<History> {
    this.compiledOrThrow('fitDataset');
    return this.training(() => fitDatasetLoop(this, dataset, args));
  }

  /** Loss and metrics over a dataset of batches (tfjs `evaluateDataset`), as scalar tensors. */
  async evaluateDataset(dataset: Dataset<unknown>, args: { batches?: number } = {}): Promise<Evaluated> {
    return evaluated(await evaluateDatasetValues(this, dataset, args.batches));
  }

  /** Inference in batches, without gradients: a compiled forward pass where it can be. */
  predict(x: ModelData, args: { batchSize?: number } = {}): Tensor | Tensor[] {
    const batchSize = args.batchSize ?? 32;
    checkBatchSize('predict', batchSize);
    const xs = this.dataList(x, 'predict');
    this.checkInputs(xs, 'predict');
    // Inside tfjs's gradient functions predict is differentiable, as tfjs's is.
    if (getContext().tape === true) return this.unwrap(this.forward(xs, { training: false }));
    const n = xs[0]!.shape[0]!;
    for (const [i, t] of xs.entries()) {
      if (t.rank === 0 || t.shape[0] !== n) throw new Error(`predict: input ${this.inputNames[i]} has ${t.rank === 0 ? 'no sample axis' : `${t.shape[0]} samples`} (shape ${fmt(t.shape)}) but input ${this.inputNames[0]} has ${n}`);
    }
    const parts: Tensor[][] = [];
    const order = identityOrder(n);
    for (let s = 0; s < n; s += batchSize) {
      const e = Math.min(n, s + batchSize);
      const program = this.forwardProgram(xs, e - s);
      if ('why' in program) {
        parts.push(noGrad(() => this.forward(e - s === n ? xs : xs.map((t) => takeRows(t, order, s, e)), { training: false })));
        continue;
      }
      xs.forEach((t, i) => {
        const w = t.size / Math.max(1, n);
        program.xs[i]!.values.set(t.values.subarray(s * w, e * w));
      });
      program.run();
      parts.push(program.outs.map((o) => o.clone()));
    }
    const outs = this.outputNames.map((_, o) => (parts.length === 1 ? parts[0]![o]! : concat(parts.map((p) => p[o]!), 0)));
    return this.unwrap(outs);
  }

  private forwardProgram(xs: Tensor[], batch: number): Program {
    const backend = getContext().backend;
    return this.cachedProgram('forward', this.programKey(xs, []), batch, () => compileForward(this.layers, (ts) => this.forward(ts, { training: false }), batch, xs, backend, this.runsCustomCode));
  }

  predictOnBatch(x: ModelData): Tensor | Tensor[] {
    const xs = this.dataList(x, 'predictOnBatch');
    this.checkInputs(xs, 'predictOnBatch');
    return this.unwrap(noGrad(() => this.forward(xs)));
  }

  /**
   * Loss and metrics over a dataset, as scalar tensors: `[loss, ...metrics]` or the loss alone
   * (with several outputs: the total loss, each output's loss, then the metrics).
   */
  evaluate(x: ModelData, y: ModelData, args: { batchSize?: number; sampleWeight?: Tensor } = {}): Evaluated {
    return evaluated(this.evaluateValues(x, y, args));
  }

  /**
   * @internal evaluate as plain numbers: [loss, ...output losses, ...metrics], each batch a
   * compiled `testStep`. Given `metrics`, accumulates into them (over several calls) instead of fresh ones.
   */
  evaluateValues(x: ModelData, y: ModelData, args: { batchSize?: number; sampleWeight?: Tensor; metrics?: OutputMetric[] } = {}): number[] {
    const c = this.compiledOrThrow('evaluate');
    const batchSize = args.batchSize ?? 32;
    checkBatchSize('evaluate', batchSize);
    const xs = this.dataList(x, 'evaluate');
    const ys = this.dataList(y, 'evaluate', true);
    this.checkInputs(xs, 'evaluate');
    const n = checkSampleLists('evaluate', xs, ys);
    xs.forEach((t) => checkFinite(t, 'x', 'evaluate'));
    ys.forEach((t) => checkFinite(t, 'y', 'evaluate'));
    ys.forEach((t, i) => checkSparseLabels(this, c.losses[i]!.name, t, 'evaluate', i));
    const metrics = args.metrics ?? this.makeMetrics();
    const order = identityOrder(n);
    const weighted = args.sampleWeight !== undefined;
    const several = ys.length > 1;
    // Mean losses are averaged over samples; the summed SSE adds up.
    const summed = c.losses.every((l) => l.reduction === 'sum');
    let lossSum = 0;
    const outSums = ys.map(() => 0);
    for (let s = 0; s < n; s += batchSize) {
      const e = Math.min(n, s + batchSize);
      const program = c.runEagerly ? undefined : this.compiledTestStep(xs, ys, e - s, weighted);
      let loss: number;
      let preds: Tensor[];
      let targets: Tensor[];
      let outLosses: number[];
      if (program !== undefined && !('why' in program)) {
        fillRows(xs, program.xs, s, e, n);
        fillRows(ys, program.ys, s, e, n);
        if (program.w !== null) program.w.values.set(args.sampleWeight!.values.subarray(s, e));
        loss = program.run();
        preds = program.preds;
        targets = program.ys;
        outLosses = program.outputLosses.map((t) => t.values[0]!);
      } else {
        targets = ys.map((t) => takeRows(t, order, s, e));
        const r = this.testStep(this.unwrap(xs.map((t) => takeRows(t, order, s, e))), this.unwrap(targets), weighted ? takeRows(args.sampleWeight!, order, s, e) : undefined);
        loss = r.loss.item();
        preds = asList(r.pred);
        outLosses = (r.outputLosses ?? []).map((t) => t.item());
      }
      lossSum += summed ? loss : loss * (e - s);
      if (several) outLosses.forEach((v, i) => (outSums[i] = outSums[i]! + (c.losses[i]!.reduction === 'sum' ? v : v * (e - s))));
      for (const m of metrics) m.update(targets, preds);
    }
    const loss = summed ? lossSum : lossSum / Math.max(1, n);
    const outLoss = several ? outSums.map((v, i) => (c.losses[i]!.reduction === 'sum' ? v : v / Math.max(1, n))) : [];
    let penalty = 0;
    noGrad(() => {
      for (const l of this.layers) penalty += l.regularizationLoss()?.item() ?? 0;
    });
    return [loss + penalty, ...outLoss, ...metrics.map((m) => m.result())];
  }

  /** Every weight: the trainable ones, then the rest (Keras's and tfjs's order, which getWeights/setWeights follow). */
  get weights(): Tensor[] {
    return [...this.trainableWeights, ...this.nonTrainableWeights];
  }

  get trainableWeights(): Tensor[] {
    return this.layers.flatMap((l) => l.trainableWeights);
  }

  get nonTrainableWeights(): Tensor[] {
    return this.layers.flatMap((l) => l.nonTrainableWeights);
  }

  /** Every stateful recurrent layer's state back to zeros (tfjs's and Keras's `resetStates`), nested models' too. */
  resetStates(): void {
    for (const l of this.layers) {
      const r = l as Layer & { resetStates?: () => void; model?: Model };
      if ((l.config as { stateful?: boolean }).stateful === true && typeof r.resetStates === 'function') r.resetStates();
      else if (r.model instanceof Model) r.model.resetStates();
    }
  }

  /** PyTorch's `model.parameters()`: the trainable weights. */
  parameters(): Tensor[] {
    return this.trainableWeights;
  }

  /** Copies of every weight, in `weights` order: layer by layer the trainable ones, then the rest (moving statistics, frozen layers). */
  getWeights(): Tensor[] {
    return this.weights.map((w) => w.clone());
  }

  /** Overwrites every weight in place, in `getWeights` order; shapes must match. */
  setWeights(weights: readonly Tensor[]): void {
    const own = this.weights;
    if (!Array.isArray(weights)) throw new Error(`setWeights: expected a list of ${own.length} tensors, got ${weights === null ? 'null' : typeof weights}`);
    if (weights.length !== own.length) throw new Error(`setWeights: the model has ${own.length} weight tensors, got ${weights.length}`);
    own.forEach((w, i) => {
      const v = weights[i]!;
      if (!(v instanceof Tensor)) throw new Error(`setWeights: weight ${i} (${w.name}) must be a tensor of shape ${fmt(w.shape)}, got ${Array.isArray(v) ? 'a JavaScript array (wrap it: tensor(…))' : typeof v}`);
      if (v.shape.length !== w.shape.length || v.shape.some((d, j) => d !== w.shape[j])) {
        throw new Error(`setWeights: weight ${i} (${w.name}) has shape ${fmt(w.shape)}, got ${fmt(v.shape)}`);
      }
      w.assign(v);
    });
  }

  countParams(): number {
    return this.layers.reduce((n, l) => n + l.countParams(), 0);
  }

  /** The layer with this name, or at this index of `layers` (tfjs `getLayer(name)` or `getLayer(undefined, index)`). */
  getLayer(nameOrIndex?: string | number, index?: number): Layer {
    const which = nameOrIndex ?? index;
    if (typeof which === 'number') {
      const l = this.layers[which];
      if (l === undefined) throw new Error(`getLayer: index ${which} is out of range; the model has ${this.layers.length} layers`);
      return l;
    }
    if (which === undefined) throw new Error('getLayer: give a layer name or an index');
    const l = this.layers.find((x) => x.name === which);
    if (l === undefined) throw new Error(`getLayer: no layer named '${which}'; the model's layers are ${this.layers.map((x) => x.name).join(', ')}`);
    return l;
  }
}
