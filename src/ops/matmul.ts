/** Matrix product, the one op training spends its time in. */
import { record } from '../autograd/engine.js';
import { emptyTensor, getContext } from '../context/context.js';
import { broadcastShapes, fmt } from '../tensor/shape.js';
import type { Tensor } from '../tensor/tensor.js';
import { type TensorLike, asTensor } from './primitive.js';

export interface MatmulOptions {
  /** Use aᵀ (last two axes swapped) without materializing it. */
  transposeA?: boolean;
  /** Use bᵀ (last two axes swapped) without materializing it. */
  transposeB?: boolean;
}

/**
 * Matrix product over the last two axes, batched over the leading ones (which broadcast):
 * op(a) [..., m, k] · op(b) [..., k, n] → [..., m, n]. Both inputs need rank ≥ 2.
 *
 * Backward, with G = dL/dC: dA = G·op(B)ᵀ and dB = op(A)ᵀ·G, each itself a product with
 * transpose flags, so no transpose is ever materialized.
 *
 * @example matmul(x, w)                         // x [32, 784] · w [784, 30] → [32, 30]
 * @example matmul(g, w, { transposeB: true })  // g · wᵀ
 */
export function matmul(al: TensorLike, bl: TensorLike, options: MatmulOptions = {}): Tensor {
  const a = asTensor(al, 'matmul');
  const b = asTensor(bl, 'matmul');
  const ta = options.transposeA ?? false;
  const tb = options.transposeB ?? false;
  if (a.rank < 2 || b.rank < 2) {
    throw new Error(`matmul: both inputs need rank ≥ 2, got shapes ${fmt(a.shape)} and ${fmt(b.shape)} (reshape a vector to [1, n] or [n, 1])`);
  }
  const m = a.shape[a.rank - (ta ? 1 : 2)]!;
  const ka = a.shape[a.rank - (ta ? 2 : 1)]!;
  const kb = b.shape[b.rank - (tb ? 1 : 2)]!;
  const n = b.shape[b.rank - (tb ? 2 : 1)]!;
  if (ka !== kb) {
    throw new Error(`matmul: inner dimensions differ: ${fmt(a.shape)}${ta ? 'ᵀ' : ''} · ${fmt(b.shape)}${tb ? 'ᵀ' : ''} (${ka} vs ${kb})`);
  }
  const batch = broadcastShapes('matmul', a.shape.slice(0, -2), b.shape.slice(0, -2));
  const y = emptyTensor([...batch, m, n]);
  getContext().backend.kernels.matmul(a.values, a.shape, b.values, b.shape, ta, tb, y.values, y.shape);
  return record(y, 'matmul', [a, b], (g) => [
    a.requiresGrad ? (ta ? matmul(b, g, { transposeA: tb, transposeB: true }) : matmul(g, b, { transposeB: !tb })) : null,
    b.requiresGrad ? (tb ? matmul(g, a, { transposeA: true, transposeB: ta }) : matmul(a, g, { transposeA: !ta })) : null,
  ]);
}
