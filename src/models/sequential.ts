/**
 * Sequential: a linear stack of layers with Keras's and TensorFlow.js's model API —
 * `add`, `compile`, `fit`, `evaluate`, `predict`, `trainOnBatch`, `summary`,
 * `getWeights`/`setWeights` — and PyTorch's front door for the manual loop (`apply`,
 * `trainableWeights`). One set of layers serves both.
 */
import { getContext, noGrad } from '../context/context.js';
import { type LossIdentifier, type LossSpec, getLoss } from '../losses/index.js';
import { getMetric, type MetricIdentifier, type Metric } from '../metrics/index.js';
import type { Layer, SymbolicShape } from '../nn/layer.js';
import { formatShape } from '../nn/layer.js';
import { InputLayer } from '../nn/simple.js';
import { scalar, tensor } from '../ops/creation.js';
import { concat } from '../ops/layout.js';
import { type OptimizerIdentifier, getOptimizer } from '../optim/index.js';
import type { Optimizer } from '../optim/optimizer.js';
import { fmt } from '../tensor/shape.js';
import type { Tensor } from '../tensor/tensor.js';
import type { History } from './callbacks.js';
import { checkBatchSize, checkFinite, checkSamples, identityOrder, takeRows } from './data.js';
import { type FitArgs, checkSparseLabels, fitLoop } from './fit.js';
import { planForward } from './plan.js';
import { forwardWithLoss, gradientStep } from './step.js';
import { summaryLines } from './summary.js';
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

function snake(className: string): string {
  return className.replace(/([a-z0-9])([A-Z])/g, '$1_$2').replace(/([A-Z])([A-Z][a-z])/g, '$1_$2').toLowerCase();
}

export class Sequential implements TrainingModel {
  name: string;
  readonly layers: Layer[] = [];
  stopTraining = false;
  private declaredInput: SymbolicShape | null = null;
  private compiledState: Compiled | null = null;
  /** The planned inference for the current layers (undefined: not made yet; null: not plannable). */
  private forwardPlan: ReturnType<typeof planForward> | undefined;

  constructor(args: { layers?: Layer[]; name?: string } = {}) {
    this.name = args.name ?? 'sequential';
    for (const l of args.layers ?? []) this.add(l);
  }

  /** Appends a layer, naming it (`dense`, `dense_1`…) unless it has a name. */
  add(layer: Layer): void {
    if (this.layers.includes(layer)) throw new Error(`Sequential.add: layer '${layer.name}' is already in the model`);
    if (layer instanceof InputLayer) {
      if (this.layers.length > 0) throw new Error('Sequential.add: an input layer must come first');
      this.declaredInput = layer.batchInputShape;
      return;
    }
    if (this.layers.length === 0 && this.declaredInput === null) this.declaredInput = layer.batchInputShape;
    else if (this.layers.length > 0 && layer.batchInputShape !== null) {
      throw new Error(`Sequential.add: only the first layer may declare an input shape; '${layer.className}' declares ${formatShape(layer.batchInputShape)}`);
    }
    if (layer.name === undefined) {
      const base = snake(layer.className);
      const taken = new Set(this.layers.map((l) => l.name));
      let name = base;
      for (let k = 1; taken.has(name); k++) name = `${base}_${k}`;
      layer.name = name;
    } else if (this.layers.some((l) => l.name === layer.name)) {
      throw new Error(`Sequential.add: a layer named '${layer.name}' is already in the model`);
    }
    layer.syncWeightNames();
    this.layers.push(layer);
    this.forwardPlan = undefined;
    if (this.declaredInput !== null) this.build(this.declaredInput);
  }

  /** The input shape, batch axis included (null until known). */
  get inputShape(): SymbolicShape | null {
    return this.declaredInput;
  }

  /** Output shape, batch axis included. */
  get outputShape(): SymbolicShape {
    if (this.declaredInput === null) throw new Error('Sequential.outputShape: the model has no input shape yet');
    return this.layers.reduce<SymbolicShape>((s, l) => l.computeOutputShape(s), this.declaredInput);
  }

  /** Builds every layer for `inputShape` (batch axis included). */
  build(inputShape: SymbolicShape): void {
    this.declaredInput = inputShape;
    let shape = inputShape;
    for (const l of this.layers) {
      if (!l.built) {
        l.build(shape);
        l.built = true;
        l.syncWeightNames();
      }
      shape = l.computeOutputShape(shape);
    }
  }

  get built(): boolean {
    return this.layers.length > 0 && this.layers.every((l) => l.built);
  }

  private checkInput(x: Tensor, op: string): void {
    if (this.layers.length === 0) throw new Error(`${op}: the model has no layers`);
    const want = this.declaredInput;
    if (want === null) {
      this.build([null, ...x.shape.slice(1)]);
      return;
    }
    const ok = x.rank === want.length && want.every((d, i) => i === 0 || d === null || d === x.shape[i]);
    if (!ok) throw new Error(`${op}: the model expects input of shape ${formatShape(want)}, got ${fmt(x.shape)}`);
  }

