// Convolution as a product without its im2col matrix: the three products of a convolution
// (forward, filter gradient, input gradient) over blocks of windows gathered into a small
// per-thread buffer, so the windows of a whole batch are never written out. Each gives the bits
// of the unfused pair (im2col then gemmBlock, or gemmBlock then col2im) on the same ISA: blocks
// of rows keep the product's k blocking, and col2im's sums keep their order.
#pragma once
#include <cstdint>

#include "gemm.h"
#include "window.h"

namespace neurite {

/** Rows [r0, r1) of out [rows×n] = im2col(x)·b, b [taps×n]. */
void convForward(Isa isa, const float* x, const Window& w, const float* b, float* out, int n, int64_t r0, int64_t r1, PackBuffers& pack);

/** Rows [t0, t1) of out [taps×n] = im2col(x)ᵀ·g, g [rows×n]. */
void convGradFilter(Isa isa, const float* x, const Window& w, const float* g, float* out, int n, int t0, int t1, PackBuffers& pack);

/** Images [i0, i1) of out = col2im(g·bᵀ), g [rows×n], b [taps×n]: out zeroed there first. */
void convGradInput(Isa isa, const float* g, const float* b, const Window& w, float* out, int n, int64_t i0, int64_t i1, PackBuffers& pack);

}  // namespace neurite
