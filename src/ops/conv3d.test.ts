// Volumetric convolution and pooling: each against a direct loop over the definition written
// here (every output voxel a sum or max over its window's taps inside the volume), gradients
// against float64 central differences through the op harness, on every backend; a hand case,
// and the errors.
import { describe, expect, test } from 'vitest';
import { avgPool3d, conv3d, conv3dTranspose, maxPool3d, tensor } from '../index.js';
import type { Tensor } from '../tensor/tensor.js';
import { testOp } from '../../test/harness/op.js';

type Pad = 'valid' | 'same';

/** Output size and padding before, per axis, as TensorFlow defines them. */
function geometry(input: number[], k: number[], s: number[], d: number[], pad: Pad): { out: number[]; before: number[] } {
  const out = input.map((n, i) => (pad === 'valid' ? Math.floor((n - ((k[i]! - 1) * d[i]! + 1)) / s[i]!) + 1 : Math.ceil(n / s[i]!)));
  const before = input.map((n, i) => (pad === 'valid' ? 0 : Math.floor(Math.max((out[i]! - 1) * s[i]! + (k[i]! - 1) * d[i]! + 1 - n, 0) / 2)));
  return { out, before };
}

/** Visits every output voxel and, inside it, every tap that lands inside the volume. */
function windows(x: Tensor, k: number[], s: number[], d: number[], pad: Pad, visit: (n: number, o: number, src: number, tap: number) => void): number[] {
  const [b, D, H, W, C] = x.shape as number[];
  const { out, before } = geometry([D!, H!, W!], k, s, d, pad);
  let o = 0;
  for (let n = 0; n < b!; n++) for (let z = 0; z < out[0]!; z++) for (let y = 0; y < out[1]!; y++) for (let xx = 0; xx < out[2]!; xx++, o++) {
    let tap = 0;
    for (let i = 0; i < k[0]!; i++) for (let j = 0; j < k[1]!; j++) for (let l = 0; l < k[2]!; l++, tap++) {
      const zz = z * s[0]! - before[0]! + i * d[0]!;
      const yy = y * s[1]! - before[1]! + j * d[1]!;
      const xs = xx * s[2]! - before[2]! + l * d[2]!;
      if (zz < 0 || zz >= D! || yy < 0 || yy >= H! || xs < 0 || xs >= W!) continue;
      visit(n, o, (((n * D! + zz) * H! + yy) * W! + xs) * C!, tap);
    }
  }
  return [b!, ...out];
}

function convReference(x: Tensor, f: Tensor, s: number[], pad: Pad, d = [1, 1, 1]): { values: number[]; shape: number[] } {
  const [kD, kH, kW, C, F] = f.shape as number[];
  const k = [kD!, kH!, kW!];
  const probe = windows(x, k, s, d, pad, () => undefined);
  const values = new Array<number>(probe.reduce((p, v) => p * v, 1) * F!).fill(0);
  windows(x, k, s, d, pad, (_n, o, src, tap) => {
    for (let c = 0; c < C!; c++) for (let g = 0; g < F!; g++) values[o * F! + g]! += x.values[src + c]! * f.values[(tap * C! + c) * F! + g]!;
  });
  return { values, shape: [...probe, F!] };
}

function poolReference(x: Tensor, k: number[], s: number[], pad: Pad, kind: 'max' | 'avg'): { values: number[]; shape: number[] } {
  const C = x.shape[4]!;
  const probe = windows(x, k, s, [1, 1, 1], pad, () => undefined);
  const positions = probe.reduce((p, v) => p * v, 1);
  const acc = new Array<number>(positions * C).fill(kind === 'max' ? -Infinity : 0);
  const taps = new Array<number>(positions).fill(0);
  windows(x, k, s, [1, 1, 1], pad, (_n, o, src) => {
    taps[o]! += 1;
    for (let c = 0; c < C; c++) acc[o * C + c] = kind === 'max' ? Math.max(acc[o * C + c]!, x.values[src + c]!) : acc[o * C + c]! + x.values[src + c]!;
  });
  return { values: kind === 'max' ? acc : acc.map((v, i) => v / taps[Math.floor(i / C)]!), shape: [...probe, C] };
}

