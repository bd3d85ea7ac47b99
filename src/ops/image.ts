/**
 * `tf.image`: resizing images ([batch, h, w, c] or [h, w, c]) by bilinear interpolation or to
 * the nearest pixel, with TensorFlow's `alignCorners` and `halfPixelCenters` conventions; flips
 * and colour conversions. All are gathers of rows and columns (bilinear blends them; grayscale
 * is a product with the luma weights), so gradients flow back to the pixels they read.
 */
import type { Tensor } from '../tensor/tensor.js';
import { fmt } from '../tensor/shape.js';
import { tensor } from './creation.js';
import { add, greater, lessEqual, mul, sub } from './elementwise.js';
import { concat, gather, reshape } from './layout.js';
import { matmul } from './matmul.js';
import { type TensorLike, asTensor } from './primitive.js';
import { notTraceable } from '../context/context.js';

function checkImages(x: Tensor, size: readonly [number, number], op: string): Tensor {
  if (x.rank !== 3 && x.rank !== 4) throw new Error(`image.${op}: expected images [batch, height, width, channels] or [height, width, channels], got shape ${fmt(x.shape)}`);
  if (!Array.isArray(size) || size.length !== 2 || !size.every((d) => Number.isInteger(d) && d > 0)) throw new Error(`image.${op}: size must be [newHeight, newWidth] of positive integers, got ${JSON.stringify(size)}`);
  return x.rank === 3 ? reshape(x, [1, ...x.shape]) : x;
}

/** Source position of output pixel `i` along an axis of `inSize` resized to `outSize`. */
function source(i: number, inSize: number, outSize: number, alignCorners: boolean, halfPixelCenters: boolean): number {
  const scale = alignCorners && outSize > 1 ? (inSize - 1) / (outSize - 1) : inSize / outSize;
  return halfPixelCenters ? Math.max(0, (i + 0.5) * scale - 0.5) : i * scale;
}

/** Blend of the gathered neighbours along `axis`: lo + (hi − lo)·frac. */
function lerpAxis(x: Tensor, axis: number, inSize: number, outSize: number, alignCorners: boolean, halfPixelCenters: boolean): Tensor {
  const lo = new Int32Array(outSize);
  const hi = new Int32Array(outSize);
  const frac = new Float32Array(outSize);
  for (let i = 0; i < outSize; i++) {
    const s = source(i, inSize, outSize, alignCorners, halfPixelCenters);
    const f = Math.min(Math.floor(s), inSize - 1);
    lo[i] = f;
    hi[i] = Math.min(f + 1, inSize - 1);
    frac[i] = s - f;
  }
  const shape = [1, 1, 1, 1];
  shape[axis] = outSize;
  const a = gather(x, lo, axis);
  return add(a, mul(sub(gather(x, hi, axis), a), tensor(frac, shape)));
}

/** Bilinear resize (tfjs `tf.image.resizeBilinear(images, [h, w], alignCorners, halfPixelCenters)`). */
export function resizeBilinear(images: TensorLike, size: readonly [number, number], alignCorners = false, halfPixelCenters = false): Tensor {
  const x0 = asTensor(images, 'image.resizeBilinear');
  const x = checkImages(x0, size, 'resizeBilinear');
  const rows = lerpAxis(x, 1, x.shape[1]!, size[0], alignCorners, halfPixelCenters);
  const out = lerpAxis(rows, 2, x.shape[2]!, size[1], alignCorners, halfPixelCenters);
  return x0.rank === 3 ? reshape(out, out.shape.slice(1)) : out;
}

/** Nearest-neighbour resize (tfjs `tf.image.resizeNearestNeighbor`). */
export function resizeNearestNeighbor(images: TensorLike, size: readonly [number, number], alignCorners = false, halfPixelCenters = false): Tensor {
  const x0 = asTensor(images, 'image.resizeNearestNeighbor');
  const x = checkImages(x0, size, 'resizeNearestNeighbor');
  const pick = (inSize: number, outSize: number): Int32Array => {
    const scale = alignCorners && outSize > 1 ? (inSize - 1) / (outSize - 1) : inSize / outSize;
    return Int32Array.from({ length: outSize }, (_, i) => {
      const s = halfPixelCenters ? (i + 0.5) * scale : i * scale;
      return Math.min(inSize - 1, alignCorners ? Math.round(s) : Math.floor(s));
    });
  };
  const out = gather(gather(x, pick(x.shape[1]!, size[0]), 1), pick(x.shape[2]!, size[1]), 2);
  return x0.rank === 3 ? reshape(out, out.shape.slice(1)) : out;
}

