// See window.h.
#include "window.h"

#include <algorithm>
#include <cstring>

namespace neurite {

void im2col(const float* x, const Window& w, float fill, float* out, int64_t n0, int64_t n1) {
  const int64_t C = w.channels;
  const int64_t row = w.kH * w.kW * C;
  for (int64_t n = n0; n < n1; n++) {
    const float* image = x + n * w.inH * w.inW * C;
    float* o = out + n * w.outH * w.outW * row;
    for (int64_t oy = 0; oy < w.outH; oy++) {
      for (int64_t ox = 0; ox < w.outW; ox++) {
        for (int64_t ky = 0; ky < w.kH; ky++) {
          const int64_t iy = oy * w.strideH - w.padTop + ky * w.dilationH;
          for (int64_t kx = 0; kx < w.kW; kx++) {
            const int64_t ix = ox * w.strideW - w.padLeft + kx * w.dilationW;
            if (iy < 0 || iy >= w.inH || ix < 0 || ix >= w.inW) std::fill(o, o + C, fill);
            else std::memcpy(o, image + (iy * w.inW + ix) * C, sizeof(float) * C);
            o += C;
          }
        }
      }
    }
  }
}

void col2im(const float* cols, const Window& w, float* out, int64_t n0, int64_t n1) {
  const int64_t C = w.channels;
  const int64_t row = w.kH * w.kW * C;
  for (int64_t n = n0; n < n1; n++) {
    float* image = out + n * w.inH * w.inW * C;
    std::fill(image, image + w.inH * w.inW * C, 0.0f);
    const float* o = cols + n * w.outH * w.outW * row;
    for (int64_t oy = 0; oy < w.outH; oy++) {
      for (int64_t ox = 0; ox < w.outW; ox++) {
        for (int64_t ky = 0; ky < w.kH; ky++) {
          const int64_t iy = oy * w.strideH - w.padTop + ky * w.dilationH;
          for (int64_t kx = 0; kx < w.kW; kx++) {
            const int64_t ix = ox * w.strideW - w.padLeft + kx * w.dilationW;
            if (iy >= 0 && iy < w.inH && ix >= 0 && ix < w.inW) {
              float* dst = image + (iy * w.inW + ix) * C;
              for (int64_t c = 0; c < C; c++) dst[c] += o[c];
            }
            o += C;
          }
        }
      }
    }
  }
}

}  // namespace neurite
