/**
 * Sequential: a linear stack of layers (`add`, `build`, `summary`) on the Model base class,
 * which gives it Keras's and TensorFlow.js's model API — `compile`, `fit`, `evaluate`,
 * `predict`, `trainOnBatch`, `getWeights`/`setWeights` — and PyTorch's front door for the
 * manual loop (`apply`, `trainableWeights`). One set of layers serves both.
 */
import type { CallOptions, Layer, SymbolicShape } from '../nn/layer.js';
import { applyMasked, formatShape, stackShape, uniqueName } from '../nn/layer.js';
import { InputLayer, inputLayerOf, symbolicInput } from '../nn/simple.js';
import { fmt } from '../tensor/shape.js';
import type { Tensor } from '../tensor/tensor.js';
import { Model, type ModelData } from './model.js';
import { modelAsLayer } from './model-layer.js';
import { SymbolicTensor } from '../nn/symbolic.js';
import { input } from './functional.js';
import { type StepForward, combineLosses, forwardWithLoss } from './step.js';
import { summaryLines } from './summary.js';

export type { CompileArgs, Compiled } from './model.js';

export class Sequential extends Model {
  readonly className = 'Sequential';
  readonly layers: Layer[] = [];
  private declaredInput: SymbolicShape | null = null;
  /** The layers and their names, as sets: adding n layers costs O(n), not O(n²) (a 100,000-layer file). */
  private readonly members = new Set<Layer>();
  private readonly names = new Set<string>();
  private readonly numbering = new Map<string, number>();
  /** The output shape of the layers built so far (the next layer builds on it). */
  private builtShape: SymbolicShape | null = null;
  private builtCount = 0;

  constructor(args: { layers?: Array<Layer | Model | SymbolicTensor>; name?: string } = {}) {
    super(args.name ?? 'sequential', args.name === undefined);
    for (const l of args.layers ?? []) this.add(l);
  }

  /**
   * Appends a layer (or a model, as one layer), naming it (`dense`, `dense_1`…) unless it has a
   * name. First, an `input({shape})` declares the input shape, as in Keras.
   */
  add(layerOrModel: Layer | Model | SymbolicTensor): void {
    // An input() declares the shape; an input layer given as a layer is also one of the layers.
    const given = layerOrModel instanceof SymbolicTensor;
    if (layerOrModel instanceof SymbolicTensor) {
      const inputOf = inputLayerOf(layerOrModel);
      if (inputOf === null) throw new Error(`Sequential.add: expected a layer, a model or an input(), got the output of ${layerOrModel.sourceLayer.className} '${layerOrModel.sourceLayer.name ?? ''}'; use the functional API (tf.model) for graphs`);
      layerOrModel = inputOf;
    }
    const layer = layerOrModel instanceof Model ? modelAsLayer(layerOrModel) : layerOrModel;
    if (this.members.has(layer)) throw new Error(`Sequential.add: layer '${layer.name}' is already in the model`);
    if (layer instanceof InputLayer) {
      if (this.layers.length > 0) throw new Error('Sequential.add: an input layer must come first');
      this.declaredInput = layer.batchInputShape;
      // tfjs lists an input layer given as one (`tf.layers.inputLayer`) among the model's layers;
      // an `input()` (Keras's `keras.Input`) only declares the shape, as Keras does.
      if (!given) {
        if (layer.name === undefined) layer.name = uniqueName('Input', this.names, this.numbering);
        symbolicInput(layer);
        this.keep(layer);
      }
      return;
    }
    const stacked = this.stacked;
    if (stacked === 0 && this.declaredInput === null) this.declaredInput = layer.batchInputShape;
    else if (stacked > 0 && layer.batchInputShape !== null) {
      throw new Error(`Sequential.add: only the first layer may declare an input shape; '${layer.className}' declares ${formatShape(layer.batchInputShape)}`);
    }
    if (layer.name === undefined) layer.name = uniqueName(layer.className, this.names, this.numbering);
    this.keep(layer);
    if (this.declaredInput !== null) this.build(this.declaredInput);
  }

  private keep(layer: Layer): void {
    if (this.names.has(layer.name!)) throw new Error(`Sequential.add: a layer named '${layer.name}' is already in the model`);
    layer.syncWeightNames();
    this.layers.push(layer);
    this.members.add(layer);
    this.names.add(layer.name!);
    this.layersChanged();
  }

