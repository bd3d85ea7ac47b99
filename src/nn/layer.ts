/**
 * The layer lifecycle, as in Keras: the constructor takes a config object (also what
 * `getConfig` returns and what serialization writes); `build(inputShape)` creates the weights
 * on first use, when the input width is known; `call(x, {training})` computes the output;
 * `computeOutputShape` answers without computing.
 */
import { getContext, registerVariable } from '../context/context.js';
import { add } from '../ops/elementwise.js';
import { fmt } from '../tensor/shape.js';
import { Tensor } from '../tensor/tensor.js';
import { type Initializer, type InitializerIdentifier, getInitializer } from './initializers.js';
import { type Regularizer, type RegularizerIdentifier, getRegularizer } from './regularizers.js';
import { type ConstraintIdentifier, getConstraint, setConstraint } from './constraints.js';
import { Node, SymbolicTensor, isShapeList, isSymbolic } from './symbolic.js';

/** A shape whose batch (or other) dimensions may be unknown: `[null, 784]`. */
export type SymbolicShape = ReadonlyArray<number | null>;

/**
 * Type-level: how many outputs a layer gives for one input, where its config decides ('list'
 * for a recurrent layer with `returnState: true`, 'either' when the compiler cannot tell). A
 * layer declares it as `outputKind` (never set at run time); without it, one.
 */
export type OutputKind = 'one' | 'list' | 'either';

/** What `apply` gives layer `L` on one input of type `T`: one, a list, or either (by `L`'s `outputKind`). */
export type Applied<L, T> = 0 extends 1 & L ? T : L extends { readonly outputKind: infer K } ? ([K] extends ['list'] ? T[] : [K] extends ['one'] ? T : T | T[]) : T;

/** Options every layer accepts. */
export interface LayerArgs {
  name?: string;
  trainable?: boolean;
  /** Input shape without the batch axis (first layer only). */
  inputShape?: readonly number[];
  /** Input shape with the batch axis, which may be null. */
  batchInputShape?: ReadonlyArray<number | null>;
  /** Shorthand for `inputShape: [inputDim]` (Keras's `input_dim`). */
  inputDim?: number;
  batchSize?: number;
}

export interface CallOptions {
  /** True inside `fit`: dropout drops, batch normalization uses batch statistics. */
  training?: boolean;
  /**
   * The input's mask [batch, steps]: 1 where a step is data, 0 where it is padding. Made by an
   * Embedding with `maskZero` or a Masking layer, passed on by the layers that support masking,
   * used by the recurrent layers (a masked step keeps the state) and GlobalAveragePooling1D.
   */
  mask?: Tensor | null;
}

export interface LayerWeight {
  /** Short name within the layer: `kernel`, `bias`, `gamma`, `moving_mean`… */
  readonly name: string;
  readonly value: Tensor;
  readonly trainable: boolean;
  readonly regularizer: Regularizer | undefined;
}

export function formatShape(shape: SymbolicShape): string {
  return `(${shape.map((d) => (d === null ? 'None' : String(d))).join(', ')}${shape.length === 1 ? ',' : ''})`;
}

export abstract class Layer<C extends LayerArgs = LayerArgs> {
  /** The Keras class name (`Dense`, `Dropout`…), as written in model files. */
  abstract readonly className: string;
  /** Assigned when the layer joins a model, unless given in the config. */
  name: string | undefined;
  built = false;
  readonly config: C;
  private readonly weightList: LayerWeight[] = [];
  private trainableFlag: boolean;
  /** Each application of the layer to symbolic tensors (functional API), in order. */
  readonly inboundNodes: Node[] = [];
  /** Whether `call` takes a list of tensors (merge layers) rather than one. */
  protected readonly multiInput: boolean = false;
  /** Whether `call` takes one tensor or a list (a recurrent layer's input and initial states). */
  protected readonly listOptional: boolean = false;
  /**
   * Whether `call` takes whatever it is given, one tensor or a list, with a list's shapes as a
   * list for `build` and `computeOutputShape` (tfjs's custom layers: the layer decides).
   */
  protected readonly anyArity: boolean = false;

