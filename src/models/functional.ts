/**
 * The functional API (Keras `keras.Model(inputs, outputs)`, tfjs `tf.model`): a model is the
 * graph of layer applications between its inputs and outputs, made by applying layers to
 * symbolic tensors. Several inputs and outputs, shared layers (one layer, several nodes) and
 * merge layers; it trains, evaluates and predicts through the Model base class, on the same
 * compiled step as Sequential.
 *
 * @example
 * const a = input({ shape: [4], name: 'a' });
 * const b = input({ shape: [2], name: 'b' });
 * const h = layers.dense({ units: 8, activation: 'relu' }).apply(layers.concatenate().apply([a, b]));
 * const model = tfModel({ inputs: [a, b], outputs: layers.dense({ units: 1 }).apply(h) });
 */
import { type CallOptions, type Layer, type SymbolicShape, formatShape, maskAfter, uniqueName } from '../nn/layer.js';
import { InputLayer } from '../nn/simple.js';
import { Node, SymbolicTensor, isSymbolic } from '../nn/symbolic.js';
import { fmt, sameShape } from '../tensor/shape.js';
import type { Tensor } from '../tensor/tensor.js';
import { Model, asList } from './model.js';
import { ModelLayer, modelAsLayer } from './model-layer.js';
import { type OutputLoss, type StepForward, combineLosses, outputWithLoss } from './step.js';
import { functionalSummaryLines } from './summary.js';
import { reduceLoss } from '../losses/losses.js';
import { detach } from '../autograd/grad.js';
import { mul } from '../ops/elementwise.js';

export { input } from '../nn/simple.js';

export interface FunctionalArgs {
  inputs: SymbolicTensor | SymbolicTensor[];
  outputs: SymbolicTensor | SymbolicTensor[];
  name?: string;
}

export class Functional extends Model {
  /** The class name model files carry. */
  readonly className = 'Functional';
  readonly inputs: SymbolicTensor[];
  readonly outputs: SymbolicTensor[];
  /** Every layer once, in Keras's order: by decreasing depth from the outputs (inputs first), ties by first visit. */
  readonly layers: Layer[];
  /** @internal The nodes to run, in order (the inputs' own nodes left out). */
  readonly nodes: readonly Node[];

  constructor(args: FunctionalArgs) {
    super(args.name ?? 'model', args.name === undefined);
    const inputs = asList(args.inputs);
    const outputs = asList(args.outputs);
    for (const [what, list] of [['inputs', inputs], ['outputs', outputs]] as const) {
      if (list.length === 0) throw new Error(`model: ${what} must name at least one symbolic tensor`);
      list.forEach((t, i) => {
        if (!(t instanceof SymbolicTensor)) {
          throw new Error(`model: ${what}[${i}] must be a symbolic tensor (from input() or layer.apply on one), got ${describeValue(t)}`);
        }
      });
    }
    inputs.forEach((t, i) => {
      if (!(t.sourceLayer instanceof InputLayer)) throw new Error(`model: inputs[${i}] must come from input(), got the output of ${t.sourceLayer.className} '${t.sourceLayer.name ?? ''}'`);
      if (inputs.indexOf(t) !== i) throw new Error(`model: inputs[${i}] is the same input as inputs[${inputs.indexOf(t)}]`);
    });
    this.inputs = inputs;
    this.outputs = outputs;
    const { nodes, layers } = orderGraph(inputs, outputs);
    this.nodes = nodes;
    const taken = new Set<string>();
    for (const l of layers) {
      if (l.name === undefined) continue;
      if (taken.has(l.name)) {
        // Two nested models both named by default (mnist-acgan's generator and discriminator): number the later one.
        if (!(l instanceof ModelLayer && l.model.defaultName && l.name === l.model.name)) throw new Error(`model: two layers are named '${l.name}'; layer names must be unique in a model`);
        let k = 1;
        while (taken.has(`${l.model.name}_${k}`)) k++;
        l.name = `${l.model.name}_${k}`;
      }
      taken.add(l.name);
    }
    for (const l of layers) {
      if (l.name !== undefined) continue;
      l.name = l instanceof InputLayer ? uniqueName('Input', taken) : uniqueName(l.className, taken);
      taken.add(l.name);
      l.syncWeightNames();
    }
    this.layers = layers;
  }

  get inputNames(): string[] {
    return this.inputs.map((t) => t.sourceLayer.name!);
  }

  /** Each output's name: its layer's (numbered `_1`… when one layer gives several outputs). */
  get outputNames(): string[] {
    const names = this.outputs.map((t) => t.sourceLayer.name!);
    return names.map((n, i) => (names.indexOf(n) === i && names.lastIndexOf(n) === i ? n : `${n}_${names.slice(0, i).filter((m) => m === n).length + 1}`));
  }

  get outputShapes(): SymbolicShape[] {
    return this.outputs.map((t) => t.shape);
  }

