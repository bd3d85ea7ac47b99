/**
 * Weight initializers with Keras's definitions and defaults, drawing from a seeded Rng.
 * Fan-in/fan-out follow Keras: for a [in, out] kernel, fanIn = in, fanOut = out; for higher
 * ranks the leading axes are a receptive field that multiplies both.
 */
import { getContext } from '../context/context.js';
import type { Rng } from '../tensor/random.js';
import { type Shape, sizeOf } from '../tensor/shape.js';
import { Tensor } from '../tensor/tensor.js';
import { type Spellings, lookup } from './names.js';

/** Fills a new array of `shape` with initial values. */
export interface Initializer {
  readonly name: string;
  init(shape: Shape, rng: Rng): Float32Array;
  /** Serializable options (Keras `get_config`). */
  readonly config: Record<string, number>;
  /** tfjs's `initializer.apply(shape)`: a tensor of initial values, drawn from the context's generator. */
  apply?(shape: Shape, dtype?: 'float32'): Tensor;
}

/** The initializer with tfjs's `apply`. */
function initializer(i: Omit<Initializer, 'apply'>): Initializer {
  return { ...i, apply: (shape) => new Tensor(i.init(shape, getContext().rng), shape) };
}

/** Keras's TruncatedNormal stddev correction: std of N(0,1) truncated to ±2. */
const TRUNCATED_STD = 0.8796256610342398;

export function fans(shape: Shape): [number, number] {
  if (shape.length === 0) return [1, 1];
  if (shape.length === 1) return [shape[0]!, shape[0]!];
  if (shape.length === 2) return [shape[0]!, shape[1]!];
  const receptive = sizeOf(shape.slice(0, -2));
  return [shape[shape.length - 2]! * receptive, shape[shape.length - 1]! * receptive];
}

function make(name: string, config: Record<string, number>, draw: (shape: Shape, rng: Rng) => (rng: Rng) => number): Initializer {
  return initializer({
    name,
    config,
    init(shape, rng) {
      const f = draw(shape, rng);
      return Float32Array.from({ length: sizeOf(shape) }, () => f(rng));
    },
  });
}

function truncated(rng: Rng): number {
  for (;;) {
    const z = rng.normal();
    if (Math.abs(z) <= 2) return z;
  }
}

type Mode = 'fanIn' | 'fanOut' | 'fanAvg';
type Dist = 'truncatedNormal' | 'uniform';

/** Keras VarianceScaling: variance = scale / n, n chosen by mode. */
export function varianceScaling(options: { scale?: number; mode?: Mode; distribution?: Dist; name?: string } = {}): Initializer {
  const scale = options.scale ?? 1;
  const mode = options.mode ?? 'fanIn';
  const dist = options.distribution ?? 'truncatedNormal';
  return make(options.name ?? 'varianceScaling', { scale }, (shape) => {
    const [fi, fo] = fans(shape);
    const n = mode === 'fanIn' ? fi : mode === 'fanOut' ? fo : (fi + fo) / 2;
    const variance = scale / Math.max(1, n);
    if (dist === 'uniform') {
      const limit = Math.sqrt(3 * variance);
      return (r) => (2 * r.uniform() - 1) * limit;
    }
    const std = Math.sqrt(variance) / TRUNCATED_STD;
    return (r) => truncated(r) * std;
  });
}

/** U(−limit, limit), limit = √(6 / (fanIn + fanOut)). Keras's Dense default. */
export const glorotUniform = (): Initializer => varianceScaling({ scale: 1, mode: 'fanAvg', distribution: 'uniform', name: 'glorotUniform' });
/** Truncated N(0, 2 / (fanIn + fanOut)). */
export const glorotNormal = (): Initializer => varianceScaling({ scale: 1, mode: 'fanAvg', name: 'glorotNormal' });
/** Truncated N(0, 2 / fanIn). */
export const heNormal = (): Initializer => varianceScaling({ scale: 2, mode: 'fanIn', name: 'heNormal' });
/** U(−√(6/fanIn), √(6/fanIn)). */
export const heUniform = (): Initializer => varianceScaling({ scale: 2, mode: 'fanIn', distribution: 'uniform', name: 'heUniform' });
/** Truncated N(0, 1 / fanIn). */
export const lecunNormal = (): Initializer => varianceScaling({ scale: 1, mode: 'fanIn', name: 'lecunNormal' });
/** U(−√(3/fanIn), √(3/fanIn)). */
export const lecunUniform = (): Initializer => varianceScaling({ scale: 1, mode: 'fanIn', distribution: 'uniform', name: 'lecunUniform' });

