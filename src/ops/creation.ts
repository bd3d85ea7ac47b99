/**
 * Creating tensors: from values, constant fills, ranges, identity, one-hot and seeded random
 * draws. Random functions use the context's generator unless given their own `seed` or `rng`.
 */
import type { Distribution } from '../backends/backend.js';
import { emptyTensor, getContext, registerVariable, variablesNamed } from '../context/context.js';
import { Rng } from '../tensor/random.js';
import { type Shape, checkShape, fmt, sizeOf } from '../tensor/shape.js';
import { type Buf, type NestedArray, Tensor, type TensorOptions } from '../tensor/tensor.js';

/** Nested lists of truth values (tfjs makes a 'bool' tensor of them). */
export type NestedBooleans = boolean | readonly NestedBooleans[];

/** Values accepted by `tensor`: a number, nested arrays of numbers (or of booleans), or a flat typed array. */
export type TensorInput = number | NestedArray | readonly number[] | NestedBooleans | Float32Array | Float64Array | Int32Array | Uint8Array;

function inferShape(values: TensorInput): number[] {
  const shape: number[] = [];
  let v: unknown = values;
  while (Array.isArray(v)) {
    shape.push(v.length);
    if (shape.length > 64) throw new Error('tensor: the values are nested more than 64 levels deep (a tensor has at most 64 axes here)');
    v = v[0];
  }
  return shape;
}

/** Leaves are numbers, or all booleans (stored as 1 and 0): `pos.bools` counts the booleans. */
function flattenInto(values: unknown, shape: readonly number[], depth: number, out: Buf, pos: { i: number; bools: number }, path: number[]): void {
  if (depth === shape.length) {
    if (typeof values === 'boolean') {
      if (pos.bools !== pos.i) throw new Error(`tensor: a boolean at [${path.join('][')}] after numbers: give all numbers or all booleans`);
      pos.bools++;
      out[pos.i++] = values ? 1 : 0;
      return;
    }
    if (typeof values !== 'number') {
      throw new Error(`tensor: expected a number at [${path.join('][')}], got ${Array.isArray(values) ? 'an array (ragged nesting)' : typeof values}`);
    }
    if (pos.bools > 0) throw new Error(`tensor: a number at [${path.join('][')}] after booleans: give all numbers or all booleans`);
    out[pos.i++] = values;
    return;
  }
  if (!Array.isArray(values) || values.length !== shape[depth]) {
    throw new Error(`tensor: ragged nested array: expected ${shape[depth]} entries at depth ${depth} (index [${path.join('][')}]), got ${Array.isArray(values) ? values.length : typeof values}`);
  }
  for (let k = 0; k < values.length; k++) flattenInto(values[k], shape, depth + 1, out, pos, [...path, k]);
}

/**
 * A tensor from values. Nested arrays give their own shape; a flat array or typed array
 * needs `shape` unless it is meant as 1-D.
 *
 * @example tensor([[1, 2], [3, 4]])          // shape [2, 2]
 * @example tensor([1, 2, 3, 4], [2, 2])      // same
 * @example tensor([0.3, 0.5], undefined, { requiresGrad: true })
 */
export function tensor(values: TensorInput, shape?: Shape, options: TensorOptions | TfjsDType = {}): Tensor {
  if (typeof options === 'string') return castTo(tensor(values, shape), options, 'tensor');
  const ctx = getContext();
  if (typeof values === 'boolean') return castTo(tensor(values ? 1 : 0, shape, options), 'bool', 'tensor');
  if (typeof values === 'number') {
    const target = shape ?? [];
    checkShape(target, 'tensor');
    if (sizeOf(target) !== 1) throw new Error(`tensor: shape ${fmt(target)} needs ${sizeOf(target)} values but 1 was given`);
    const buf = ctx.backend.alloc(1, ctx.dtype);
    buf[0] = values;
    return new Tensor(buf, target, options);
  }
  if (ArrayBuffer.isView(values)) {
    const target = shape ?? [values.length];
    checkShape(target, 'tensor');
    if (sizeOf(target) !== values.length) {
      throw new Error(`tensor: shape ${fmt(target)} needs ${sizeOf(target)} values but ${values.length} were given`);
    }
    const buf = ctx.backend.alloc(values.length, ctx.dtype);
    buf.set(values);
    return new Tensor(buf, target, options);
  }
  const inferred = inferShape(values);
  const n = sizeOf(inferred);
  const buf = ctx.backend.alloc(n, ctx.dtype);
  const pos = { i: 0, bools: 0 };
  flattenInto(values, inferred, 0, buf, pos, []);
  const target = shape ?? inferred;
  checkShape(target, 'tensor');
  if (sizeOf(target) !== n) throw new Error(`tensor: shape ${fmt(target)} needs ${sizeOf(target)} values but ${n} were given`);
  const t = new Tensor(buf, target, options);
  // Truth values make a 'bool' tensor, as in tfjs (`tensor1d([true, false])`).
  if (n > 0 && pos.bools === n) t.dtypeTag = 'bool';
  return t;
}