/** Each image mirrored left to right (tfjs `image.flipLeftRight`, a batch [b, h, w, c]). */
export function flipLeftRight(images: TensorLike): Tensor {
  const x = asTensor(images, 'image.flipLeftRight');
  if (x.rank !== 4) throw new Error(`image.flipLeftRight: expected a batch of images [batch, height, width, channels], got shape ${fmt(x.shape)}`);
  const w = x.shape[2]!;
  return gather(x, Array.from({ length: w }, (_, i) => w - 1 - i), 2);
}

/** Luma from RGB (tfjs `image.rgbToGrayscale`): 0.2989·r + 0.5870·g + 0.1140·b, one channel kept. */
export function rgbToGrayscale(images: TensorLike): Tensor {
  const x = asTensor(images, 'image.rgbToGrayscale');
  if (x.rank < 2 || x.shape[x.rank - 1] !== 3) throw new Error(`image.rgbToGrayscale: the last axis must hold 3 channels (RGB), got shape ${fmt(x.shape)}`);
  const weights = tensor([0.2989, 0.587, 0.114], [3, 1]);
  const flat = reshape(x, [-1, 3]);
  return reshape(matmul(flat, weights), [...x.shape.slice(0, -1), 1]);
}

/** One channel repeated into three (tfjs `image.grayscaleToRGB`). */
export function grayscaleToRGB(images: TensorLike): Tensor {
  const x = asTensor(images, 'image.grayscaleToRGB');
  if (x.rank < 2 || x.shape[x.rank - 1] !== 1) throw new Error(`image.grayscaleToRGB: the last axis must hold 1 channel, got shape ${fmt(x.shape)}`);
  return gather(x, [0, 0, 0], x.rank - 1);
}

/**
 * Crops of `image` [batch, h, w, c] resized to `cropSize` (tfjs `image.cropAndResize`, an object
 * detector's regions of interest): box i [y1, x1, y2, x2] in coordinates normalized to [0, 1]
 * (y2 < y1 flips the crop) on image boxInd[i]; output pixel (y, x) samples
 * y1·(h − 1) + y·(y2 − y1)·(h − 1)/(cropH − 1) (the box's centre for a crop of 1), bilinearly
 * or at the nearest pixel, and `extrapolationValue` outside the image. Read from the values (no
 * gradient, as in tfjs).
 */
