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
import { type LossIdentifier, type LossSpec, getLoss, isBuiltinLoss } from '../losses/index.js';
import { BUILTIN_LAYERS } from '../nn/index.js';
import { reduceLoss } from '../losses/losses.js';
import { getMetric, type Metric, type MetricIdentifier } from '../metrics/index.js';
import type { CallOptions, Layer, SymbolicShape } from '../nn/layer.js';
import { scalar, tensor } from '../ops/creation.js';
import { concat } from '../ops/layout.js';
import { type OptimizerIdentifier, getOptimizer } from '../optim/index.js';
import type { Optimizer } from '../optim/optimizer.js';
import { fmt } from '../tensor/shape.js';
import type { Tensor } from '../tensor/tensor.js';
import type { History } from './callbacks.js';
import { type CompiledStep, compileForward, compileStep, gradientPairs, type NotCompiled } from './compiled.js';
import { checkBatchSize, checkFinite, checkSamples, identityOrder, takeRows } from './data.js';
import { type FitArgs, checkSparseLabels, fitLoop } from './fit.js';
import { planForward } from './plan.js';
import { type ForwardResult, totalLoss } from './step.js';
import type { TrainingModel } from './types.js';

export interface CompileArgs {
  optimizer: OptimizerIdentifier;
  loss: LossIdentifier;
  metrics?: MetricIdentifier | MetricIdentifier[];
  /**
   * Run every step through ops and autograd, batch by batch, instead of a compiled program
   * (Keras `run_eagerly`): slower, for debugging a layer.
   */
  runEagerly?: boolean;
}

export interface Compiled {
  optimizer: Optimizer;
  loss: LossSpec;
  metricIds: MetricIdentifier[];
  runEagerly: boolean;
}

/** What `trainStep` gives: the total loss (penalties included), predictions, and gradients. */
export interface TrainStepResult {
  loss: Tensor;
  pred: Tensor;
  grads: Map<Tensor, Tensor>;
}

