/**
 * `tf.data`: lazy, streaming datasets. A Dataset is a recipe for an async iterator, made anew
 * for each pass (each epoch), so nothing is held beyond the elements in flight and a
 * `shuffle` buffer: a dataset larger than memory trains through `model.fitDataset`.
 *
 * @example
 * const ds = data.generator(function* () { for (let i = 0; i < 1000; i++) yield { xs: [i, 2 * i], ys: [i % 2] }; })
 *   .shuffle(100, 1).batch(32);                  // batches: { xs: Tensor [32, 2], ys: Tensor [32, 1] }
 * await model.fitDataset(ds, { epochs: 5 });
 */
import { getContext } from '../context/context.js';
import { stack, unstack } from '../ops/layout.js';
import { tensor } from '../ops/creation.js';
import { Rng, seedOf } from '../tensor/random.js';
import { Tensor } from '../tensor/tensor.js';

/** An iterator in tfjs's form (`await it.next()` gives `{value, done}`). */
export interface LazyIterator<T> {
  next(): Promise<IteratorResult<T, undefined>>;
}

type Source<T> = () => AsyncIterator<T, unknown> | Iterator<T, unknown>;

/** Whether `v` is a container `batch` recurses into (a plain object), not a leaf to stack. */
function isContainer(v: unknown): v is Record<string, unknown> {
  return v !== null && typeof v === 'object' && !Array.isArray(v) && !(v instanceof Tensor) && !ArrayBuffer.isView(v);
}

const isHole = (r: unknown): boolean => r === undefined || r === null;

/** A value missing from a batch's element, and what to do about it. */
function missingValue(where: string, value: unknown, element: number): Error {
  return new Error(`Dataset.batch: ${where} has no value (${String(value)}) in element ${element} of the batch: an empty CSV cell? Give its column a default in data.csv's columnConfigs, or fill it in a map()`);
}

/** Stacks the leaves of `rows` (one per element) into tensors with a leading batch axis; objects keep their keys. */
function batchRows(rows: unknown[], path = 'element'): unknown {
  const first = rows[0];
  const missing = rows.findIndex(isHole);
  if (missing >= 0) throw missingValue(path, rows[missing], missing);
  if (isContainer(first)) {
    const out: Record<string, unknown> = {};
    for (const k of Object.keys(first)) {
      out[k] = batchRows(rows.map((r) => {
        if (!isContainer(r) || !(k in r)) throw new Error(`Dataset.batch: the elements differ in structure: ${path} '${k}' is missing from one`);
        return r[k];
      }), `${path}.${k}`);
    }
    return out;
  }
  if (first instanceof Tensor) {
    const bad = rows.findIndex((r) => !(r instanceof Tensor) || r.rank !== first.rank || r.shape.some((d, i) => d !== first.shape[i]));
    if (bad >= 0) throw new Error(`Dataset.batch: ${path} has shape ${JSON.stringify(first.shape)} in the first element but not in element ${bad} of the batch`);
    return stack(rows as Tensor[], 0);
  }
  if (typeof first === 'number' || typeof first === 'boolean') return tensor(rows.map(Number));
  // A list holding tensors or objects (tf.data.array(rows).map(r => [features, label]), as
  // tfjs-examples' iris makes them) is batched item by item, as tfjs does; a list of numbers is
  // one tensor's row.
  if (Array.isArray(first) && first.some((v) => v instanceof Tensor || isContainer(v) || typeof v === 'string')) {
    return first.map((_, i) => batchRows(rows.map((r, b) => {
      if (!Array.isArray(r) || r.length !== first.length) throw new Error(`Dataset.batch: the elements differ in structure: ${path} is a list of ${first.length} in the first element but not in element ${b} of the batch`);
      return r[i];
    }), `${path}[${i}]`));
  }
  if (Array.isArray(first) || ArrayBuffer.isView(first)) {
    try {
      return tensor(rows.map((r) => (ArrayBuffer.isView(r) ? Array.from(r as Float32Array) : r)) as number[][]);
    } catch (e) {
      // A missing value inside a row: said as one (looked for here, off the batches that convert).
      const at = rows.findIndex((r) => Array.isArray(r) && r.some(isHole));
      if (at >= 0) {
        const r = rows[at] as unknown[];
        throw missingValue(`${path}[${r.findIndex(isHole)}]`, r.find(isHole), at);
      }
      throw new Error(`Dataset.batch: ${path}: ${(e as Error).message}`);
    }
  }
  if (typeof first === 'string') return rows;
  throw new Error(`Dataset.batch: cannot batch ${path} of type ${first === null ? 'null' : typeof first}`);
}

export class Dataset<T> {
  /** The number of elements when known (Infinity after an endless repeat), else null. */
  readonly size: number | null;

