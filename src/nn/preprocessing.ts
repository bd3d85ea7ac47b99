/**
 * tfjs's preprocessing layers beside Rescaling: Resizing, CenterCrop, CategoryEncoding and
 * RandomWidth, each composed from gathers (so a model holding one trains on the compiled step
 * and gradients reach the pixels read), with tfjs 4's conventions where a program can see them.
 */
import { getContext, notTraceable } from '../context/context.js';
import { eye } from '../ops/creation.js';
import { mul } from '../ops/elementwise.js';
import { cropPositions, resizeBilinear, resizeNearestNeighbor } from '../ops/image.js';
import { expandDims, gather, reshape } from '../ops/layout.js';
import { max, sum } from '../ops/reduce.js';
import { Rng } from '../tensor/random.js';
import { fmt } from '../tensor/shape.js';
import type { Tensor } from '../tensor/tensor.js';
import { type CallOptions, Layer, type LayerArgs, type SymbolicShape, formatShape } from './layer.js';

export type Interpolation = 'bilinear' | 'nearest';

function sizeOption(layer: string, key: string, v: unknown): number {
  if (!Number.isInteger(v) || (v as number) < 1) throw new Error(`${layer}: ${key} must be a positive integer, got ${JSON.stringify(v)}`);
  return v as number;
}

function interpolationOption(layer: string, v: unknown): Interpolation {
  if (v === undefined) return 'bilinear';
  if (v !== 'bilinear' && v !== 'nearest') throw new Error(`${layer}: interpolation must be 'bilinear' or 'nearest', got ${JSON.stringify(v)}`);
  return v;
}

/** Images [batch, h, w, c] or [h, w, c] (channels last, as tfjs's preprocessing layers take them). */
function imageRank(layer: string, shape: readonly (number | null)[]): void {
  if (shape.length !== 3 && shape.length !== 4) throw new Error(`${layer}: expected images [batch, height, width, channels] or [height, width, channels], got shape ${formatShape(shape)}`);
}

/** The shape with height and width (the axes before the last) replaced. */
function withSize(shape: SymbolicShape, h: number | null, w: number | null): SymbolicShape {
  const out = [...shape];
  out[out.length - 3] = h;
  out[out.length - 2] = w;
  return out;
}

function resize(x: Tensor, size: [number, number], interpolation: Interpolation, alignCorners = false): Tensor {
  return interpolation === 'nearest' ? resizeNearestNeighbor(x, size, alignCorners) : resizeBilinear(x, size, alignCorners);
}

export interface ResizingConfig extends LayerArgs {
  height: number;
  width: number;
  /** Default 'bilinear'. */
  interpolation?: Interpolation;
  /** tfjs 4 reads this as "corners not aligned": false (the default) resizes with aligned corners. */
  cropToAspectRatio?: boolean;
}

/**
 * tfjs `layers.resizing`: images resized to height × width. As tfjs 4 computes it, corners are
 * aligned unless `cropToAspectRatio` (which crops nothing there); Keras's half-pixel resize and
 * crop differ (README, Differences).
 */
export class Resizing extends Layer<ResizingConfig> {
  readonly className = 'Resizing';
  readonly interpolation: Interpolation;
  constructor(config: ResizingConfig) {
    super(config);
    sizeOption('resizing', 'height', config.height);
    sizeOption('resizing', 'width', config.width);
    this.interpolation = interpolationOption('resizing', config.interpolation);
  }
  get cropToAspectRatio(): boolean {
    return this.config.cropToAspectRatio ?? false;
  }
  call(x: Tensor): Tensor {
    imageRank('resizing', x.shape);
    return resize(x, [this.config.height, this.config.width], this.interpolation, !this.cropToAspectRatio);
  }
  override computeOutputShape(s: SymbolicShape): SymbolicShape {
    imageRank('resizing', s);
    return withSize(s, this.config.height, this.config.width);
  }
}

export interface CenterCropConfig extends LayerArgs {
  height: number;
  width: number;
}

/**
 * tfjs `layers.centerCrop`: the central height × width window, picked as tfjs picks it (its
 * nearest-pixel cropAndResize of the box [hOff/H, wOff/W, (hOff+height)/H, (wOff+width)/W], the
 * width offset at least 1 when the widths differ); an image smaller in either size is resized
 * to height × width instead (bilinear).
 */
