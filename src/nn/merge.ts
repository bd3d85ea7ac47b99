/**
 * Merge layers (tfjs `tf.layers.add`, `concatenate`, …): several inputs of one shape (or,
 * for Concatenate, of one shape but along the axis) combined into one output. Each is a few
 * ops, so gradients and the compiled step come from the ops.
 */
import { add, div, maximum, minimum, mul, sqrt, sub } from '../ops/elementwise.js';
import { concat, reshape } from '../ops/layout.js';
import { matmul } from '../ops/matmul.js';
import { sum } from '../ops/reduce.js';
import type { Tensor } from '../tensor/tensor.js';
import { type CallOptions, Layer, type LayerArgs, type SymbolicShape, formatShape } from './layer.js';
import type { SymbolicTensor } from './symbolic.js';

abstract class Merge<C extends LayerArgs = LayerArgs> extends Layer<C> {
  override readonly supportsMasking = true;
  protected override readonly multiInput = true;

  /** The output for inputs whose shapes `checkShapes` has passed. */
  protected abstract merge(xs: Tensor[]): Tensor;

  /** Whether the inputs combine element by element (broadcasting), not by Concatenate's or Dot's rules. */
  protected readonly elementwise: boolean = true;

  /**
   * The output shape of an elementwise merge, by tfjs's and Keras's rule: the batch sizes agree,
   * and the other axes broadcast, aligned at the end (a 1, or an unknown size, meets any), so
   * [b, 100] with [b, 1, 100] gives [b, 1, 100] (tfjs-examples mnist-acgan multiplies a latent
   * vector by an embedding so). Throws for fewer than two inputs or sizes that do not broadcast.
   */
  protected checkShapes(shapes: readonly SymbolicShape[]): SymbolicShape {
    const who = `${this.className}${this.name === undefined ? '' : ` '${this.name}'`}`;
    if (shapes.length < 2) throw new Error(`${who}: needs at least 2 inputs, got ${shapes.length}`);
    const batches = [...new Set(shapes.map((s) => s[0] ?? null).filter((d) => d !== null))];
    let inner: Array<number | null> = shapes[0]!.slice(1);
    for (const s of shapes.slice(1)) {
      const [long, short] = s.length - 1 > inner.length ? [s.slice(1), inner] : [inner, s.slice(1)];
      const lead = long.length - short.length;
      const next = long.slice(0, lead);
      for (let k = 0; k < short.length; k++) {
        const i = long[lead + k]!, j = short[k]!;
        if (i === null || j === null) next.push(i === 1 ? j : j === 1 ? i : i ?? j);
        else if (i !== j && i !== 1 && j !== 1) throw new Error(`${who}: inputs must have shapes that broadcast together, got ${shapes.map(formatShape).join(' and ')}`);
        else next.push(i === 1 ? j : i);
      }
      inner = next;
    }
    if (batches.length > 1) throw new Error(`${who}: inputs must have the same batch size, got ${shapes.map(formatShape).join(' and ')}`);
    return [batches[0] ?? null, ...inner];
  }

  override computeOutputShape(inputShape: SymbolicShape[]): SymbolicShape {
    return this.checkShapes(inputShape);
  }

  call(xs: Tensor[], _options: CallOptions): Tensor {
    this.checkShapes(xs.map((x) => x.shape));
    if (!this.elementwise) return this.merge(xs);
    // Inputs of lower rank gain axes after the batch axis until the ranks agree (tfjs's Merge), then broadcast.
    const rank = Math.max(...xs.map((x) => x.rank));
    return this.merge(xs.map((x) => (x.rank < rank ? reshape(x, [x.shape[0]!, ...new Array<number>(rank - x.rank).fill(1), ...x.shape.slice(1)]) : x)));
  }

