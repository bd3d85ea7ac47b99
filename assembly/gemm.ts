// SGEMM for WebAssembly SIMD: C[m×n] = op(A)[m×k] · op(B)[k×n], row-major, with op a transpose
// when the flag is set. B is packed into panels of 8 columns and A into panels of 4 rows,
// the transposes folded into that packing, so one 4×8 micro-kernel serves all four variants.
// k is processed in blocks of KC so the panels stay in cache; C accumulates across blocks.

const MR: i32 = 4;
const NR: i32 = 8;
const KC: i32 = 256;

// Scratch for packed panels and the edge tile; set by the host with setScratch (bytes,
// 16-aligned). Each thread has its own instance, so its own globals and its own regions: with
// shared memory, nothing may live at a fixed address.
let packA: usize = 0;
let packB: usize = 0;
let edge: usize = 0;

export function setScratch(aPtr: usize, bPtr: usize, edgePtr: usize): void {
  packA = aPtr;
  packB = bPtr;
  edge = edgePtr;
}

/** Bytes of scratch the edge tile needs. */
export const EDGE_BYTES: i32 = MR * NR * 4;

/** Bytes of scratch the packed A and B need for an m×n product. */
export function scratchA(m: i32): i32 {
  return ((m + MR - 1) / MR) * MR * KC * 4;
}
export function scratchB(n: i32): i32 {
  return ((n + NR - 1) / NR) * NR * KC * 4;
}

// op(B)[p][j] for depth p0..p0+kc, columns j0.., into panels [panel][p][NR]. Full panels copy
// whole vectors; a transposed full panel reads 4×4 blocks of B and transposes them in
// registers, so Aᵀ-free backward products (dX = dZ·Wᵀ) pack as fast as plain ones.
function packPanelsB(b: usize, k: i32, n: i32, transB: bool, p0: i32, kc: i32, colStart: i32, colEnd: i32): void {
  let dst = packB;
  for (let j0 = colStart; j0 < colEnd; j0 += NR) {
    const full = j0 + NR <= colEnd;
    let p = 0;
    if (full && !transB) {
      for (; p < kc; p++) {
        const src = b + (<usize>((p0 + p) * n + j0) << 2);
        v128.store(dst, v128.load(src));
        v128.store(dst, v128.load(src, 16), 16);
        dst += NR * 4;
      }
    } else if (full) {
      const stride = <usize>k << 2;
      for (; p + 4 <= kc; p += 4) {
        transpose4(b + (<usize>(j0 * k + p0 + p) << 2), stride, dst, NR * 4);
        transpose4(b + (<usize>((j0 + 4) * k + p0 + p) << 2), stride, dst + 16, NR * 4);
        dst += NR * 16;
      }
    }
    for (; p < kc; p++) {
      for (let c = 0; c < NR; c++) {
        const j = j0 + c;
        let v: f32 = 0;
        if (j < colEnd) v = transB ? load<f32>(b + (<usize>(j * k + p0 + p) << 2)) : load<f32>(b + (<usize>((p0 + p) * n + j) << 2));
        store<f32>(dst + (<usize>c << 2), v);
      }
      dst += NR * 4;
    }
  }
}

// Reads 4 rows of 4 floats (rows `stride` bytes apart) and writes them transposed as 4 rows
// `to` bytes apart (NR floats in a B panel, MR in an A panel).
@inline
function transpose4(src: usize, stride: usize, dst: usize, to: usize): void {
  const x0 = v128.load(src);
  const x1 = v128.load(src + stride);
  const x2 = v128.load(src + 2 * stride);
  const x3 = v128.load(src + 3 * stride);
  const t0 = v128.shuffle<f32>(x0, x1, 0, 4, 1, 5);
  const t1 = v128.shuffle<f32>(x2, x3, 0, 4, 1, 5);
  const t2 = v128.shuffle<f32>(x0, x1, 2, 6, 3, 7);
  const t3 = v128.shuffle<f32>(x2, x3, 2, 6, 3, 7);
  v128.store(dst, v128.shuffle<f64>(t0, t1, 0, 2));
  v128.store(dst + to, v128.shuffle<f64>(t0, t1, 1, 3));
  v128.store(dst + 2 * to, v128.shuffle<f64>(t2, t3, 0, 2));
  v128.store(dst + 3 * to, v128.shuffle<f64>(t2, t3, 1, 3));
}

