// See conv.h.
#include "conv.h"

#include <algorithm>
#include <cstring>
#include <vector>

namespace neurite {

namespace {

/** Rows gathered at a time for the forward and the input gradient (the filter gradient gathers the GEMM's KC). */
constexpr int64_t ROWS = 192;

int64_t tapsOf(const Window& w) { return w.kH * w.kW * w.channels; }

/** One of a thread's two buffers (`which` 0 or 1), of at least rows × width values. */
float* scratch(int which, int64_t rows, int64_t width) {
  thread_local std::vector<float> buffers[2];
  std::vector<float>& buffer = buffers[which];
  const size_t need = static_cast<size_t>(rows * width);
  if (buffer.size() < need) buffer.resize(need);
  return buffer.data();
}

/**
 * Columns [c0, c1) of im2col's rows [r0, r0 + count) into dst [count × (c1 − c0)] (zeros outside
 * the image): the whole rows by default.
 */
void gather(const float* x, const Window& w, int64_t r0, int64_t count, float* dst, int64_t c0 = 0, int64_t c1 = -1) {
  const int64_t C = w.channels;
  if (c1 < 0) c1 = tapsOf(w);
  const int64_t width = c1 - c0;
  eachWindow(x, w, r0, count, [&](int64_t r, int64_t t, const float* pixel) {
    // This tap's channels are columns [t·C, t·C + C); keep those inside [c0, c1).
    const int64_t lo = std::max(c0, t * C), hi = std::min(c1, t * C + C);
    if (lo >= hi) return;
    float* row = dst + r * width + (lo - c0);
    if (pixel == nullptr) std::fill(row, row + (hi - lo), 0.0f);
    else std::memcpy(row, pixel + (lo - t * C), sizeof(float) * static_cast<size_t>(hi - lo));
  });
}

/** col2im of rows [r0, r0 + count) held in src [count × taps], added into the image in col2im's order. */
void scatter(const float* src, const Window& w, int64_t r0, int64_t count, float* out) {
  const int64_t C = w.channels, taps = tapsOf(w);
  eachWindow(out, w, r0, count, [&](int64_t r, int64_t t, float* pixel) {
    if (pixel == nullptr) return;
    const float* row = src + r * taps + t * C;
    for (int64_t c = 0; c < C; c++) pixel[c] += row[c];
  });
}

}  // namespace

void convForward(Isa isa, const float* x, const Window& w, const float* b, float* out, int n, int64_t r0, int64_t r1, PackBuffers& pack) {
  const int64_t taps = tapsOf(w);
  float* cols = scratch(0, ROWS, taps);
  for (int64_t s = r0; s < r1; s += ROWS) {
    const int64_t rows = std::min(ROWS, r1 - s);
    gather(x, w, s, rows, cols);
    gemmBlock(isa, cols, b, out + s * n, static_cast<int>(rows), n, static_cast<int>(taps), false, false, 0, static_cast<int>(rows), 0, n, pack);
  }
}

void convGradFilter(Isa isa, const float* x, const Window& w, const float* g, float* out, int n, int t0, int t1, PackBuffers& pack) {
  const int64_t taps = tapsOf(w), rows = w.batch * w.outH * w.outW, K = gemmBlockK(isa);
  if (rows == 0) {
    std::fill(out + static_cast<int64_t>(t0) * n, out + static_cast<int64_t>(t1) * n, 0.0f);
    return;
  }
  // Computed as its transpose gᵀ·cols [n × taps], one k-block (of the unfused product's rows)
  // at a time, accumulated in its order: the same products and sums per entry (a·b = b·a), but
  // A is the narrow gᵀ and the gathered windows are read in place as B. Each thread gathers only
  // its own taps' columns.
  const int width = t1 - t0;
  float* cols = scratch(0, K, width);
  float* transposed = scratch(1, n, width);
  for (int64_t s = 0; s < rows; s += K) {
    const int64_t kc = std::min(K, rows - s);
    gather(x, w, s, kc, cols, t0, t1);
    gemmBlock(isa, g + s * n, cols, transposed, n, width, static_cast<int>(kc), true, false, 0, n, 0, width, pack, s > 0);
  }
  for (int64_t t = 0; t < width; t++)
    for (int64_t f = 0; f < n; f++) out[(t0 + t) * n + f] = transposed[f * width + t];
}

void convGradInput(Isa isa, const float* g, const float* b, const Window& w, float* out, int n, int64_t i0, int64_t i1, PackBuffers& pack) {
  const int64_t taps = tapsOf(w), per = w.outH * w.outW, image = w.inH * w.inW * w.channels;
  std::fill(out + i0 * image, out + i1 * image, 0.0f);
  float* cols = scratch(0, ROWS, taps);
  for (int64_t s = i0 * per; s < i1 * per; s += ROWS) {
    const int64_t rows = std::min(ROWS, i1 * per - s);
    gemmBlock(isa, g + s * n, b, cols, static_cast<int>(rows), static_cast<int>(taps), n, false, true, 0, static_cast<int>(rows), 0, static_cast<int>(taps), pack);
    scatter(cols, w, s, rows, out);
  }
}

}  // namespace neurite