  constructor(config: C) {
    config = kerasKeys(config);
    this.config = config;
    this.name = config.name;
    this.trainableFlag = config.trainable ?? true;
  }

  /** The input shape this layer declares (first layer of a model), batch axis included. */
  get batchInputShape(): SymbolicShape | null {
    const c = this.config;
    if (c.batchInputShape !== undefined) return c.batchInputShape;
    if (c.inputShape !== undefined) return [c.batchSize ?? null, ...c.inputShape];
    if (c.inputDim !== undefined) return [c.batchSize ?? null, c.inputDim];
    return null;
  }

  get trainable(): boolean {
    return this.trainableFlag;
  }

  /** Freezing a layer stops gradients to all its weights. */
  set trainable(value: boolean) {
    this.trainableFlag = value;
    for (const w of this.weightList) w.value.requiresGrad = value && w.trainable;
  }

  /**
   * Creates the weights for inputs of `inputShape` (a list of shapes for a layer with several
   * inputs). Layers without weights keep this.
   */
  build(inputShape: SymbolicShape | SymbolicShape[]): void {
    void inputShape;
    this.built = true;
  }

  /** The output for input `x` (a list for a layer with several inputs; several outputs come as a list). */
  abstract call(x: Tensor | Tensor[], options: CallOptions): Tensor | Tensor[];

  /** Whether the layer passes its input's mask on unchanged (Keras `supports_masking`). */
  readonly supportsMasking: boolean = false;

  /**
   * The mask of the output given the input's (Keras and tfjs `computeMask`): the input's mask
   * for a layer that supports masking; a mask given to one that does not is refused, as tfjs's
   * computeMask does (a model running such a layer drops the mask instead: `maskAfter`).
   */
  computeMask(_x: Tensor | Tensor[], mask: Tensor | null): Tensor | null {
    if (mask === null) return null;
    if (this.supportsMasking) return mask;
    throw new Error(`${this.className} '${this.name ?? ''}' does not support masking, but its input carries a mask (from an Embedding with maskZero or a Masking layer); consume it first (a recurrent layer, or globalAveragePooling1d) or remove the mask`);
  }

  /** The output shape (or shapes) for `inputShape`, without computing anything. */
  computeOutputShape(inputShape: SymbolicShape | SymbolicShape[]): SymbolicShape | SymbolicShape[] {
    return inputShape;
  }

  /**
   * Builds on first use, then calls. Given symbolic tensors (from `input()`), records the call
   * in the graph instead and returns symbolic outputs: the functional API.
   */
  apply<L>(this: L, x: Tensor, options?: CallOptions): Applied<L, Tensor>;
  apply<L>(this: L, x: SymbolicTensor, options?: CallOptions): Applied<L, SymbolicTensor>;
  apply(x: Tensor[], options?: CallOptions): Tensor | Tensor[];
  apply(x: SymbolicTensor[], options?: CallOptions): SymbolicTensor | SymbolicTensor[];
  apply(x: Tensor | Tensor[] | SymbolicTensor | SymbolicTensor[], options: CallOptions = {}): Tensor | Tensor[] | SymbolicTensor | SymbolicTensor[] {
    const input = this.arity(x);
    if (isSymbolic(input)) return this.applySymbolic(input, options);
    const real = input as Tensor | Tensor[];
    if (!this.built) {
      this.build(Array.isArray(real) ? real.map((t) => [null, ...t.shape.slice(1)]) : [null, ...real.shape.slice(1)]);
      this.built = true;
    }
    return this.call(real, options);
  }

