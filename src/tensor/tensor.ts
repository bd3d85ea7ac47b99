/**
 * The Tensor: an immutable-by-convention, row-major block of floats with a shape, plus the
 * slots reverse-mode autograd needs (`requiresGrad`, `grad`, and the node that made it).
 * Ops and autograd add their methods to this class from their own folders (see
 * `ops/methods.ts`), so this file depends on nothing but shapes.
 */
import { type Shape, checkShape, fmt, sizeOf } from './shape.js';

/** Storage: float32 normally; float64 inside gradient checks. */
export type Buf = Float32Array | Float64Array;
/** The storage precision. */
export type DType = 'float32' | 'float64';
/** What `dataSync()` gives, by dtype (tfjs's): Float32Array, Int32Array (int32) or Uint8Array (bool). */
export type DataArray = Float32Array | Int32Array | Uint8Array;

/** What `dtype` reads: the storage, or tfjs's int32/bool for integer and truth values (stored as floats). */
export type TensorDType = DType | 'int32' | 'bool';

/** Nested arrays of numbers as returned by `arraySync()`. */
export type NestedArray = number | NestedArray[];

/** How a non-leaf tensor was computed, for the backward walk. */
export interface GradNode {
  /** Primitive op name, for messages and debugging. */
  readonly op: string;
  readonly inputs: readonly Tensor[];
  /** Given dL/d(output), returns dL/d(input) per input (null where no gradient flows). */
  readonly backward: (g: Tensor) => ReadonlyArray<Tensor | null>;
  /**
   * Set on every output of an op with several outputs (unstack): the outputs, and the backward
   * rule that takes all their gradients at once (null where none flows), run once per walk.
   */
  readonly group?: {
    readonly outputs: readonly Tensor[];
    readonly backward: (gs: ReadonlyArray<Tensor | null>) => ReadonlyArray<Tensor | null>;
  };
}

export interface TensorOptions {
  /** Track gradients for this tensor (makes it a trainable leaf, like a Variable). */
  requiresGrad?: boolean;
  name?: string;
}

let readHook: ((what: string) => void) | null = null;

/**
 * Bookkeeping for tfjs's memory API: tensors made and not disposed, their bytes, and the
 * `tidy` scopes open now (each collects the tensors made inside it). Neurite frees storage by
 * garbage collection, so these count what tfjs would hold, not what the heap holds.
 */
export const tensorCounts = { live: 0, bytes: 0, scopes: [] as Tensor[][] };

/**
 * @internal Called when code reads a tensor's values into plain numbers (item, arraySync,
 * dataSync): the context uses it to stop a step's recording there, since a replay cannot
 * repeat what plain code did with the numbers.
 */
export function onValueRead(hook: ((what: string) => void) | null): void {
  readHook = hook;
}

function valueRead(what: string): void {
  readHook?.(`tensor.${what} (a value read into plain code)`);
}

export class Tensor {
  /** Dimensions, outermost first. Frozen. */
  readonly shape: readonly number[];
  /** @internal Row-major storage; read with `dataSync()` / `arraySync()`. */
  values: Buf;
  /** Whether gradients flow to (and, for leaves, accumulate in) this tensor. */
  requiresGrad: boolean;
  /** Accumulated gradient, filled by `backward()` on leaves that require grad. */
  grad: Tensor | null = null;
  /** @internal The op that produced this tensor; null for leaves. */
  node: GradNode | null = null;
  name: string | undefined;

  constructor(data: Buf, shape: Shape, options: TensorOptions = {}) {
    checkShape(shape);
    const n = sizeOf(shape);
    if (data.length !== n) {
      throw new Error(`tensor: shape ${fmt(shape)} needs ${n} values but ${data.length} were given`);
    }
    this.values = data;
    this.shape = Object.freeze([...shape]);
    this.requiresGrad = options.requiresGrad ?? false;
    this.name = options.name;
    tensorCounts.live++;
    tensorCounts.bytes += data.byteLength;
    const scopes = tensorCounts.scopes;
    if (scopes.length > 0) scopes[scopes.length - 1]!.push(this);
  }

  /** Whether `dispose()` was called (tfjs): the tensor still works, but no longer counts in `memory()`. */
  isDisposed = false;