  // A merge gives one output: the overloads say so, so callers need no cast.
  override apply(x: Tensor, options?: CallOptions): Tensor;
  override apply(x: SymbolicTensor, options?: CallOptions): SymbolicTensor;
  override apply(x: Tensor[], options?: CallOptions): Tensor;
  override apply(x: SymbolicTensor[], options?: CallOptions): SymbolicTensor;
  override apply(x: Tensor | Tensor[] | SymbolicTensor | SymbolicTensor[], options: CallOptions = {}): Tensor | SymbolicTensor {
    return super.apply(x as Tensor[], options) as Tensor | SymbolicTensor;
  }
}

/** xs[0] ∘ xs[1] ∘ … with a binary op. */
function fold(xs: readonly Tensor[], op: (a: Tensor, b: Tensor) => Tensor): Tensor {
  let out = xs[0]!;
  for (let i = 1; i < xs.length; i++) out = op(out, xs[i]!);
  return out;
}

/** Sum of the inputs. */
export class Add extends Merge {
  readonly className = 'Add';
  protected merge(xs: Tensor[]): Tensor {
    return fold(xs, add);
  }
}

/** The first input minus the second (exactly two inputs). */
export class Subtract extends Merge {
  readonly className = 'Subtract';
  protected override checkShapes(shapes: readonly SymbolicShape[]): SymbolicShape {
    if (shapes.length !== 2) throw new Error(`Subtract${this.name === undefined ? '' : ` '${this.name}'`}: needs exactly 2 inputs, got ${shapes.length}`);
    return super.checkShapes(shapes);
  }
  protected merge(xs: Tensor[]): Tensor {
    return sub(xs[0]!, xs[1]!);
  }
}

/** Elementwise product of the inputs. */
export class Multiply extends Merge {
  readonly className = 'Multiply';
  protected merge(xs: Tensor[]): Tensor {
    return fold(xs, mul);
  }
}

/** Elementwise maximum of the inputs. */
export class Maximum extends Merge {
  readonly className = 'Maximum';
  protected merge(xs: Tensor[]): Tensor {
    return fold(xs, maximum);
  }
}

/** Elementwise minimum of the inputs. */
export class Minimum extends Merge {
  readonly className = 'Minimum';
  protected merge(xs: Tensor[]): Tensor {
    return fold(xs, minimum);
  }
}

/** Elementwise mean of the inputs. */
export class Average extends Merge {
  readonly className = 'Average';
  protected merge(xs: Tensor[]): Tensor {
    return mul(fold(xs, add), 1 / xs.length);
  }
}

export interface ConcatenateConfig extends LayerArgs {
  /** The axis to join along (default -1, the last; the batch axis 0 cannot be). */
  axis?: number;
}

/** The inputs joined along one axis; every other dimension must agree. */
export class Concatenate extends Merge<ConcatenateConfig> {
  readonly className = 'Concatenate';
  protected override readonly elementwise = false;

  constructor(config: ConcatenateConfig = {}) {
    super(config);
  }

  private axisFor(rank: number): number {
    const a = this.config.axis ?? -1;
    const axis = a < 0 ? a + rank : a;
    if (!Number.isInteger(a) || axis < 1 || axis >= rank) {
      throw new Error(`Concatenate${this.name === undefined ? '' : ` '${this.name}'`}: axis ${a} is not a non-batch axis of inputs of rank ${rank}`);
    }
    return axis;
  }

  protected override checkShapes(shapes: readonly SymbolicShape[]): SymbolicShape {
    const who = `Concatenate${this.name === undefined ? '' : ` '${this.name}'`}`;
    if (shapes.length < 2) throw new Error(`${who}: needs at least 2 inputs, got ${shapes.length}`);
    const rank = shapes[0]!.length;
    const axis = this.axisFor(rank);
    const out = [...shapes[0]!];
    for (const s of shapes.slice(1)) {
      if (s.length !== rank || s.some((d, i) => i !== axis && d !== null && out[i] !== null && d !== out[i])) {
        throw new Error(`${who}: inputs must agree on every axis but ${axis}, got ${shapes.map(formatShape).join(' and ')}`);
      }
      s.forEach((d, i) => {
        if (i !== axis) out[i] ??= d;
      });
      out[axis] = out[axis] === null || s[axis] === null ? null : out[axis]! + s[axis]!;
    }
    return out;
  }

