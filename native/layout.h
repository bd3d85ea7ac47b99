// Gathering and scattering rows for the native backend (an embedding's lookup and its gradient),
// the reference kernels' results (src/backends/js/layout.ts): copies, and sums in the order the
// reference adds (each index's rows in turn, in float32).
#pragma once
#include <cstdint>

namespace neurite {

/**
 * The first position whose index is not an integer in [0, len), or −1 when all are. Indices in
 * a float buffer are a tensor's values; in an int32 one, already integers.
 */
int64_t badIndex(const float* indices, int64_t q, int64_t len);
int64_t badIndex(const int32_t* indices, int64_t q, int64_t len);

/** out [outer, q, inner] = x [outer, len, inner] at indices along the middle axis (indices checked first). */
template <typename I>
void gather(const float* x, int64_t outer, int64_t len, int64_t inner, const I* indices, int64_t q, float* out);

/** out [outer, len, inner] = 0, then out[o, indices[i]] += g[o, i] for each i in order. */
template <typename I>
void scatterAdd(const float* g, int64_t outer, int64_t len, int64_t inner, const I* indices, int64_t q, float* out);

}  // namespace neurite
