// The extended op surface: each against a reference written here and its gradient against
// float64 central differences (the op harness); their errors name what was expected.
import { describe, expect, test } from 'vitest';
import { tensor } from '../index.js';
import { testOp } from '../../test/harness/op.js';
import { addN, bandPart, batchToSpaceND, einsum, localResponseNormalization, spaceToBatchND, bincount, denseBincount, math, depthToSpace, dropout, ensureShape, frame, inTopKAsync, mirrorPad, movingAverage, rand, scatterND, tensorScatterUpdate, sparseToDense, bitwiseAnd, broadcastArgs, searchSorted, setdiff1dAsync, stridedSlice } from './extended.js';

const idx = (shape: number[], flat: number): number[] => shape.map((_, i) => Math.floor(flat / shape.slice(i + 1).reduce((p, d) => p * d, 1)) % shape[i]!);

testOp('linalg.bandPart', { fn: (x) => bandPart(x!, 1, 0), cases: [[[4, 5]], [[2, 3, 3]]], reference: (x) => ({
  values: Array.from(x!.values, (v, f) => {
    const [i, j] = idx([...x!.shape], f).slice(-2) as [number, number];
    return i - j <= 1 && j - i <= 0 ? v : 0;
  }), shape: x!.shape }) });
// reflect [a, b, c] by [2, 1] → [c, b, a, b, c, b].
testOp('mirrorPad reflect', { fn: (x) => mirrorPad(x!, [[2, 1]], 'reflect'), cases: [[[3]]], reference: (x) => {
  const [a, b, c] = Array.from(x!.values);
  return { values: [c!, b!, a!, b!, c!, b!], shape: [6] };
} });
// symmetric [[a, b], [c, d]] by [[1, 0], [0, 1]] → [[a, b, b], [a, b, b], [c, d, d]].
testOp('mirrorPad symmetric', { fn: (x) => mirrorPad(x!, [[1, 0], [0, 1]], 'symmetric'), cases: [[[2, 2]]], reference: (x) => {
  const [a, b, c, d] = Array.from(x!.values) as number[];
  return { values: [a!, b!, b!, a!, b!, b!, c!, d!, d!], shape: [3, 3] };
} });
// [1, 1, 2, 4] with block 2: the pixel's channels (c0 c1 | c2 c3) become the 2×2 block [[c0, c1], [c2, c3]].
testOp('depthToSpace', { fn: (x) => depthToSpace(x!, 2), cases: [[[1, 1, 2, 4]]], reference: (x) => {
  const v = Array.from(x!.values);
  return { values: [v[0]!, v[1]!, v[4]!, v[5]!, v[2]!, v[3]!, v[6]!, v[7]!], shape: [1, 2, 4, 1] };
} });
testOp('stridedSlice', { fn: (x) => stridedSlice(x!, [0, 1], [4, 5], [2, 2]), cases: [[[4, 5]]], reference: (x) => {
  const v = Array.from(x!.values);
  return { values: [v[1]!, v[3]!, v[11]!, v[13]!], shape: [2, 2] };
} });
testOp('signal.frame', { fn: (x) => frame(x!, 3, 2), cases: [[[7]]], reference: (x) => {
  const v = Array.from(x!.values);
  return { values: [v[0]!, v[1]!, v[2]!, v[2]!, v[3]!, v[4]!, v[4]!, v[5]!, v[6]!], shape: [3, 3] };
} });
// v + (x − v)(1 − d)/(1 − d²) at decay d = 0.5, step 2.
testOp('movingAverage', { fn: (v, x) => movingAverage(v!, x!, 0.5, 2), cases: [[[3], [3]]], reference: (v, x) => ({
  values: Array.from(v!.values, (a, i) => a + ((x!.values[i]! - a) * 0.5) / 0.75), shape: [3] }) });
// The same seed gives the same mask, so the op is a fixed function for the check: values kept are x/0.6.
testOp('dropout (seeded)', { fn: (x) => dropout(x!, 0.4, undefined, 7), cases: [[[5, 4]]], reference: (x) => {
  const y = dropout(x!, 0.4, undefined, 7);
  return { values: Array.from(x!.values, (v, i) => (y.values[i] === 0 ? 0 : v / 0.6)), shape: x!.shape };
} });