export function cropAndResize(imageL: TensorLike, boxesL: TensorLike, boxIndL: TensorLike, cropSize: readonly [number, number], method: 'bilinear' | 'nearest' = 'bilinear', extrapolationValue = 0): Tensor {
  const img = asTensor(imageL, 'image.cropAndResize');
  const boxes = asTensor(boxesL, 'image.cropAndResize');
  const boxInd = asTensor(boxIndL, 'image.cropAndResize');
  if (img.rank !== 4) throw new Error(`image.cropAndResize: expected images [batch, height, width, channels], got shape ${fmt(img.shape)}`);
  if (boxes.rank !== 2 || boxes.shape[1] !== 4) throw new Error(`image.cropAndResize: boxes must be [numBoxes, 4] ([y1, x1, y2, x2] each), got shape ${fmt(boxes.shape)}`);
  const count = boxes.shape[0]!;
  if (boxInd.rank !== 1 || boxInd.shape[0] !== count) throw new Error(`image.cropAndResize: boxInd must be [${count}] (an image index per box), got shape ${fmt(boxInd.shape)}`);
  if (!Array.isArray(cropSize) || cropSize.length !== 2 || !cropSize.every((d) => Number.isInteger(d) && d > 0)) throw new Error(`image.cropAndResize: cropSize must be [cropHeight, cropWidth] of positive integers, got ${JSON.stringify(cropSize)}`);
  if (method !== 'bilinear' && method !== 'nearest') throw new Error(`image.cropAndResize: method must be 'bilinear' or 'nearest', got ${JSON.stringify(method)}`);
  notTraceable('image.cropAndResize (reads the boxes)');
  const [batch, h, w, c] = img.shape as [number, number, number, number];
  const [ch, cw] = cropSize;
  const x = img.values;
  const out = new Float32Array(count * ch * cw * c);
  const at = (b: number, yy: number, xx: number, d: number): number => x[((b * h + yy) * w + xx) * c + d]!;
  for (let i = 0; i < count; i++) {
    const b = boxInd.values[i]!;
    if (!Number.isInteger(b) || b < 0 || b >= batch) throw new Error(`image.cropAndResize: boxInd[${i}] is ${b}, the batch has ${batch} images`);
    const [y1, x1, y2, x2] = [0, 1, 2, 3].map((k) => boxes.values[i * 4 + k]!) as [number, number, number, number];
    const ys = cropPositions(y1, y2, h, ch);
    const xs = cropPositions(x1, x2, w, cw);
    for (let yi = 0; yi < ch; yi++) {
      const sy = ys[yi]!;
      for (let xi = 0; xi < cw; xi++) {
        const sx = xs[xi]!;
        const o = ((i * ch + yi) * cw + xi) * c;
        if (sy < 0 || sy > h - 1 || sx < 0 || sx > w - 1) {
          out.fill(extrapolationValue, o, o + c);
          continue;
        }
        for (let d = 0; d < c; d++) {
          if (method === 'nearest') {
            out[o + d] = at(b, Math.round(sy), Math.round(sx), d);
            continue;
          }
          const [t, bo, l, r] = [Math.floor(sy), Math.ceil(sy), Math.floor(sx), Math.ceil(sx)];
          const fy = sy - t;
          const fx = sx - l;
          const top = at(b, t, l, d) + (at(b, t, r, d) - at(b, t, l, d)) * fx;
          const bottom = at(b, bo, l, d) + (at(b, bo, r, d) - at(b, bo, l, d)) * fx;
          out[o + d] = top + (bottom - top) * fy;
        }
      }
    }
  }
  return tensor(out, [count, ch, cw, c]);
}

/**
 * Where cropAndResize samples along an axis of `inSize` pixels: `outSize` positions from corner
 * `lo` to `hi` (fractions of the axis; one sample takes the middle), as TensorFlow spaces them.
 */
export function cropPositions(lo: number, hi: number, inSize: number, outSize: number): Float64Array {
  const step = outSize > 1 ? ((hi - lo) * (inSize - 1)) / (outSize - 1) : 0;
  return Float64Array.from({ length: outSize }, (_, i) => (outSize > 1 ? lo * (inSize - 1) + i * step : 0.5 * (lo + hi) * (inSize - 1)));
}

/** Intersection over union of boxes i and j ([y1, x1, y2, x2], corners in either order); 0 where either has no area. */
function iou(b: ArrayLike<number>, i: number, j: number): number {
  const box = (k: number): [number, number, number, number] => {
    const [y1, x1, y2, x2] = [b[k * 4]!, b[k * 4 + 1]!, b[k * 4 + 2]!, b[k * 4 + 3]!];
    return [Math.min(y1, y2), Math.min(x1, x2), Math.max(y1, y2), Math.max(x1, x2)];
  };
  const [ay1, ax1, ay2, ax2] = box(i);
  const [by1, bx1, by2, bx2] = box(j);
  const areaA = (ay2 - ay1) * (ax2 - ax1);
  const areaB = (by2 - by1) * (bx2 - bx1);
  if (areaA <= 0 || areaB <= 0) return 0;
  const inter = Math.max(Math.min(ay2, by2) - Math.max(ay1, by1), 0) * Math.max(Math.min(ax2, bx2) - Math.max(ax1, bx1), 0);
  return inter / (areaA + areaB - inter);
}

/**
 * Greedy non-maximum suppression (TensorFlow's): the candidates scoring above scoreThreshold,
 * best first (ties: the lower index); each is kept unless its overlap (IoU) with a kept box
 * exceeds iouThreshold, until maxOutputSize are kept. With softNmsSigma > 0 (Soft-NMS), an
 * overlap decays a candidate's score by e^(−IoU²/(2σ)) instead (to 0 past iouThreshold), a
 * decayed candidate waiting its turn again while it stays above scoreThreshold.
 */
