/**
 * Layers that move values without weights (Keras names): ZeroPadding2D, Cropping2D,
 * UpSampling2D (nearest), Reshape, Permute, RepeatVector.
 */
import { broadcastTo, pad, reshape, slice, transpose } from '../ops/layout.js';
import { resizeBilinear } from '../ops/image.js';
import { fmt, sizeOf } from '../tensor/shape.js';
import type { Tensor } from '../tensor/tensor.js';
import type { DataFormat } from './conv.js';
import { Layer, type LayerArgs, type SymbolicShape, formatShape } from './layer.js';

/** A per-side amount for height and width: n, [h, w] or [[top, bottom], [left, right]]. */
export type Sides2 = number | readonly [number, number] | readonly [readonly [number, number], readonly [number, number]];

function sides(v: Sides2, what: string, label: string): [[number, number], [number, number]] {
  const pairs = typeof v === 'number' ? [[v, v], [v, v]] : typeof v[0] === 'number' ? [[v[0], v[0]], [v[1], v[1]]] : v;
  const flat = (pairs as ReadonlyArray<readonly number[]>).flat();
  if (pairs.length !== 2 || flat.length !== 4 || !flat.every((d) => Number.isInteger(d) && d >= 0)) {
    throw new Error(`${label}: ${what} must be n, [height, width] or [[top, bottom], [left, right]] of non-negative integers, got ${JSON.stringify(v)}`);
  }
  return [[flat[0]!, flat[1]!], [flat[2]!, flat[3]!]];
}

interface SpatialConfig extends LayerArgs {
  /** Default 'channelsLast'. */
  dataFormat?: DataFormat;
}

/** Axes of height and width for rank-4 input. */
function hw(config: SpatialConfig): [number, number] {
  return config.dataFormat === 'channelsFirst' ? [2, 3] : [1, 2];
}

function rank4(x: { rank: number; shape: readonly number[] } | SymbolicShape, label: string): void {
  const rank = 'rank' in x ? x.rank : x.length;
  if (rank !== 4) throw new Error(`${label}: expected input of rank 4 (batch, height, width, channels), got ${'rank' in x ? fmt(x.shape) : formatShape(x)}`);
}

export interface ZeroPadding2DConfig extends SpatialConfig {
  /** Rows and columns of zeros added (default 1). */
  padding?: Sides2;
}

/** Keras `ZeroPadding2D`: zeros around each image. */
export class ZeroPadding2D extends Layer<ZeroPadding2DConfig> {
  readonly className = 'ZeroPadding2D';
  readonly amounts: [[number, number], [number, number]];
  constructor(config: ZeroPadding2DConfig = {}) {
    super(config);
    this.amounts = sides(config.padding ?? 1, 'padding', 'zeroPadding2d');
  }
  call(x: Tensor): Tensor {
    rank4(x, 'zeroPadding2d');
    const [h, w] = hw(this.config);
    const p: Array<[number, number]> = [[0, 0], [0, 0], [0, 0], [0, 0]];
    p[h] = this.amounts[0];
    p[w] = this.amounts[1];
    return pad(x, p);
  }
  override computeOutputShape(s: SymbolicShape): SymbolicShape {
    rank4(s, 'zeroPadding2d');
    const [h, w] = hw(this.config);
    return s.map((d, i) => (d === null || (i !== h && i !== w) ? d : d + (i === h ? this.amounts[0] : this.amounts[1]).reduce((a, b) => a + b)));
  }
}

export interface Cropping2DConfig extends SpatialConfig {
  /** Rows and columns removed. */
  cropping: Sides2;
}

/** Keras `Cropping2D`: removes rows and columns at the edges. */
export class Cropping2D extends Layer<Cropping2DConfig> {
  readonly className = 'Cropping2D';
  readonly amounts: [[number, number], [number, number]];
  constructor(config: Cropping2DConfig) {
    super(config);
    this.amounts = sides(config.cropping ?? 0, 'cropping', 'cropping2D');
  }
  call(x: Tensor): Tensor {
    rank4(x, 'cropping2D');
    const [h, w] = hw(this.config);
    const begin = [0, 0, 0, 0];
    const size = [...x.shape];
    for (const [axis, [a, b]] of [[h, this.amounts[0]], [w, this.amounts[1]]] as const) {
      if (a + b >= x.shape[axis]!) throw new Error(`cropping2D: cropping ${a} + ${b} leaves nothing of size ${x.shape[axis]} (axis ${axis} of ${fmt(x.shape)})`);
      begin[axis] = a;
      size[axis] = x.shape[axis]! - a - b;
    }
    return slice(x, begin, size);
  }
  override computeOutputShape(s: SymbolicShape): SymbolicShape {
    rank4(s, 'cropping2D');
    const [h, w] = hw(this.config);
    return s.map((d, i) => (d === null || (i !== h && i !== w) ? d : d - (i === h ? this.amounts[0] : this.amounts[1]).reduce((a, b) => a + b)));
  }
}

export interface UpSampling2DConfig extends SpatialConfig {
  /** Repeats per row and column (default 2). */
  size?: number | readonly [number, number];
  /** 'nearest' (the default: each pixel repeated) or 'bilinear' (tfjs's `image.resizeBilinear` to the new size). */
  interpolation?: 'nearest' | 'bilinear';
}