  /** `x` as this layer takes it: one tensor, or a list for a multi-input layer (a list of one is unwrapped, as tfjs does). */
  private arity<T>(x: T | T[]): T | T[] {
    if (Array.isArray(x)) {
      if (this.multiInput || ((this.listOptional || this.anyArity) && x.length > 1)) return x;
      if (x.length === 1) return x[0]!;
      throw new Error(`${this.className} '${this.name ?? ''}': takes one input, got a list of ${x.length}`);
    }
    if (this.multiInput) throw new Error(`${this.className} '${this.name ?? ''}': takes a list of inputs, got one ${x instanceof Tensor ? `tensor of shape ${fmt(x.shape)}` : 'input'}`);
    return x;
  }

  private applySymbolic(x: SymbolicTensor | SymbolicTensor[], options: CallOptions): SymbolicTensor | SymbolicTensor[] {
    const inputs = Array.isArray(x) ? x : [x];
    const shape = Array.isArray(x) ? (this.listOptional ? x[0]!.shape : x.map((t) => t.shape)) : x.shape;
    if (!this.built) {
      this.build(shape as SymbolicShape);
      this.built = true;
    }
    const out = this.computeOutputShape(shape as SymbolicShape);
    const node = new Node(this, inputs, isShapeList(out) ? out : [out as SymbolicShape], options.training === undefined ? {} : { training: options.training });
    this.inboundNodes.push(node);
    return node.outputs.length === 1 ? node.outputs[0]! : node.outputs;
  }

  /**
   * The symbolic output of the layer's one application (tfjs `layer.output`): a model's layer
   * gives it to build another model on the same graph (`tf.model({inputs: m.inputs, outputs:
   * m.getLayer('attention').output})`). A layer applied more than once has one per application:
   * `getOutputAt(i)`.
   */
  get output(): SymbolicTensor | SymbolicTensor[] {
    return this.getOutputAt(this.onlyNode('output'));
  }

  /** The symbolic input of the layer's one application (tfjs `layer.input`). */
  get input(): SymbolicTensor | SymbolicTensor[] {
    return this.getInputAt(this.onlyNode('input'));
  }

  /** The output of application `nodeIndex` (tfjs `getOutputAt`): one symbolic tensor, or the list of several. */
  getOutputAt(nodeIndex: number): SymbolicTensor | SymbolicTensor[] {
    const outs = this.nodeAt(nodeIndex, 'getOutputAt').outputs;
    return outs.length === 1 ? outs[0]! : [...outs];
  }

  /** The input of application `nodeIndex` (tfjs `getInputAt`). */
  getInputAt(nodeIndex: number): SymbolicTensor | SymbolicTensor[] {
    const ins = this.nodeAt(nodeIndex, 'getInputAt').inputs;
    return ins.length === 1 ? ins[0]! : [...ins];
  }

  private onlyNode(what: string): number {
    const who = `${this.className} '${this.name ?? ''}'`;
    if (this.inboundNodes.length === 0) throw new Error(`${who} is not connected: it has no ${what} (apply it to a symbolic tensor from input() first)`);
    if (this.inboundNodes.length > 1) throw new Error(`${who} is applied ${this.inboundNodes.length} times, so its ${what} is ambiguous: use get${what === 'input' ? 'Input' : 'Output'}At(nodeIndex)`);
    return 0;
  }

  private nodeAt(i: number, op: string): Node {
    const node = Number.isInteger(i) ? this.inboundNodes[i] : undefined;
    if (node === undefined) throw new Error(`${op}: ${this.className} '${this.name ?? ''}' has ${this.inboundNodes.length} application${this.inboundNodes.length === 1 ? '' : 's'} (node indices 0 to ${this.inboundNodes.length - 1}), got ${i}`);
    return node;
  }

  /** The layer's configuration (Keras `get_config`), name included. */
  getConfig(): C & { name: string | undefined; trainable: boolean } {
    return { ...this.config, name: this.name, trainable: this.trainable };
  }

