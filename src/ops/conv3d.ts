/**
 * Volumetric convolution and pooling over NDHWC volumes (tfjs `conv3d`, `conv3dTranspose`,
 * `maxPool3d`, `avgPool3d`): x [batch, depth, height, width, channels], filters
 * [kD, kH, kW, inChannels, outChannels].
 *
 * One mechanism, composed from primitives (so each gradient is theirs): the volume padded as
 * the window needs, flattened to [batch, D′·H′·W′, C], and every window's taps gathered into a
 * row ([batch, positions·taps, C]) by a fixed index list. A convolution is that times the
 * filter (one matrix product), max pooling a max over each row's taps, average pooling a sum
 * over the taps divided by those inside the volume, and the transposed convolution the
 * product's adjoint added back by scatterAdd (gather's own gradient).
 */
import { fmt } from '../tensor/shape.js';
import type { Tensor } from '../tensor/tensor.js';
import { tensor } from './creation.js';
import { div } from './elementwise.js';
import { gather, pad, reshape, scatterAdd, slice } from './layout.js';
import { matmul } from './matmul.js';
import { type TensorLike, asTensor } from './primitive.js';
import { max, sum } from './reduce.js';

/** A size given once for the three axes, or per axis [depth, height, width]. */
export type Size3 = number | readonly [number, number, number];

/** Where a kD×kH×kW window goes over a volume: sizes, padding per axis, output positions. */
interface Window3d {
  batch: number;
  input: [number, number, number];
  channels: number;
  kernel: [number, number, number];
  strides: [number, number, number];
  dilations: [number, number, number];
  before: [number, number, number];
  after: [number, number, number];
  out: [number, number, number];
}

function triple(v: Size3 | undefined, what: string, op: string): [number, number, number] {
  const t: readonly number[] = v === undefined ? [1, 1, 1] : typeof v === 'number' ? [v, v, v] : v;
  if (!Array.isArray(t) || t.length !== 3 || !t.every((d) => Number.isInteger(d) && d >= 1)) throw new Error(`${op}: ${what} must be a positive integer or 3 of them, got ${JSON.stringify(v)}`);
  return [t[0]!, t[1]!, t[2]!];
}

function window3d(op: string, shape: readonly number[], kernel: Size3, strides: Size3, padding: unknown, dilations: Size3 = 1): Window3d {
  if (shape.length !== 5) throw new Error(`${op}: expected a volume of rank 5 [batch, depth, height, width, channels], got shape ${fmt(shape)}`);
  if (padding !== 'valid' && padding !== 'same') throw new Error(`${op}: pad must be 'valid' or 'same', got ${JSON.stringify(padding)}`);
  const input = shape.slice(1, 4) as [number, number, number];
  const k = triple(kernel, 'the filter size', op);
  const s = triple(strides, 'strides', op);
  const d = triple(dilations, 'dilations', op);
  const before: [number, number, number] = [0, 0, 0];
  const after: [number, number, number] = [0, 0, 0];
  const out = input.map((n, i) => {
    const eff = (k[i]! - 1) * d[i]! + 1;
    if (padding === 'valid') {
      if (eff > n) throw new Error(`${op}: a ${k.join('×')} window (dilations ${d.join('×')}) does not fit a ${input.join('×')} volume with 'valid' padding; use 'same' or a smaller window`);
      return Math.floor((n - eff) / s[i]!) + 1;
    }
    const o = Math.ceil(n / s[i]!);
    const total = Math.max((o - 1) * s[i]! + eff - n, 0);
    before[i] = Math.floor(total / 2);
    after[i] = total - before[i]!;
    return o;
  }) as [number, number, number];
  return { batch: shape[0]!, input, channels: shape[4]!, kernel: k, strides: s, dilations: d, before, after, out };
}

const count = (t: readonly number[]): number => t[0]! * t[1]! * t[2]!;

/** For each output position (row-major) and each tap (row-major), the flat index of its voxel in the padded volume. */
function tapIndices(w: Window3d): Int32Array {
  const p = w.input.map((n, i) => n + w.before[i]! + w.after[i]!);
  const [o0, o1, o2] = w.out;
  const [k0, k1, k2] = w.kernel;
  const idx = new Int32Array(count(w.out) * count(w.kernel));
  let at = 0;
  for (let a = 0; a < o0; a++) for (let b = 0; b < o1; b++) for (let c = 0; c < o2; c++) {
    for (let i = 0; i < k0; i++) for (let j = 0; j < k1; j++) for (let l = 0; l < k2; l++) {
      const z = a * w.strides[0] + i * w.dilations[0];
      const y = b * w.strides[1] + j * w.dilations[1];
      const x = c * w.strides[2] + l * w.dilations[2];
      idx[at++] = (z * p[1]! + y) * p[2]! + x;
    }
  }
  return idx;
}

