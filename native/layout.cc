// See layout.h.
#include "layout.h"

#include <cmath>
#include <cstring>

#include "clones.h"

namespace neurite {

int64_t badIndex(const float* indices, int64_t q, int64_t len) {
  for (int64_t i = 0; i < q; i++) {
    const float v = indices[i];
    // NaN fails both comparisons; a fraction is not its floor.
    if (!(v >= 0 && v < static_cast<float>(len)) || std::floor(v) != v) return i;
  }
  return -1;
}

int64_t badIndex(const int32_t* indices, int64_t q, int64_t len) {
  for (int64_t i = 0; i < q; i++)
    if (indices[i] < 0 || indices[i] >= len) return i;
  return -1;
}

template <typename I>
void gather(const float* x, int64_t outer, int64_t len, int64_t inner, const I* indices, int64_t q, float* out) {
  const size_t bytes = static_cast<size_t>(inner) * sizeof(float);
  for (int64_t o = 0; o < outer; o++)
    for (int64_t i = 0; i < q; i++) std::memcpy(out + (o * q + i) * inner, x + (o * len + static_cast<int64_t>(indices[i])) * inner, bytes);
}

namespace {
NEURITE_CLONES void addRow(float* __restrict dst, const float* __restrict src, int64_t n) {
  for (int64_t j = 0; j < n; j++) dst[j] += src[j];
}
}  // namespace

template <typename I>
void scatterAdd(const float* g, int64_t outer, int64_t len, int64_t inner, const I* indices, int64_t q, float* out) {
  std::memset(out, 0, static_cast<size_t>(outer * len * inner) * sizeof(float));
  for (int64_t o = 0; o < outer; o++)
    for (int64_t i = 0; i < q; i++) addRow(out + (o * len + static_cast<int64_t>(indices[i])) * inner, g + (o * q + i) * inner, inner);
}

template void gather<float>(const float*, int64_t, int64_t, int64_t, const float*, int64_t, float*);
template void gather<int32_t>(const float*, int64_t, int64_t, int64_t, const int32_t*, int64_t, float*);
template void scatterAdd<float>(const float*, int64_t, int64_t, int64_t, const float*, int64_t, float*);
template void scatterAdd<int32_t>(const float*, int64_t, int64_t, int64_t, const int32_t*, int64_t, float*);

}  // namespace neurite