function suppress(op: string, boxesL: TensorLike, scoresL: TensorLike, maxOutputSize: number, iouThreshold: number, scoreThreshold: number, softNmsSigma: number): { indices: number[]; scores: number[] } {
  const boxes = asTensor(boxesL, op);
  const scores = asTensor(scoresL, op);
  if (boxes.rank !== 2 || boxes.shape[1] !== 4) throw new Error(`${op}: boxes must be [numBoxes, 4] ([y1, x1, y2, x2] each), got shape ${fmt(boxes.shape)}`);
  const n = boxes.shape[0]!;
  if (scores.rank !== 1 || scores.shape[0] !== n) throw new Error(`${op}: scores must be [${n}] (a score per box), got shape ${fmt(scores.shape)}`);
  if (!Number.isInteger(maxOutputSize) || maxOutputSize < 0) throw new Error(`${op}: maxOutputSize must be an integer ≥ 0, got ${maxOutputSize}`);
  if (!(iouThreshold >= 0 && iouThreshold <= 1)) throw new Error(`${op}: iouThreshold must be in [0, 1], got ${iouThreshold}`);
  notTraceable(`${op} (chosen from values)`);
  const b = boxes.values;
  const scale = softNmsSigma > 0 ? -0.5 / softNmsSigma : 0;
  type Candidate = { score: number; index: number; from: number };
  const queue: Candidate[] = [];
  for (let i = 0; i < n; i++) if (scores.values[i]! > scoreThreshold) queue.push({ score: scores.values[i]!, index: i, from: 0 });
  const better = (p: Candidate, q: Candidate): number => q.score - p.score || p.index - q.index;
  queue.sort(better);
  const kept: number[] = [];
  const keptScores: number[] = [];
  while (kept.length < maxOutputSize && queue.length > 0) {
    const c = queue.shift()!;
    const original = c.score;
    let dropped = false;
    for (let k = kept.length - 1; k >= c.from; k--) {
      const overlap = iou(b, c.index, kept[k]!);
      if (scale === 0 && overlap > iouThreshold) {
        dropped = true;
        break;
      }
      // Soft-NMS: no hard suppression; an overlap past the threshold takes the score to 0.
      if (scale !== 0) c.score *= overlap <= iouThreshold ? Math.exp(scale * overlap * overlap) : 0;
      if (c.score <= scoreThreshold) break;
    }
    c.from = kept.length;
    if (dropped) continue;
    if (c.score === original) {
      kept.push(c.index);
      keptScores.push(c.score);
    } else if (c.score > scoreThreshold) {
      let at = 0;
      while (at < queue.length && better(queue[at]!, c) <= 0) at++;
      queue.splice(at, 0, c);
    }
  }
  return { indices: kept, scores: keptScores };
}

const int32 = (values: readonly number[]): Tensor => {
  const t = tensor(values, [values.length]);
  t.dtypeTag = 'int32';
  return t;
};

/** The boxes kept by non-maximum suppression, as int32 indices in order of score (tfjs `image.nonMaxSuppression`). */
export function nonMaxSuppression(boxes: TensorLike, scores: TensorLike, maxOutputSize: number, iouThreshold = 0.5, scoreThreshold = Number.NEGATIVE_INFINITY): Tensor {
  return int32(suppress('image.nonMaxSuppression', boxes, scores, maxOutputSize, iouThreshold, scoreThreshold, 0).indices);
}

/** nonMaxSuppression, resolved as a promise (tfjs's async form). */
export async function nonMaxSuppressionAsync(boxes: TensorLike, scores: TensorLike, maxOutputSize: number, iouThreshold = 0.5, scoreThreshold = Number.NEGATIVE_INFINITY): Promise<Tensor> {
  return nonMaxSuppression(boxes, scores, maxOutputSize, iouThreshold, scoreThreshold);
}

/** Soft-NMS (tfjs `image.nonMaxSuppressionWithScore`): the kept indices and their decayed scores. */
export function nonMaxSuppressionWithScore(boxes: TensorLike, scores: TensorLike, maxOutputSize: number, iouThreshold = 0.5, scoreThreshold = Number.NEGATIVE_INFINITY, softNmsSigma = 0): { selectedIndices: Tensor; selectedScores: Tensor } {
  const r = suppress('image.nonMaxSuppressionWithScore', boxes, scores, maxOutputSize, iouThreshold, scoreThreshold, softNmsSigma);
  return { selectedIndices: int32(r.indices), selectedScores: tensor(r.scores, [r.scores.length]) };
}

