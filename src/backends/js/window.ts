/**
 * Reference kernels for sliding windows (convolution and pooling): `im2col` copies each
 * window's taps into a row, `col2im` adds rows back onto the image (its adjoint); max pooling;
 * depthwise convolution and its two adjoints.
 */
import type { Window2d } from '../backend.js';
import type { Buf } from '../../tensor/tensor.js';
import { gemm } from './matmul.js';

/** out[n, oy, ox, ky, kx, c] = x[n, oy·sh − pt + ky·dh, ox·sw − pl + kx·dw, c], or `fill` outside the image. */
export function im2col(x: Buf, w: Window2d, fill: number, out: Buf): void {
  const { batch, inH, inW, channels: C, kH, kW, strideH, strideW, dilationH, dilationW, padTop, padLeft, outH, outW } = w;
  let o = 0;
  for (let n = 0; n < batch; n++) {
    const image = n * inH * inW * C;
    for (let oy = 0; oy < outH; oy++) {
      for (let ox = 0; ox < outW; ox++) {
        for (let ky = 0; ky < kH; ky++) {
          const iy = oy * strideH - padTop + ky * dilationH;
          for (let kx = 0; kx < kW; kx++) {
            const ix = ox * strideW - padLeft + kx * dilationW;
            if (iy < 0 || iy >= inH || ix < 0 || ix >= inW) {
              out.fill(fill, o, o + C);
            } else {
              const src = image + (iy * inW + ix) * C;
              for (let c = 0; c < C; c++) out[o + c] = x[src + c]!;
            }
            o += C;
          }
        }
      }
    }
  }
}

/** out (zeroed here) [n, iy, ix, c] += cols[n, oy, ox, ky, kx, c] for every tap inside the image. */
export function col2im(cols: Buf, w: Window2d, out: Buf): void {
  const { batch, inH, inW, channels: C, kH, kW, strideH, strideW, dilationH, dilationW, padTop, padLeft, outH, outW } = w;
  out.fill(0);
  let o = 0;
  for (let n = 0; n < batch; n++) {
    const image = n * inH * inW * C;
    for (let oy = 0; oy < outH; oy++) {
      for (let ox = 0; ox < outW; ox++) {
        for (let ky = 0; ky < kH; ky++) {
          const iy = oy * strideH - padTop + ky * dilationH;
          for (let kx = 0; kx < kW; kx++) {
            const ix = ox * strideW - padLeft + kx * dilationW;
            if (iy >= 0 && iy < inH && ix >= 0 && ix < inW) {
              const dst = image + (iy * inW + ix) * C;
              for (let c = 0; c < C; c++) out[dst + c] = out[dst + c]! + cols[o + c]!;
            }
            o += C;
          }
        }
      }
    }
  }
}

/**
 * out[n, oy, ox, c] = the largest of the window's taps inside the image, taps[…] = its tap index
 * ky·kW + kx (the first on ties; NaN wins), or −∞ and −1 for a window wholly outside.
 */
export function maxPool(x: Buf, w: Window2d, out: Buf, taps: Buf): void {
  const { batch, inH, inW, channels: C, kH, kW, strideH, strideW, dilationH, dilationW, padTop, padLeft, outH, outW } = w;
  let o = 0;
  for (let n = 0; n < batch; n++) {
    const image = n * inH * inW * C;
    for (let oy = 0; oy < outH; oy++) {
      for (let ox = 0; ox < outW; ox++) {
        out.fill(-Infinity, o, o + C);
        taps.fill(-1, o, o + C);
        for (let ky = 0; ky < kH; ky++) {
          const iy = oy * strideH - padTop + ky * dilationH;
          if (iy < 0 || iy >= inH) continue;
          for (let kx = 0; kx < kW; kx++) {
            const ix = ox * strideW - padLeft + kx * dilationW;
            if (ix < 0 || ix >= inW) continue;
            const src = image + (iy * inW + ix) * C;
            const t = ky * kW + kx;
            for (let c = 0; c < C; c++) {
              const v = x[src + c]!;
              const best = out[o + c]!;
              if (v > best || (v !== v && best === best) || taps[o + c] === -1) {
                out[o + c] = v;
                taps[o + c] = t;
              }
            }
          }
        }
        o += C;
      }
    }
  }
}

/** maxPool's gradient: out (zeroed here) NHWC, each g[n, oy, ox, c] added at its window's chosen tap. */
export function maxPoolGrad(g: Buf, taps: Buf, w: Window2d, out: Buf): void {
  const { batch, inH, inW, channels: C, kW, strideH, strideW, dilationH, dilationW, padTop, padLeft, outH, outW } = w;
  out.fill(0);
  let o = 0;
  for (let n = 0; n < batch; n++) {
    const image = n * inH * inW * C;
    for (let oy = 0; oy < outH; oy++) {
      for (let ox = 0; ox < outW; ox++) {
        for (let c = 0; c < C; c++) {
          const t = taps[o + c]!;
          if (t < 0) continue;
          const ky = Math.floor(t / kW);
          const iy = oy * strideH - padTop + ky * dilationH;
          const ix = ox * strideW - padLeft + (t - ky * kW) * dilationW;
          const dst = image + (iy * inW + ix) * C + c;
          out[dst] = out[dst]! + g[o + c]!;
        }
        o += C;
      }
    }
  }
}