const paddings = (w: Window3d): Array<[number, number]> => [[0, 0], [w.before[0], w.after[0]], [w.before[1], w.after[1]], [w.before[2], w.after[2]], [0, 0]];

/** Every window's taps: [batch, positions, taps, channels], `fill` where a tap is outside the volume. */
function patches(x: Tensor, w: Window3d, fill: number): Tensor {
  const padded = pad(x, paddings(w), fill);
  const p = padded.shape;
  const flat = reshape(padded, [w.batch, p[1]! * p[2]! * p[3]!, w.channels]);
  return reshape(gather(flat, tapIndices(w), 1), [w.batch, count(w.out), count(w.kernel), w.channels]);
}

/** A rank-4 volume [d, h, w, c] as a batch of one, and back. */
function batched(op: string, xl: TensorLike): [Tensor, boolean] {
  const x = asTensor(xl, op);
  if (x.rank === 4) return [reshape(x, [1, ...x.shape]), true];
  if (x.rank !== 5) throw new Error(`${op}: expected a volume of rank 5 [batch, depth, height, width, channels] or 4 [depth, height, width, channels], got shape ${fmt(x.shape)}`);
  return [x, false];
}

function checkFormat(op: string, dataFormat: string | undefined): void {
  if (dataFormat !== undefined && dataFormat !== 'NDHWC') throw new Error(`${op}: dataFormat must be 'NDHWC' (channels last), got ${JSON.stringify(dataFormat)}`);
}

const unbatch = (y: Tensor, was4: boolean): Tensor => (was4 ? reshape(y, y.shape.slice(1)) : y);

/**
 * 3-D convolution (cross-correlation): x [batch, d, h, w, inC] with filter [kD, kH, kW, inC, outC]
 * → [batch, outD, outH, outW, outC]; y[n, p, f] = Σ_{tap, c} x_padded[n, p·s + tap·dilation, c] · filter[tap, c, f].
 * tfjs's argument order: `conv3d(x, filter, strides, pad, dataFormat, dilations)`.
 */
export function conv3d(xl: TensorLike, filterl: TensorLike, strides: Size3 = 1, pad: 'valid' | 'same' = 'valid', dataFormat: 'NDHWC' = 'NDHWC', dilations: Size3 = 1): Tensor {
  checkFormat('conv3d', dataFormat);
  const [x, was4] = batched('conv3d', xl);
  const filter = asTensor(filterl, 'conv3d');
  if (filter.rank !== 5 || filter.shape[3] !== x.shape[4]) {
    throw new Error(`conv3d: expected a filter [kD, kH, kW, ${x.shape[4]}, outChannels] (the input's ${x.shape[4]} channels on axis 3), got shape ${fmt(filter.shape)}`);
  }
  const w = window3d('conv3d', x.shape, filter.shape.slice(0, 3) as [number, number, number], strides, pad, dilations);
  const taps = count(w.kernel) * w.channels;
  const outC = filter.shape[4]!;
  const y = matmul(reshape(patches(x, w, 0), [w.batch * count(w.out), taps]), reshape(filter, [taps, outC]));
  return unbatch(reshape(y, [w.batch, ...w.out, outC]), was4);
}

/**
 * The transpose of conv3d (its gradient with respect to its input): x [batch, d, h, w, inC] with
 * filter [kD, kH, kW, outC, inC] → outputShape [batch, D, H, W, outC] (or without the batch),
 * where conv3d with the same filter, strides and pad maps outputShape back to x's shape.
 * tfjs's argument order: `conv3dTranspose(x, filter, outputShape, strides, pad)`.
 */
