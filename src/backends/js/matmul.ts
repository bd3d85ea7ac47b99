/**
 * Reference batched matrix product. The transposed variants read their operand in place, so
 * backward never materializes a transpose. Loop orders keep the innermost loop contiguous:
 * i-k-j for A·B and Aᵀ·B, row dot products for A·Bᵀ.
 */
import { type Shape, broadcastShapes, broadcastStrides } from '../../tensor/shape.js';
import type { Buf } from '../../tensor/tensor.js';

export function matmul(a: Buf, aShape: Shape, b: Buf, bShape: Shape, transA: boolean, transB: boolean, out: Buf, outShape: Shape): void {
  const ra = aShape.length;
  const rb = bShape.length;
  const m = transA ? aShape[ra - 1]! : aShape[ra - 2]!;
  const k = transA ? aShape[ra - 2]! : aShape[ra - 1]!;
  const n = transB ? bShape[rb - 2]! : bShape[rb - 1]!;
  const batchA = aShape.slice(0, ra - 2);
  const batchB = bShape.slice(0, rb - 2);
  const batch = broadcastShapes('matmul', batchA, batchB);
  const count = batch.reduce((p, d) => p * d, 1);
  // Strides in units of whole matrices.
  const sa = broadcastStrides(batchA, batch);
  const sb = broadcastStrides(batchB, batch);
  const idx = new Array<number>(batch.length).fill(0);
  let ia = 0;
  let ib = 0;
  for (let t = 0; t < count; t++) {
    gemm(a, ia * m * k, b, ib * k * n, out, t * m * n, m, k, n, transA, transB);
    for (let d = batch.length - 1; d >= 0; d--) {
      ia += sa[d]!;
      ib += sb[d]!;
      if (++idx[d]! < batch[d]!) break;
      ia -= sa[d]! * batch[d]!;
      ib -= sb[d]! * batch[d]!;
      idx[d] = 0;
    }
  }
  void outShape;
}

/** One product of an m×k and a k×n matrix (as seen through the transpose flags). */
export function gemm(
  a: Buf, aOff: number, b: Buf, bOff: number, out: Buf, oOff: number,
  m: number, k: number, n: number, transA: boolean, transB: boolean,
): void {
  if (!transB) {
    for (let i = 0; i < m; i++) {
      const o = oOff + i * n;
      for (let j = 0; j < n; j++) out[o + j] = 0;
      for (let p = 0; p < k; p++) {
        const av = transA ? a[aOff + p * m + i]! : a[aOff + i * k + p]!;
        const br = bOff + p * n;
        for (let j = 0; j < n; j++) out[o + j] = out[o + j]! + av * b[br + j]!;
      }
    }
    return;
  }
  for (let i = 0; i < m; i++) {
    const o = oOff + i * n;
    for (let j = 0; j < n; j++) {
      const br = bOff + j * k;
      let s = 0;
      if (transA) for (let p = 0; p < k; p++) s += a[aOff + p * m + i]! * b[br + p]!;
      else {
        const ar = aOff + i * k;
        for (let p = 0; p < k; p++) s += a[ar + p]! * b[br + p]!;
      }
      out[o + j] = s;
    }
  }
}