/** conv3dTranspose by its definition: each input voxel's value times the filter added onto the voxels its window covers. */
function transposeReference(x: Tensor, f: Tensor, outShape: number[], s: number[], pad: Pad): { values: number[]; shape: number[] } {
  const [kD, kH, kW, F, C] = f.shape as number[];
  const [b, D, H, W] = outShape as number[];
  const { out, before } = geometry([D!, H!, W!], [kD!, kH!, kW!], s, [1, 1, 1], pad);
  const values = new Array<number>(b! * D! * H! * W! * F!).fill(0);
  for (let n = 0; n < b!; n++) for (let z = 0; z < out[0]!; z++) for (let y = 0; y < out[1]!; y++) for (let xx = 0; xx < out[2]!; xx++) {
    const src = (((n * out[0]! + z) * out[1]! + y) * out[2]! + xx) * C!;
    for (let i = 0; i < kD!; i++) for (let j = 0; j < kH!; j++) for (let l = 0; l < kW!; l++) {
      const zz = z * s[0]! - before[0]! + i;
      const yy = y * s[1]! - before[1]! + j;
      const xs = xx * s[2]! - before[2]! + l;
      if (zz < 0 || zz >= D! || yy < 0 || yy >= H! || xs < 0 || xs >= W!) continue;
      for (let g = 0; g < F!; g++) for (let c = 0; c < C!; c++) {
        values[(((n * D! + zz) * H! + yy) * W! + xs) * F! + g]! += x.values[src + c]! * f.values[(((i * kH! + j) * kW! + l) * F! + g) * C! + c]!;
      }
    }
  }
  return { values, shape: outShape };
}

testOp('conv3d valid', { fn: (x, f) => conv3d(x!, f!), cases: [[[2, 3, 4, 3, 2], [2, 2, 2, 2, 3]]], reference: (x, f) => convReference(x!, f!, [1, 1, 1], 'valid'), atol: 1e-5 });
testOp('conv3d same, strides [2, 1, 2], odd sizes', { fn: (x, f) => conv3d(x!, f!, [2, 1, 2], 'same'), cases: [[[1, 5, 3, 4, 2], [3, 2, 3, 2, 2]]], reference: (x, f) => convReference(x!, f!, [2, 1, 2], 'same'), atol: 1e-5 });
testOp('conv3d dilated 2', { fn: (x, f) => conv3d(x!, f!, 1, 'same', 'NDHWC', 2), cases: [[[1, 4, 4, 3, 1], [2, 2, 2, 1, 2]]], reference: (x, f) => convReference(x!, f!, [1, 1, 1], 'same', [2, 2, 2]), atol: 1e-5 });
testOp('conv3d kernel larger than the volume, same', { fn: (x, f) => conv3d(x!, f!, 1, 'same'), cases: [[[1, 2, 2, 2, 1], [3, 3, 3, 1, 1]]], reference: (x, f) => convReference(x!, f!, [1, 1, 1], 'same'), atol: 1e-5 });
testOp('conv3dTranspose strides 2 valid', { fn: (x, f) => conv3dTranspose(x!, f!, [2, 5, 3, 5, 2], 2, 'valid'), cases: [[[2, 2, 1, 2, 3], [3, 3, 3, 2, 3]]], reference: (x, f) => transposeReference(x!, f!, [2, 5, 3, 5, 2], [2, 2, 2], 'valid'), atol: 1e-5 });
testOp('conv3dTranspose same', { fn: (x, f) => conv3dTranspose(x!, f!, [1, 4, 2, 6, 1], [2, 1, 3], 'same'), cases: [[[1, 2, 2, 2, 2], [2, 3, 2, 1, 2]]], reference: (x, f) => transposeReference(x!, f!, [1, 4, 2, 6, 1], [2, 1, 3], 'same'), atol: 1e-5 });
testOp('maxPool3d 2 valid', { fn: (x) => maxPool3d(x!, 2, 2, 'valid'), cases: [[[2, 4, 5, 4, 2]]], reference: (x) => poolReference(x!, [2, 2, 2], [2, 2, 2], 'valid', 'max') });
testOp('maxPool3d [3, 2, 3] same strides 1', { fn: (x) => maxPool3d(x!, [3, 2, 3], 1, 'same'), cases: [[[1, 3, 3, 4, 2]]], reference: (x) => poolReference(x!, [3, 2, 3], [1, 1, 1], 'same', 'max') });
testOp('avgPool3d 2 valid', { fn: (x) => avgPool3d(x!, 2, 2, 'valid'), cases: [[[2, 4, 5, 4, 2]]], reference: (x) => poolReference(x!, [2, 2, 2], [2, 2, 2], 'valid', 'avg') });
testOp('avgPool3d 3 same strides 2 (the padding not counted)', { fn: (x) => avgPool3d(x!, 3, 2, 'same'), cases: [[[1, 5, 4, 3, 2]]], reference: (x) => poolReference(x!, [3, 3, 3], [2, 2, 2], 'same', 'avg') });

