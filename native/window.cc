// See window.h.
#include "window.h"

#include <algorithm>
#include <cstring>

namespace neurite {

namespace {

/**
 * The reference's walk over images [n0, n1): for each output position and tap, in order, calls
 * tap(row, pixel) with the tap's C values in the im2col row and the image pixel it reads, or
 * nullptr where the tap falls outside the image.
 */
template <typename Image, typename Row, typename Tap>
void walkTaps(Image* images, Row* rows, const Window& w, int64_t n0, int64_t n1, Tap tap) {
  const int64_t C = w.channels;
  for (int64_t n = n0; n < n1; n++) {
    Image* image = images + n * w.inH * w.inW * C;
    Row* o = rows + n * w.outH * w.outW * w.kH * w.kW * C;
    for (int64_t oy = 0; oy < w.outH; oy++) {
      for (int64_t ox = 0; ox < w.outW; ox++) {
        for (int64_t ky = 0; ky < w.kH; ky++) {
          const int64_t iy = oy * w.strideH - w.padTop + ky * w.dilationH;
          for (int64_t kx = 0; kx < w.kW; kx++) {
            const int64_t ix = ox * w.strideW - w.padLeft + kx * w.dilationW;
            const bool inside = iy >= 0 && iy < w.inH && ix >= 0 && ix < w.inW;
            tap(o, inside ? image + (iy * w.inW + ix) * C : nullptr);
            o += C;
          }
        }
      }
    }
  }
}

}  // namespace

void im2col(const float* x, const Window& w, float fill, float* out, int64_t n0, int64_t n1) {
  const size_t C = static_cast<size_t>(w.channels);
  walkTaps(x, out, w, n0, n1, [&](float* row, const float* pixel) {
    if (pixel == nullptr) std::fill(row, row + C, fill);
    else std::memcpy(row, pixel, sizeof(float) * C);
  });
}

void col2im(const float* cols, const Window& w, float* out, int64_t n0, int64_t n1) {
  const int64_t C = w.channels;
  const int64_t image = w.inH * w.inW * C;
  std::fill(out + n0 * image, out + n1 * image, 0.0f);
  walkTaps(out, cols, w, n0, n1, [&](const float* row, float* pixel) {
    if (pixel != nullptr)
      for (int64_t c = 0; c < C; c++) pixel[c] += row[c];
  });
}

}  // namespace neurite
