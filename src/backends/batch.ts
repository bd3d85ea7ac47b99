/** Batched matrix products: which A and B matrix each output matrix pairs, batch axes broadcast. */
import { type Shape, broadcastShapes, broadcastStrides } from '../tensor/shape.js';

export interface BatchPlan {
  /** op(A) is m×k, op(B) is k×n. */
  m: number;
  k: number;
  n: number;
  /** For output matrix t: A matrix aIndex[t] and B matrix bIndex[t]. */
  aIndex: Int32Array;
  bIndex: Int32Array;
}

export function batchPlan(aShape: Shape, bShape: Shape, transA: boolean, transB: boolean): BatchPlan {
  const ra = aShape.length;
  const rb = bShape.length;
  const batchA = aShape.slice(0, ra - 2);
  const batchB = bShape.slice(0, rb - 2);
  const batch = broadcastShapes('matmul', batchA, batchB);
  const count = batch.reduce((p, d) => p * d, 1);
  const sa = broadcastStrides(batchA, batch);
  const sb = broadcastStrides(batchB, batch);
  const aIndex = new Int32Array(count);
  const bIndex = new Int32Array(count);
  const idx = new Array<number>(batch.length).fill(0);
  let ia = 0;
  let ib = 0;
  for (let t = 0; t < count; t++) {
    aIndex[t] = ia;
    bIndex[t] = ib;
    for (let d = batch.length - 1; d >= 0; d--) {
      ia += sa[d]!;
      ib += sb[d]!;
      if (++idx[d]! < batch[d]!) break;
      ia -= sa[d]! * batch[d]!;
      ib -= sb[d]! * batch[d]!;
      idx[d] = 0;
    }
  }
  return {
    m: transA ? aShape[ra - 1]! : aShape[ra - 2]!,
    k: transA ? aShape[ra - 2]! : aShape[ra - 1]!,
    n: transB ? bShape[rb - 2]! : bShape[rb - 1]!,
    aIndex,
    bIndex,
  };
}