/** A 0-D tensor. */
export function scalar(value: number | boolean, options: TensorOptions | TfjsDType = {}): Tensor {
  return tensor(value, [], options);
}

/**
 * tfjs's dtype names. Neurite stores float32 (float64 inside gradient checks): 'int32' values
 * are truncated to integers and 'bool' values made 0 or 1, as tfjs casts them, and kept as floats.
 */
export type TfjsDType = 'float32' | 'int32' | 'bool';

/** `t`'s values as tfjs would cast them to `dtype` (in place: `t` is new). */
export function castTo(t: Tensor, dtype: string, op: string): Tensor {
  if (dtype === 'int32') for (let i = 0; i < t.size; i++) t.values[i] = Math.trunc(t.values[i]!);
  else if (dtype === 'bool') for (let i = 0; i < t.size; i++) t.values[i] = t.values[i] !== 0 ? 1 : 0;
  else if (dtype !== 'float32') throw new Error(`${op}: dtype '${dtype}' is not supported (float32, int32, bool)`);
  t.dtypeTag = dtype === 'float32' ? undefined : dtype;
  return t;
}

/** tfjs's `tensor1d` … `tensor6d`: a tensor of exactly `rank` axes. */
function ranked(rank: number) {
  return (values: TensorInput, shape?: Shape, dtype?: TfjsDType): Tensor => {
    const t = tensor(values, shape, dtype ?? {});
    if (t.rank !== rank) throw new Error(`tensor${rank}d: expected ${rank} axes, got shape ${fmt(t.shape)}${shape === undefined ? ' (give the shape, or nest the values that deep)' : ''}`);
    return t;
  };
}
export const tensor1d = (values: TensorInput, dtype?: TfjsDType): Tensor => ranked(1)(values, undefined, dtype);
export const tensor2d = ranked(2);
export const tensor3d = ranked(3);
export const tensor4d = ranked(4);
export const tensor5d = ranked(5);
export const tensor6d = ranked(6);

/** `num` evenly spaced values from `start` to `stop`, both included (tfjs `linspace`). */
export function linspace(start: number, stop: number, num: number): Tensor {
  if (!Number.isInteger(num) || num < 1) throw new Error(`linspace: num must be a positive integer, got ${num}`);
  const t = emptyTensor([num]);
  const step = num === 1 ? 0 : (stop - start) / (num - 1);
  for (let i = 0; i < num; i++) t.values[i] = start + i * step;
  return t;
}

/**
 * A trainable leaf (tfjs `tf.variable`, PyTorch `nn.Parameter`): `requiresGrad` is on unless
 * `trainable: false`. tfjs's `variable(x, trainable, name)` works too.
 */
export function variable(initial: Tensor | TensorInput, options: { trainable?: boolean; name?: string } | boolean = {}, name?: string): Tensor {
  // tfjs's positional form: variable(x, trainable, name).
  if (typeof options === 'boolean') options = { trainable: options, ...(name === undefined ? {} : { name }) };
  const src = initial instanceof Tensor ? initial : tensor(initial);
  let given = options.name;
  if (given !== undefined && variablesNamed(given).length > 0) throw new Error(`variable: a variable named '${given}' already exists (names must be unique, as in tfjs)`);
  for (let k = getContext().variables.size; given === undefined; k++) if (variablesNamed(`Variable_${k}`).length === 0) given = `Variable_${k}`;
  const v = new Tensor(src.values.slice(), src.shape, { requiresGrad: options.trainable ?? true, name: given });
  registerVariable(v);
  return v;
}

/** A tensor of `shape` filled with `value` (tfjs's `dtype`: int32 truncates it, bool makes it 0 or 1). */
export function fill(shape: Shape, value: number, dtype?: TfjsDType): Tensor {
  checkShape(shape, 'fill');
  const t = emptyTensor(shape);
  if (value !== 0) t.values.fill(value);
  return dtype === undefined || dtype === 'float32' ? t : castTo(t, dtype, 'fill');
}

export function zeros(shape: Shape, dtype?: TfjsDType): Tensor {
  return fill(shape, 0, dtype);
}

export function ones(shape: Shape, dtype?: TfjsDType): Tensor {
  return fill(shape, 1, dtype);
}