export const randomNormalInit = (o: { mean?: number; stddev?: number } = {}): Initializer => {
  const mean = o.mean ?? 0;
  const stddev = o.stddev ?? 0.05;
  return make('randomNormal', { mean, stddev }, () => (r) => mean + stddev * r.normal());
};
export const randomUniformInit = (o: { minval?: number; maxval?: number } = {}): Initializer => {
  const lo = o.minval ?? -0.05;
  const hi = o.maxval ?? 0.05;
  return make('randomUniform', { minval: lo, maxval: hi }, () => (r) => lo + (hi - lo) * r.uniform());
};
export const truncatedNormalInit = (o: { mean?: number; stddev?: number } = {}): Initializer => {
  const mean = o.mean ?? 0;
  const stddev = o.stddev ?? 0.05;
  return make('truncatedNormal', { mean, stddev }, () => (r) => mean + stddev * truncated(r));
};
export const constant = (value = 0): Initializer => make('constant', { value }, () => () => value);
export const zerosInit = (): Initializer => make('zeros', {}, () => () => 0);
export const onesInit = (): Initializer => make('ones', {}, () => () => 1);

/**
 * A (semi-)orthogonal matrix: modified Gram–Schmidt on a normal draw, in float64, times gain.
 * Rows (or columns, whichever are fewer) are orthonormal.
 */
export function orthogonal(options: { gain?: number } = {}): Initializer {
  const gain = options.gain ?? 1;
  return initializer({
    name: 'orthogonal',
    config: { gain },
    init(shape, rng) {
      const rows = shape.length < 2 ? 1 : sizeOf(shape.slice(0, -1));
      const cols = shape.length === 0 ? 1 : shape[shape.length - 1]!;
      // Orthonormalize the shorter side: vectors of length `len`, `count` of them.
      const transpose = rows < cols;
      const count = transpose ? rows : cols;
      const len = transpose ? cols : rows;
      const v = Array.from({ length: count }, () => Float64Array.from({ length: len }, () => rng.normal()));
      for (let i = 0; i < count; i++) {
        const vi = v[i]!;
        for (let j = 0; j < i; j++) {
          const vj = v[j]!;
          let d = 0;
          for (let k = 0; k < len; k++) d += vi[k]! * vj[k]!;
          for (let k = 0; k < len; k++) vi[k] = vi[k]! - d * vj[k]!;
        }
        let norm = 0;
        for (let k = 0; k < len; k++) norm += vi[k]! * vi[k]!;
        norm = Math.sqrt(norm) || 1;
        for (let k = 0; k < len; k++) vi[k] = vi[k]! / norm;
      }
      const out = new Float32Array(rows * cols);
      for (let r = 0; r < rows; r++) {
        for (let c = 0; c < cols; c++) out[r * cols + c] = gain * (transpose ? v[r]![c]! : v[c]![r]!);
      }
      return out;
    },
  });
}

/** gain · the identity matrix (Keras `Identity`; tfjs's, which takes square matrices only); 2-D kernels. */
export function identity(options: { gain?: number } = {}): Initializer {
  const gain = options.gain ?? 1;
  return initializer({
    name: 'identity',
    config: { gain },
    init(shape) {
      if (shape.length !== 2) throw new Error(`initializer identity: only 2-D kernels have an identity, got shape [${shape.join(', ')}]`);
      const [rows, cols] = shape as [number, number];
      const out = new Float32Array(rows * cols);
      for (let i = 0; i < Math.min(rows, cols); i++) out[i * cols + i] = gain;
      return out;
    },
  });
}

const INITIALIZER_TABLE = {
  glorotUniform, glorotNormal, heNormal, heUniform, lecunNormal, lecunUniform,
  randomNormal: () => randomNormalInit(), randomUniform: () => randomUniformInit(),
  truncatedNormal: () => truncatedNormalInit(), zeros: zerosInit, ones: onesInit,
  constant: () => constant(0), orthogonal: () => orthogonal(), identity: () => identity(),
} satisfies Record<string, () => Initializer>;
const INITIALIZERS: Readonly<Record<string, () => Initializer>> = INITIALIZER_TABLE;
type InitializerKey = keyof typeof INITIALIZER_TABLE;
/** An initializer's name: camelCase, snake_case, or the class name tfjs and Keras files use ('GlorotUniform'). */
export type InitializerName = Spellings<InitializerKey> | Capitalize<InitializerKey>;
export type InitializerIdentifier = InitializerName | Initializer;

export function getInitializer(id: string | Initializer): Initializer {
  return typeof id === 'string' ? lookup('initializer', INITIALIZERS, id)() : id;
}

/**
 * The initializers by tfjs's names too (`tf.initializers.randomNormal({mean, stddev})`,
 * `zeros()`, `constant({value})`, `leCunNormal()`), beside neurite's.
 */
export const tfjsInitializers = {
  randomNormal: randomNormalInit,
  randomUniform: randomUniformInit,
  truncatedNormal: truncatedNormalInit,
  zeros: zerosInit,
  ones: onesInit,
  constant: (v: number | { value: number } = 0): Initializer => constant(typeof v === 'number' ? v : v.value),
  leCunNormal: lecunNormal,
  leCunUniform: lecunUniform,
  identity: (o: { gain?: number } = {}): Initializer => identity(o),
};
