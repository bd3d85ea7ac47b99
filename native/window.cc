// See window.h.
#include "window.h"

#include "clones.h"

#include <algorithm>
#include <cstring>
#include <limits>

namespace neurite {

namespace {

/**
 * For images [n0, n1), each output pixel's taps inside the image, in the reference's order:
 * tap(o, pixel, t) with o the pixel's first output value, pixel the tap's first input value,
 * t = ky·kW + kx.
 */
template <typename Tap>
void eachTap(const Window& w, int64_t outChannels, int64_t n0, int64_t n1, Tap tap) {
  const int64_t C = w.channels;
  for (int64_t n = n0; n < n1; n++) {
    const int64_t image = n * w.inH * w.inW * C;
    int64_t o = n * w.outH * w.outW * outChannels;
    for (int64_t oy = 0; oy < w.outH; oy++) {
      for (int64_t ox = 0; ox < w.outW; ox++, o += outChannels) {
        for (int64_t ky = 0; ky < w.kH; ky++) {
          const int64_t iy = oy * w.strideH - w.padTop + ky * w.dilationH;
          if (iy < 0 || iy >= w.inH) continue;
          for (int64_t kx = 0; kx < w.kW; kx++) {
            const int64_t ix = ox * w.strideW - w.padLeft + kx * w.dilationW;
            if (ix >= 0 && ix < w.inW) tap(o, image + (iy * w.inW + ix) * C, ky * w.kW + kx);
          }
        }
      }
    }
  }
}

/** acc[c] += a[c]·b[c] for c < C: one vectorized loop per instruction set. */
NEURITE_CLONES void macRow(float* __restrict acc, const float* __restrict a, const float* __restrict b, int64_t C) {
  for (int64_t c = 0; c < C; c++) acc[c] += a[c] * b[c];
}

/**
 * One tap of max pooling over C channels, without branches (so it vectorizes): where the tap's
 * value wins the reference's test — larger, or a NaN over a number, or the first tap inside —
 * it becomes the best, and t its tap.
 */
NEURITE_CLONES void maxRow(float* __restrict best, float* __restrict taps, const float* __restrict v, float t, int64_t C) {
  for (int64_t c = 0; c < C; c++) {
    const float value = v[c], b = best[c], k = taps[c];
    const bool take = (value > b) | ((value != value) & (b == b)) | (k == -1.0f);
    best[c] = take ? value : b;
    taps[c] = take ? t : k;
  }
}

}  // namespace

void depthwiseConv(const float* x, const float* f, const Window& w, int64_t M, float* out, int64_t n0, int64_t n1) {
  const int64_t C = w.channels, CM = C * M;
  std::fill(out + n0 * w.outH * w.outW * CM, out + n1 * w.outH * w.outW * CM, 0.0f);
  eachTap(w, CM, n0, n1, [&](int64_t o, int64_t src, int64_t t) {
    if (M == 1) return macRow(out + o, x + src, f + t * CM, C);
    for (int64_t c = 0; c < C; c++)
      for (int64_t m = 0; m < M; m++) out[o + c * M + m] += x[src + c] * f[t * CM + c * M + m];
  });
}

void depthwiseConvGradInput(const float* g, const float* f, const Window& w, int64_t M, float* out, int64_t n0, int64_t n1) {
  const int64_t C = w.channels, CM = C * M, image = w.inH * w.inW * C;
  std::fill(out + n0 * image, out + n1 * image, 0.0f);
  eachTap(w, CM, n0, n1, [&](int64_t o, int64_t src, int64_t t) {
    if (M == 1) return macRow(out + src, g + o, f + t * CM, C);
    for (int64_t c = 0; c < C; c++) {
      float s = 0;
      for (int64_t m = 0; m < M; m++) s += g[o + c * M + m] * f[t * CM + c * M + m];
      out[src + c] += s;
    }
  });
}

void depthwiseConvGradFilter(const float* x, const float* g, const Window& w, int64_t M, float* out, int64_t n0, int64_t n1) {
  const int64_t C = w.channels, CM = C * M;
  std::fill(out, out + w.kH * w.kW * CM, 0.0f);
  eachTap(w, CM, n0, n1, [&](int64_t o, int64_t src, int64_t t) {
    if (M == 1) return macRow(out + t * CM, x + src, g + o, C);
    for (int64_t c = 0; c < C; c++)
      for (int64_t m = 0; m < M; m++) out[t * CM + c * M + m] += x[src + c] * g[o + c * M + m];
  });
}

void maxPool(const float* x, const Window& w, float* out, float* taps, int64_t n0, int64_t n1) {
  const int64_t C = w.channels;
  const int64_t begin = n0 * w.outH * w.outW * C, end = n1 * w.outH * w.outW * C;
  std::fill(out + begin, out + end, -std::numeric_limits<float>::infinity());
  std::fill(taps + begin, taps + end, -1.0f);
  eachTap(w, C, n0, n1, [&](int64_t o, int64_t src, int64_t t) {
    maxRow(out + o, taps + o, x + src, static_cast<float>(t), C);
  });
}

void maxPoolGrad(const float* g, const float* taps, const Window& w, float* out, int64_t n0, int64_t n1) {
  const int64_t C = w.channels, image = w.inH * w.inW * C;
  std::fill(out + n0 * image, out + n1 * image, 0.0f);
  for (int64_t n = n0; n < n1; n++) {
    float* dst = out + n * image;
    int64_t o = n * w.outH * w.outW * C;
    for (int64_t oy = 0; oy < w.outH; oy++) {
      for (int64_t ox = 0; ox < w.outW; ox++, o += C) {
        for (int64_t c = 0; c < C; c++) {
          const int64_t t = static_cast<int64_t>(taps[o + c]);
          if (t < 0) continue;
          const int64_t ky = t / w.kW;
          const int64_t iy = oy * w.strideH - w.padTop + ky * w.dilationH;
          const int64_t ix = ox * w.strideW - w.padLeft + (t - ky * w.kW) * w.dilationW;
          dst[(iy * w.inW + ix) * C + c] += g[o + c];
        }
      }
    }
  }
}

void im2col(const float* x, const Window& w, float fill, float* out, int64_t n0, int64_t n1) {
  const int64_t C = w.channels, taps = w.kH * w.kW * C, per = w.outH * w.outW;
  float* rows = out + n0 * per * taps;
  eachWindow(x, w, n0 * per, (n1 - n0) * per, [&](int64_t r, int64_t t, const float* pixel) {
    float* row = rows + r * taps + t * C;
    if (pixel == nullptr) std::fill(row, row + C, fill);
    else std::memcpy(row, pixel, sizeof(float) * static_cast<size_t>(C));
  });
}

void col2im(const float* cols, const Window& w, float* out, int64_t n0, int64_t n1) {
  const int64_t C = w.channels;
  const int64_t image = w.inH * w.inW * C;
  std::fill(out + n0 * image, out + n1 * image, 0.0f);
  const int64_t taps = w.kH * w.kW * C, per = w.outH * w.outW;
  const float* rows = cols + n0 * per * taps;
  eachWindow(out, w, n0 * per, (n1 - n0) * per, [&](int64_t r, int64_t t, float* pixel) {
    if (pixel == nullptr) return;
    const float* row = rows + r * taps + t * C;
    for (int64_t c = 0; c < C; c++) pixel[c] += row[c];
  });
}

}  // namespace neurite