  constructor(private readonly source: Source<T>, size: number | null) {
    this.size = size;
  }

  /** A fresh pass over the elements. */
  async *[Symbol.asyncIterator](): AsyncGenerator<T> {
    const it = this.source();
    for (;;) {
      const r = await it.next();
      if (r.done === true) return;
      yield r.value as T;
    }
  }

  /** tfjs's `await dataset.iterator()`: a fresh pass with `next()`. */
  async iterator(): Promise<LazyIterator<T>> {
    const g = this[Symbol.asyncIterator]();
    return { next: async () => { const r = await g.next(); return r.done === true ? { done: true, value: undefined } : { done: false, value: r.value }; } };
  }

  private derive<U>(gen: (src: Dataset<T>) => AsyncGenerator<U>, size: number | null): Dataset<U> {
    return new Dataset<U>(() => gen(this), size);
  }

  /** Each element through `f` (which may be async). */
  map<U>(f: (x: T) => U | Promise<U>): Dataset<U> {
    return this.derive(async function* (src) { for await (const x of src) yield await f(x); }, this.size);
  }

  /** Same as `map` with an async function (tfjs `mapAsync`). */
  mapAsync<U>(f: (x: T) => Promise<U>): Dataset<U> {
    return this.map(f);
  }

  /** The elements for which `predicate` holds. */
  filter(predicate: (x: T) => boolean | Promise<boolean>): Dataset<T> {
    return this.derive(async function* (src) { for await (const x of src) if (await predicate(x)) yield x; }, null);
  }

  /**
   * Groups `batchSize` consecutive elements into one, stacking tensors, numbers and arrays
   * into tensors with a leading batch axis (objects keep their keys). The last, smaller batch
   * is kept unless `smallLastBatch` is false.
   */
  batch(batchSize: number, smallLastBatch = true): Dataset<T extends Record<string, unknown> ? { [K in keyof T]: Tensor } : Tensor> {
    if (!Number.isInteger(batchSize) || batchSize < 1) throw new Error(`Dataset.batch: batchSize must be a positive integer, got ${batchSize}`);
    const size = this.size === null ? null : this.size === Infinity ? Infinity : smallLastBatch ? Math.ceil(this.size / batchSize) : Math.floor(this.size / batchSize);
    return this.derive(async function* (src) {
      let rows: unknown[] = [];
      for await (const x of src) {
        rows.push(x);
        if (rows.length === batchSize) {
          yield batchRows(rows) as never;
          rows = [];
        }
      }
      if (rows.length > 0 && smallLastBatch) yield batchRows(rows) as never;
    }, size);
  }

  /** Batched elements back into single ones: each tensor's rows (tfjs `unbatch`). */
  unbatch(): Dataset<unknown> {
    const split = (v: unknown): unknown[] => {
      if (v instanceof Tensor) return unstack(v, 0);
      if (isContainer(v)) {
        const keys = Object.keys(v);
        const parts = keys.map((k) => split(v[k]));
        return (parts[0] ?? []).map((_, i) => Object.fromEntries(keys.map((k, j) => [k, parts[j]![i]])));
      }
      if (Array.isArray(v)) return v;
      throw new Error(`Dataset.unbatch: cannot split ${typeof v}`);
    };
    return this.derive(async function* (src) { for await (const x of src) yield* split(x); }, null);
  }

  /**
   * Shuffles within a window of `bufferSize` elements (tfjs's: exact for a buffer as large as
   * the dataset), with `seed` or the context's generator; reshuffled each pass unless told not to.
   */
  shuffle(bufferSize: number, seed?: number | string, reshuffleEachIteration = true): Dataset<T> {
    if (!Number.isInteger(bufferSize) || bufferSize < 1) throw new Error(`Dataset.shuffle: bufferSize must be a positive integer, got ${bufferSize}`);
    const base = seed === undefined ? Math.floor(getContext().rng.uniform() * 2 ** 31) : typeof seed === 'number' ? seed : seedOf(seed);
    let pass = 0;
    return this.derive(async function* (src) {
      const rng = new Rng(reshuffleEachIteration ? base + 7919 * pass++ : base);
      const buf: T[] = [];
      for await (const x of src) {
        if (buf.length < bufferSize) {
          buf.push(x);
          continue;
        }
        const j = Math.floor(rng.uniform() * bufferSize);
        const out = buf[j]!;
        buf[j] = x;
        yield out;
      }
      while (buf.length > 0) {
        const j = Math.floor(rng.uniform() * buf.length);
        const out = buf[j]!;
        buf[j] = buf[buf.length - 1]!;
        buf.pop();
        yield out;
      }
    }, this.size);
  }

