/**
 * Seeded 2-D datasets for teaching and tests: xor, circles, moons, spiral, gaussian blobs.
 * Each returns x [n, 2] and integer labels y [n]; `noise` is the standard deviation of the
 * Gaussian jitter added to each coordinate.
 */
import { tensor } from '../ops/creation.js';
import { Rng } from '../tensor/random.js';
import type { Tensor } from '../tensor/tensor.js';

export interface Dataset2D {
  x: Tensor;
  y: Tensor;
}

export interface SyntheticOptions {
  n?: number;
  noise?: number;
  seed?: number;
}

function build(n: number, seed: number, noise: number, point: (i: number, rng: Rng) => [number, number, number]): Dataset2D {
  const rng = new Rng(seed);
  const x = new Float32Array(2 * n);
  const y = new Float32Array(n);
  for (let i = 0; i < n; i++) {
    const [a, b, label] = point(i, rng);
    x[2 * i] = a + noise * rng.normal();
    x[2 * i + 1] = b + noise * rng.normal();
    y[i] = label;
  }
  return { x: tensor(x, [n, 2]), y: tensor(y, [n]) };
}

/** Points near the four corners of the unit square; label = XOR of the corner's bits. */
export function xorData(o: SyntheticOptions = {}): Dataset2D {
  return build(o.n ?? 200, o.seed ?? 0, o.noise ?? 0.1, (i) => {
    const a = i & 1;
    const b = (i >> 1) & 1;
    return [a, b, a ^ b];
  });
}

/** Two concentric circles (radius 1 outside, `factor` inside); label 1 for the inner one. */
export function circles(o: SyntheticOptions & { factor?: number } = {}): Dataset2D {
  const factor = o.factor ?? 0.5;
  return build(o.n ?? 200, o.seed ?? 0, o.noise ?? 0.05, (i, rng) => {
    const inner = i % 2;
    const t = 2 * Math.PI * rng.uniform();
    const r = inner ? factor : 1;
    return [r * Math.cos(t), r * Math.sin(t), inner];
  });
}

/** Two interleaving half circles (scikit-learn's moons). */
export function moons(o: SyntheticOptions = {}): Dataset2D {
  return build(o.n ?? 200, o.seed ?? 0, o.noise ?? 0.1, (i, rng) => {
    const lower = i % 2;
    const t = Math.PI * rng.uniform();
    return lower ? [1 - Math.cos(t), 0.5 - Math.sin(t), 1] : [Math.cos(t), Math.sin(t), 0];
  });
}

/** `classes` interleaved spiral arms (the CS231n spiral). */
export function spiral(o: SyntheticOptions & { classes?: number } = {}): Dataset2D {
  const classes = o.classes ?? 3;
  const n = o.n ?? 300;
  const perClass = Math.ceil(n / classes);
  return build(n, o.seed ?? 0, o.noise ?? 0.02, (i) => {
    const c = i % classes;
    const k = Math.floor(i / classes);
    const r = k / perClass;
    const t = (c * 4 + 4 * r) * 1.0;
    return [r * Math.sin(t), r * Math.cos(t), c];
  });
}

/** Gaussian blobs around `centers` (default three), one class per center. */
export function blobs(o: SyntheticOptions & { centers?: Array<[number, number]> } = {}): Dataset2D {
  const centers = o.centers ?? [[-2, 0], [2, 0], [0, 2.5]];
  return build(o.n ?? 300, o.seed ?? 0, o.noise ?? 0.5, (i) => {
    const c = i % centers.length;
    return [centers[c]![0], centers[c]![1], c];
  });
}