  /** The inputs' shapes, batch axis included (a list for several inputs). */
  get inputShape(): SymbolicShape | SymbolicShape[] {
    const s = this.inputs.map((t) => t.shape);
    return s.length === 1 ? s[0]! : s;
  }

  /** @internal */
  checkInputs(xs: Tensor[], op: string): void {
    if (xs.length !== this.inputs.length) throw new Error(`${op}: the model takes ${this.inputs.length} inputs (${this.inputNames.join(', ')}), got ${xs.length}`);
    xs.forEach((x, i) => {
      const want = this.inputs[i]!.shape;
      const ok = x.rank === want.length && want.every((d, k) => k === 0 || d === null || d === x.shape[k]);
      if (!ok) throw new Error(`${op}: input '${this.inputNames[i]}' expects shape ${formatShape(want)}, got ${fmt(x.shape)}`);
    });
  }

  /**
   * Runs the graph on `xs`. Nodes in `skip` are not run (the caller computes their outputs,
   * as the fused output losses do); their inputs are returned in `values` for it.
   */
  private run(xs: Tensor[], options: CallOptions, skip: ReadonlySet<Node> = new Set()): Map<SymbolicTensor, Tensor> {
    const values = new Map<SymbolicTensor, Tensor>();
    // Masks (from an Embedding with maskZero, or Masking) follow the tensors they belong to.
    const masks = new Map<SymbolicTensor, Tensor>();
    this.inputs.forEach((s, i) => values.set(s, xs[i]!));
    for (const node of this.nodes) {
      if (skip.has(node)) continue;
      const ins = node.inputs.map((s) => values.get(s)!);
      const mask = inputMask(node.inputs.map((s) => masks.get(s) ?? null));
      const call = { ...options, ...(node.kwargs as CallOptions) };
      const out = node.layer.apply(ins, mask === null ? call : { ...call, mask });
      asList(out).forEach((t, i) => values.set(node.outputs[i]!, t));
      // A layer with several outputs (an RNN's returnState) gives its mask to the first.
      const outMask = maskAfter(node.layer, ins.length === 1 ? ins[0]! : ins, mask);
      if (outMask !== null) masks.set(node.outputs[0]!, outMask);
    }
    return values;
  }

  /** @internal */
  forward(xs: Tensor[], options: CallOptions = {}): Tensor[] {
    this.checkInputs(xs, 'apply');
    const values = this.run(xs, options);
    return this.outputs.map((s) => values.get(s)!);
  }

  /** The forward pass on real tensors: one for a one-input model, else a list (outputs likewise). */
  call(x: Tensor | Tensor[], options: CallOptions = {}): Tensor | Tensor[] {
    return this.unwrap(this.forward(asList(x), options));
  }

  /**
   * On real tensors, the same as `call` (PyTorch's `forward`); on symbolic tensors, the model as
   * one layer of another functional model (an encoder applied inside a larger graph).
   */
  apply(x: Tensor | Tensor[], options?: CallOptions): Tensor | Tensor[];
  apply(x: SymbolicTensor | SymbolicTensor[], options?: CallOptions): SymbolicTensor | SymbolicTensor[];
  apply(x: Tensor | Tensor[] | SymbolicTensor | SymbolicTensor[], options: CallOptions = {}): Tensor | Tensor[] | SymbolicTensor | SymbolicTensor[] {
    if (isSymbolic(x)) return modelAsLayer(this).apply(x as SymbolicTensor[], options);
    return this.call(x as Tensor | Tensor[], options);
  }

  /**
   * Each output's loss; an output made by a softmax or sigmoid layer that nothing else reads
   * fuses with its cross-entropy, as in Sequential (stable, gradient p − y).
   */
  protected override forwardWithLoss(xs: Tensor[], ys: Tensor[], training: boolean, sampleWeight?: Tensor): StepForward {
    const c = this.compiledOrThrow('forward');
    const read = new Set(this.nodes.flatMap((n) => n.inputs));
    const fusable = new Set(this.outputs.map((s, i) => (c.losses[i]!.fusesWith !== undefined && s.node.inputs.length === 1 && s.node.outputs.length === 1 && !read.has(s) &&
      this.outputs.indexOf(s) === i && this.outputs.lastIndexOf(s) === i ? s.node : null)).filter((n): n is Node => n !== null));
    this.checkInputs(xs, 'fit');
    const values = this.run(xs, { training }, fusable);
    const parts = this.outputs.map((s, i): OutputLoss => {
      const loss = c.losses[i]!;
      if (fusable.has(s.node)) return outputWithLoss(s.node.layer, values.get(s.node.inputs[0]!)!, ys[i]!, loss, training, sampleWeight);
      const out = values.get(s)!;
      return { pred: detach(out), loss: reduceLoss(loss.perSample(ys[i]!, out), loss.reduction, sampleWeight) };
    });
    return combineLosses(parts, c.lossWeights);
  }