export class CenterCrop extends Layer<CenterCropConfig> {
  readonly className = 'CenterCrop';
  constructor(config: CenterCropConfig) {
    super(config);
    sizeOption('centerCrop', 'height', config.height);
    sizeOption('centerCrop', 'width', config.width);
  }
  call(x: Tensor): Tensor {
    imageRank('centerCrop', x.shape);
    const { height, width } = this.config;
    const [inH, inW] = x.shape.slice(-3, -1) as [number, number];
    const hOff = inH === height ? 0 : Math.floor((inH - height) / 2);
    const wOff = inW === width ? 0 : Math.floor((inW - width) / 2) || 1;
    if (hOff < 0 || wOff < 0) return resizeBilinear(x, [height, width]);
    // The box's corners are float32 in tfjs (a tensor), so the sampled rows are those of the rounded box.
    const pick = (off: number, size: number, inSize: number): Int32Array =>
      Int32Array.from(cropPositions(Math.fround(off / inSize), Math.fround((size + off) / inSize), inSize, size), (p) => Math.round(p));
    const axis = x.rank - 3;
    return gather(gather(x, pick(hOff, height, inH), axis), pick(wOff, width, inW), axis + 1);
  }
  override computeOutputShape(s: SymbolicShape): SymbolicShape {
    imageRank('centerCrop', s);
    return withSize(s, this.config.height, this.config.width);
  }
}

export type CategoryOutputMode = 'multiHot' | 'oneHot' | 'count';
const KERAS_MODES: Record<string, CategoryOutputMode> = { multi_hot: 'multiHot', one_hot: 'oneHot' };

export interface CategoryEncodingConfig extends LayerArgs {
  /** Ids are integers in [0, numTokens). */
  numTokens: number;
  /** 'multiHot' (the default: 1 for each id present in a sample), 'oneHot' (one id per sample) or 'count' (how often each occurs). Keras's 'multi_hot'/'one_hot' too. */
  outputMode?: CategoryOutputMode | 'multi_hot' | 'one_hot';
}

export interface CategoryEncodingCallOptions extends CallOptions {
  /** 'count' mode: a weight per id, summed instead of 1s (the input's shape). */
  countWeights?: Tensor;
}

/**
 * tfjs `layers.categoryEncoding`: integer ids [batch, n] (or [n], one sample) → [batch, numTokens]:
 * one-hot rows gathered from an identity (so an id out of range is refused where it is read,
 * compiled or not), then their max (multiHot) or sum (count); oneHot takes one id per sample.
 */
export class CategoryEncoding extends Layer<CategoryEncodingConfig> {
  readonly className = 'CategoryEncoding';
  readonly outputMode: CategoryOutputMode;
  private identity: Tensor | null = null;
  constructor(config: CategoryEncodingConfig) {
    super(config);
    sizeOption('categoryEncoding', 'numTokens', config.numTokens);
    const mode = KERAS_MODES[config.outputMode as string] ?? config.outputMode ?? 'multiHot';
    if (mode !== 'multiHot' && mode !== 'oneHot' && mode !== 'count') throw new Error(`categoryEncoding: outputMode must be 'multiHot', 'oneHot' or 'count', got ${JSON.stringify(config.outputMode)}`);
    this.outputMode = mode;
  }
  get numTokens(): number {
    return this.config.numTokens;
  }
  /** The input's shape as [samples, ids per sample] (tfjs: a scalar is one id; oneHot adds an axis unless the last is 1). */
  private rows(shape: readonly (number | null)[]): [number | null, number] {
    const s = shape.length === 0 ? [1] : shape;
    const oneHot = this.outputMode === 'oneHot';
    if (oneHot && (s.length === 1 || (s.length === 2 && s[1] === 1))) return [s[0]!, 1];
    if (!oneHot && s.length === 1) return [1, s[0]!];
    if (!oneHot && s.length === 2 && s[1] !== null) return [s[0]!, s[1]!];
    throw new Error(`categoryEncoding: ${oneHot ? "outputMode 'oneHot' takes ids [batch] or [batch, 1]" : 'expected ids [batch, n] or [n]'}, got shape ${formatShape(shape)}`);
  }
  call(x: Tensor, options: CategoryEncodingCallOptions = {}): Tensor {
    const [b, n] = this.rows(x.shape);
    const t = this.numTokens;
    const w = options.countWeights;
    if (w !== undefined && this.outputMode !== 'count') throw new Error(`categoryEncoding: countWeights are for outputMode 'count', this layer's is '${this.outputMode}'`);
    if (w !== undefined && w.size !== x.size) throw new Error(`categoryEncoding: countWeights must have the ids' shape ${fmt(x.shape)}, got ${fmt(w.shape)}`);
    this.identity ??= eye(t);
    const hot = gather(this.identity, reshape(x, [x.size]), 0);
    if (this.outputMode === 'oneHot') return reshape(hot, [b!, t]);
    const perSample = reshape(hot, [b!, n, t]);
    if (this.outputMode === 'multiHot') return x.rank <= 1 ? reshape(max(perSample, 1), [t]) : max(perSample, 1);
    const counted = sum(w === undefined ? perSample : mul(perSample, expandDims(reshape(w, [b!, n]), -1)), 1);
    return x.rank <= 1 ? reshape(counted, [t]) : counted;
  }
  override computeOutputShape(s: SymbolicShape): SymbolicShape {
    const [b] = this.rows(s);
    return s.length <= 1 && this.outputMode !== 'oneHot' ? [this.numTokens] : [b, this.numTokens];
  }
}