  /** The forward pass, recording gradients (the manual loop's `model(x)`). */
  apply(x: Tensor, options: { training?: boolean } = {}): Tensor {
    this.checkInput(x, 'apply');
    let h = x;
    for (const l of this.layers) h = l.apply(h, options);
    return h;
  }

  /** Same as `apply` (PyTorch's `forward`, Keras's `call`). */
  call(x: Tensor, options: { training?: boolean } = {}): Tensor {
    return this.apply(x, options);
  }

  /** Inference in batches, without gradients. */
  predict(x: Tensor, args: { batchSize?: number } = {}): Tensor {
    const batchSize = args.batchSize ?? 32;
    checkBatchSize('predict', batchSize);
    this.checkInput(x, 'predict');
    // A Dense stack runs planned: buffers allocated once per batch size, no tensor per op.
    if (this.forwardPlan === undefined) this.forwardPlan = planForward(this.layers, getContext().backend);
    const plan = x.rank === 2 && x.dtype === 'float32' ? this.forwardPlan : null;
    if (plan !== null) {
      const n = x.shape[0]!;
      const width = this.outputShape[this.outputShape.length - 1]!;
      const out = new Float32Array(n * width);
      for (let s = 0; s < n; s += batchSize) {
        const e = Math.min(n, s + batchSize);
        plan.forBatch(e - s).predict(x, s, e, out);
      }
      return tensor(out, [n, width]);
    }
    return noGrad(() => {
      const n = x.shape[0]!;
      if (n <= batchSize) return this.apply(x);
      const order = identityOrder(n);
      const parts: Tensor[] = [];
      for (let s = 0; s < n; s += batchSize) parts.push(this.apply(takeRows(x, order, s, Math.min(n, s + batchSize))));
      return concat(parts, 0);
    });
  }

  predictOnBatch(x: Tensor): Tensor {
    return noGrad(() => this.apply(x));
  }

  /** Configures training: optimizer, loss and metrics, by name or object. */
  compile(args: CompileArgs): void {
    const metrics = args.metrics === undefined ? [] : Array.isArray(args.metrics) ? args.metrics : [args.metrics];
    this.compiledState = { optimizer: getOptimizer(args.optimizer), loss: getLoss(args.loss), metricIds: metrics, runEagerly: args.runEagerly ?? false };
    if (this.compiledState.optimizer.params.length === 0 && this.built) this.compiledState.optimizer.params = this.trainableWeights;
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
    checkSamples('trainOnBatch', x, y);
    const r = gradientStep(this.layers, x, y, c.loss);
    const weights = this.trainableWeights;
    c.optimizer.applyGradients(weights.filter((w) => r.grads.has(w)).map((w) => [w, r.grads.get(w)!] as const));
    const metrics = this.makeMetrics();
    for (const m of metrics) m.update(y, r.pred);
    return metrics.length === 0 ? r.loss : [r.loss, ...metrics.map((m) => m.result())];
  }

  /** Loss and metrics over a dataset, as scalar tensors: `[loss, ...metrics]` or the loss alone. */
  evaluate(x: Tensor, y: Tensor, args: { batchSize?: number; sampleWeight?: Tensor } = {}): Tensor | Tensor[] {
    const values = this.evaluateValues(x, y, args);
    const scalars = values.map((v) => scalar(v));
    return scalars.length === 1 ? scalars[0]! : scalars;
  }

  /** @internal evaluate as plain numbers: [loss, ...metrics]. */
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
    let lossSum = 0;
    noGrad(() => {
      for (let s = 0; s < n; s += batchSize) {
        const e = Math.min(n, s + batchSize);
        const xb = takeRows(x, order, s, e);
        const yb = takeRows(y, order, s, e);
        const wb = args.sampleWeight === undefined ? undefined : takeRows(args.sampleWeight, order, s, e);
        const r = forwardWithLoss(this.layers, xb, yb, c.loss, false, wb);
        // Mean losses are averaged over samples; the summed SSE adds up.
        lossSum += c.loss.reduction === 'sum' ? r.loss.item() : r.loss.item() * (e - s);
        for (const m of metrics) m.update(yb, r.pred);
      }
    });
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

  /** Prints Keras's summary table (or hands each line to `printFn`). */
  summary(printFn: (line: string) => void = console.log): void {
    if (this.declaredInput === null || !this.built) {
      throw new Error('summary: the model has not been built yet; give the first layer an inputShape (or inputDim), or call the model on data first');
    }
    for (const line of summaryLines(this.name, this.layers, this.declaredInput)) printFn(line);
  }
}

/** tfjs's factory: `sequential({layers: [...]})`. */
export function sequential(args: { layers?: Layer[]; name?: string } = {}): Sequential {
  return new Sequential(args);
}