  /** Prints Keras's summary table with each layer's inbound layers, or hands each line to `printFn` (first argument, or third as in tfjs's `summary(lineLength, positions, printFn)`). */
  summary(printFnOrLineLength?: ((line: string) => void) | number, positions?: number[], tfjsPrintFn?: (line: string) => void): void {
    void positions;
    const printFn = typeof printFnOrLineLength === 'function' ? printFnOrLineLength : (tfjsPrintFn ?? console.log);
    for (const line of functionalSummaryLines(this.name, this.layers, this.nodes, this.inputs)) printFn(line);
  }
}

/** tfjs's factory: `tf.model({inputs, outputs})`. */
export function model(args: FunctionalArgs): Functional {
  return new Functional(args);
}

/**
 * The nodes between `inputs` and `outputs` in an order that runs (each after the nodes its
 * inputs come from), and the layers in Keras's and tfjs's order: by decreasing depth from the
 * outputs, ties by first visit (so weights list in the same order as a tfjs model's). Throws
 * when an output depends on an input the model was not given (Keras's "graph disconnected").
 */
/**
 * One mask for a node's inputs: the one there is, or the product (logical and) of several of one
 * shape (Keras's merge rule); masks of sequences of different lengths (a Dot of a decoder's steps
 * with an encoder's) cannot combine, and the first input's is given, as tfjs gives it.
 */
function inputMask(masks: ReadonlyArray<Tensor | null>): Tensor | null {
  const present = masks.filter((m): m is Tensor => m !== null);
  if (present.length === 0) return null;
  const first = present[0]!;
  return present.every((m) => sameShape(m.shape, first.shape)) ? present.reduce((a, b) => mul(a, b)) : (masks[0] ?? null);
}

function orderGraph(inputs: readonly SymbolicTensor[], outputs: readonly SymbolicTensor[]): { nodes: Node[]; layers: Layer[] } {
  const inputNodes = new Set(inputs.map((t) => t.node));
  const post: Node[] = [];
  const seen = new Map<Layer, number>();
  const see = (n: Node): void => {
    if (!seen.has(n.layer)) seen.set(n.layer, seen.size);
  };
  const done = new Set<Node>();
  const active = new Set<Node>();
  /** A node without inputs: one of the model's inputs, or the graph is disconnected. */
  const leaf = (dep: Node, from: Node | null): void => {
    if (!inputNodes.has(dep)) {
      const l = dep.layer;
      const who = from === null ? 'an output' : `${from.layer.className} '${from.layer.name ?? ''}'`;
      throw new Error(`model: graph disconnected: ${who} needs input '${l.name ?? 'unnamed'}' of shape ${formatShape(dep.outputs[0]!.shape)}, which is not among the model's inputs`);
    }
    done.add(dep);
    post.push(dep);
  };
  // Depth-first, iteratively (deep graphs must not overflow the stack).
  for (const out of outputs) {
    if (done.has(out.node)) continue;
    see(out.node);
    if (out.node.inputs.length === 0) {
      leaf(out.node, null);
      continue;
    }
    const stack: Array<{ node: Node; next: number }> = [{ node: out.node, next: 0 }];
    active.add(out.node);
    while (stack.length > 0) {
      const top = stack[stack.length - 1]!;
      const { node } = top;
      if (top.next < node.inputs.length) {
        const dep = node.inputs[top.next++]!.node;
        if (done.has(dep)) continue;
        if (active.has(dep)) throw new Error(`model: the graph has a cycle through layer '${dep.layer.name ?? dep.layer.className}'`);
        see(dep);
        if (dep.inputs.length === 0) {
          leaf(dep, node);
          continue;
        }
        active.add(dep);
        stack.push({ node: dep, next: 0 });
        continue;
      }
      stack.pop();
      active.delete(node);
      done.add(node);
      post.push(node);
    }
  }
  for (const t of inputs) {
    if (!done.has(t.node)) throw new Error(`model: input '${t.sourceLayer.name ?? 'unnamed'}' does not reach any output`);
  }
  // Depths: outputs 0, each node's inputs one deeper; a layer as deep as its deepest node.
  const nodeDepth = new Map<Node, number>();
  const layerDepth = new Map<Layer, number>();
  for (let i = post.length - 1; i >= 0; i--) {
    const node = post[i]!;
    const d = Math.max(nodeDepth.get(node) ?? 0, layerDepth.get(node.layer) ?? 0);
    layerDepth.set(node.layer, d);
    nodeDepth.set(node, d);
    for (const t of node.inputs) nodeDepth.set(t.node, Math.max(d + 1, nodeDepth.get(t.node) ?? 0));
  }
  const layers = [...seen.keys()].sort((x, y) => layerDepth.get(y)! - layerDepth.get(x)! || seen.get(x)! - seen.get(y)!);
  return { nodes: post.filter((n) => !inputNodes.has(n)), layers };
}

function describeValue(v: unknown): string {
  if (v === null) return 'null';
  if (typeof v === 'object') return `a ${(v as object).constructor?.name ?? 'object'}`;
  return typeof v;
}
