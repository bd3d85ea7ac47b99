// Sliding-window kernels (convolution and pooling) on float32 NHWC images in this module's
// memory: im2col, col2im, maxPool, maxPoolGrad. Each is bit-identical to the TypeScript
// reference (src/backends/js/window.ts): they only move values, or add and compare them in the
// reference's order (col2im adds each tap's contribution in the order of the rows).
//
// The window is 14 i32 at `win`: batch, inH, inW, channels, kH, kW, strideH, strideW,
// dilationH, dilationW, padTop, padLeft, outH, outW.

import { binary } from './elementwise';

@inline
function w(win: usize, i: i32): i32 {
  return load<i32>(win + (<usize>i << 2));
}

// The taps kx in [lo, hi) of a row that fall inside the image: lo = first, hi = one past the last.
@inline
function firstInside(ix0: i32, dw: i32): i32 {
  return ix0 >= 0 ? 0 : (-ix0 + dw - 1) / dw;
}

@inline
function endInside(ix0: i32, dw: i32, kW: i32, inW: i32): i32 {
  if (ix0 >= inW) return 0;
  const e = (inW - 1 - ix0) / dw + 1;
  return e < kW ? e : kW;
}

@inline
function fillRun(p: usize, len: i32, value: f32): void {
  if (value == 0) {
    memory.fill(p, 0, <usize>len << 2);
    return;
  }
  const v = f32x4.splat(value);
  let i = 0;
  for (; i + 4 <= len; i += 4) v128.store(p + (<usize>i << 2), v);
  for (; i < len; i++) store<f32>(p + (<usize>i << 2), value);
}

/** out[n, oy, ox, ky, kx, c] = x[n, oy·sh − pt + ky·dh, ox·sw − pl + kx·dw, c], or `fill` outside. */
export function im2col(x: usize, win: usize, fill: f32, out: usize): void {
  const batch = w(win, 0), inH = w(win, 1), inW = w(win, 2), C = w(win, 3), kH = w(win, 4), kW = w(win, 5);
  const sh = w(win, 6), sw = w(win, 7), dh = w(win, 8), dw = w(win, 9), pt = w(win, 10), pl = w(win, 11), outH = w(win, 12), outW = w(win, 13);
  const rowBytes = <usize>(kW * C) << 2;
  const cBytes = <usize>C << 2;
  let o = out;
  for (let n = 0; n < batch; n++) {
    const image = x + ((<usize>n * <usize>inH * <usize>inW * <usize>C) << 2);
    for (let oy = 0; oy < outH; oy++) {
      for (let ox = 0; ox < outW; ox++) {
        const ix0 = ox * sw - pl;
        const lo = firstInside(ix0, dw);
        const hi = endInside(ix0, dw, kW, inW);
        for (let ky = 0; ky < kH; ky++) {
          const iy = oy * sh - pt + ky * dh;
          if (iy < 0 || iy >= inH || lo >= hi) {
            fillRun(o, kW * C, fill);
          } else {
            const src = image + ((<usize>(iy * inW) * <usize>C) << 2);
            if (lo > 0) fillRun(o, lo * C, fill);
            if (dw == 1) {
              memory.copy(o + ((<usize>(lo * C)) << 2), src + ((<usize>((ix0 + lo) * C)) << 2), <usize>((hi - lo) * C) << 2);
            } else {
              for (let kx = lo; kx < hi; kx++) memory.copy(o + ((<usize>(kx * C)) << 2), src + ((<usize>((ix0 + kx * dw) * C)) << 2), cBytes);
            }
            if (hi < kW) fillRun(o + ((<usize>(hi * C)) << 2), (kW - hi) * C, fill);
          }
          o += rowBytes;
        }
      }
    }
  }
}

// out[0..len) += src[0..len) in float32.
@inline
function addRun(out: usize, src: usize, len: i32): void {
  let i = 0;
  for (; i + 4 <= len; i += 4) {
    const q = <usize>i << 2;
    v128.store(out + q, f32x4.add(v128.load(out + q), v128.load(src + q)));
  }
  for (; i < len; i++) {
    const q = <usize>i << 2;
    store<f32>(out + q, load<f32>(out + q) + load<f32>(src + q));
  }
}