// c + a·b: one fused multiply-add where the build enables relaxed SIMD (detected by the host
// at startup), a multiply and an add otherwise.
@inline
function fma(a: v128, b: v128, c: v128): v128 {
  if (ASC_FEATURE_RELAXED_SIMD) return f32x4.relaxed_madd(a, b, c);
  return f32x4.add(c, f32x4.mul(a, b));
}

// Multiplies one packed A panel (MR rows) by one packed B panel (NR columns) over kc and
// adds (or writes, when first) the MR×NR block into C (row stride n) at (i0, j0), clipped to
// rows below m and columns below nEnd.
@inline
function microKernel(pa: usize, pb: usize, kc: i32, c: usize, n: i32, i0: i32, j0: i32, m: i32, nEnd: i32, first: bool): void {
  let c00 = f32x4.splat(0), c01 = f32x4.splat(0);
  let c10 = f32x4.splat(0), c11 = f32x4.splat(0);
  let c20 = f32x4.splat(0), c21 = f32x4.splat(0);
  let c30 = f32x4.splat(0), c31 = f32x4.splat(0);
  for (let p = 0; p < kc; p++) {
    const b0 = v128.load(pb);
    const b1 = v128.load(pb, 16);
    let a = v128.load32_splat(pa);
    c00 = fma(a, b0, c00); c01 = fma(a, b1, c01);
    a = v128.load32_splat(pa, 4);
    c10 = fma(a, b0, c10); c11 = fma(a, b1, c11);
    a = v128.load32_splat(pa, 8);
    c20 = fma(a, b0, c20); c21 = fma(a, b1, c21);
    a = v128.load32_splat(pa, 12);
    c30 = fma(a, b0, c30); c31 = fma(a, b1, c31);
    pa += MR * 4;
    pb += NR * 4;
  }
  if (i0 + MR <= m && j0 + NR <= nEnd) {
    let row = c + (<usize>(i0 * n + j0) << 2);
    const stride = <usize>n << 2;
    if (first) {
      v128.store(row, c00); v128.store(row, c01, 16); row += stride;
      v128.store(row, c10); v128.store(row, c11, 16); row += stride;
      v128.store(row, c20); v128.store(row, c21, 16); row += stride;
      v128.store(row, c30); v128.store(row, c31, 16);
    } else {
      v128.store(row, f32x4.add(v128.load(row), c00)); v128.store(row, f32x4.add(v128.load(row, 16), c01), 16); row += stride;
      v128.store(row, f32x4.add(v128.load(row), c10)); v128.store(row, f32x4.add(v128.load(row, 16), c11), 16); row += stride;
      v128.store(row, f32x4.add(v128.load(row), c20)); v128.store(row, f32x4.add(v128.load(row, 16), c21), 16); row += stride;
      v128.store(row, f32x4.add(v128.load(row), c30)); v128.store(row, f32x4.add(v128.load(row, 16), c31), 16);
    }
    return;
  }
  // Edge block: spill to a stack buffer and copy the valid part.
  const tmp = edge;
  v128.store(tmp, c00); v128.store(tmp, c01, 16);
  v128.store(tmp, c10, 32); v128.store(tmp, c11, 48);
  v128.store(tmp, c20, 64); v128.store(tmp, c21, 80);
  v128.store(tmp, c30, 96); v128.store(tmp, c31, 112);
  for (let r = 0; r < MR; r++) {
    const i = i0 + r;
    if (i >= m) break;
    for (let cc = 0; cc < NR; cc++) {
      const j = j0 + cc;
      if (j >= nEnd) break;
      const dst = c + (<usize>(i * n + j) << 2);
      const v = load<f32>(tmp + (<usize>(r * NR + cc) << 2));
      store<f32>(dst, first ? v : load<f32>(dst) + v);
    }
  }
}

