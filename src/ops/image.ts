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

/** tfjs's `tf.image`. */
export const image = { resizeBilinear, resizeNearestNeighbor, flipLeftRight, rgbToGrayscale, grayscaleToRGB };