/** out (zeroed here) [n, iy, ix, c] += cols[n, oy, ox, ky, kx, c] for each tap inside the image, in row order. */
export function col2im(cols: usize, win: usize, out: usize): void {
  const batch = w(win, 0), inH = w(win, 1), inW = w(win, 2), C = w(win, 3), kH = w(win, 4), kW = w(win, 5);
  const sh = w(win, 6), sw = w(win, 7), dh = w(win, 8), dw = w(win, 9), pt = w(win, 10), pl = w(win, 11), outH = w(win, 12), outW = w(win, 13);
  memory.fill(out, 0, (<usize>batch * <usize>inH * <usize>inW * <usize>C) << 2);
  const rowBytes = <usize>(kW * C) << 2;
  let o = cols;
  for (let n = 0; n < batch; n++) {
    const image = out + ((<usize>n * <usize>inH * <usize>inW * <usize>C) << 2);
    for (let oy = 0; oy < outH; oy++) {
      for (let ox = 0; ox < outW; ox++) {
        const ix0 = ox * sw - pl;
        const lo = firstInside(ix0, dw);
        const hi = endInside(ix0, dw, kW, inW);
        for (let ky = 0; ky < kH; ky++) {
          const iy = oy * sh - pt + ky * dh;
          if (iy >= 0 && iy < inH && lo < hi) {
            const dst = image + ((<usize>(iy * inW) * <usize>C) << 2);
            if (dw == 1) {
              addRun(dst + ((<usize>((ix0 + lo) * C)) << 2), o + ((<usize>(lo * C)) << 2), (hi - lo) * C);
            } else {
              for (let kx = lo; kx < hi; kx++) addRun(dst + ((<usize>((ix0 + kx * dw) * C)) << 2), o + ((<usize>(kx * C)) << 2), C);
            }
          }
          o += rowBytes;
        }
      }
    }
  }
}

/**
 * out[n, oy, ox, c] = the largest tap inside the window (the first on ties, NaN wins), taps[…]
 * its index ky·kW + kx; −∞ and −1 for a window wholly outside the image.
 */
export function maxPool(x: usize, win: usize, out: usize, taps: usize): void {
  const batch = w(win, 0), inH = w(win, 1), inW = w(win, 2), C = w(win, 3), kH = w(win, 4), kW = w(win, 5);
  const sh = w(win, 6), sw = w(win, 7), dh = w(win, 8), dw = w(win, 9), pt = w(win, 10), pl = w(win, 11), outH = w(win, 12), outW = w(win, 13);
  const cBytes = <usize>C << 2;
  let o: usize = 0;
  for (let n = 0; n < batch; n++) {
    const image = x + ((<usize>n * <usize>inH * <usize>inW * <usize>C) << 2);
    for (let oy = 0; oy < outH; oy++) {
      for (let ox = 0; ox < outW; ox++) {
        const ob = out + o;
        const tb = taps + o;
        let first = true;
        for (let ky = 0; ky < kH; ky++) {
          const iy = oy * sh - pt + ky * dh;
          if (iy < 0 || iy >= inH) continue;
          for (let kx = 0; kx < kW; kx++) {
            const ix = ox * sw - pl + kx * dw;
            if (ix < 0 || ix >= inW) continue;
            const src = image + ((<usize>(iy * inW + ix) * <usize>C) << 2);
            const t = <f32>(ky * kW + kx);
            if (first) {
              memory.copy(ob, src, cBytes);
              fillRun(tb, C, t);
              first = false;
              continue;
            }
            const tv = f32x4.splat(t);
            let c = 0;
            for (; c + 4 <= C; c += 4) {
              const q = <usize>c << 2;
              const v = v128.load(src + q);
              const best = v128.load(ob + q);
              // v > best, or v is NaN and best is not.
              const take = v128.or(f32x4.gt(v, best), v128.and(f32x4.ne(v, v), f32x4.eq(best, best)));
              v128.store(ob + q, v128.bitselect(v, best, take));
              v128.store(tb + q, v128.bitselect(tv, v128.load(tb + q), take));
            }
            for (; c < C; c++) {
              const q = <usize>c << 2;
              const v = load<f32>(src + q);
              const best = load<f32>(ob + q);
              if (v > best || (v != v && best == best)) {
                store<f32>(ob + q, v);
                store<f32>(tb + q, t);
              }
            }
          }
        }
        if (first) {
          fillRun(ob, C, -Infinity);
          fillRun(tb, C, -1);
        }
        o += cBytes;
      }
    }
  }
}