export async function nonMaxSuppressionWithScoreAsync(boxes: TensorLike, scores: TensorLike, maxOutputSize: number, iouThreshold = 0.5, scoreThreshold = Number.NEGATIVE_INFINITY, softNmsSigma = 0): Promise<{ selectedIndices: Tensor; selectedScores: Tensor }> {
  return nonMaxSuppressionWithScore(boxes, scores, maxOutputSize, iouThreshold, scoreThreshold, softNmsSigma);
}

/** nonMaxSuppression, its indices padded with 0 to maxOutputSize when asked, and how many are real (tfjs `image.nonMaxSuppressionPadded`). */
export function nonMaxSuppressionPadded(boxes: TensorLike, scores: TensorLike, maxOutputSize: number, iouThreshold = 0.5, scoreThreshold = Number.NEGATIVE_INFINITY, padToMaxOutputSize = false): { selectedIndices: Tensor; validOutputs: Tensor } {
  const kept = suppress('image.nonMaxSuppressionPadded', boxes, scores, maxOutputSize, iouThreshold, scoreThreshold, 0).indices;
  const valid = tensor(kept.length);
  valid.dtypeTag = 'int32';
  // Padded to maxOutputSize, or to the number of boxes when there are fewer (tfjs's clamp).
  const size = Math.min(maxOutputSize, asTensor(boxes, 'image.nonMaxSuppressionPadded').shape[0]!);
  return { selectedIndices: int32(padToMaxOutputSize ? [...kept, ...new Array<number>(size - kept.length).fill(0)] : kept), validOutputs: valid };
}

export async function nonMaxSuppressionPaddedAsync(boxes: TensorLike, scores: TensorLike, maxOutputSize: number, iouThreshold = 0.5, scoreThreshold = Number.NEGATIVE_INFINITY, padToMaxOutputSize = false): Promise<{ selectedIndices: Tensor; validOutputs: Tensor }> {
  return nonMaxSuppressionPadded(boxes, scores, maxOutputSize, iouThreshold, scoreThreshold, padToMaxOutputSize);
}

/**
 * Output pixels [batch, outH, outW, c] read from the image's pixels: sample k of pixel p is row
 * rows[k][p] of the image's [b·h·w, c] pixels (a row past the end reads `fill`), weighted by
 * weights[k][p]. Gathers, so the gradient flows back to the pixels read.
 */
function sampled(img: Tensor, outShape: readonly number[], rows: Int32Array[], weights: Float32Array[] | null, fill: ArrayLike<number>): Tensor {
  const [b, h, w, c] = img.shape as [number, number, number, number];
  const pixels = concat([reshape(img, [b * h * w, c]), tensor(Float32Array.from(fill), [1, c])], 0);
  let out: Tensor | null = null;
  rows.forEach((r, k) => {
    const picked = gather(pixels, r, 0);
    const term = weights === null ? picked : mul(picked, tensor(weights[k]!, [r.length, 1]));
    out = out === null ? term : add(out, term);
  });
  return reshape(out!, outShape);
}

type FillMode = 'constant' | 'reflect' | 'wrap' | 'nearest';

/** A source coordinate outside [0, len) mapped back in as the fill mode says (TensorFlow's image_ops rules). */
function mapCoord(v: number, len: number, mode: FillMode): number {
  if (mode === 'constant') return v;
  if (mode === 'nearest') return Math.min(Math.max(v, 0), len - 1);
  if (v >= 0 && v <= len - 1) return v;
  if (len <= 1) return 0;
  let u = v;
  if (mode === 'reflect') {
    // [abcd] → [dcba|abcd|dcba].
    const period = 2 * len;
    if (u < 0) {
      if (u < period) u = period * Math.trunc(-u / period) + u;
      u = u < -len ? u + period : -u - 1;
    } else {
      u -= period * Math.trunc(u / period);
      if (u >= len) u = period - u - 1;
    }
  } else {
    // wrap [abcd] → [abcd|abcd|abcd], with TensorFlow's (len − 1) period count.
    u = u < 0 ? u + len * (Math.trunc(-u / (len - 1)) + 1) : u - len * Math.trunc(u / (len - 1));
  }
  return Math.min(Math.max(u, 0), len - 1);
}