type Program = { x: Tensor; out: Tensor; run(): void } | NotCompiled;

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
  /** The planned Dense inference (undefined: not made yet; null: not plannable). */
  private forwardPlan: ReturnType<typeof planForward> | undefined;

  constructor(name: string) {
    this.name = name;
  }

  /** Every layer of the model, each once. */
  abstract readonly layers: Layer[];
  /** Output shape, batch axis included. */
  abstract get outputShape(): SymbolicShape;
  /** The forward pass (Keras `call`), recording gradients when they are on. */
  abstract call(x: Tensor, options?: CallOptions): Tensor;
  /** @internal Throws unless `x` fits the model's input; builds the model on first use. */
  abstract checkInput(x: Tensor, op: string): void;

  /** @internal The layers as one chain, when the model is one (the planned Dense step needs it). */
  get chain(): readonly Layer[] | null {
    return null;
  }

  /** @internal Whether `trainStep` is this class's (the planned Dense step computes the same). */
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
    return !this.hasDefaultTrainStep || this.testStep !== Model.prototype.testStep || (c !== null && !isBuiltinLoss(c.loss)) ||
      this.layers.some((l) => !BUILTIN_LAYERS.has(l.constructor) || typeof (l.config as { activation?: unknown }).activation === 'function');
  }

  /** @internal Forgets planned and compiled inference (the layers changed). */
  protected layersChanged(): void {
    this.forwardPlan = undefined;
    this.programs.clear();
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

  /** What a program for inputs like `x` depends on, besides `extra`: backend, shapes, layers, the weights' buffers. */
  private programKey(x: Tensor, extra: readonly unknown[]): () => readonly unknown[] {
    const backend = getContext().backend;
    return () => [backend, x.dtype, ...x.shape.slice(1), ...extra, ...this.layers, ...this.weights.map((w) => w.values)];
  }

  /** @internal The compiled training step (`trainStep` recorded) for batches of `batch` rows. */
  compiledTrainStep(x: Tensor, y: Tensor, batch: number, weighted: boolean): CompiledStep | NotCompiled {
    const c = this.compiledOrThrow('fit');
    const backend = getContext().backend;
    const key = this.programKey(x, [c.loss, weighted, ...y.shape.slice(1), ...this.trainableWeights]);
    return this.cachedProgram('train', key, batch, () =>
      compileStep({ step: (xb, yb, wb) => this.trainStep(xb, yb, wb), layers: this.layers, batch, x, y, weighted, backend, verify: this.runsCustomCode }, this.trainableWeights));
  }

  private compiledTestStep(x: Tensor, y: Tensor, batch: number, weighted: boolean): CompiledStep | NotCompiled {
    const c = this.compiledOrThrow('evaluate');
    const backend = getContext().backend;
    const key = this.programKey(x, [c.loss, weighted, ...y.shape.slice(1)]);
    return this.cachedProgram('test', key, batch, () =>
      compileStep({ step: (xb, yb, wb) => this.testStep(xb, yb, wb), layers: this.layers, batch, x, y, weighted, backend, verify: this.runsCustomCode }, []));
  }

  /**
   * The forward pass with its data loss, for the steps. Subclasses may fuse the last activation
   * into the loss (Sequential does: softmax with cross-entropy).
   */
  protected forwardWithLoss(x: Tensor, y: Tensor, loss: LossSpec, training: boolean, sampleWeight?: Tensor): ForwardResult {
    const out = this.call(x, { training });
    return { pred: out.detach(), loss: reduceLoss(loss.perSample(y, out), loss.reduction, sampleWeight) };
  }

  /**
   * One training step's maths (Keras `train_step`): forward in training mode, the loss with every
   * layer's penalties, and its gradients. Written with ops; `fit` records it into a program.
   * Override to change what a step computes; the update is the optimizer's.
   */
  trainStep(x: Tensor, y: Tensor, sampleWeight?: Tensor): TrainStepResult {
    const c = this.compiledOrThrow('trainStep');
    return withContext({ gradEnabled: true }, () => {
      const r = this.forwardWithLoss(x, y, c.loss, true, sampleWeight);
      const total = totalLoss(this.layers, r.loss);
      return { loss: total, pred: r.pred, grads: computeGrads(total) };
    });
  }

  /** One evaluation step (Keras `test_step`): forward in inference mode and the data loss. */
  testStep(x: Tensor, y: Tensor, sampleWeight?: Tensor): ForwardResult {
    const c = this.compiledOrThrow('testStep');
    return noGrad(() => this.forwardWithLoss(x, y, c.loss, false, sampleWeight));
  }

  /** Configures training: optimizer, loss and metrics, by name or object. */
  compile(args: CompileArgs): void {
    const metrics = args.metrics === undefined ? [] : Array.isArray(args.metrics) ? args.metrics : [args.metrics];
    this.compiledState = { optimizer: getOptimizer(args.optimizer), loss: getLoss(args.loss), metricIds: metrics, runEagerly: args.runEagerly ?? false };
    if (this.compiledState.optimizer.params.length === 0 && this.built) this.compiledState.optimizer.params = this.trainableWeights;
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

  /** @internal Fresh metric accumulators for the compiled metrics. */
  makeMetrics(): Metric[] {
    const c = this.compiledOrThrow('metrics');
    const shape = this.outputShape;
    const width = shape[shape.length - 1] ?? 1;
    return c.metricIds.map((id) => getMetric(id, { lossName: c.loss.name, outputWidth: width ?? 1 }));
  }

  /** Trains for a number of epochs; resolves to the History. */
  async fit(x: Tensor, y: Tensor, args: FitArgs = {}): Promise<History> {
    this.compiledOrThrow('fit');
    this.checkInput(x, 'fit');
    return fitLoop(this, x, y, args);
  }

  /** One gradient update on one batch; resolves to the loss, then metrics (tfjs). */
  async trainOnBatch(x: Tensor, y: Tensor): Promise<number | number[]> {
    const c = this.compiledOrThrow('trainOnBatch');
    this.checkInput(x, 'trainOnBatch');
    const n = checkSamples('trainOnBatch', x, y);
    checkSparseLabels(this, c.loss.name, y, 'trainOnBatch');
    const program = c.runEagerly ? null : this.compiledTrainStep(x, y, n, false);
    let loss: number;
    let pred: Tensor;
    if (program !== null && !('why' in program)) {
      program.x.values.set(x.values);
      program.y.values.set(y.values);
      loss = program.run();
      pred = program.pred;
      c.optimizer.applyGradients(program.grads);
    } else {
      const r = this.trainStep(x, y);
      c.optimizer.applyGradients(gradientPairs(this.trainableWeights, r.grads));
      loss = r.loss.item();
      pred = r.pred;
    }
    const metrics = this.makeMetrics();
    for (const m of metrics) m.update(y, pred);
    return metrics.length === 0 ? loss : [loss, ...metrics.map((m) => m.result())];
  }

  /** Inference in batches, without gradients: a planned or compiled forward pass where it can be. */
  predict(x: Tensor, args: { batchSize?: number } = {}): Tensor {
    const batchSize = args.batchSize ?? 32;
    checkBatchSize('predict', batchSize);
    this.checkInput(x, 'predict');
    const n = x.shape[0]!;
    const chain = this.chain;
    // A Dense stack runs planned: buffers allocated once per batch size, no tensor per op.
    if (chain !== null && this.forwardPlan === undefined) this.forwardPlan = planForward(chain, getContext().backend);
    const plan = x.rank === 2 && x.dtype === 'float32' ? this.forwardPlan : null;
    if (plan !== undefined && plan !== null) {
      const width = this.outputShape[this.outputShape.length - 1]!;
      const out = new Float32Array(n * width);
      for (let s = 0; s < n; s += batchSize) {
        const e = Math.min(n, s + batchSize);
        plan.forBatch(e - s).predict(x, s, e, out);
      }
      return tensor(out, [n, width]);
    }
    const parts: Tensor[] = [];
    const order = identityOrder(n);
    const rowWidth = x.size / Math.max(1, n);
    for (let s = 0; s < n; s += batchSize) {
      const e = Math.min(n, s + batchSize);
      const program = this.forwardProgram(x, e - s);
      if ('why' in program) {
        parts.push(noGrad(() => this.call(e - s === n ? x : takeRows(x, order, s, e), { training: false })));
        continue;
      }
      program.x.values.set(x.values.subarray(s * rowWidth, e * rowWidth));
      program.run();
      parts.push(program.out.clone());
    }
    return parts.length === 1 ? parts[0]! : concat(parts, 0);
  }

  private forwardProgram(x: Tensor, batch: number): Program {
    const backend = getContext().backend;
    return this.cachedProgram('forward', this.programKey(x, []), batch, () => compileForward(this.layers, (t) => this.call(t, { training: false }), batch, x, backend, this.runsCustomCode));
  }

  predictOnBatch(x: Tensor): Tensor {
    return noGrad(() => this.call(x));
  }

  /** Loss and metrics over a dataset, as scalar tensors: `[loss, ...metrics]` or the loss alone. */
  evaluate(x: Tensor, y: Tensor, args: { batchSize?: number; sampleWeight?: Tensor } = {}): Tensor | Tensor[] {
    const values = this.evaluateValues(x, y, args);
    const scalars = values.map((v) => scalar(v));
    return scalars.length === 1 ? scalars[0]! : scalars;
  }

  /** @internal evaluate as plain numbers: [loss, ...metrics], each batch a compiled `testStep`. */
  evaluateValues(x: Tensor, y: Tensor, args: { batchSize?: number; sampleWeight?: Tensor } = {}): number[] {
    const c = this.compiledOrThrow('evaluate');
    const batchSize = args.batchSize ?? 32;
    checkBatchSize('evaluate', batchSize);
    this.checkInput(x, 'evaluate');
    const n = checkSamples('evaluate', x, y);
    checkFinite(x, 'x', 'evaluate');
    checkFinite(y, 'y', 'evaluate');
    checkSparseLabels(this, c.loss.name, y, 'evaluate');
    const metrics = this.makeMetrics();
    const order = identityOrder(n);
    const weighted = args.sampleWeight !== undefined;
    const xw = x.size / Math.max(1, n);
    const yw = y.size / Math.max(1, n);
    let lossSum = 0;
    for (let s = 0; s < n; s += batchSize) {
      const e = Math.min(n, s + batchSize);
      const program = c.runEagerly ? undefined : this.compiledTestStep(x, y, e - s, weighted);
      let loss: number;
      let pred: Tensor;
      let target: Tensor;
      if (program !== undefined && !('why' in program)) {
        program.x.values.set(x.values.subarray(s * xw, e * xw));
        program.y.values.set(y.values.subarray(s * yw, e * yw));
        if (program.w !== null) program.w.values.set(args.sampleWeight!.values.subarray(s, e));
        loss = program.run();
        pred = program.pred;
        target = program.y;
      } else {
        target = takeRows(y, order, s, e);
        const r = this.testStep(takeRows(x, order, s, e), target, weighted ? takeRows(args.sampleWeight!, order, s, e) : undefined);
        loss = r.loss.item();
        pred = r.pred;
      }
      // Mean losses are averaged over samples; the summed SSE adds up.
      lossSum += c.loss.reduction === 'sum' ? loss : loss * (e - s);
      for (const m of metrics) m.update(target, pred);
    }
    const loss = c.loss.reduction === 'sum' ? lossSum : lossSum / Math.max(1, n);
    let penalty = 0;
    noGrad(() => {
      for (const l of this.layers) penalty += l.regularizationLoss()?.item() ?? 0;
    });
    return [loss + penalty, ...metrics.map((m) => m.result())];
  }

  get weights(): Tensor[] {
    return this.layers.flatMap((l) => l.weights);
  }

  get trainableWeights(): Tensor[] {
    return this.layers.flatMap((l) => l.trainableWeights);
  }

  get nonTrainableWeights(): Tensor[] {
    return this.layers.flatMap((l) => l.nonTrainableWeights);
  }

  /** PyTorch's `model.parameters()`: the trainable weights. */
  parameters(): Tensor[] {
    return this.trainableWeights;
  }

  /** Copies of every weight, layer by layer (kernel, bias, …). */
  getWeights(): Tensor[] {
    return this.weights.map((w) => w.clone());
  }

  /** Overwrites every weight in place, in `getWeights` order; shapes must match. */
  setWeights(weights: readonly Tensor[]): void {
    const own = this.weights;
    if (weights.length !== own.length) throw new Error(`setWeights: the model has ${own.length} weight tensors, got ${weights.length}`);
    own.forEach((w, i) => {
      const v = weights[i]!;
      if (v.shape.length !== w.shape.length || v.shape.some((d, j) => d !== w.shape[j])) {
        throw new Error(`setWeights: weight ${i} (${w.name}) has shape ${fmt(w.shape)}, got ${fmt(v.shape)}`);
      }
      w.assign(v);
    });
  }

  countParams(): number {
    return this.layers.reduce((n, l) => n + l.countParams(), 0);
  }
}