  /** The first `count` elements (all when count < 0, as tfjs). */
  take(count: number): Dataset<T> {
    if (count < 0) return this;
    const size = this.size === null ? null : Math.min(this.size, count);
    return this.derive(async function* (src) {
      if (count === 0) return;
      let n = 0;
      for await (const x of src) {
        yield x;
        if (++n >= count) return;
      }
    }, size);
  }

  /** All but the first `count` elements. */
  skip(count: number): Dataset<T> {
    const size = this.size === null ? null : this.size === Infinity ? Infinity : Math.max(0, this.size - Math.max(0, count));
    return this.derive(async function* (src) {
      let n = 0;
      for await (const x of src) if (n++ >= count) yield x;
    }, size);
  }

  /** The elements `count` times over (forever when count is omitted or negative). */
  repeat(count?: number): Dataset<T> {
    const forever = count === undefined || count < 0;
    const size = forever ? (this.size === 0 ? 0 : Infinity) : this.size === null ? null : this.size * count;
    return this.derive(async function* (src) {
      for (let i = 0; forever || i < count!; i++) {
        let any = false;
        for await (const x of src) {
          any = true;
          yield x;
        }
        if (!any) return;
      }
    }, size);
  }

  /** This dataset's elements, then `other`'s. */
  concatenate(other: Dataset<T>): Dataset<T> {
    const size = this.size === null || other.size === null ? null : this.size + other.size;
    return this.derive(async function* (src) {
      yield* src;
      yield* other;
    }, size);
  }

  /** Reads up to `bufferSize` elements ahead of the consumer. */
  prefetch(bufferSize: number): Dataset<T> {
    if (!Number.isInteger(bufferSize) || bufferSize < 1) throw new Error(`Dataset.prefetch: bufferSize must be a positive integer, got ${bufferSize}`);
    return this.derive(async function* (src) {
      const it = src[Symbol.asyncIterator]();
      const ahead: Array<Promise<IteratorResult<T>>> = [];
      for (;;) {
        while (ahead.length < bufferSize) ahead.push(it.next());
        const r = await ahead.shift()!;
        if (r.done === true) return;
        yield r.value;
      }
    }, this.size);
  }

  /** Calls `f` on every element, in order. */
  async forEachAsync(f: (x: T) => void | Promise<void>): Promise<void> {
    for await (const x of this) await f(x);
  }

  /** Every element in a list (the dataset must be finite). */
  async toArray(): Promise<T[]> {
    if (this.size === Infinity) throw new Error('Dataset.toArray: the dataset repeats forever; take() some of it first');
    const out: T[] = [];
    for await (const x of this) out.push(x);
    return out;
  }
}

/** A dataset of the items of a list (tfjs `tf.data.array`). */
export function array<T>(items: readonly T[]): Dataset<T> {
  if (!Array.isArray(items)) throw new Error(`data.array: expected a list, got ${typeof items}`);
  return new Dataset(() => items[Symbol.iterator](), items.length);
}

/**
 * A dataset from a generator function, called anew for each pass (tfjs `tf.data.generator`);
 * it may be async, or return an iterator object.
 */
export function generator<T>(make: () => Iterator<T, unknown> | AsyncIterator<T, unknown>): Dataset<T> {
  if (typeof make !== 'function') throw new Error('data.generator: expected a generator function (function* () { yield … })');
  return new Dataset(() => {
    const it = make();
    if (it === null || typeof it !== 'object' || typeof (it as Iterator<T>).next !== 'function') throw new Error('data.generator: the function must return an iterator (use function* and yield)');
    return it;
  }, null);
}

/**
 * Elements of several datasets side by side, as a list or an object of them (tfjs
 * `tf.data.zip`); ends with the shortest.
 */
export function zip<T extends readonly Dataset<unknown>[] | Record<string, Dataset<unknown>>>(datasets: T): Dataset<unknown> {
  const isList = Array.isArray(datasets);
  const entries = isList ? (datasets as readonly Dataset<unknown>[]).map((d, i) => [String(i), d] as const) : Object.entries(datasets as Record<string, Dataset<unknown>>);
  for (const [k, d] of entries) if (!(d instanceof Dataset)) throw new Error(`data.zip: entry ${k} is not a dataset`);
  const sizes = entries.map(([, d]) => d.size);
  const size = sizes.some((s) => s === null) ? null : Math.min(...(sizes as number[]));
  return new Dataset<unknown>(() => (async function* () {
    const its = entries.map(([, d]) => d[Symbol.asyncIterator]());
    for (;;) {
      const rs = await Promise.all(its.map((it) => it.next()));
      if (rs.some((r) => r.done === true)) return;
      yield isList ? rs.map((r) => r.value) : Object.fromEntries(entries.map(([k], i) => [k, rs[i]!.value]));
    }
  })(), size);
}
