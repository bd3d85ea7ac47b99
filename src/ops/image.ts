/**
 * `tf.image`: resizing images ([batch, h, w, c] or [h, w, c]) by bilinear interpolation or to
 * the nearest pixel, with TensorFlow's `alignCorners` and `halfPixelCenters` conventions; flips
 * and colour conversions. All are gathers of rows and columns (bilinear blends them; grayscale
 * is a product with the luma weights), so gradients flow back to the pixels they read.
 */
import type { Tensor } from '../tensor/tensor.js';
import { fmt } from '../tensor/shape.js';
import { tensor } from './creation.js';
import { add, mul, sub } from './elementwise.js';
import { gather, reshape } from './layout.js';
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

/** tfjs's `tf.image`. */
export const image = {
  resizeBilinear, resizeNearestNeighbor, flipLeftRight, rgbToGrayscale, grayscaleToRGB, cropAndResize,
  nonMaxSuppression, nonMaxSuppressionAsync, nonMaxSuppressionWithScore, nonMaxSuppressionWithScoreAsync,
};