/** maxPool's gradient: out (zeroed here) NHWC with each g[n, oy, ox, c] added at its window's chosen tap. */
export function maxPoolGrad(g: usize, taps: usize, win: usize, out: usize): void {
  const batch = w(win, 0), inH = w(win, 1), inW = w(win, 2), C = w(win, 3), kW = w(win, 5);
  const sh = w(win, 6), sw = w(win, 7), dh = w(win, 8), dw = w(win, 9), pt = w(win, 10), pl = w(win, 11), outH = w(win, 12), outW = w(win, 13);
  memory.fill(out, 0, (<usize>batch * <usize>inH * <usize>inW * <usize>C) << 2);
  let o: usize = 0;
  for (let n = 0; n < batch; n++) {
    const image = out + ((<usize>n * <usize>inH * <usize>inW * <usize>C) << 2);
    for (let oy = 0; oy < outH; oy++) {
      for (let ox = 0; ox < outW; ox++) {
        for (let c = 0; c < C; c++) {
          const q = o + (<usize>c << 2);
          const t = <i32>load<f32>(taps + q);
          if (t < 0) continue;
          const ky = t / kW;
          const iy = oy * sh - pt + ky * dh;
          const ix = ox * sw - pl + (t - ky * kW) * dw;
          const dst = image + ((<usize>(iy * inW + ix) * <usize>C + <usize>c) << 2);
          store<f32>(dst, load<f32>(dst) + load<f32>(g + q));
        }
        o += <usize>C << 2;
      }
    }
  }
}

// ---- depthwise convolution and its adjoints (filter [kH, kW, C, M]) ------------------------
// The taps inside the image in the reference's order; multiplier 1 (MobileNet's case) runs four
// channels per SIMD step. Products and sums are float32 (the reference rounds a double product
// and sum once per step), so these agree with it within rounding, not bit for bit.

/** acc[c] += a[c]·b[c] for c < C (float32 lanes, four at a time). */
@inline
function macRow(acc: usize, a: usize, b: usize, C: i32): void {
  let c = 0;
  for (; c + 4 <= C; c += 4) {
    const o = <usize>c << 2;
    v128.store(acc + o, f32x4.add(v128.load(acc + o), f32x4.mul(v128.load(a + o), v128.load(b + o))));
  }
  for (; c < C; c++) {
    const o = <usize>c << 2;
    store<f32>(acc + o, load<f32>(acc + o) + load<f32>(a + o) * load<f32>(b + o));
  }
}

/**
 * kind 0: out[n, oy, ox, c·M + m] += x[tap, c]·f[t, c, m]; kind 1: out[tap, c] += Σ_m g·f;
 * kind 2: out[t, c, m] += x[tap, c]·g[n, oy, ox, c·M + m]. `a`, `b` as for depthwise().
 */