export interface RandomWidthConfig extends LayerArgs {
  /** f > 0: widths scaled by a factor drawn from [1 − f, 1 + f]; [lo, hi] (each ≥ −1): from [1 + lo, 1 + hi]. */
  factor: number | readonly [number, number];
  /** Default 'bilinear'. */
  interpolation?: Interpolation;
  seed?: number;
}

/**
 * tfjs `layers.randomWidth`: in training, each batch resized to a random width (the factor drawn
 * uniformly, the width rounded); the identity at inference, as its documentation and Keras say
 * (tfjs 4.22 resizes at inference too). The width changes from batch to batch, so a model
 * holding one trains on the eager step, saying so.
 */
export class RandomWidth extends Layer<RandomWidthConfig> {
  readonly className = 'RandomWidth';
  readonly bounds: [number, number];
  readonly interpolation: Interpolation;
  private readonly ownRng: Rng | null;
  constructor(config: RandomWidthConfig) {
    super(config);
    const f = config.factor;
    const pair = Array.isArray(f) && f.length === 2 && f.every((v) => Number.isFinite(v));
    if (!pair && !(typeof f === 'number' && f > 0 && Number.isFinite(f))) throw new Error(`randomWidth: factor must be a number > 0 or [lower, upper], got ${JSON.stringify(f)}`);
    const [lo, hi] = pair ? (f as [number, number]) : [-(f as number), f as number];
    if (lo < -1 || hi < -1) throw new Error(`randomWidth: factor's bounds must be ≥ -1, got ${JSON.stringify(f)}`);
    if (hi < lo) throw new Error(`randomWidth: factor's upper bound ${hi} is below its lower bound ${lo}`);
    this.bounds = [lo, hi];
    this.interpolation = interpolationOption('randomWidth', config.interpolation);
    if (config.seed !== undefined && !Number.isInteger(config.seed)) throw new Error(`randomWidth: seed must be an integer, got ${String(config.seed)}`);
    this.ownRng = config.seed === undefined ? null : new Rng(config.seed);
  }
  call(x: Tensor, options: CallOptions = {}): Tensor {
    imageRank('randomWidth', x.shape);
    if (!(options.training ?? false)) return x;
    notTraceable('randomWidth (a random width for each batch)');
    const [lo, hi] = this.bounds;
    const u = (this.ownRng ?? getContext().rng).uniform();
    const [h, w] = x.shape.slice(-3, -1) as [number, number];
    return resize(x, [h, Math.max(1, Math.round((1 + lo + (hi - lo) * u) * w))], this.interpolation);
  }
  override computeOutputShape(s: SymbolicShape): SymbolicShape {
    imageRank('randomWidth', s);
    return withSize(s, s[s.length - 3]!, null);
  }
}