  /**
   * tfjs's `dispose`: takes the tensor out of `memory()`'s count. Neurite frees the storage when
   * nothing refers to it, so this is bookkeeping only, and using the tensor afterwards still works.
   */
  dispose(): void {
    if (this.isDisposed) return;
    this.isDisposed = true;
    tensorCounts.live--;
    tensorCounts.bytes -= this.values.byteLength;
  }

  /** Number of elements. */
  get size(): number {
    return this.values.length;
  }

  /** Number of axes (0 for a scalar). */
  get rank(): number {
    return this.shape.length;
  }

  /**
   * @internal What the values mean when they are integers or truths: argMax's indices, a
   * comparison's 0/1, a cast (tfjs's int32 and bool). Storage is float either way.
   */
  dtypeTag: 'int32' | 'bool' | undefined = undefined;

  /** tfjs's dtype: 'int32' or 'bool' for integer or truth values, else the storage ('float32', 'float64' in gradient checks). */
  get dtype(): TensorDType {
    return this.dtypeTag ?? this.storage;
  }

  /** The storage precision of the values. */
  get storage(): DType {
    return this.values instanceof Float64Array ? 'float64' : 'float32';
  }

  /** True when this tensor was made directly (not by an op): parameters and inputs. */
  get isLeaf(): boolean {
    return this.node === null;
  }

  /**
   * The values as a flat typed array of tfjs's kind for the dtype: Float32Array, Int32Array for
   * int32, Uint8Array for bool (a copy; the tensor is unaffected by changes to it).
   */
  dataSync(): DataArray {
    valueRead('dataSync()');
    const tag = this.dtypeTag;
    return tag === 'int32' ? Int32Array.from(this.values) : tag === 'bool' ? Uint8Array.from(this.values) : Float32Array.from(this.values);
  }

  /** tfjs-compatible async read; resolves to the same as `dataSync()`. */
  data(): Promise<DataArray> {
    return Promise.resolve(this.dataSync());
  }

  /** The values as nested arrays (a number for a scalar). */
  arraySync(): NestedArray {
    valueRead('arraySync()');
    const d = this.values;
    const shape = this.shape;
    if (shape.length === 0) return d[0]!;
    let pos = 0;
    const build = (axis: number): NestedArray[] => {
      const n = shape[axis]!;
      const out: NestedArray[] = new Array(n);
      if (axis === shape.length - 1) {
        for (let i = 0; i < n; i++) out[i] = d[pos++]!;
      } else {
        for (let i = 0; i < n; i++) out[i] = build(axis + 1);
      }
      return out;
    };
    return build(0);
  }

  /** Same as `arraySync()` (PyTorch's `tolist`). */
  toArray(): NestedArray {
    return this.arraySync();
  }

  /** The single value of a one-element tensor. */
  item(): number {
    if (this.size !== 1) throw new Error(`item: expected a tensor with one element, got shape ${fmt(this.shape)} (${this.size} elements)`);
    valueRead('item()');
    return this.values[0]!;
  }

  /**
   * Overwrites this tensor's values in place (tfjs `Variable.assign`). Used by optimizers and
   * `setWeights`; the shape must match exactly.
   */
  assign(values: Tensor | ArrayLike<number>): this {
    const src = values instanceof Tensor ? values.values : values;
    if (values instanceof Tensor && !sameShapeLen(values.shape, this.shape)) {
      throw new Error(`assign: cannot assign shape ${fmt(values.shape)} to a tensor of shape ${fmt(this.shape)}`);
    }
    if (src.length !== this.size) {
      throw new Error(`assign: expected ${this.size} values for shape ${fmt(this.shape)}, got ${src.length}`);
    }
    this.values.set(src);
    return this;
  }

  /** A copy with its own storage and no graph. */
  clone(): Tensor {
    const c = new Tensor(this.values.slice(), this.shape);
    c.dtypeTag = this.dtypeTag;
    return c;
  }

  toString(): string {
    const body = JSON.stringify(this.arraySync());
    return `Tensor(${fmt(this.shape)}${this.requiresGrad ? ', requiresGrad' : ''}) ${body}`;
  }
}

function sameShapeLen(a: Shape, b: Shape): boolean {
  return a.length === b.length && a.every((d, i) => d === b[i]);
}