/**
 * C = op(A)·op(B) for the block of C in rows [rowStart, rowEnd) and columns [colStart, colEnd),
 * so threads can split the rows or the columns (colStart a multiple of the panel width NR).
 */
export function sgemm(a: usize, b: usize, c: usize, m: i32, n: i32, k: i32, transA: bool, transB: bool, rowStart: i32, rowEnd: i32, colStart: i32, colEnd: i32): void {
  const rows = rowEnd - rowStart;
  if (rows <= 0 || colEnd <= colStart) return;
  if (k == 0) {
    for (let i = rowStart; i < rowEnd; i++) memory.fill(c + (<usize>(i * n + colStart) << 2), 0, <usize>(colEnd - colStart) << 2);
    return;
  }
  // Row offset into A: op(A) rows rowStart.. are A rows (or A columns when transposed).
  const aBase = transA ? a + (<usize>rowStart << 2) : a + (<usize>(rowStart * k) << 2);
  const cBase = c + (<usize>(rowStart * n) << 2);
  // k in equal blocks of at most KC (784 = 4 × 196, not 3 × 256 + 16: a thin last block costs
  // a pass over C for little work).
  const blocks = (k + KC - 1) / KC;
  const step = min(KC, (((k + blocks - 1) / blocks) + 3) & ~3);
  for (let p0 = 0; p0 < k; p0 += step) {
    const kc = min(step, k - p0);
    packPanelsB(b, k, n, transB, p0, kc, colStart, colEnd);
    packPanelsAStrided(aBase, rows, m, k, transA, p0, kc);
    for (let j0 = colStart; j0 < colEnd; j0 += NR) {
      const pb = packB + (<usize>(((j0 - colStart) / NR) * kc * NR) << 2);
      for (let i0 = 0; i0 < rows; i0 += MR) {
        const pa = packA + (<usize>((i0 / MR) * kc * MR) << 2);
        microKernel(pa, pb, kc, cBase, n, i0, j0, rows, colEnd, p0 == 0);
      }
    }
  }
}

// Like packPanelsA, for a band of `rows` rows of op(A) whose full height is m (the leading
// dimension when A is transposed).
function packPanelsAStrided(a: usize, rows: i32, m: i32, k: i32, transA: bool, p0: i32, kc: i32): void {
  let dst = packA;
  for (let i0 = 0; i0 < rows; i0 += MR) {
    if (transA && i0 + MR <= rows) {
      // op(A) rows are A columns: MR adjacent floats per depth, one vector.
      for (let p = 0; p < kc; p++) {
        v128.store(dst, v128.load(a + (<usize>((p0 + p) * m + i0) << 2)));
        dst += MR * 4;
      }
      continue;
    }
    let p = 0;
    if (i0 + MR <= rows) {
      // MR rows of A, 4 depths at a time, transposed in registers.
      const stride = <usize>k << 2;
      for (; p + 4 <= kc; p += 4) {
        transpose4(a + (<usize>(i0 * k + p0 + p) << 2), stride, dst, MR * 4);
        dst += MR * 16;
      }
    }
    for (; p < kc; p++) {
      for (let r = 0; r < MR; r++) {
        const i = i0 + r;
        let v: f32 = 0;
        if (i < rows) v = transA ? load<f32>(a + (<usize>((p0 + p) * m + i) << 2)) : load<f32>(a + (<usize>(i * k + p0 + p) << 2));
        store<f32>(dst, v);
        dst += 4;
      }
    }
  }
}