/** Keras `UpSampling2D`: each pixel repeated size[0] × size[1] times, or a bilinear resize to that size. */
export class UpSampling2D extends Layer<UpSampling2DConfig> {
  readonly className = 'UpSampling2D';
  readonly factors: [number, number];
  constructor(config: UpSampling2DConfig = {}) {
    super(config);
    const s = config.size ?? 2;
    const f = typeof s === 'number' ? [s, s] : [...s];
    if (f.length !== 2 || !f.every((d) => Number.isInteger(d) && d >= 1)) throw new Error(`upSampling2d: size must be a positive integer or two of them, got ${JSON.stringify(s)}`);
    this.factors = [f[0]!, f[1]!];
    const mode = config.interpolation ?? 'nearest';
    if (mode !== 'nearest' && mode !== 'bilinear') throw new Error(`upSampling2d: interpolation must be 'nearest' or 'bilinear', got ${JSON.stringify(config.interpolation)}`);
  }
  call(x: Tensor): Tensor {
    rank4(x, 'upSampling2d');
    const first = this.config.dataFormat === 'channelsFirst';
    const [a, b] = this.factors;
    const [n, d1, d2, d3] = x.shape as [number, number, number, number];
    if (this.config.interpolation === 'bilinear') {
      // As tfjs: resizeBilinear to (h·a, w·b) without aligned corners or half-pixel centres.
      if (!first) return resizeBilinear(x, [d1 * a, d2 * b]);
      return transpose(resizeBilinear(transpose(x, [0, 2, 3, 1]), [d2 * a, d3 * b]), [0, 3, 1, 2]);
    }
    // channels last [n, h, w, c] → [n, h, 1, w, 1, c] → broadcast [n, h, a, w, b, c] → [n, h·a, w·b, c].
    if (!first) return reshape(broadcastTo(reshape(x, [n, d1, 1, d2, 1, d3]), [n, d1, a, d2, b, d3]), [n, d1 * a, d2 * b, d3]);
    return reshape(broadcastTo(reshape(x, [n, d1, d2, 1, d3, 1]), [n, d1, d2, a, d3, b]), [n, d1, d2 * a, d3 * b]);
  }
  override computeOutputShape(s: SymbolicShape): SymbolicShape {
    rank4(s, 'upSampling2d');
    const [h, w] = hw(this.config);
    return s.map((d, i) => (d === null ? null : i === h ? d * this.factors[0] : i === w ? d * this.factors[1] : d));
  }
}

export interface ReshapeConfig extends LayerArgs {
  /** Shape without the batch axis; one entry may be −1. */
  targetShape: readonly number[];
}

/** Keras `Reshape`: [batch, ...] → [batch, ...targetShape]. */
export class Reshape extends Layer<ReshapeConfig> {
  readonly className = 'Reshape';
  constructor(config: ReshapeConfig) {
    super(config);
    const t = config.targetShape;
    if (!Array.isArray(t) || !t.every((d) => Number.isInteger(d) && (d >= 1 || d === -1)) || t.filter((d) => d === -1).length > 1) {
      throw new Error(`reshape: targetShape must be a list of positive sizes with at most one -1, got ${JSON.stringify(t)}`);
    }
  }
  call(x: Tensor): Tensor {
    return reshape(x, [x.shape[0]!, ...this.config.targetShape]);
  }
  override computeOutputShape(s: SymbolicShape): SymbolicShape {
    const t = this.config.targetShape;
    if (!t.includes(-1)) return [s[0] ?? null, ...t];
    const rest = s.slice(1);
    if (rest.some((d) => d === null)) return [s[0] ?? null, ...t.map((d) => (d === -1 ? null : d))];
    const known = sizeOf(t.filter((d) => d !== -1));
    return [s[0] ?? null, ...t.map((d) => (d === -1 ? sizeOf(rest as number[]) / known : d))];
  }
}

export interface PermuteConfig extends LayerArgs {
  /** A permutation of 1…rank−1 (the batch axis stays first), as in Keras. */
  dims: readonly number[];
}

/** Keras `Permute`: reorders the non-batch axes; dims are 1-based. */
export class Permute extends Layer<PermuteConfig> {
  readonly className = 'Permute';
  constructor(config: PermuteConfig) {
    super(config);
    const d = config.dims;
    const sorted = Array.isArray(d) ? [...d].sort((a, b) => a - b) : [];
    if (!Array.isArray(d) || !sorted.every((v, i) => v === i + 1)) throw new Error(`permute: dims must be a permutation of 1…${Array.isArray(d) ? d.length : 'n'}, got ${JSON.stringify(d)}`);
  }
  call(x: Tensor): Tensor {
    if (x.rank !== this.config.dims.length + 1) throw new Error(`permute: dims ${JSON.stringify(this.config.dims)} need input of rank ${this.config.dims.length + 1}, got ${fmt(x.shape)}`);
    return transpose(x, [0, ...this.config.dims]);
  }
  override computeOutputShape(s: SymbolicShape): SymbolicShape {
    return [s[0] ?? null, ...this.config.dims.map((d) => s[d] ?? null)];
  }
}

export interface RepeatVectorConfig extends LayerArgs {
  /** Repetitions. */
  n: number;
}

/** Keras `RepeatVector`: [batch, features] → [batch, n, features]. */
export class RepeatVector extends Layer<RepeatVectorConfig> {
  readonly className = 'RepeatVector';
  constructor(config: RepeatVectorConfig) {
    super(config);
    if (!Number.isInteger(config.n) || config.n < 1) throw new Error(`repeatVector: n must be a positive integer, got ${config.n}`);
  }
  call(x: Tensor): Tensor {
    if (x.rank !== 2) throw new Error(`repeatVector: expected input of rank 2 (batch, features), got ${fmt(x.shape)}`);
    return broadcastTo(reshape(x, [x.shape[0]!, 1, x.shape[1]!]), [x.shape[0]!, this.config.n, x.shape[1]!]);
  }
  override computeOutputShape(s: SymbolicShape): SymbolicShape {
    return [s[0] ?? null, this.config.n, s[1] ?? null];
  }
}