  /** The explicit input layer at the bottom of the stack (`tf.layers.inputLayer`), if one was added. */
  private get inputLayer(): InputLayer | null {
    const first = this.layers[0];
    return first instanceof InputLayer ? first : null;
  }

  /** The layers that compute: all but an explicit input layer. */
  private get stacked(): number {
    return this.layers.length - (this.inputLayer === null ? 0 : 1);
  }

  /**
   * The stack as a graph, as tfjs's Sequential keeps it: `inputs` and `outputs` (symbolic
   * tensors) and each layer's `output`, so a functional model can be cut from it
   * (`tf.model({inputs: seq.inputs, outputs: seq.layers[1].output})`). Made on first use, by
   * applying the layers in order to a symbolic input; again if layers were added since.
   */
  get inputs(): SymbolicTensor[] {
    return this.graph('inputs').inputs;
  }

  get outputs(): SymbolicTensor[] {
    return this.graph('outputs').outputs;
  }

  private symbolicGraph: { inputs: SymbolicTensor[]; outputs: SymbolicTensor[]; layers: number } | null = null;

  private graph(what: string): { inputs: SymbolicTensor[]; outputs: SymbolicTensor[] } {
    if (this.symbolicGraph !== null && this.symbolicGraph.layers === this.layers.length) return this.symbolicGraph;
    if (this.declaredInput === null || this.layers.length === 0) throw new Error(`Sequential.${what}: the model has no input shape yet (give the first layer an inputShape, or fit it)`);
    const explicit = this.inputLayer;
    const entry = explicit === null ? input({ batchShape: this.declaredInput, name: this.inputNames[0]! }) : symbolicInput(explicit);
    let t = entry;
    for (const l of this.layers) if (l !== explicit) t = l.apply(t) as SymbolicTensor;
    this.symbolicGraph = { inputs: [entry], outputs: [t], layers: this.layers.length };
    return this.symbolicGraph;
  }

  /** The input shape, batch axis included (null until known). */
  get inputShape(): SymbolicShape | null {
    return this.declaredInput;
  }

  /** tfjs's name for a stack's input: its input layer's, else the first layer's with `_input`. */
  get inputNames(): string[] {
    return [this.inputLayer?.name ?? `${this.layers[0]?.name ?? this.name}_input`];
  }

  /** A stack's output is its last layer's. */
  get outputNames(): string[] {
    return [this.layers[this.layers.length - 1]?.name ?? this.name];
  }

  get outputShapes(): SymbolicShape[] {
    return [this.outputShape];
  }

  /** Output shape, batch axis included. */
  override get outputShape(): SymbolicShape {
    if (this.declaredInput === null) throw new Error('Sequential.outputShape: the model has no input shape yet');
    return this.layers.reduce<SymbolicShape>((s, l) => stackShape(l, s), this.declaredInput);
  }

  /** Builds every layer for `inputShape` (batch axis included); layers already built for it are not walked again. */
  build(inputShape: SymbolicShape): void {
    const same = this.declaredInput !== null && this.declaredInput.length === inputShape.length && this.declaredInput.every((d, i) => d === inputShape[i]);
    if (!same || this.builtShape === null) {
      this.builtShape = inputShape;
      this.builtCount = 0;
    }
    this.declaredInput = inputShape;
    let shape = this.builtShape;
    for (let i = this.builtCount; i < this.layers.length; i++) {
      const l = this.layers[i]!;
      if (!l.built) {
        l.build(shape);
        l.built = true;
        l.syncWeightNames();
      }
      shape = stackShape(l, shape);
    }
    this.builtShape = shape;
    this.builtCount = this.layers.length;
  }

  /** The stack fuses a softmax or sigmoid output with its cross-entropy (stable, gradient p − y). */
  protected override forwardWithLoss(xs: Tensor[], ys: Tensor[], training: boolean, sampleWeight?: Tensor): StepForward {
    const c = this.compiledOrThrow('forward');
    return combineLosses([forwardWithLoss(this.layers, xs[0]!, ys[0]!, c.loss, training, sampleWeight)], c.lossWeights);
  }