// Tuples (0), (2), (0) into [4, 2]: row 0 gets u0 + u2, row 2 gets u1.
testOp('scatterND', { fn: (u) => scatterND([[0], [2], [0]], u!, [4, 2]), cases: [[[3, 2]]], reference: (u) => {
  const v = Array.from(u!.values);
  return { values: [v[0]! + v[4]!, v[1]! + v[5]!, 0, 0, v[2]!, v[3]!, 0, 0], shape: [4, 2] };
} });
// Tuples (0), (2), (0) into x [4, 2]: row 0 takes the last of its two updates (u2), row 2 takes u1, rows 1 and 3 keep x's.
testOp('tensorScatterUpdate', { fn: (x, u) => tensorScatterUpdate(x!, [[0], [2], [0]], u!), cases: [[[4, 2], [3, 2]]], reference: (x, u) => {
  const [a, v] = [Array.from(x!.values), Array.from(u!.values)];
  return { values: [v[4]!, v[5]!, a[2]!, a[3]!, v[2]!, v[3]!, a[6]!, a[7]!], shape: [4, 2] };
} });
testOp('addN', { fn: (a, b, c) => addN([a!, b!, c!]), cases: [[[2, 3], [2, 3], [2, 3]]], elementwise: (a, b) => a + b, reference: (a, b, c) => ({ values: Array.from(a!.values, (v, i) => v + b!.values[i]! + c!.values[i]!), shape: a!.shape }) });

// Channels (a, b, c) with radius 1: each over its neighbours' squares, (1 + 0.5·Σ)^0.75.
testOp('localResponseNormalization', { fn: (x) => localResponseNormalization(x!, 1, 1, 0.5, 0.75), cases: [[[1, 2, 1, 3]]], reference: (x) => {
  const v = Array.from(x!.values);
  const out = v.map((xv, i) => {
    const [p, c] = [Math.floor(i / 3), i % 3];
    let s = 0;
    for (let k = Math.max(0, c - 1); k <= Math.min(2, c + 1); k++) s += v[p * 3 + k]! ** 2;
    return xv / (1 + 0.5 * s) ** 0.75;
  });
  return { values: out, shape: x!.shape };
} });
// spaceToBatchND then batchToSpaceND with the same blocks and zero crops is the identity.
testOp('spaceToBatchND ∘ batchToSpaceND', { fn: (x) => batchToSpaceND(spaceToBatchND(x!, [2, 2], [[0, 0], [0, 0]]), [2, 2], [[0, 0], [0, 0]]), cases: [[[2, 4, 2, 3]]], reference: (x) => ({ values: x!.values, shape: x!.shape }) });

testOp('einsum bij,bjk->bik', { fn: (a, b) => einsum('bij,bjk->bik', a!, b!), cases: [[[2, 3, 4], [2, 4, 2]]], reference: (a, b) => {
  const out = new Float64Array(2 * 3 * 2);
  for (let n = 0; n < 2; n++) for (let i = 0; i < 3; i++) for (let k = 0; k < 2; k++) {
    let s = 0;
    for (let j = 0; j < 4; j++) s += a!.values[(n * 3 + i) * 4 + j]! * b!.values[(n * 4 + j) * 2 + k]!;
    out[(n * 3 + i) * 2 + k] = s;
  }
  return { values: out, shape: [2, 3, 2] };
} });
// 'ij,i->j': Σᵢ aᵢⱼ·vᵢ, then the output's one index.
testOp('einsum ij,i->j', { fn: (a, v) => einsum('ij,i->j', a!, v!), cases: [[[3, 4], [3]]], reference: (a, v) => ({
  values: [0, 1, 2, 3].map((j) => [0, 1, 2].reduce((s, i) => s + a!.values[i * 4 + j]! * v!.values[i]!, 0)), shape: [4] }) });