/** Zeros of `t`'s shape and dtype. */
export function zerosLike(t: Tensor): Tensor {
  return fill(t.shape, 0, t.dtypeTag);
}

/** Ones of `t`'s shape and dtype. */
export function onesLike(t: Tensor): Tensor {
  return fill(t.shape, 1, t.dtypeTag);
}

/** The n×m identity matrix (m defaults to n). */
export function eye(n: number, m = n): Tensor {
  const t = zeros([n, m]);
  for (let i = 0; i < Math.min(n, m); i++) t.values[i * m + i] = 1;
  return t;
}

/** start, start + step, … up to but excluding stop (NumPy `arange`, tfjs `range`, with its `dtype`). */
export function range(start: number, stop?: number, step = 1, dtype?: TfjsDType): Tensor {
  if (stop === undefined) {
    stop = start;
    start = 0;
  }
  if (step === 0 || !Number.isFinite(step)) throw new Error(`range: step must be a non-zero finite number, got ${step}`);
  const n = Math.max(0, Math.ceil((stop - start) / step));
  const t = emptyTensor([n]);
  for (let i = 0; i < n; i++) t.values[i] = start + i * step;
  return dtype === undefined || dtype === 'float32' ? t : castTo(t, dtype, 'range');
}

/** Which generator a random op uses: its own seed, a given Rng, or the context's. */
export interface RandomOptions {
  seed?: number;
  rng?: Rng;
}

function pickRng(options: RandomOptions): Rng {
  if (options.rng !== undefined) return options.rng;
  if (options.seed !== undefined) return new Rng(options.seed);
  return getContext().rng;
}

function randomFill(shape: Shape, op: string, options: RandomOptions, dist: Distribution, a: number, b: number): Tensor {
  checkShape(shape, op);
  const t = emptyTensor(shape);
  getContext().backend.kernels.fillRandom(t.values, pickRng(options), dist, a, b);
  return t;
}

/** The options of a random op, from neurite's form or tfjs's trailing (dtype, seed). */
function randomArgs(options: RandomOptions | TfjsDType | undefined, seed: number | undefined): { options: RandomOptions; dtype: string } {
  if (typeof options === 'string' || options === undefined) return { options: seed === undefined ? {} : { seed }, dtype: options ?? 'float32' };
  return { options, dtype: 'float32' };
}

/** Uniform in [min, max). tfjs's argument order works too: `(shape, min, max, dtype, seed)`. */
export function randomUniform(shape: Shape, min = 0, max = 1, options?: RandomOptions | TfjsDType, seed?: number): Tensor {
  if (!(min <= max)) throw new Error(`randomUniform: min (${min}) must not exceed max (${max})`);
  const a = randomArgs(options, seed);
  const t = randomFill(shape, 'randomUniform', a.options, 'uniform', min, max);
  // tfjs's int32 draws are floor(uniform) in [min, max).
  if (a.dtype === 'int32') {
    for (let i = 0; i < t.size; i++) t.values[i] = Math.floor(t.values[i]!);
    t.dtypeTag = 'int32';
    return t;
  }
  return castTo(t, a.dtype, 'randomUniform');
}

/**
 * Gamma(alpha, beta) draws (tfjs `randomGamma(shape, alpha, beta, dtype, seed)`: mean alpha/beta),
 * by Marsaglia and Tsang's method (alpha < 1 boosted: Gamma(alpha + 1)·U^(1/alpha)).
 */
export function randomGamma(shape: Shape, alpha: number, beta = 1, options?: RandomOptions | TfjsDType, seed?: number): Tensor {
  if (!(alpha > 0 && Number.isFinite(alpha))) throw new Error(`randomGamma: alpha must be a number > 0, got ${alpha}`);
  if (!(beta > 0 && Number.isFinite(beta))) throw new Error(`randomGamma: beta must be a number > 0, got ${beta}`);
  const a = randomArgs(options, seed);
  checkShape(shape, 'randomGamma');
  const rng = pickRng(a.options);
  const t = emptyTensor(shape);
  const boost = alpha < 1;
  const d = (boost ? alpha + 1 : alpha) - 1 / 3;
  const c = 1 / Math.sqrt(9 * d);
  for (let i = 0; i < t.size; i++) {
    let g: number;
    for (;;) {
      const x = rng.normal();
      const v = (1 + c * x) ** 3;
      if (v <= 0) continue;
      const u = rng.uniform();
      if (Math.log(u) < 0.5 * x * x + d - d * v + d * Math.log(v)) {
        g = d * v;
        break;
      }
    }
    t.values[i] = (boost ? g * rng.uniform() ** (1 / alpha) : g) / beta;
  }
  return a.dtype === 'int32' ? castTo(t, 'int32', 'randomGamma') : t;
}