/**
 * tfjs `image.transform(images, transforms, interpolation, fillMode, fillValue, outputShape)`:
 * each image resampled through a projective transform [a0, a1, a2, b0, b1, b2, c0, c1] (one per
 * image, or one for all) mapping output (x, y) to input ((a0·x + a1·y + a2)/k, (b0·x + b1·y + b2)/k),
 * k = c0·x + c1·y + 1; outside the image, the fill mode. Differentiable in the images.
 */
export function transform(imagesL: TensorLike, transformsL: TensorLike, interpolation: 'nearest' | 'bilinear' = 'nearest', fillMode: FillMode = 'constant', fillValue = 0, outputShape?: readonly [number, number]): Tensor {
  const op = 'image.transform';
  const img = asTensor(imagesL, op);
  const t = asTensor(transformsL, op);
  if (img.rank !== 4) throw new Error(`${op}: expected images [batch, height, width, channels], got shape ${fmt(img.shape)}`);
  const [b, h, w, c] = img.shape as [number, number, number, number];
  if (t.rank !== 2 || t.shape[1] !== 8 || (t.shape[0] !== 1 && t.shape[0] !== b)) throw new Error(`${op}: transforms must be [${b}, 8] or [1, 8], got shape ${fmt(t.shape)}`);
  if (interpolation !== 'nearest' && interpolation !== 'bilinear') throw new Error(`${op}: interpolation must be 'nearest' or 'bilinear', got ${JSON.stringify(interpolation)}`);
  if (!['constant', 'reflect', 'wrap', 'nearest'].includes(fillMode)) throw new Error(`${op}: fillMode must be 'constant', 'reflect', 'wrap' or 'nearest', got ${JSON.stringify(fillMode)}`);
  const [oh, ow] = outputShape ?? [h, w];
  if (!Number.isInteger(oh) || !Number.isInteger(ow) || oh < 1 || ow < 1) throw new Error(`${op}: outputShape must be [height, width] of positive integers, got ${JSON.stringify(outputShape)}`);
  notTraceable(`${op} (reads the transforms)`);
  const n = b * oh * ow;
  const taps = interpolation === 'nearest' ? 1 : 4;
  const rows = Array.from({ length: taps }, () => new Int32Array(n).fill(b * h * w));
  const weights = interpolation === 'nearest' ? null : Array.from({ length: 4 }, () => new Float32Array(n));
  for (let i = 0; i < b; i++) {
    const m = t.values.subarray(t.shape[0] === 1 ? 0 : i * 8, (t.shape[0] === 1 ? 0 : i * 8) + 8);
    const read = (yy: number, xx: number): number => (yy >= 0 && yy < h && xx >= 0 && xx < w ? (i * h + yy) * w + xx : b * h * w);
    for (let oy = 0; oy < oh; oy++) {
      for (let ox = 0; ox < ow; ox++) {
        const p = (i * oh + oy) * ow + ox;
        const k = m[6]! * ox + m[7]! * oy + 1;
        if (k === 0) {
          if (weights !== null) weights[0]![p] = 1;
          continue;
        }
        const x = mapCoord((m[0]! * ox + m[1]! * oy + m[2]!) / k, w, fillMode);
        const y = mapCoord((m[3]! * ox + m[4]! * oy + m[5]!) / k, h, fillMode);
        if (weights === null) {
          rows[0]![p] = read(Math.round(y), Math.round(x));
          continue;
        }
        const [y0, x0] = [Math.floor(y), Math.floor(x)];
        const corners = [[y0, x0, (y0 + 1 - y) * (x0 + 1 - x)], [y0, x0 + 1, (y0 + 1 - y) * (x - x0)], [y0 + 1, x0, (y - y0) * (x0 + 1 - x)], [y0 + 1, x0 + 1, (y - y0) * (x - x0)]] as const;
        corners.forEach(([yy, xx, wt], q) => {
          rows[q]![p] = read(yy, xx);
          weights[q]![p] = wt;
        });
      }
    }
  }
  return sampled(img, [b, oh, ow, c], rows, weights, new Array<number>(c).fill(fillValue));
}

/**
 * tfjs `image.rotateWithOffset(images, radians, fillValue, center)`: each image turned by
 * `radians` about `center` (a fraction of width and height, or [x, y] fractions), each output
 * pixel the input's nearest to its rotated position; outside, fillValue (a number, or per
 * channel [r, g, b] with alpha 255).
 */
