/**
 * `tf.linalg`: bandPart, gramSchmidt and qr, composed from the primitives, so each has its
 * gradient from theirs (a QR inside a loss trains through its reflections).
 */
import { fmt } from '../tensor/shape.js';
import type { Tensor } from '../tensor/tensor.js';
import { eye, tensor } from './creation.js';
import { div, greater, mul, sub, where } from './elementwise.js';
import { concat, reshape, slice, stack, unstack } from './layout.js';
import { matmul } from './matmul.js';
import { norm } from './math.js';
import { type TensorLike, asTensor } from './primitive.js';
import { sum } from './reduce.js';

/**
 * The band of the last two axes kept, the rest zeroed (tfjs `linalg.bandPart`): entry (i, j)
 * stays when i − j ≤ numLower and j − i ≤ numUpper, a negative bound keeping that whole
 * triangle. bandPart(x, −1, 0) is the lower triangle (a causal mask's shape).
 */
export function bandPart(xl: TensorLike, numLower: number, numUpper: number): Tensor {
  const x = asTensor(xl, 'linalg.bandPart');
  if (x.rank < 2) throw new Error(`linalg.bandPart: expected a tensor of rank ≥ 2, got shape ${fmt(x.shape)}`);
  if (!Number.isInteger(numLower) || !Number.isInteger(numUpper)) throw new Error(`linalg.bandPart: numLower and numUpper must be integers, got ${numLower} and ${numUpper}`);
  const [m, n] = x.shape.slice(-2) as [number, number];
  const band = new Float32Array(m * n);
  for (let i = 0; i < m; i++) {
    for (let j = 0; j < n; j++) band[i * n + j] = (numLower < 0 || i - j <= numLower) && (numUpper < 0 || j - i <= numUpper) ? 1 : 0;
  }
  return mul(x, tensor(band, [m, n]));
}

/**
 * Orthonormal vectors spanning the same nested subspaces as `xs` (tfjs `linalg.gramSchmidt`):
 * a list of 1-D tensors, or the rows of a 2-D tensor, each in turn made orthogonal to those
 * before it (subtracting its projection on each, the modified process) and scaled to length 1.
 */
export function gramSchmidt(xs: readonly TensorLike[] | TensorLike): Tensor[] | Tensor {
  const asRows = !Array.isArray(xs);
  const list = asRows ? unstack(rowsOf(xs as TensorLike)) : (xs as readonly TensorLike[]).map((x, i) => asTensor(x, `linalg.gramSchmidt: xs[${i}]`));
  const n = list[0]?.shape[0];
  list.forEach((x, i) => {
    if (x.rank !== 1 || x.shape[0] !== n) throw new Error(`linalg.gramSchmidt: the vectors must be 1-D and of one length (${n}); xs[${i}] has shape ${fmt(x.shape)}`);
  });
  if (n !== undefined && list.length > n) throw new Error(`linalg.gramSchmidt: ${list.length} vectors of length ${n} cannot be orthogonal (at most ${n})`);
  const ys: Tensor[] = [];
  for (const x0 of list) {
    let x = x0;
    for (const y of ys) x = sub(x, mul(sum(mul(y, x)), y));
    ys.push(div(x, norm(x)));
  }
  return asRows ? stack(ys) : ys;
}

function rowsOf(xl: TensorLike): Tensor {
  const x = asTensor(xl, 'linalg.gramSchmidt');
  if (x.rank !== 2) throw new Error(`linalg.gramSchmidt: expected a 2-D tensor (its rows the vectors) or a list of 1-D tensors, got shape ${fmt(x.shape)}`);
  return x;
}

/**
 * One matrix's QR by Householder reflections: for each column j, the reflection
 * H = I − k·u·uᵀ (k = 2/uᵀu) taking R's column below the diagonal to α·e₁, with
 * α = −sign(r_jj)·‖r_j:‖ (a zero r_jj counting as negative), applied to R's rows j: and to Q's
 * columns j:. A column already zero below the diagonal (uᵀu = 0) is left as it is.
 */
function qr2d(x: Tensor, fullMatrices: boolean): [Tensor, Tensor] {
  const [m, n] = x.shape as [number, number];
  let q = eye(m);
  let r = x;
  for (let j = 0; j < Math.min(m, n); j++) {
    const col = slice(r, [j, j], [m - j, 1]);
    const head = slice(col, [0, 0], [1, 1]);
    const alpha = mul(where(greater(head, 0), -1, 1), norm(col));
    const u = concat([sub(head, alpha), slice(col, [1, 0], [m - j - 1, 1])], 0);
    const uu = sum(mul(u, u));
    const k = where(greater(uu, 0), div(2, where(greater(uu, 0), uu, 1)), 0);
    const below = slice(r, [j, 0], [m - j, n]);
    const reflected = sub(below, mul(k, matmul(u, matmul(u, below, { transposeA: true }))));
    r = j === 0 ? reflected : concat([slice(r, [0, 0], [j, n]), reflected], 0);
    const right = slice(q, [0, j], [m, m - j]);
    const turned = sub(right, mul(k, matmul(matmul(right, u), u, { transposeB: true })));
    q = j === 0 ? turned : concat([slice(q, [0, 0], [m, j]), turned], 1);
  }
  // Below the diagonal R holds round-off (1e-8, not 0): zeroed, as TensorFlow's R is.
  if (!fullMatrices && m > n) return [slice(q, [0, 0], [m, n]), bandPart(slice(r, [0, 0], [n, n]), 0, -1)];
  return [q, bandPart(r, 0, -1)];
}

/**
 * x = Q·R with Q orthogonal and R upper triangular (tfjs `linalg.qr`), over the last two axes
 * of a tensor of rank ≥ 2 ([..., m, n]). `fullMatrices` false (the default) gives Q [..., m,
 * min(m, n)] and R [..., min(m, n), n]; true, Q [..., m, m] and R [..., m, n]. R's diagonal
 * carries the reflections' signs (tfjs's convention: negative where x's pivot was positive).
 */
export function qr(xl: TensorLike, fullMatrices = false): [Tensor, Tensor] {
  const x = asTensor(xl, 'linalg.qr');
  if (x.rank < 2) throw new Error(`linalg.qr: expected a tensor of rank ≥ 2 (matrices in its last two axes), got shape ${fmt(x.shape)}`);
  if (x.rank === 2) return qr2d(x, fullMatrices);
  const [m, n] = x.shape.slice(-2) as [number, number];
  const outer = x.shape.slice(0, -2);
  const parts = unstack(reshape(x, [-1, m, n])).map((a) => qr2d(a, fullMatrices));
  const qs = stack(parts.map(([a]) => a));
  const rs = stack(parts.map(([, b]) => b));
  return [reshape(qs, [...outer, ...qs.shape.slice(1)]), reshape(rs, [...outer, ...rs.shape.slice(1)])];
}


/** tfjs's `tf.linalg`. */
export const linalg = { bandPart, gramSchmidt, qr };