  /** @internal */
  checkInputs(xs: Tensor[], op: string): void {
    if (xs.length !== 1) throw new Error(`${op}: a Sequential model takes one input, got ${xs.length}`);
    this.checkInput(xs[0]!, op);
  }

  /** @internal */
  forward(xs: Tensor[], options: CallOptions = {}): Tensor[] {
    return [this.call(xs[0]!, options)];
  }

  /** Inference in batches (see Model.predict); a stack has one output. */
  override predict(x: ModelData, args: { batchSize?: number } = {}): Tensor {
    return super.predict(x, args) as Tensor;
  }

  override predictOnBatch(x: ModelData): Tensor {
    return super.predictOnBatch(x) as Tensor;
  }

  /** @internal */
  checkInput(x: Tensor, op: string): void {
    if (this.stacked === 0) throw new Error(`${op}: the model has no layers${this.inputLayer === null ? '' : ' after its input layer'}`);
    const want = this.declaredInput;
    if (want === null) {
      this.build([null, ...x.shape.slice(1)]);
      return;
    }
    if (!this.fitsDeclared(x)) throw new Error(`${op}: the model expects input of shape ${formatShape(want)}, got ${fmt(x.shape)}`);
  }

  /** Whether `x` has the declared input shape (a declared null takes any size). */
  private fitsDeclared(x: Tensor): boolean {
    const want = this.declaredInput;
    return want !== null && x.rank === want.length && want.every((d, i) => i === 0 || d === null || d === x.shape[i]);
  }

  /** Models already told that they ran on an input of another shape than declared. */
  private warnedShape = false;

  /**
   * The forward pass, recording gradients (the manual loop's `model(x)`; Keras's `call`). An
   * input of another shape than the declared one runs through the layers, which check what
   * they need, with a warning once, as Keras and tfjs do for a model used as a layer
   * (mnist-acgan feeds its [b, 100]-declared generator stack a [b, 1, 100] product).
   */
  call(x: Tensor, options: CallOptions = {}): Tensor {
    if (this.layers.length > 0 && this.declaredInput !== null && !this.fitsDeclared(x)) {
      if (!this.warnedShape) {
        this.warnedShape = true;
        console.warn(`neurite: Sequential '${this.name}' was built for input of shape ${formatShape(this.declaredInput)} but is called on ${fmt(x.shape)}; its layers run on that shape`);
      }
    } else {
      this.checkInput(x, 'apply');
    }
    let h = x;
    let mask: Tensor | null = null;
    for (const l of this.layers) ({ y: h, mask } = applyMasked(l, h, mask, options));
    return h;
  }

  /** Same as `call` (PyTorch's `forward`); on symbolic tensors, the model as one layer of a functional model. */
  apply(x: Tensor, options?: CallOptions): Tensor;
  apply(x: SymbolicTensor, options?: CallOptions): SymbolicTensor;
  apply(x: Tensor | SymbolicTensor, options: CallOptions = {}): Tensor | SymbolicTensor {
    if (x instanceof SymbolicTensor) return modelAsLayer(this).apply(x, options);
    return this.call(x, options);
  }

  /** @internal */
  override buildFor(shapes: SymbolicShape[]): void {
    if (!this.built || this.declaredInput === null) this.build(shapes[0]!);
  }

  /** Prints Keras's summary table, or hands each line to `printFn` (first argument, or third as in tfjs's `summary(lineLength, positions, printFn)`). */
  summary(printFnOrLineLength?: ((line: string) => void) | number, positions?: number[], tfjsPrintFn?: (line: string) => void): void {
    void positions;
    const printFn = typeof printFnOrLineLength === 'function' ? printFnOrLineLength : (tfjsPrintFn ?? console.log);
    if (this.declaredInput === null || !this.built) {
      throw new Error('summary: the model has not been built yet; give the first layer an inputShape (or inputDim), or call the model on data first');
    }
    for (const line of summaryLines(this.name, this.layers, this.declaredInput)) printFn(line);
  }
}

/** tfjs's factory: `sequential({layers: [...]})`. */
export function sequential(args: { layers?: Array<Layer | Model | SymbolicTensor>; name?: string } = {}): Sequential {
  return new Sequential(args);
}