  protected merge(xs: Tensor[]): Tensor {
    return concat(xs, this.axisFor(xs[0]!.rank));
  }
}

export interface DotConfig extends LayerArgs {
  /** The axis of each input to contract (one number for both, or one per input; not the batch axis). */
  axes: number | [number, number];
  /** L2-normalize both inputs along their axes first: the product is then the cosine similarity. */
  normalize?: boolean;
}

/**
 * The dot product of two inputs along an axis each, per sample: [b, n]·[b, n] → [b, 1];
 * for rank 3, [b, m, k]·[b, n, k] with axes 2 → [b, m, n] (a batched matrix product).
 */
export class Dot extends Merge<DotConfig> {
  readonly className = 'Dot';
  protected override readonly elementwise = false;

  constructor(config: DotConfig) {
    super(config);
    const a = config.axes;
    const ok = (v: unknown): boolean => typeof v === 'number' && Number.isInteger(v);
    if (!(ok(a) || (Array.isArray(a) && a.length === 2 && a.every(ok)))) throw new Error(`Dot: axes must be an integer or a pair of integers, got ${JSON.stringify(a)}`);
  }

  private axes(shapes: readonly SymbolicShape[]): [number, number] {
    const who = `Dot${this.name === undefined ? '' : ` '${this.name}'`}`;
    if (shapes.length !== 2) throw new Error(`${who}: needs exactly 2 inputs, got ${shapes.length}`);
    const [ra, rb] = [shapes[0]!.length, shapes[1]!.length];
    if (ra !== rb || ra < 2 || ra > 3) throw new Error(`${who}: inputs must both have rank 2 or both rank 3, got ${shapes.map(formatShape).join(' and ')}`);
    const given = Array.isArray(this.config.axes) ? this.config.axes : [this.config.axes, this.config.axes];
    const axes = given.map((a, i) => (a < 0 ? a + shapes[i]!.length : a)) as [number, number];
    if (axes.some((a) => a < 1 || a >= ra)) throw new Error(`${who}: axes ${JSON.stringify(this.config.axes)} must name non-batch axes of inputs of rank ${ra}`);
    const [da, db] = [shapes[0]![axes[0]], shapes[1]![axes[1]]];
    if (da !== null && db !== null && da !== db) {
      throw new Error(`${who}: the contracted axes must have the same size, got ${da} (axis ${axes[0]} of ${formatShape(shapes[0]!)}) and ${db} (axis ${axes[1]} of ${formatShape(shapes[1]!)})`);
    }
    return axes;
  }

  /** No mask after a dot product (as Keras and tfjs): its output's axes are not the inputs' steps. */
  override computeMask(): Tensor | null {
    return null;
  }

  protected override checkShapes(shapes: readonly SymbolicShape[]): SymbolicShape {
    const [aa, ab] = this.axes(shapes);
    const [a, b] = shapes as [SymbolicShape, SymbolicShape];
    if (a.length === 2) return [a[0] ?? b[0] ?? null, 1];
    return [a[0] ?? b[0] ?? null, a[3 - aa]!, b[3 - ab]!];
  }

  protected merge(xs: Tensor[]): Tensor {
    const [aa, ab] = this.axes(xs.map((x) => x.shape));
    let [a, b] = xs as [Tensor, Tensor];
    if (this.config.normalize === true) {
      a = l2Normalize(a, aa);
      b = l2Normalize(b, ab);
    }
    if (a.rank === 2) return sum(mul(a, b), 1, true);
    // [b, m, k]·[b, k, n]: contract a's axis aa (moved last) with b's axis ab (moved first).
    return matmul(a, b, { transposeA: aa === 1, transposeB: ab === 2 });
  }
}

/** x / max(‖x‖, 1e-12) along `axis` (Keras's l2_normalize). */
function l2Normalize(x: Tensor, axis: number): Tensor {
  return div(x, sqrt(maximum(sum(mul(x, x), axis, true), 1e-24)));
}