/**
 * Draws `numSamples` class indices per row from a categorical distribution (tfjs
 * `multinomial(logits, numSamples, seed, normalized)`): `logits` [classes] or [batch, classes]
 * are unnormalized log-probabilities (a softmax is taken), or probabilities that sum to 1 when
 * `normalized`. An int32 tensor [numSamples] or [batch, numSamples]; seeded by the context's
 * generator unless given a seed.
 */
export function multinomial(logits: Tensor, numSamples: number, seed?: number | null, normalized = false): Tensor {
  if (logits.rank !== 1 && logits.rank !== 2) throw new Error(`multinomial: logits must have 1 axis (classes) or 2 (batch, classes), got shape ${fmt(logits.shape)}`);
  if (!Number.isInteger(numSamples) || numSamples < 1) throw new Error(`multinomial: numSamples must be an integer ≥ 1, got ${numSamples}`);
  const classes = logits.shape[logits.rank - 1]!;
  if (classes < 2) throw new Error(`multinomial: needs at least 2 classes, got ${classes}`);
  const rows = logits.rank === 1 ? 1 : logits.shape[0]!;
  const rng = pickRng(seed === undefined || seed === null ? {} : { seed });
  const out = emptyTensor(logits.rank === 1 ? [numSamples] : [rows, numSamples]);
  const p = new Float64Array(classes);
  for (let r = 0; r < rows; r++) {
    const row = r * classes;
    let max = -Infinity;
    if (!normalized) for (let k = 0; k < classes; k++) max = Math.max(max, logits.values[row + k]!);
    let total = 0;
    for (let k = 0; k < classes; k++) {
      const v = logits.values[row + k]!;
      p[k] = normalized ? v : Math.exp(v - max);
      if (!(p[k]! >= 0)) throw new Error(`multinomial: row ${r} ${normalized ? 'has a probability' : 'gives a weight'} that is negative or NaN (${v} at class ${k})`);
      total += p[k]!;
    }
    for (let s = 0; s < numSamples; s++) {
      // The first class whose running sum passes u·total (the last, against rounding).
      const u = rng.uniform() * total;
      let k = 0;
      for (let acc = p[0]!; acc <= u && k < classes - 1; acc += p[++k]!);
      out.values[r * numSamples + s] = k;
    }
  }
  out.dtypeTag = 'int32';
  return out;
}

/** Normal with the given mean and standard deviation (tfjs's `(shape, mean, stdDev, dtype, seed)` too). */
export function randomNormal(shape: Shape, mean = 0, stddev = 1, options?: RandomOptions | TfjsDType, seed?: number): Tensor {
  const a = randomArgs(options, seed);
  return castTo(randomFill(shape, 'randomNormal', a.options, 'normal', mean, stddev), a.dtype, 'randomNormal');
}

/** Normal, redrawn until within two standard deviations of the mean (as TensorFlow). */
export function truncatedNormal(shape: Shape, mean = 0, stddev = 1, options?: RandomOptions | TfjsDType, seed?: number): Tensor {
  const a = randomArgs(options, seed);
  return castTo(randomFill(shape, 'truncatedNormal', a.options, 'truncatedNormal', mean, stddev), a.dtype, 'truncatedNormal');
}

/**
 * One-hot rows: indices [n] → [n, depth] with `on` at each index and `off` elsewhere.
 * @example oneHot([0, 2], 3) // [[1, 0, 0], [0, 0, 1]]
 */
export function oneHot(indices: Tensor | ArrayLike<number>, depth: number, on = 1, off = 0): Tensor {
  if (!Number.isInteger(depth) || depth < 1) throw new Error(`oneHot: depth must be a positive integer, got ${depth}`);
  const src = indices instanceof Tensor ? indices : tensor(Array.from(indices));
  // Checked where the call is made; a recorded step replays the kernel alone, on labels its
  // caller (fit) has checked over the whole dataset.
  for (let i = 0; i < src.size; i++) {
    const k = src.values[i]!;
    if (!Number.isInteger(k) || k < 0 || k >= depth) {
      throw new Error(`oneHot: index ${k} at position ${i} is out of range [0, ${depth})`);
    }
  }
  const t = emptyTensor([...(indices instanceof Tensor ? indices.shape : [src.size]), depth]);
  getContext().backend.kernels.oneHot(src.values, depth, on, off, t.values);
  // tfjs's oneHot gives int32 (of its on/off values, which are integers by default).
  if (Number.isInteger(on) && Number.isInteger(off)) t.dtypeTag = 'int32';
  return t;
}