/**
 * Calls `tap(o, src, t)` for every output pixel's taps inside the image: o its first output
 * channel, src the tap's first input channel, t = ky·kW + kx.
 */
function eachTap(w: Window2d, outChannels: number, tap: (o: number, src: number, t: number) => void): void {
  const { batch, inH, inW, channels: C, kH, kW, strideH, strideW, dilationH, dilationW, padTop, padLeft, outH, outW } = w;
  let o = 0;
  for (let n = 0; n < batch; n++) {
    const image = n * inH * inW * C;
    for (let oy = 0; oy < outH; oy++) {
      for (let ox = 0; ox < outW; ox++) {
        for (let ky = 0; ky < kH; ky++) {
          const iy = oy * strideH - padTop + ky * dilationH;
          if (iy < 0 || iy >= inH) continue;
          for (let kx = 0; kx < kW; kx++) {
            const ix = ox * strideW - padLeft + kx * dilationW;
            if (ix >= 0 && ix < inW) tap(o, image + (iy * inW + ix) * C, ky * kW + kx);
          }
        }
        o += outChannels;
      }
    }
  }
}

/**
 * out[o + c·M + m] += x[xi + c]·y[yi + c·M + m] for c < C, m < M: the forward kernel (y the
 * filter) and the filter gradient (y the output gradient) are this product with their roles swapped.
 */
function spread(out: Buf, o: number, x: Buf, xi: number, y: Buf, yi: number, C: number, M: number): void {
  // M = 1 (MobileNet's case) without the inner loop's index arithmetic.
  if (M === 1) {
    for (let c = 0; c < C; c++) out[o + c] = out[o + c]! + x[xi + c]! * y[yi + c]!;
    return;
  }
  for (let c = 0; c < C; c++) {
    const v = x[xi + c]!;
    for (let m = 0; m < M; m++) out[o + c * M + m] = out[o + c * M + m]! + v * y[yi + c * M + m]!;
  }
}

/** out[n, oy, ox, c·M + m] = Σ over taps inside of x[n, iy, ix, c]·f[ky, kx, c, m]. */
export function depthwiseConv(x: Buf, f: Buf, w: Window2d, M: number, out: Buf): void {
  const CM = w.channels * M;
  out.fill(0);
  eachTap(w, CM, (o, src, t) => spread(out, o, x, src, f, t * CM, w.channels, M));
}

/** out (zeroed here) [n, iy, ix, c] += Σ_m g[n, oy, ox, c·M + m]·f[ky, kx, c, m] at every tap inside. */
export function depthwiseConvGradInput(g: Buf, f: Buf, w: Window2d, M: number, out: Buf): void {
  const C = w.channels;
  const CM = C * M;
  out.fill(0);
  eachTap(w, CM, (o, src, t) => {
    const fo = t * CM;
    for (let c = 0; c < C; c++) {
      let s = 0;
      for (let m = 0; m < M; m++) s += g[o + c * M + m]! * f[fo + c * M + m]!;
      out[src + c] = out[src + c]! + s;
    }
  });
}

/** out (zeroed here) [ky, kx, c, m] += x[n, iy, ix, c]·g[n, oy, ox, c·M + m] over every output pixel's taps inside. */
export function depthwiseConvGradFilter(x: Buf, g: Buf, w: Window2d, M: number, out: Buf): void {
  const CM = w.channels * M;
  out.fill(0);
  eachTap(w, CM, (o, src, t) => spread(out, t * CM, x, src, g, o, w.channels, M));
}

/** A window's rows (batch·outH·outW) and taps (kH·kW·C). */
function rowsAndTaps(w: Window2d): [number, number] {
  return [w.batch * w.outH * w.outW, w.kH * w.kW * w.channels];
}

/** A window matrix [rows × taps] of the same kind as `like`. */
function windowMatrix(like: Buf, w: Window2d): Buf {
  const [rows, taps] = rowsAndTaps(w);
  return like instanceof Float64Array ? new Float64Array(rows * taps) : new Float32Array(rows * taps);
}

/** The window matrix im2col(x). */
function windows(x: Buf, w: Window2d): Buf {
  const cols = windowMatrix(x, w);
  im2col(x, w, 0, cols);
  return cols;
}

/** out = im2col(x)·b: the definition, as im2col then the product. */
export function conv(x: Buf, w: Window2d, b: Buf, n: number, out: Buf): void {
  const [rows, taps] = rowsAndTaps(w);
  gemm(windows(x, w), 0, b, 0, out, 0, rows, taps, n, false, false);
}

/** out = im2col(x)ᵀ·g. */
export function convGradFilter(x: Buf, w: Window2d, g: Buf, n: number, out: Buf): void {
  const [rows, taps] = rowsAndTaps(w);
  gemm(windows(x, w), 0, g, 0, out, 0, taps, rows, n, true, false);
}

/** out = col2im(g·bᵀ). */
export function convGradInput(g: Buf, b: Buf, w: Window2d, n: number, out: Buf): void {
  const [rows, taps] = rowsAndTaps(w);
  const cols = windowMatrix(g, w);
  gemm(g, 0, b, 0, cols, 0, rows, n, taps, false, true);
  col2im(cols, w, out);
}
