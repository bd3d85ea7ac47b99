import { describe, expect, test } from 'vitest';
import { matmul, tensor, Tensor, type Shape } from '../index.js';
import { testOp } from '../../test/harness/op.js';

/** Reference: C[..., i, j] = Σ_p A[..., i, p] B[..., p, j] by explicit indexing (batch broadcast). */
function matmulRef(a: Tensor, b: Tensor, ta: boolean, tb: boolean): { values: number[]; shape: Shape } {
  const at = (t: Tensor, batch: number[], r: number, c: number, trans: boolean): number => {
    const rank = t.rank;
    const rows = t.shape[rank - 2]!;
    const cols = t.shape[rank - 1]!;
    const [rr, cc] = trans ? [c, r] : [r, c];
    let off = 0;
    const lead = batch.length - (rank - 2);
    for (let i = 0; i < rank - 2; i++) off = off * t.shape[i]! + (t.shape[i] === 1 ? 0 : batch[lead + i]!);
    return t.values[(off * rows + rr) * cols + cc]!;
  };
  const m = ta ? a.shape[a.rank - 1]! : a.shape[a.rank - 2]!;
  const k = ta ? a.shape[a.rank - 2]! : a.shape[a.rank - 1]!;
  const n = tb ? b.shape[b.rank - 2]! : b.shape[b.rank - 1]!;
  const ba = a.shape.slice(0, -2);
  const bb = b.shape.slice(0, -2);
  const rank = Math.max(ba.length, bb.length);
  const batch = Array.from({ length: rank }, (_, i) => Math.max(ba[ba.length - rank + i] ?? 1, bb[bb.length - rank + i] ?? 1));
  const count = batch.reduce((p, d) => p * d, 1);
  const values: number[] = [];
  for (let t = 0; t < count; t++) {
    const idx: number[] = [];
    let r = t;
    for (let i = rank - 1; i >= 0; i--) { idx[i] = r % batch[i]!; r = Math.floor(r / batch[i]!); }
    for (let i = 0; i < m; i++) for (let j = 0; j < n; j++) {
      let s = 0;
      for (let p = 0; p < k; p++) s += at(a, idx, i, p, ta) * at(b, idx, p, j, tb);
      values.push(s);
    }
  }
  return { values, shape: [...batch, m, n] };
}

for (const ta of [false, true]) {
  for (const tb of [false, true]) {
    const sa = (s: number[]): number[] => (ta ? [...s.slice(0, -2), s[s.length - 1]!, s[s.length - 2]!] : s);
    const sb = (s: number[]): number[] => (tb ? [...s.slice(0, -2), s[s.length - 1]!, s[s.length - 2]!] : s);
    testOp(`matmul transposeA=${ta} transposeB=${tb}`, {
      fn: (a, b) => matmul(a, b, { transposeA: ta, transposeB: tb }),
      cases: [
        [sa([2, 3]), sb([3, 4])],
        [sa([1, 1]), sb([1, 1])],
        [sa([5, 1]), sb([1, 3])],
        [sa([2, 3, 4]), sb([2, 4, 2])],
        [sa([2, 3, 4]), sb([4, 5])],
        [sa([3, 4]), sb([2, 1, 4, 2])],
        [sa([0, 3]), sb([3, 2])],
        [sa([2, 0]), sb([0, 3])],
      ],
      reference: (a, b) => matmulRef(a, b, ta, tb),
    });
    // Large enough for the WebAssembly kernel, with odd sizes (1, 3, 17, 31, 129) that exercise
    // its edge tiles. Forward only: the gradient rules are checked on the shapes above.
    // Float32 sums of up to 129 products of values in ±2 carry errors near 1e-5.
    testOp(`matmul transposeA=${ta} transposeB=${tb}, kernel-sized`, {
      fn: (a, b) => matmul(a, b, { transposeA: ta, transposeB: tb }),
      cases: [
        [sa([129, 31]), sb([31, 17])],
        [sa([3, 129]), sb([129, 129])],
        [sa([1, 129]), sb([129, 257])],
        [sa([2, 31, 33]), sb([33, 35])],
        [sa([33, 47]), sb([3, 47, 29])],
        // Over a million multiply-adds: split across threads on the 2-thread backend.
        [sa([129, 257]), sb([257, 65])],
      ],
      reference: (a, b) => matmulRef(a, b, ta, tb),
      grad: false,
      atol: 1e-4,
    });
  }
}

describe('matmul', () => {
  test('2×2 by hand', () => {
    // [[1,2],[3,4]]·[[5,6],[7,8]] = [[1·5+2·7, 1·6+2·8], [3·5+4·7, 3·6+4·8]] = [[19,22],[43,50]]
    expect(matmul(tensor([[1, 2], [3, 4]]), tensor([[5, 6], [7, 8]])).arraySync()).toEqual([[19, 22], [43, 50]]);
  });

  test('inner dimensions that differ name both shapes', () => {
    expect(() => matmul(tensor([[1, 2, 3]]), tensor([[1, 2]]))).toThrow('matmul: inner dimensions differ: [1,3] · [1,2] (3 vs 1)');
    expect(() => matmul(tensor([[1, 2]]), tensor([[1, 2]]), { transposeB: false })).toThrow('matmul: inner dimensions differ');
  });

  test('rank-1 inputs are refused with a hint', () => {
    expect(() => matmul(tensor([1, 2]), tensor([[1], [2]]))).toThrow('matmul: both inputs need rank ≥ 2, got shapes [2] and [2,1] (reshape a vector to [1, n] or [n, 1])');
  });

  test('batch dimensions that do not broadcast', () => {
    expect(() => matmul(tensor(new Float32Array(12), [2, 2, 3]), tensor(new Float32Array(18), [3, 3, 2]))).toThrow('matmul: shapes [2] and [3] cannot be broadcast together');
  });
});
