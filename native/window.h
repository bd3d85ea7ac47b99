// Sliding windows for the native backend: im2col and its adjoint col2im, depthwise
// convolution with its two adjoints, and max pooling with its gradient, over NHWC images, the
// reference's loops (src/backends/js/window.ts) image by image, so a split across threads by
// image gives the same bits.
#pragma once
#include <cstdint>

namespace neurite {

/** Window2d (src/backends/backend.ts), in its field order. */
struct Window {
  int64_t batch, inH, inW, channels, kH, kW, strideH, strideW, dilationH, dilationW, padTop, padLeft, outH, outW;
};

/**
 * Calls tap(r, t, pixel) for windows (im2col's rows) [r0, r0 + count) and each of their taps t in
 * im2col's order, r counted from r0, pixel the tap's first input value in `x` or nullptr where the
 * tap falls outside the image.
 */
template <typename Image, typename Tap>
void eachWindow(Image* x, const Window& w, int64_t r0, int64_t count, Tap tap) {
  const int64_t C = w.channels, per = w.outH * w.outW;
  for (int64_t r = r0; r < r0 + count; r++) {
    const int64_t n = r / per, oy = (r % per) / w.outW, ox = r % w.outW;
    Image* image = x + n * w.inH * w.inW * C;
    int64_t t = 0;
    for (int64_t ky = 0; ky < w.kH; ky++) {
      const int64_t iy = oy * w.strideH - w.padTop + ky * w.dilationH;
      for (int64_t kx = 0; kx < w.kW; kx++, t++) {
        const int64_t ix = ox * w.strideW - w.padLeft + kx * w.dilationW;
        const bool inside = iy >= 0 && iy < w.inH && ix >= 0 && ix < w.inW;
        tap(r - r0, t, inside ? image + (iy * w.inW + ix) * C : nullptr);
      }
    }
  }
}

/** Images [n0, n1) of im2col: each window's taps as a row, `fill` outside the image. */
void im2col(const float* x, const Window& w, float fill, float* out, int64_t n0, int64_t n1);

/** Images [n0, n1) of col2im: out zeroed, then each row's taps added back where they were read. */
void col2im(const float* cols, const Window& w, float* out, int64_t n0, int64_t n1);

/** Images [n0, n1) of a depthwise convolution (filter [kH, kW, C, M]): out zeroed, then each tap's x·f added. */
void depthwiseConv(const float* x, const float* f, const Window& w, int64_t M, float* out, int64_t n0, int64_t n1);

/** Images [n0, n1) of its adjoint in x: out zeroed, then Σ_m g·f added at each tap. */
void depthwiseConvGradInput(const float* g, const float* f, const Window& w, int64_t M, float* out, int64_t n0, int64_t n1);

/** Images [n0, n1) of its adjoint in the filter: out (the filter's size) zeroed, then x·g added. */
void depthwiseConvGradFilter(const float* x, const float* g, const Window& w, int64_t M, float* out, int64_t n0, int64_t n1);

/**
 * Images [n0, n1) of max pooling: each output the largest tap inside the image (a NaN wins, the
 * first of equals stays), `taps` the chosen tap's index ky·kW + kx (−1 where none is inside).
 */
void maxPool(const float* x, const Window& w, float* out, float* taps, int64_t n0, int64_t n1);

/** Images [n0, n1) of its gradient: out zeroed, then each g added at its window's chosen tap. */
void maxPoolGrad(const float* g, const float* taps, const Window& w, float* out, int64_t n0, int64_t n1);

}  // namespace neurite
