/**
 * Reference batched matrix product. The transposed variants read their operand in place, so
 * backward never materializes a transpose. Loop orders keep the innermost loop contiguous:
 * i-k-j for A·B and Aᵀ·B, row dot products for A·Bᵀ.
 */
import type { Shape } from '../../tensor/shape.js';
import { batchPlan } from '../batch.js';
import type { Buf } from '../../tensor/tensor.js';

export function matmul(a: Buf, aShape: Shape, b: Buf, bShape: Shape, transA: boolean, transB: boolean, out: Buf, _outShape: Shape): void {
  const { m, k, n, aIndex, bIndex } = batchPlan(aShape, bShape, transA, transB);
  for (let t = 0; t < aIndex.length; t++) {
    gemm(a, aIndex[t]! * m * k, b, bIndex[t]! * k * n, out, t * m * n, m, k, n, transA, transB);
  }
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