  protected addWeight(
    name: string, shape: readonly number[], initializer: InitializerIdentifier,
    options: { trainable?: boolean; regularizer?: RegularizerIdentifier | null | undefined; constraint?: ConstraintIdentifier | null | undefined } = {},
  ): Tensor {
    const budget = getContext().weightBudget;
    if (budget !== undefined) {
      budget.remaining -= shape.reduce((p, d) => p * d, 1);
      if (budget.remaining < 0) {
        throw new Error(`${budget.file}: layer '${this.name ?? this.className}' needs a ${name} of shape [${shape.join(', ')}], ${budget.over ?? "more weights than the file's manifest lists; the topology and the weights do not match"}`);
      }
    }
    const init: Initializer = getInitializer(initializer);
    const trainable = options.trainable ?? true;
    const value = new Tensor(init.init(shape, getContext().rng), shape, { requiresGrad: trainable && this.trainable });
    value.name = `${this.name ?? this.className.toLowerCase()}/${name}`;
    registerVariable(value);
    // The constraint lives with the weight itself (constraints.ts), where the optimizer finds it.
    setConstraint(value, getConstraint(options.constraint));
    this.weightList.push({ name, value, trainable, regularizer: getRegularizer(options.regularizer) });
    return value;
  }

  /** All weights with their names, in creation order. */
  get weightEntries(): readonly LayerWeight[] {
    return this.weightList;
  }

  get weights(): Tensor[] {
    return this.weightList.map((w) => w.value);
  }

  get trainableWeights(): Tensor[] {
    return this.trainable ? this.weightList.filter((w) => w.trainable).map((w) => w.value) : [];
  }

  get nonTrainableWeights(): Tensor[] {
    return this.weightList.filter((w) => !w.trainable || !this.trainable).map((w) => w.value);
  }

  /** Copies of the layer's weights, in creation order (tfjs/Keras `layer.getWeights()`). */
  getWeights(): Tensor[] {
    return this.weightList.map((w) => w.value.clone());
  }

  /** Overwrites the layer's weights in place, in `getWeights` order; shapes must match. */
  setWeights(weights: readonly Tensor[]): void {
    if (weights.length !== this.weightList.length) throw new Error(`${this.className} '${this.name ?? ''}': setWeights: the layer has ${this.weightList.length} weights, got ${weights.length}`);
    weights.forEach((v, i) => {
      const w = this.weightList[i]!.value;
      if (v.rank !== w.rank || v.shape.some((d, k) => d !== w.shape[k])) {
        throw new Error(`${this.className} '${this.name ?? ''}': setWeights: weight ${i} (${this.weightList[i]!.name}) has shape ${fmt(w.shape)}, got ${fmt(v.shape)}`);
      }
    });
    weights.forEach((v, i) => this.weightList[i]!.value.assign(v));
  }

  countParams(): number {
    return this.weightList.reduce((n, w) => n + w.value.size, 0);
  }

  /** Sum of the weight penalties (null when the layer has none). */
  regularizationLoss(): Tensor | null {
    let total: Tensor | null = null;
    for (const w of this.weightList) {
      if (w.regularizer === undefined) continue;
      const p = w.regularizer.penalty(w.value);
      total = total === null ? p : add(total, p);
    }
    return total;
  }

  /** Renames weights after the layer is (re)named, so they read `dense_1/kernel`. */
  syncWeightNames(): void {
    for (const w of this.weightList) {
      w.value.name = `${this.name}/${w.name}`;
      registerVariable(w.value);
    }
  }
}

/**
 * Keras's snake_case option names (`kernel_size`, `use_bias`, `keepdims`) as their camelCase
 * TensorFlow.js spellings, so a config written either way means the same; both spellings of one
 * option at once is an error.
 */