export function rotateWithOffset(imagesL: TensorLike, radians: number, fillValue: number | readonly [number, number, number] = 0, center: number | readonly [number, number] = 0.5): Tensor {
  const op = 'image.rotateWithOffset';
  const img = asTensor(imagesL, op);
  if (img.rank !== 4) throw new Error(`${op}: expected images [batch, height, width, channels], got shape ${fmt(img.shape)}`);
  if (!Number.isFinite(radians)) throw new Error(`${op}: radians must be a finite number, got ${radians}`);
  const [b, h, w, c] = img.shape as [number, number, number, number];
  const cx = w * (typeof center === 'number' ? center : center[0]);
  const cy = h * (typeof center === 'number' ? center : center[1]);
  const [sin, cos] = [Math.sin(radians), Math.cos(radians)];
  const rows = new Int32Array(b * h * w);
  for (let i = 0; i < b; i++) {
    for (let y = 0; y < h; y++) {
      for (let x = 0; x < w; x++) {
        const sx = Math.round((x - cx) * cos - (y - cy) * sin + cx);
        const sy = Math.round((x - cx) * sin + (y - cy) * cos + cy);
        rows[(i * h + y) * w + x] = sx >= 0 && sx < w && sy >= 0 && sy < h ? (i * h + sy) * w + sx : b * h * w;
      }
    }
  }
  const fill = Array.from({ length: c }, (_, ch) => (typeof fillValue === 'number' ? fillValue : ch === 3 ? 255 : fillValue[ch] ?? 0));
  return sampled(img, img.shape, [rows], null, fill);
}

/**
 * tfjs `image.threshold(image, method, inverted, threshValue)`: an image [h, w, 3 or 1] to black
 * and white, int32 255 where its luma is above threshValue·255 ('binary') or above Otsu's
 * threshold ('otsu': the histogram split with the largest between-class variance); inverted
 * swaps them.
 */
export function threshold(imageL: TensorLike, method: 'binary' | 'otsu' = 'binary', inverted = false, threshValue = 0.5): Tensor {
  const op = 'image.threshold';
  const img = asTensor(imageL, op);
  if (img.rank !== 3 || (img.shape[2] !== 3 && img.shape[2] !== 1)) throw new Error(`${op}: expected an image [height, width, 3 or 1], got shape ${fmt(img.shape)}`);
  if (method !== 'binary' && method !== 'otsu') throw new Error(`${op}: method must be 'binary' or 'otsu', got ${JSON.stringify(method)}`);
  const gray = img.shape[2] === 3 ? rgbToGrayscale(img) : img;
  let cut = threshValue * 255;
  if (method === 'otsu') {
    notTraceable(`${op} (Otsu's threshold is chosen from the values)`);
    const hist = new Float64Array(256);
    for (const v of gray.values) {
      // tfjs's round: halves to even.
      const f = Math.floor(v);
      const bin = v - f === 0.5 ? f + (f % 2 === 0 ? 0 : 1) : Math.round(v);
      if (bin >= 0 && bin < 256) hist[bin]! += 1;
    }
    const total = img.shape[0]! * img.shape[1]!;
    let best = 0;
    cut = -1;
    for (let t = 0; t < 255; t++) {
      let [n1, s1, n2, s2] = [0, 0, 0, 0];
      for (let v = 0; v <= t; v++) [n1, s1] = [n1 + hist[v]!, s1 + v * hist[v]!];
      for (let v = t + 1; v < 256; v++) [n2, s2] = [n2 + hist[v]!, s2 + v * hist[v]!];
      const between = (n1 / total) * (n2 / total) * (s1 / n1 - s2 / n2) ** 2;
      if (between > best) [best, cut] = [between, t];
    }
  }
  const y = mul(inverted ? lessEqual(gray, cut) : greater(gray, cut), 255);
  y.dtypeTag = 'int32';
  return y;
}

/** tfjs's `tf.image`. */
export const image = {
  resizeBilinear, resizeNearestNeighbor, flipLeftRight, rgbToGrayscale, grayscaleToRGB, cropAndResize,
  nonMaxSuppression, nonMaxSuppressionAsync, nonMaxSuppressionWithScore, nonMaxSuppressionWithScoreAsync,
  nonMaxSuppressionPadded, nonMaxSuppressionPaddedAsync, transform, rotateWithOffset, threshold,
};
