// A run of a recorded program's calls in one call from JavaScript. For a network as small as the
// notes' 2-2-1 XOR, a training step is some thirty kernel calls on a few values each: calling
// them one by one from JavaScript costs more than their arithmetic. The host encodes the run
// once (src/backends/wasm/program.ts) as 32-bit words, an op code and its arguments, over
// buffers in this module's memory, and `runProgram` executes it: the same kernels as the
// backend's, for sizes where it would call the reference, each giving the reference's float32
// results (products accumulated as src/backends/js/matmul.ts does, sums as reduce.ts does).
//
// Instructions (words after the op code):
//   0 product   a, b, out, m, n, k, transA, transB
//   1 biasAct   z, bias (0: none), rows, n, act
//   2 actGrad   a, dz, len, act
//   3 sumColumns x, out, rows, n         (columns summed over rows, float32 as they go)
//   4 unary     op, x, out, len
//   5 binary    op, layout, a, b, out, rows, n
//   6 select    cond, a, b, out, len, layout
//   7 sumLast   x, out, rows, n          (each row summed in float64, rounded once)
//   8 copy      x, out, len
//   9 sgd       p, g, v (0: none), len, nesterov, lr, momentum (each a float64 argument: 3 words)

import { binary, select } from './elementwise';
import { actGrad, biasAct, sgdUpdate } from './train';

@inline function int(p: usize, i: i32): i32 {
  return load<i32>(p + (<usize>i << 2));
}
@inline function ptr(p: usize, i: i32): usize {
  return <usize>load<u32>(p + (<usize>i << 2));
}
// A float64 argument: three words, the value (low word first; 4-byte aligned only: wasm loads
// need no alignment) and, where not −1, the entry of the live numbers at `live` to take instead.
@inline function real(p: usize, i: i32, live: usize): f64 {
  const k = int(p, i + 2);
  return k >= 0 ? load<f64>(live + (<usize>k << 3)) : load<f64>(p + (<usize>i << 2), 0, 4);
}

@inline function sigmoid(z: f64): f64 {
  if (z >= 0) return 1 / (1 + Math.exp(-z));
  const e = Math.exp(z);
  return e / (1 + e);
}

// Unary op codes: 0 neg, 1 exp, 2 log, 3 sqrt, 4 abs, 5 sigmoid, 6 tanh, 7 softplus, 8 sign, 9 step.
// A loop per op (the op chosen once, not per value), each value in float64 rounded once.
function unary(op: i32, x: usize, out: usize, len: i32): void {
  const end = x + (<usize>len << 2);
  const d = out - x;
  switch (op) {
    case 0: for (let p = x; p < end; p += 4) store<f32>(p + d, -load<f32>(p)); break;
    case 1: for (let p = x; p < end; p += 4) store<f32>(p + d, <f32>Math.exp(<f64>load<f32>(p))); break;
    case 2: for (let p = x; p < end; p += 4) store<f32>(p + d, <f32>Math.log(<f64>load<f32>(p))); break;
    case 3: for (let p = x; p < end; p += 4) store<f32>(p + d, <f32>Math.sqrt(<f64>load<f32>(p))); break;
    case 4: for (let p = x; p < end; p += 4) store<f32>(p + d, Mathf.abs(load<f32>(p))); break;
    case 5: for (let p = x; p < end; p += 4) store<f32>(p + d, <f32>sigmoid(<f64>load<f32>(p))); break;
    case 6: for (let p = x; p < end; p += 4) store<f32>(p + d, <f32>Math.tanh(<f64>load<f32>(p))); break;
    case 7:
      for (let p = x; p < end; p += 4) {
        const v = <f64>load<f32>(p);
        store<f32>(p + d, <f32>(Math.max(v, 0) + Math.log1p(Math.exp(-Math.abs(v)))));
      }
      break;
    case 8:
      for (let p = x; p < end; p += 4) {
        const v = load<f32>(p);
        store<f32>(p + d, v > 0 ? 1 : v < 0 ? -1 : v);
      }
      break;
    default:
      for (let p = x; p < end; p += 4) {
        const v = load<f32>(p);
        store<f32>(p + d, v > 0 ? 1 : v <= 0 ? 0 : v);
      }
  }
}

// out[m×n] = op(a)·op(b). Without transB each output accumulates in float32 term by term; with
// it each is a float64 dot product rounded once: the reference kernel's two loops, with each
// output's terms in its order. Four rows at a time: their sums are independent chains the CPU
// overlaps (a tiny product is all latency).
@inline function aAt(a: usize, transA: bool, m: i32, k: i32, i: i32, p: i32): f64 {
  return <f64>load<f32>(a + (<usize>(transA ? p * m + i : i * k + p) << 2));
}
@inline function bAt(b: usize, transB: bool, n: i32, k: i32, p: i32, j: i32): f64 {
  return <f64>load<f32>(b + (<usize>(transB ? j * k + p : p * n + j) << 2));
}

