// Single-precision matrix products for the native backend: C[m×n] = op(A)·op(B) over row-major
// arrays, op transposing when its flag is set, overwriting C. BLIS's shape: B is packed into
// k-blocks of NR-wide strips and A into MR-tall strips, and a register-blocked micro-kernel
// multiplies one strip pair into an MR×NR tile of C kept in registers. Micro-kernels exist for
// AVX-512, AVX2 with FMA, and plain C++ (any CPU); the widest this CPU runs is chosen at load.
#pragma once
#include <cstddef>

namespace neurite {

enum class Isa { Generic = 0, Avx2 = 1, Avx512 = 2 };

/** The widest instruction set this CPU (and compiler) runs. */
Isa detectIsa();
const char* isaName(Isa isa);

/** Scratch one thread packs into: sized for the largest blocks of any ISA. */
struct PackBuffers {
  float* a = nullptr;
  float* b = nullptr;
  PackBuffers();
  ~PackBuffers();
  PackBuffers(const PackBuffers&) = delete;
  PackBuffers& operator=(const PackBuffers&) = delete;
};

/** Register-tile rows and columns of an ISA's micro-kernel (bands are split on multiples). */
int tileRows(Isa isa);
int tileCols(Isa isa);

/**
 * The block of C with rows [r0, r1) and columns [c0, c1): the whole product when r0 = c0 = 0,
 * r1 = m, c1 = n. Threads each take a block, with their own pack buffers. With `accumulate`,
 * C += op(A)·op(B) instead.
 */
void gemmBlock(Isa isa, const float* a, const float* b, float* c, int m, int n, int k, bool transA, bool transB,
               int r0, int r1, int c0, int c1, PackBuffers& pack, bool accumulate = false);

/** The ISA's k-block (KC) the product sums in: a product split along k at its multiples, accumulated in order, gives the same bits. */
int gemmBlockK(Isa isa);

}  // namespace neurite