function depthwiseWalk(kind: i32, a: usize, b: usize, win: usize, M: i32, out: usize, n0: i32, n1: i32): void {
  const batch = w(win, 0), inH = w(win, 1), inW = w(win, 2), C = w(win, 3), kH = w(win, 4), kW = w(win, 5);
  const sh = w(win, 6), sw = w(win, 7), dh = w(win, 8), dw = w(win, 9), pt = w(win, 10), pl = w(win, 11), outH = w(win, 12), outW = w(win, 13);
  const CM = C * M;
  const outSize = kind == 0 ? batch * outH * outW * CM : kind == 1 ? batch * inH * inW * C : kH * kW * CM;
  memory.fill(out, 0, <usize>outSize << 2);
  let o = n0 * outH * outW * CM;
  for (let n = n0; n < n1; n++) {
    const image = n * inH * inW * C;
    for (let oy = 0; oy < outH; oy++) {
      for (let ox = 0; ox < outW; ox++) {
        for (let ky = 0; ky < kH; ky++) {
          const iy = oy * sh - pt + ky * dh;
          if (iy < 0 || iy >= inH) continue;
          for (let kx = 0; kx < kW; kx++) {
            const ix = ox * sw - pl + kx * dw;
            if (ix < 0 || ix >= inW) continue;
            const src = image + (iy * inW + ix) * C;
            const fo = (ky * kW + kx) * CM;
            if (M == 1) {
              // kind 0: out[o] += x[src]·f[fo]; 1: out[src] += g[o]·f[fo]; 2: out[fo] += x[src]·g[o]
              if (kind == 0) macRow(out + (<usize>o << 2), a + (<usize>src << 2), b + (<usize>fo << 2), C);
              else if (kind == 1) macRow(out + (<usize>src << 2), a + (<usize>o << 2), b + (<usize>fo << 2), C);
              else macRow(out + (<usize>fo << 2), a + (<usize>src << 2), b + (<usize>o << 2), C);
              continue;
            }
            for (let c = 0; c < C; c++) {
              if (kind == 1) {
                let s: f32 = 0;
                for (let m = 0; m < M; m++) s += load<f32>(a + (<usize>(o + c * M + m) << 2)) * load<f32>(b + (<usize>(fo + c * M + m) << 2));
                const p = out + (<usize>(src + c) << 2);
                store<f32>(p, load<f32>(p) + s);
                continue;
              }
              const v = load<f32>(a + (<usize>(src + c) << 2));
              for (let m = 0; m < M; m++) {
                const p = out + (<usize>(kind == 0 ? o + c * M + m : fo + c * M + m) << 2);
                const other = kind == 0 ? load<f32>(b + (<usize>(fo + c * M + m) << 2)) : load<f32>(b + (<usize>(o + c * M + m) << 2));
                store<f32>(p, load<f32>(p) + v * other);
              }
            }
          }
        }
        o += CM;
      }
    }
  }
}

/** Depthwise convolution: out (zeroed here) [batch, outH, outW, C·M]. */
export function depthwiseConv(x: usize, f: usize, win: usize, M: i32, out: usize): void {
  depthwiseWalk(0, x, f, win, M, out, 0, w(win, 0));
}

/** Its adjoint in x: out (zeroed here) NHWC. */
export function depthwiseConvGradInput(g: usize, f: usize, win: usize, M: i32, out: usize): void {
  depthwiseWalk(1, g, f, win, M, out, 0, w(win, 0));
}

/**
 * Its adjoint in the filter: out (zeroed here) [kH, kW, C, M], summed over the images in two
 * halves, the first in out and the second in `half` (the filter's size), then added: `part` 0
 * or 1 sums one half (two threads, each its own, and the caller adds), −1 both and the sum.
 * The order is the batch's alone, so one thread and two give the same bits. One image: all in
 * out, `half` unused.
 */
export function depthwiseConvGradFilter(x: usize, g: usize, win: usize, M: i32, out: usize, half: usize, part: i32): void {
  const n = w(win, 0);
  if (n < 2) {
    depthwiseWalk(2, x, g, win, M, out, 0, n);
    return;
  }
  const h = (n + 1) >> 1;
  if (part != 1) depthwiseWalk(2, x, g, win, M, out, 0, h);
  if (part != 0) depthwiseWalk(2, x, g, win, M, half, h, n);
  if (part == -1) binary(0, 0, out, half, out, 1, w(win, 4) * w(win, 5) * w(win, 3) * M);
}