export function kerasKeys<C extends object>(config: C): C {
  if (config === null || typeof config !== 'object') return config;
  let out: Record<string, unknown> | null = null;
  for (const key of Object.keys(config)) {
    if (!key.includes('_') && key !== 'keepdims') continue;
    const camel = key === 'keepdims' ? 'keepDims' : key.replace(/_([a-z0-9])/g, (_, c: string) => c.toUpperCase());
    if (camel in config) throw new Error(`layer config: '${key}' and '${camel}' are the same option; give one`);
    const o: Record<string, unknown> = out ?? { ...(config as Record<string, unknown>) };
    o[camel] = o[key];
    delete o[key];
    out = o;
  }
  return (out ?? config) as C;
}

/** Throws unless the last dimension of `shape` is known. */
export function lastDim(shape: SymbolicShape, layer: string): number {
  const d = shape[shape.length - 1];
  if (d === undefined || d === null) {
    throw new Error(`${layer}: the last dimension of the input shape ${formatShape(shape)} must be known to build the layer`);
  }
  return d;
}

/** The output shape of a one-input, one-output layer in a stack (a layer with several outputs cannot be in one). */
export function stackShape(layer: Layer, inputShape: SymbolicShape): SymbolicShape {
  const out = layer.computeOutputShape(inputShape);
  if (isShapeList(out)) throw new Error(`${layer.className} '${layer.name ?? ''}': gives ${out.length} outputs, which a Sequential stack cannot pass on; use the functional API (tf.model)`);
  return out as SymbolicShape;
}

/**
 * Keras's default layer name: the class name in snake_case by Keras's (and tfjs's) rule, a `_`
 * before each capitalised word and between a lower-case letter and a capital (`dense`, `conv2d`,
 * `max_pooling2d`, `simple_rnn`, `re_lu`), numbered past `taken` (`dense_1`).
 */
export function uniqueName(className: string, taken: ReadonlySet<string>, next?: Map<string, number>): string {
  const base = className.replace(/(.)([A-Z][a-z]+)/g, '$1_$2').replace(/([a-z])([A-Z])/g, '$1_$2').toLowerCase();
  // `next` remembers where the numbering of each base got to, so naming n layers is O(n).
  let k = next?.get(base) ?? 0;
  let name = k === 0 ? base : `${base}_${k}`;
  while (taken.has(name)) name = `${base}_${++k}`;
  next?.set(base, k + 1);
  return name;
}

/** `layer` applied to `x` with the input's mask; its output and the output's mask. */
export function applyMasked(layer: Layer, x: Tensor, mask: Tensor | null, options: CallOptions): { y: Tensor; mask: Tensor | null } {
  const y = layer.apply(x, mask === null ? options : { ...options, mask }) as Tensor;
  return { y, mask: maskAfter(layer, x, mask) };
}

/** Layers already told that a mask stopped at them. */
const droppedMaskAt = new WeakSet<Layer>();

/**
 * The mask after `layer` in a model: its computeMask where it has one of its own or supports
 * masking; otherwise the mask stops there, as in TensorFlow.js's model execution (a layer such
 * as Flatten, or a custom layer without `supportsMasking`, passes none on), said once per layer
 * since the padded steps then count as data. (`layer.computeMask` called directly still refuses
 * a mask it cannot use, as tfjs's does.)
 */
export function maskAfter(layer: Layer, x: Tensor | Tensor[], mask: Tensor | null): Tensor | null {
  if (mask === null || layer.supportsMasking || layer.computeMask !== Layer.prototype.computeMask) return layer.computeMask(x, mask);
  if (!droppedMaskAt.has(layer)) {
    droppedMaskAt.add(layer);
    console.warn(`neurite: ${layer.className} '${layer.name ?? ''}' does not support masking: the mask from an Embedding with maskZero or a Masking layer stops here, as in TensorFlow.js, and the padded steps count as data from here on (a layer consuming the mask before it, such as a recurrent layer or globalAveragePooling1d, keeps them out)`);
  }
  return null;
}