describe('3-D convolution and pooling', () => {
  test('by hand: a 2×2×2 volume of 1…8', () => {
    const v = tensor([1, 2, 3, 4, 5, 6, 7, 8], [2, 2, 2, 1]);
    // A 2×2×2 filter of ones over the whole volume: 1 + … + 8 = 36 (a rank-4 volume stays unbatched).
    const y = conv3d(v, tensor(new Float32Array(8).fill(1), [2, 2, 2, 1, 1]));
    expect(y.shape).toEqual([1, 1, 1, 1]);
    expect(Array.from(y.values)).toEqual([36]);
    expect(Array.from(maxPool3d(v, 2, 2, 'valid').values)).toEqual([8]);
    expect(Array.from(avgPool3d(v, 2, 2, 'valid').values)).toEqual([4.5]);
    // 'same' with a 2-window at stride 1: voxel (1, 1, 1) sees only itself (padding after).
    expect(Array.from(avgPool3d(v, 2, 1, 'same').values)).toEqual([4.5, 5, 5.5, 6, 6.5, 7, 7.5, 8]);
    // The transpose of a 1×1×1 filter [2] at stride 2 places 2·x at every other voxel.
    const up = conv3dTranspose(tensor([1, 3], [1, 1, 1, 2, 1]), tensor([2], [1, 1, 1, 1, 1]), [1, 1, 1, 4, 1], 2, 'valid');
    expect(Array.from(up.values)).toEqual([2, 0, 6, 0]);
  });

  test('errors', () => {
    const v = tensor(new Float32Array(8), [1, 2, 2, 2, 1]);
    expect(() => conv3d(tensor([1, 2]), tensor(new Float32Array(1), [1, 1, 1, 1, 1]))).toThrow('conv3d: expected a volume of rank 5 [batch, depth, height, width, channels] or 4 [depth, height, width, channels], got shape [2]');
    expect(() => conv3d(v, tensor(new Float32Array(2), [1, 1, 1, 2, 1]))).toThrow('conv3d: expected a filter [kD, kH, kW, 1, outChannels] (the input\'s 1 channels on axis 3), got shape [1,1,1,2,1]');
    expect(() => conv3d(v, tensor(new Float32Array(27), [3, 3, 3, 1, 1]))).toThrow("conv3d: a 3×3×3 window (dilations 1×1×1) does not fit a 2×2×2 volume with 'valid' padding; use 'same' or a smaller window");
    expect(() => conv3d(v, tensor(new Float32Array(1), [1, 1, 1, 1, 1]), 0)).toThrow('conv3d: strides must be a positive integer or 3 of them, got 0');
    expect(() => conv3d(v, tensor(new Float32Array(1), [1, 1, 1, 1, 1]), 1, 'causal' as never)).toThrow('conv3d: pad must be \'valid\' or \'same\', got "causal"');
    expect(() => conv3d(v, tensor(new Float32Array(1), [1, 1, 1, 1, 1]), 1, 'valid', 'NCDHW' as never)).toThrow('conv3d: dataFormat must be \'NDHWC\' (channels last), got "NCDHW"');
    expect(() => maxPool3d(v, [2, 2] as never, 1)).toThrow('maxPool3d: the filter size must be a positive integer or 3 of them, got [2,2]');
    expect(() => avgPool3d(v, 2, 1, 'same', 'floor')).toThrow("avgPool3d: dimRoundingMode is for numeric pads, which neurite does not take; use 'valid' or 'same'");
    const f = tensor(new Float32Array(8), [2, 2, 2, 1, 1]);
    expect(() => conv3dTranspose(v, f, [1, 3, 3, 3, 2], 1)).toThrow('conv3dTranspose: outputShape must be [batch (1), depth, height, width, 1 (the filter\'s output channels)], got [1,3,3,3,2]');
    expect(() => conv3dTranspose(v, f, [1, 4, 4, 4, 1], 1)).toThrow('conv3dTranspose: an output of 4×4×4 convolves to 3×3×3 positions, but the input has 2×2×2');
  });
});
