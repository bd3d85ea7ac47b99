/**
 * Symbolic tensors for the functional API (Keras `keras.Input`, tfjs `tf.input`): a shape with
 * no values, made by an input or by applying a layer to other symbolic tensors. Each such
 * application is a `Node` (layer, inputs, outputs); a functional model is the graph of nodes
 * between its inputs and outputs, run in order on real tensors.
 */
import type { Layer, SymbolicShape } from './layer.js';
import { formatShape } from './layer.js';

/** One application of a layer to symbolic inputs (a shared layer has several). */
export class Node {
  readonly outputs: SymbolicTensor[];

  constructor(
    readonly layer: Layer,
    readonly inputs: readonly SymbolicTensor[],
    outputShapes: readonly SymbolicShape[],
    /** Keyword arguments of the call that the file records (Keras's `inbound_nodes` 4th entry). */
    readonly kwargs: Readonly<Record<string, unknown>> = {},
  ) {
    this.outputs = outputShapes.map((s, i) => new SymbolicTensor(s, this, i));
  }

  /** The node's position among its layer's applications. */
  get index(): number {
    return this.layer.inboundNodes.indexOf(this);
  }
}

export class SymbolicTensor {
  readonly dtype = 'float32';

  constructor(
    /** The shape, batch axis (null: any) included. */
    readonly shape: SymbolicShape,
    /** The node that makes this tensor. */
    readonly node: Node,
    /** Which of the node's outputs this is. */
    readonly outputIndex: number,
  ) {}

  /** The layer whose output this is (an InputLayer for a model input). */
  get sourceLayer(): Layer {
    return this.node.layer;
  }

  get rank(): number {
    return this.shape.length;
  }

  /** `dense_1/dense_1:0` style, as tfjs names symbolic tensors. */
  get name(): string {
    const n = this.node.layer.name ?? this.node.layer.className.toLowerCase();
    return `${n}/${n}:${this.outputIndex}`;
  }

  toString(): string {
    return `SymbolicTensor(${formatShape(this.shape)}, from ${this.node.layer.className})`;
  }
}

export function isSymbolic(x: unknown): x is SymbolicTensor | SymbolicTensor[] {
  return x instanceof SymbolicTensor || (Array.isArray(x) && x.length > 0 && x.every((t) => t instanceof SymbolicTensor));
}

/** Whether a computed output shape is a list of shapes (a layer with several outputs or inputs). */
export function isShapeList(s: SymbolicShape | readonly SymbolicShape[]): s is readonly SymbolicShape[] {
  return s.length > 0 && Array.isArray(s[0]);
}