describe('extended ops: edges and errors', () => {
  test('einsum: implicit output, sums of an operand\'s own index; its errors', () => {
    // 'ij,jk' with no arrow: the indices seen once, sorted ('ik').
    expect(einsum('ij,jk', tensor([[1, 2]]), tensor([[3], [4]])).arraySync()).toEqual([[11]]);
    // 'ij,k->k': a's two indices summed out first (Σa = 10), times each b.
    expect(Array.from(einsum('ij,k->k', tensor([[1, 2], [3, 4]]), tensor([1, 2])).values)).toEqual([10, 20]);
    expect(() => einsum('ij,jk->ik', tensor([[1]]))).toThrow("einsum: 'ij,jk->ik' names 2 operands, got 1 (one or two are supported)");
    expect(() => einsum('ii->i', tensor([[1]]))).toThrow("einsum: operand 0's indices 'ii' must be letters, each once");
    expect(() => einsum('ij,jk->ik', tensor([[1, 2]]), tensor([[1, 2]]))).toThrow("einsum: index 'j' is 2 in one place and 1 in another");
    expect(() => einsum('ij->iz', tensor([[1]]))).toThrow("einsum: the output 'iz' must be distinct letters of the inputs");
  });

  test('searchSorted and bincount by hand; their errors and those of addN, ensureShape, scatterND', () => {
    // In [1, 3, 3, 7]: 0 goes at 0, 3 at 1 (left) or 3 (right), 8 at 4.
    expect(Array.from(searchSorted(tensor([1, 3, 3, 7]), tensor([0, 3, 8])).dataSync())).toEqual([0, 1, 4]);
    expect(Array.from(searchSorted(tensor([1, 3, 3, 7]), tensor([0, 3, 8]), 'right').dataSync())).toEqual([0, 3, 4]);
    expect(Array.from(bincount(tensor([1, 1, 3, 0]), null, 5).values)).toEqual([1, 2, 0, 1, 0]);
    expect(() => bincount(tensor([1, -1]), null, 3)).toThrow('bincount: values must be integers ≥ 0, got -1 at 1');
    expect(() => addN([])).toThrow('addN: expected a non-empty list of tensors');
    expect(() => addN([tensor([1]), tensor([1, 2])])).toThrow('addN: the tensors must have one shape, got [1] and [2]');
    expect(ensureShape(tensor([[1, 2]]), [null, 2]).shape).toEqual([1, 2]);
    expect(() => ensureShape(tensor([[1, 2]]), [1, 3])).toThrow('ensureShape: the shape of the tensor [1,2] does not match the expected shape [1,3]');
    expect(() => scatterND([[5]], tensor([[1, 2]]), [4, 2])).toThrow('scatterND: index 5 of tuple 0 is out of range [0, 4) on axis 0');
    expect(() => scatterND([[1]], tensor([1, 2, 3]), [4, 2])).toThrow('scatterND: 1 index tuples need updates of 1 × [2], got shape [3]');
    // Element tuples (1, 0) and (0, 1) of a 2×2: the rest stays.
    expect(Array.from(tensorScatterUpdate(tensor([[1, 2], [3, 4]]), [[1, 0], [0, 1]], tensor([9, 8])).values)).toEqual([1, 8, 9, 4]);
    expect(() => tensorScatterUpdate(tensor([[1, 2]]), [[1]], tensor([[5, 6]]))).toThrow('tensorScatterUpdate: index 1 of tuple 0 is out of range [0, 1) on axis 0');
  });


  test('denseBincount by hand: rows, weights, binary, values past size uncounted; its errors', () => {
    const x = tensor([[1, 1, 3, 7], [0, 2, 2, 2]], undefined, 'int32');
    // Row 0 has 1 twice and 3 once (7 ≥ size 5 is not counted); row 1 has 0 once and 2 three times.
    const counts = denseBincount(x, [], 5);
    expect(Array.from(counts.values)).toEqual([0, 2, 0, 1, 0, 1, 0, 3, 0, 0]);
    expect(counts.shape).toEqual([2, 5]);
    expect(counts.dtype).toBe('int32');
    expect(Array.from(denseBincount(x, null, 5, true).values)).toEqual([0, 1, 0, 1, 0, 1, 0, 1, 0, 0]);
    // Weighted: row 0 → bin 1 gets 0.5 + 1, bin 3 gets 2; row 1 → bin 0 gets 3, bin 2 gets 4 + 5 + 6.
    const w = denseBincount(x, tensor([[0.5, 1, 2, 9], [3, 4, 5, 6]]), 4);
    expect(Array.from(w.values)).toEqual([0, 1.5, 0, 2, 3, 0, 15, 0]);
    expect(w.dtype).toBe('float32');
    // A vector is one row, binary there too (tfjs 4.22's 1-D kernel counts instead).
    expect(Array.from(denseBincount(tensor([4, 4, 1]), [], 5, true).values)).toEqual([0, 1, 0, 0, 1]);
    expect(() => denseBincount(tensor([[[1]]]), [], 2)).toThrow('denseBincount: expected a 1-D or 2-D tensor of integers, got shape [1,1,1]');
    expect(() => denseBincount(tensor([1, 0.5]), [], 2)).toThrow('denseBincount: values must be integers ≥ 0, got 0.5 at 1');
    expect(() => denseBincount(tensor([1]), tensor([1, 2]), 2)).toThrow("denseBincount: weights must have x's 1 values (or none), got 2");
    expect(() => denseBincount(tensor([1]), [], -1)).toThrow('denseBincount: size must be an integer ≥ 0, got -1');
  });

  test('sparseToDense, bitwiseAnd, broadcastArgs by hand; their errors', () => {
    // Index 4 → 10, 1 → 20, 2 → 30 in a vector of −1s.
    expect(Array.from(sparseToDense([4, 1, 2], tensor([10, 20, 30]), [6], -1).values)).toEqual([-1, 20, 30, -1, 10, -1]);
    expect(Array.from(sparseToDense([[0, 1], [2, 0]], tensor(5), [3, 2]).values)).toEqual([0, 5, 0, 0, 5, 0]);
    expect(() => sparseToDense([1, 2], tensor([1, 2, 3]), [4])).toThrow('sparseToDense: sparseValues must be a scalar or one value per index (2), got shape [3]');
    // 12 & 10 = 0b1000, 7 & 3 = 3, 255 & 15 = 15.
    expect(Array.from(bitwiseAnd(tensor([12, 7, 255], undefined, 'int32'), tensor([10, 3, 15], undefined, 'int32')).values)).toEqual([8, 3, 15]);
    expect(() => bitwiseAnd(tensor([1]), tensor([1], undefined, 'int32'))).toThrow('bitwiseAnd: both tensors must be int32, got float32 and int32');
    expect(() => bitwiseAnd(tensor([1], undefined, 'int32'), tensor([1, 2], undefined, 'int32'))).toThrow('bitwiseAnd: the shapes must match, got [1] and [2]');
    expect(Array.from(broadcastArgs(tensor([2, 1, 3]), tensor([4, 1])).values)).toEqual([2, 4, 3]);
    expect(() => broadcastArgs(tensor([[2]]), tensor([1]))).toThrow('broadcastArgs: expected two shapes (1-D tensors), got shapes [1,1] and [1]');
  });

  test('math.confusionMatrix by hand; its errors', () => {
    // Pairs (true, predicted): (0,0) (1,2) (2,2) (1,1) (0,2) (1,2) → row 0: [1, 0, 1], row 1: [0, 1, 2], row 2: [0, 0, 1].
    const m = math.confusionMatrix(tensor([0, 1, 2, 1, 0, 1]), tensor([0, 2, 2, 1, 2, 2]), 3);
    expect(Array.from(m.values)).toEqual([1, 0, 1, 0, 1, 2, 0, 0, 1]);
    expect(m.dtype).toBe('int32');
    expect(() => math.confusionMatrix(tensor([0, 3]), tensor([0, 1]), 3)).toThrow('gather: index 3 at position 1 is out of range [0, 3)');
    expect(() => math.confusionMatrix(tensor([0, 1]), tensor([0]), 3)).toThrow('math.confusionMatrix: labels and predictions must be as long, got 2 and 1');
    expect(() => math.confusionMatrix(tensor([[0]]), tensor([0]), 3)).toThrow('math.confusionMatrix: labels and predictions must be 1-D, got shapes [1,1] and [1]');
    expect(() => math.confusionMatrix(tensor([0]), tensor([0]), 0)).toThrow('math.confusionMatrix: numClasses must be a positive integer, got 0');
  });

  test('dropout keeps about 1 − rate of the values, shares the mask over noiseShape 1s; rate 0 is the identity', () => {
    const x = tensor(new Float32Array(4000).fill(1), [400, 10]);
    const y = dropout(x, 0.25, [400, 1], 3);
    const rows = Array.from({ length: 400 }, (_, r) => Array.from(y.values.subarray(r * 10, r * 10 + 10)));
    expect(rows.every((row) => row.every((v) => v === row[0]))).toBe(true);
    const kept = rows.filter((row) => row[0] !== 0).length / 400;
    expect(Math.abs(kept - 0.75)).toBeLessThan(0.07);
    expect(dropout(x, 0)).toBe(x);
    expect(() => dropout(x, 1)).toThrow('dropout: rate must be in [0, 1), got 1');
    expect(() => dropout(x, 0.5, [400, 3])).toThrow("dropout: noiseShape [400,3] must match x's shape [400,10] with 1s where the mask is shared");
  });

  test('errors name what was expected', async () => {
    expect(() => bandPart(tensor([1, 2]), 0, 0)).toThrow('linalg.bandPart: expected a tensor of rank ≥ 2, got shape [2]');
    expect(() => mirrorPad(tensor([1, 2]), [[2, 0]], 'reflect')).toThrow("mirrorPad: padding [2, 0] on axis 0 of size 2 must be whole numbers of at most 1 in 'reflect' mode");
    expect(() => mirrorPad(tensor([1, 2]), [[1, 0]], 'wrap' as never)).toThrow("mirrorPad: mode must be 'reflect' or 'symmetric', got \"wrap\"");
    expect(() => depthToSpace(tensor(new Float32Array(6), [1, 1, 1, 6]), 2)).toThrow('depthToSpace: blockSize must be an integer ≥ 2 whose square divides the channels (6), got 2');
    expect(() => stridedSlice(tensor([1, 2, 3]), [0], [3], [0])).toThrow('stridedSlice: strides must be positive integers, got 0 on axis 0');
    expect(() => frame(tensor([[1]]), 1, 1)).toThrow('signal.frame: expected a 1-D signal, got shape [1,1]');
    expect(() => movingAverage(tensor([1]), tensor([2]), 0.9)).toThrow('movingAverage: zeroDebias (the default) needs the step; give it, or zeroDebias: false');
    await expect(inTopKAsync(tensor([[1, 2]]), tensor([0]), 3)).rejects.toThrow('inTopKAsync: k must be an integer in [1, 2], got 3');
    await expect(setdiff1dAsync(tensor([[1]]), tensor([1]))).rejects.toThrow('setdiff1dAsync: expected two 1-D tensors, got shapes [1,1] and [1]');
    expect(() => rand([2], 3 as never)).toThrow('rand: randFunction must be a function giving one value per call');
    expect(() => spaceToBatchND(tensor(new Float32Array(9), [1, 3, 3, 1]), [2, 2], [[0, 0], [0, 0]])).toThrow('spaceToBatchND: padded spatial axis 1 (3) must be a multiple of its block size 2');
    expect(() => batchToSpaceND(tensor(new Float32Array(12), [3, 2, 2, 1]), [2, 2], [[0, 0], [0, 0]])).toThrow('batchToSpaceND: the batch (3) must be a multiple of the block size product 4');
    expect(() => localResponseNormalization(tensor([1, 2]))).toThrow('localResponseNormalization: expected a 3-D or 4-D tensor, got shape [2]');
  });
});