export function conv3dTranspose(xl: TensorLike, filterl: TensorLike, outputShape: readonly number[], strides: Size3 = 1, pad: 'valid' | 'same' = 'valid'): Tensor {
  const [x, was4] = batched('conv3dTranspose', xl);
  const filter = asTensor(filterl, 'conv3dTranspose');
  if (filter.rank !== 5 || filter.shape[4] !== x.shape[4]) {
    throw new Error(`conv3dTranspose: expected a filter [kD, kH, kW, outChannels, ${x.shape[4]}] (the input's ${x.shape[4]} channels on axis 4), got shape ${fmt(filter.shape)}`);
  }
  const full = outputShape.length === 4 ? [x.shape[0]!, ...outputShape] : [...outputShape];
  if (full.length !== 5 || full[0] !== x.shape[0] || full[4] !== filter.shape[3]) {
    throw new Error(`conv3dTranspose: outputShape must be [batch (${x.shape[0]}), depth, height, width, ${filter.shape[3]} (the filter's output channels)], got ${JSON.stringify(outputShape)}`);
  }
  const w = window3d('conv3dTranspose', full, filter.shape.slice(0, 3) as [number, number, number], strides, pad);
  if (w.out.some((o, i) => o !== x.shape[i + 1])) {
    throw new Error(`conv3dTranspose: an output of ${full.slice(1, 4).join('×')} convolves to ${w.out.join('×')} positions, but the input has ${x.shape.slice(1, 4).join('×')}`);
  }
  const outC = filter.shape[3]!;
  const positions = count(w.out);
  const taps = count(w.kernel);
  // Each position's contribution to each of its taps: x · filterᵀ, [batch·positions, taps·outC].
  const cols = matmul(reshape(x, [w.batch * positions, x.shape[4]!]), reshape(filter, [taps * outC, x.shape[4]!]), { transposeB: true });
  const p = w.input.map((n, i) => n + w.before[i]! + w.after[i]!) as [number, number, number];
  const summed = scatterAdd(reshape(cols, [w.batch, positions * taps, outC]), tapIndices(w), 1, [w.batch, count(p), outC]);
  const y = slice(reshape(summed, [w.batch, ...p, outC]), [0, ...w.before, 0], [w.batch, ...w.input, outC]);
  return unbatch(y, was4);
}

/** float32's lowest value: the padding max pooling never picks (a 'same' window always holds a voxel). */
const LOWEST = -3.4028234663852886e38;

function pool3d(op: string, kind: 'max' | 'avg', xl: TensorLike, filterSize: Size3, strides: Size3, pad: unknown, dimRoundingMode: unknown, dataFormat: string | undefined): Tensor {
  checkFormat(op, dataFormat);
  if (dimRoundingMode !== undefined && dimRoundingMode !== null) throw new Error(`${op}: dimRoundingMode is for numeric pads, which neurite does not take; use 'valid' or 'same'`);
  const [x, was4] = batched(op, xl);
  const w = window3d(op, x.shape, filterSize, strides, pad);
  if (kind === 'max') return unbatch(reshape(max(patches(x, w, LOWEST), 2), [w.batch, ...w.out, w.channels]), was4);
  // Each position's taps inside the volume: the product over axes of the taps inside along it.
  const inside = new Float32Array(count(w.out));
  let at = 0;
  const along = (i: number, o: number): number => {
    const start = o * w.strides[i]! - w.before[i]!;
    return Math.min(start + w.kernel[i]!, w.input[i]!) - Math.max(start, 0);
  };
  for (let a = 0; a < w.out[0]; a++) for (let b = 0; b < w.out[1]; b++) for (let c = 0; c < w.out[2]; c++) inside[at++] = along(0, a) * along(1, b) * along(2, c);
  const mean = div(sum(patches(x, w, 0), 2), tensor(inside, [1, count(w.out), 1]));
  return unbatch(reshape(mean, [w.batch, ...w.out, w.channels]), was4);
}

/** 3-D max pooling (tfjs `maxPool3d(x, filterSize, strides, pad, dimRoundingMode, dataFormat)`). */
export function maxPool3d(xl: TensorLike, filterSize: Size3 = [1, 1, 1], strides: Size3 = 1, pad: 'valid' | 'same' = 'valid', dimRoundingMode?: unknown, dataFormat: 'NDHWC' = 'NDHWC'): Tensor {
  return pool3d('maxPool3d', 'max', xl, filterSize, strides, pad, dimRoundingMode, dataFormat);
}

/** 3-D average pooling (tfjs `avgPool3d`): the mean of each window's voxels inside the volume (padding not counted). */
export function avgPool3d(xl: TensorLike, filterSize: Size3 = [1, 1, 1], strides: Size3 = 1, pad: 'valid' | 'same' = 'valid', dimRoundingMode?: unknown, dataFormat: 'NDHWC' = 'NDHWC'): Tensor {
  return pool3d('avgPool3d', 'avg', xl, filterSize, strides, pad, dimRoundingMode, dataFormat);
}