function product(a: usize, b: usize, out: usize, m: i32, n: i32, k: i32, transA: bool, transB: bool): void {
  let i = 0;
  for (; i + 4 <= m; i += 4) {
    for (let j = 0; j < n; j++) {
      if (!transB) {
        let c0: f32 = 0, c1: f32 = 0, c2: f32 = 0, c3: f32 = 0;
        for (let p = 0; p < k; p++) {
          const bv = bAt(b, false, n, k, p, j);
          c0 = <f32>(<f64>c0 + aAt(a, transA, m, k, i, p) * bv);
          c1 = <f32>(<f64>c1 + aAt(a, transA, m, k, i + 1, p) * bv);
          c2 = <f32>(<f64>c2 + aAt(a, transA, m, k, i + 2, p) * bv);
          c3 = <f32>(<f64>c3 + aAt(a, transA, m, k, i + 3, p) * bv);
        }
        store<f32>(out + (<usize>(i * n + j) << 2), c0);
        store<f32>(out + (<usize>((i + 1) * n + j) << 2), c1);
        store<f32>(out + (<usize>((i + 2) * n + j) << 2), c2);
        store<f32>(out + (<usize>((i + 3) * n + j) << 2), c3);
      } else {
        let s0: f64 = 0, s1: f64 = 0, s2: f64 = 0, s3: f64 = 0;
        for (let p = 0; p < k; p++) {
          const bv = bAt(b, true, n, k, p, j);
          s0 += aAt(a, transA, m, k, i, p) * bv;
          s1 += aAt(a, transA, m, k, i + 1, p) * bv;
          s2 += aAt(a, transA, m, k, i + 2, p) * bv;
          s3 += aAt(a, transA, m, k, i + 3, p) * bv;
        }
        store<f32>(out + (<usize>(i * n + j) << 2), <f32>s0);
        store<f32>(out + (<usize>((i + 1) * n + j) << 2), <f32>s1);
        store<f32>(out + (<usize>((i + 2) * n + j) << 2), <f32>s2);
        store<f32>(out + (<usize>((i + 3) * n + j) << 2), <f32>s3);
      }
    }
  }
  for (; i < m; i++) {
    for (let j = 0; j < n; j++) {
      if (!transB) {
        let c: f32 = 0;
        for (let p = 0; p < k; p++) c = <f32>(<f64>c + aAt(a, transA, m, k, i, p) * bAt(b, false, n, k, p, j));
        store<f32>(out + (<usize>(i * n + j) << 2), c);
      } else {
        let s: f64 = 0;
        for (let p = 0; p < k; p++) s += aAt(a, transA, m, k, i, p) * bAt(b, true, n, k, p, j);
        store<f32>(out + (<usize>(i * n + j) << 2), <f32>s);
      }
    }
  }
}

// Columns summed over rows in float32, row by row (a bias gradient), as the reference does.
function sumColumns(x: usize, out: usize, rows: i32, n: i32): void {
  for (let j = 0; j < n; j++) {
    let acc: f32 = 0;
    for (let r = 0; r < rows; r++) acc += load<f32>(x + (<usize>(r * n + j) << 2));
    store<f32>(out + (<usize>j << 2), acc);
  }
}

// Small copies as a loop: memory.copy is a call out of the module, dear for a few values.
function copy(x: usize, out: usize, len: i32): void {
  if (len >= 64) memory.copy(out, x, <usize>len << 2);
  else for (let i = 0; i < len; i++) store<f32>(out + (<usize>i << 2), load<f32>(x + (<usize>i << 2)));
}

function sumLast(x: usize, out: usize, rows: i32, n: i32): void {
  for (let r = 0; r < rows; r++) {
    let s: f64 = 0;
    const row = x + (<usize>(r * n) << 2);
    for (let j = 0; j < n; j++) s += <f64>load<f32>(row + (<usize>j << 2));
    store<f32>(out + (<usize>r << 2), <f32>s);
  }
}

/** Runs `words` 32-bit words of instructions at `code`, with the live numbers (float64) at `live`. */
export function runProgram(code: usize, words: i32, live: usize): void {
  let p = code;
  const end = code + (<usize>words << 2);
  while (p < end) {
    switch (int(p, 0)) {
      case 0: product(ptr(p, 1), ptr(p, 2), ptr(p, 3), int(p, 4), int(p, 5), int(p, 6), int(p, 7) != 0, int(p, 8) != 0); p += 9 << 2; break;
      case 1: biasAct(ptr(p, 1), ptr(p, 2), int(p, 3), int(p, 4), int(p, 5)); p += 6 << 2; break;
      case 2: actGrad(ptr(p, 1), ptr(p, 2), int(p, 3), int(p, 4)); p += 5 << 2; break;
      case 3: sumColumns(ptr(p, 1), ptr(p, 2), int(p, 3), int(p, 4)); p += 5 << 2; break;
      case 4: unary(int(p, 1), ptr(p, 2), ptr(p, 3), int(p, 4)); p += 5 << 2; break;
      case 5: binary(int(p, 1), int(p, 2), ptr(p, 3), ptr(p, 4), ptr(p, 5), int(p, 6), int(p, 7)); p += 8 << 2; break;
      case 6: select(ptr(p, 1), ptr(p, 2), ptr(p, 3), ptr(p, 4), int(p, 5), int(p, 6)); p += 7 << 2; break;
      case 7: sumLast(ptr(p, 1), ptr(p, 2), int(p, 3), int(p, 4)); p += 5 << 2; break;
      case 8: copy(ptr(p, 1), ptr(p, 2), int(p, 3)); p += 4 << 2; break;
      case 9: sgdUpdate(ptr(p, 1), ptr(p, 2), ptr(p, 3), int(p, 4), real(p, 6, live), real(p, 9, live), int(p, 5) != 0); p += 12 << 2; break;
      default: return;
    }
  }
}
