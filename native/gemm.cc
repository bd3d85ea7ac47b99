// The packed, register-blocked product (see gemm.h). Each micro-kernel computes an MR×NR tile
// as MR broadcasts of A times NR/vector-width loads of B per step of k, accumulating in
// registers: 12×32 on AVX-512 (24 accumulators of 32 registers), 6×16 on AVX2 (12 of 16), 4×8
// in plain C++. The sum over k runs in the same order whatever the thread split (k is blocked
// by the ISA's KC alone), so one and several threads give the same bits on one ISA.
#include "gemm.h"

#include <algorithm>
#include <cstdlib>
#include <cstring>

#if defined(__x86_64__) || defined(_M_X64)
#define NEURITE_X86 1
#include <immintrin.h>
#endif

namespace neurite {

namespace {

// Blocks: a KC×NR strip of B stays in L1 while the MR-tall strips of an MC×KC block of A
// stream from L2; the KC×NC panel of B sits in L2/L3. KC and MC are the ISA's (see shapeOf).
constexpr int NC = 2048;  // a multiple of every NR (32, 16, 8)
constexpr int MAX_MR = 12;
constexpr int MAX_NR = 32;
constexpr int MAX_KC = 512;
constexpr int MAX_MC = 192;

#ifdef NEURITE_X86
/** Columns 0–7 of 8 rows (src, rows ld apart) stored as 8 rows of 8 at dst (rows ldd apart): an 8×8 register transpose. */
__attribute__((target("avx2"))) inline void transpose8(const float* src, size_t ld, float* dst, size_t ldd) {
  __m256 r[8];
  for (int i = 0; i < 8; i++) r[i] = _mm256_loadu_ps(src + i * ld);
  const __m256 t0 = _mm256_unpacklo_ps(r[0], r[1]), t1 = _mm256_unpackhi_ps(r[0], r[1]);
  const __m256 t2 = _mm256_unpacklo_ps(r[2], r[3]), t3 = _mm256_unpackhi_ps(r[2], r[3]);
  const __m256 t4 = _mm256_unpacklo_ps(r[4], r[5]), t5 = _mm256_unpackhi_ps(r[4], r[5]);
  const __m256 t6 = _mm256_unpacklo_ps(r[6], r[7]), t7 = _mm256_unpackhi_ps(r[6], r[7]);
  // s_j: columns j (low lane) and j + 4 (high lane) of rows 0–3 (j < 4) or 4–7.
  const __m256 s0 = _mm256_shuffle_ps(t0, t2, 0x44), s1 = _mm256_shuffle_ps(t0, t2, 0xEE);
  const __m256 s2 = _mm256_shuffle_ps(t1, t3, 0x44), s3 = _mm256_shuffle_ps(t1, t3, 0xEE);
  const __m256 s4 = _mm256_shuffle_ps(t4, t6, 0x44), s5 = _mm256_shuffle_ps(t4, t6, 0xEE);
  const __m256 s6 = _mm256_shuffle_ps(t5, t7, 0x44), s7 = _mm256_shuffle_ps(t5, t7, 0xEE);
  _mm256_storeu_ps(dst, _mm256_permute2f128_ps(s0, s4, 0x20));
  _mm256_storeu_ps(dst + ldd, _mm256_permute2f128_ps(s1, s5, 0x20));
  _mm256_storeu_ps(dst + 2 * ldd, _mm256_permute2f128_ps(s2, s6, 0x20));
  _mm256_storeu_ps(dst + 3 * ldd, _mm256_permute2f128_ps(s3, s7, 0x20));
  _mm256_storeu_ps(dst + 4 * ldd, _mm256_permute2f128_ps(s0, s4, 0x31));
  _mm256_storeu_ps(dst + 5 * ldd, _mm256_permute2f128_ps(s1, s5, 0x31));
  _mm256_storeu_ps(dst + 6 * ldd, _mm256_permute2f128_ps(s2, s6, 0x31));
  _mm256_storeu_ps(dst + 7 * ldd, _mm256_permute2f128_ps(s3, s7, 0x31));
}

/**
 * One full 12-row strip of a row-major A (the AVX-512 kernel's MR), packed 8 steps of k at a
 * time: rows 0–7 by an 8×8 register transpose, rows 8–11 by a 4×8 one (a scalar copy writes
 * each value 48 bytes from the last). Only runs where the 12-row kernel does, so AVX2 is there.
 */
__attribute__((target("avx2"))) void packStrip12(const float* a, int k, int i0, int p0, int kc, float* dst) {
  int p = 0;
  for (; p + 8 <= kc; p += 8) {
    const float* src = a + static_cast<size_t>(i0) * k + p0 + p;
    float* d = dst + static_cast<size_t>(p) * 12;
    transpose8(src, k, d, 12);
    // Rows 8–11: v_j holds columns j and j + 4 of those four rows.
    const float* low = src + static_cast<size_t>(8) * k;
    const __m256 q0 = _mm256_loadu_ps(low), q1 = _mm256_loadu_ps(low + k), q2 = _mm256_loadu_ps(low + 2 * static_cast<size_t>(k)), q3 = _mm256_loadu_ps(low + 3 * static_cast<size_t>(k));
    const __m256 u0 = _mm256_unpacklo_ps(q0, q1), u1 = _mm256_unpackhi_ps(q0, q1), u2 = _mm256_unpacklo_ps(q2, q3), u3 = _mm256_unpackhi_ps(q2, q3);
    const __m256 v[4] = {_mm256_shuffle_ps(u0, u2, 0x44), _mm256_shuffle_ps(u0, u2, 0xEE), _mm256_shuffle_ps(u1, u3, 0x44), _mm256_shuffle_ps(u1, u3, 0xEE)};
    for (int j = 0; j < 8; j++) _mm_storeu_ps(d + j * 12 + 8, j < 4 ? _mm256_castps256_ps128(v[j]) : _mm256_extractf128_ps(v[j - 4], 1));
  }
  for (; p < kc; p++)
    for (int r = 0; r < 12; r++) dst[static_cast<size_t>(p) * 12 + r] = a[static_cast<size_t>(i0 + r) * k + p0 + p];
}

/** One full NR-wide strip (NR a multiple of 8) of Bᵀ stored n×k: 8 columns by 8 steps at a time, transposed in registers. */
__attribute__((target("avx2"))) void packStripT(const float* b, int k, int j0, int p0, int kc, int NR, float* dst) {
  int p = 0;
  for (; p + 8 <= kc; p += 8)
    for (int c = 0; c < NR; c += 8) transpose8(b + static_cast<size_t>(j0 + c) * k + p0 + p, k, dst + static_cast<size_t>(p) * NR + c, NR);
  for (; p < kc; p++)
    for (int c = 0; c < NR; c++) dst[static_cast<size_t>(p) * NR + c] = b[static_cast<size_t>(j0 + c) * k + p0 + p];
}
#endif

/** A(i0.., p0..) as MR-tall strips: pa[s·kc·MR + p·MR + r] = A(i0 + s·MR + r, p0 + p), zero past the edge. */
void packA(const float* a, int m, int k, bool trans, int i0, int mc, int p0, int kc, int MR, float* pa) {
  for (int s = 0; s < mc; s += MR) {
    const int rows = std::min(MR, mc - s);
    float* dst = pa + static_cast<size_t>(s) * kc;
    if (trans) {
      // a is k×m: each p holds the strip's rows side by side.
      for (int p = 0; p < kc; p++) {
        const float* src = a + static_cast<size_t>(p0 + p) * m + i0 + s;
        float* d = dst + static_cast<size_t>(p) * MR;
        for (int r = 0; r < rows; r++) d[r] = src[r];
        for (int r = rows; r < MR; r++) d[r] = 0.0f;
      }
    } else {
#ifdef NEURITE_X86
      if (MR == 12 && rows == 12) {
        packStrip12(a, k, i0 + s, p0, kc, dst);
        continue;
      }
#endif
      for (int r = 0; r < rows; r++) {
        const float* src = a + static_cast<size_t>(i0 + s + r) * k + p0;
        for (int p = 0; p < kc; p++) dst[static_cast<size_t>(p) * MR + r] = src[p];
      }
      for (int r = rows; r < MR; r++)
        for (int p = 0; p < kc; p++) dst[static_cast<size_t>(p) * MR + r] = 0.0f;
    }
  }
}

/** B(p0.., j0..) as NR-wide strips: pb[s·kc·NR + p·NR + c] = B(p0 + p, j0 + s·NR + c), zero past the edge. */
void packB(const float* b, int k, int n, bool trans, int p0, int kc, int j0, int nc, int NR, float* pb) {
  for (int s = 0; s < nc; s += NR) {
    const int cols = std::min(NR, nc - s);
    float* dst = pb + static_cast<size_t>(s) * kc;
    if (trans) {
      // b is n×k: each column of B is a contiguous row of b.
#ifdef NEURITE_X86
      if (NR >= 16 && cols == NR) {  // the AVX2 and AVX-512 kernels' strips (16, 32), so AVX2 is there
        packStripT(b, k, j0 + s, p0, kc, NR, dst);
        continue;
      }
#endif
      for (int c = 0; c < cols; c++) {
        const float* src = b + static_cast<size_t>(j0 + s + c) * k + p0;
        for (int p = 0; p < kc; p++) dst[static_cast<size_t>(p) * NR + c] = src[p];
      }
      for (int c = cols; c < NR; c++)
        for (int p = 0; p < kc; p++) dst[static_cast<size_t>(p) * NR + c] = 0.0f;
    } else {
      for (int p = 0; p < kc; p++) {
        const float* src = b + static_cast<size_t>(p0 + p) * n + j0 + s;
        float* d = dst + static_cast<size_t>(p) * NR;
        std::memcpy(d, src, sizeof(float) * cols);
        for (int c = cols; c < NR; c++) d[c] = 0.0f;
      }
    }
  }
}

/** Writes (or adds, when accumulating) the mr×nr corner of a full tile held in `tile`. */
inline void storeEdge(const float* tile, int NR, float* c, int ldc, bool accumulate, int mr, int nr) {
  for (int r = 0; r < mr; r++) {
    float* row = c + static_cast<size_t>(r) * ldc;
    const float* t = tile + r * NR;
    if (accumulate) for (int j = 0; j < nr; j++) row[j] += t[j];
    else for (int j = 0; j < nr; j++) row[j] = t[j];
  }
}

// Each kernel reads A either packed (Packed: strip-major, MR values per step of k) or where it
// lies, row r and step p at pa[r·rs + p·cs] (a product with few column strips would spend as
// long packing A as multiplying it); and B's NR values of step p at pb + p·bs (bs = NR packed,
// or B's row length where B is read in place).
template <bool Packed>
void kernelGeneric(int kc, const float* pa, int64_t rs, int64_t cs, const float* pb, int64_t bs, float* c, int ldc, bool accumulate, int mr, int nr) {
  constexpr int MR = 4, NR = 8;
  float acc[MR][NR] = {};
  for (int p = 0; p < kc; p++) {
    for (int r = 0; r < MR; r++) {
      const float x = Packed ? pa[r] : pa[r * rs];
      for (int j = 0; j < NR; j++) acc[r][j] += x * pb[j];
    }
    pa += Packed ? MR : cs;
    pb += bs;
  }
  storeEdge(&acc[0][0], NR, c, ldc, accumulate, mr, nr);
}

#ifdef NEURITE_X86
template <bool Packed>
__attribute__((target("avx2,fma"))) void kernelAvx2(int kc, const float* pa, int64_t rs, int64_t cs, const float* pb, int64_t bs, float* c, int ldc, bool accumulate, int mr, int nr) {
  constexpr int MR = 6, NR = 16;
  __m256 c0[MR], c1[MR];
  // Every loop over the tile's rows is unrolled so each accumulator is one register throughout
  // (a loop GCC keeps makes it hold the tile in memory too, storing it at every step of k).
#pragma GCC unroll 6
  for (int r = 0; r < MR; r++) c0[r] = c1[r] = _mm256_setzero_ps();
  for (int p = 0; p < kc; p++) {
    const __m256 b0 = _mm256_loadu_ps(pb), b1 = _mm256_loadu_ps(pb + 8);
#pragma GCC unroll 6
    for (int r = 0; r < MR; r++) {
      const __m256 x = _mm256_broadcast_ss(Packed ? pa + r : pa + r * rs);
      c0[r] = _mm256_fmadd_ps(x, b0, c0[r]);
      c1[r] = _mm256_fmadd_ps(x, b1, c1[r]);
    }
    pa += Packed ? MR : cs;
    pb += bs;
  }
  if (mr == MR && nr == NR) {
#pragma GCC unroll 6
    for (int r = 0; r < MR; r++) {
      float* row = c + static_cast<size_t>(r) * ldc;
      if (accumulate) {
        c0[r] = _mm256_add_ps(_mm256_loadu_ps(row), c0[r]);
        c1[r] = _mm256_add_ps(_mm256_loadu_ps(row + 8), c1[r]);
      }
      _mm256_storeu_ps(row, c0[r]);
      _mm256_storeu_ps(row + 8, c1[r]);
    }
    return;
  }
  // A partial tile: masked loads and stores touch only the mr×nr corner that exists.
  const __m256i lanes = _mm256_setr_epi32(0, 1, 2, 3, 4, 5, 6, 7);
  const __m256i m0 = _mm256_cmpgt_epi32(_mm256_set1_epi32(nr), lanes);
  const __m256i m1 = _mm256_cmpgt_epi32(_mm256_set1_epi32(nr - 8), lanes);
#pragma GCC unroll 6
  for (int r = 0; r < MR; r++) {
    if (r >= mr) break;
    float* row = c + static_cast<size_t>(r) * ldc;
    if (accumulate) {
      c0[r] = _mm256_add_ps(_mm256_maskload_ps(row, m0), c0[r]);
      c1[r] = _mm256_add_ps(_mm256_maskload_ps(row + 8, m1), c1[r]);
    }
    _mm256_maskstore_ps(row, m0, c0[r]);
    _mm256_maskstore_ps(row + 8, m1, c1[r]);
  }
}

template <bool Packed>
__attribute__((target("avx512f,fma"))) void kernelAvx512(int kc, const float* pa, int64_t rs, int64_t cs, const float* pb, int64_t bs, float* c, int ldc, bool accumulate, int mr, int nr) {
  constexpr int MR = 12, NR = 32;
  __m512 c0[MR], c1[MR];
#pragma GCC unroll 12
  for (int r = 0; r < MR; r++) c0[r] = c1[r] = _mm512_setzero_ps();
  for (int p = 0; p < kc; p++) {
    const __m512 b0 = _mm512_loadu_ps(pb), b1 = _mm512_loadu_ps(pb + 16);
#pragma GCC unroll 12
    for (int r = 0; r < MR; r++) {
      const __m512 x = _mm512_set1_ps(Packed ? pa[r] : pa[r * rs]);
      c0[r] = _mm512_fmadd_ps(x, b0, c0[r]);
      c1[r] = _mm512_fmadd_ps(x, b1, c1[r]);
    }
    pa += Packed ? MR : cs;
    pb += bs;
  }
  if (nr == NR) {
#pragma GCC unroll 12
    for (int r = 0; r < MR; r++) {
      if (r >= mr) break;
      float* row = c + static_cast<size_t>(r) * ldc;
      if (accumulate) {
        c0[r] = _mm512_add_ps(_mm512_loadu_ps(row), c0[r]);
        c1[r] = _mm512_add_ps(_mm512_loadu_ps(row + 16), c1[r]);
      }
      _mm512_storeu_ps(row, c0[r]);
      _mm512_storeu_ps(row + 16, c1[r]);
    }
    return;
  }
  // A partial tile: masked loads and stores touch only the nr columns that exist.
  const __mmask16 m0 = nr >= 16 ? static_cast<__mmask16>(0xFFFF) : static_cast<__mmask16>((1u << nr) - 1);
  const __mmask16 m1 = nr <= 16 ? static_cast<__mmask16>(0) : static_cast<__mmask16>((1u << (nr - 16)) - 1);
#pragma GCC unroll 12
  for (int r = 0; r < MR; r++) {
    if (r >= mr) break;
    float* row = c + static_cast<size_t>(r) * ldc;
    if (accumulate) {
      c0[r] = _mm512_add_ps(_mm512_maskz_loadu_ps(m0, row), c0[r]);
      c1[r] = _mm512_add_ps(_mm512_maskz_loadu_ps(m1, row + 16), c1[r]);
    }
    _mm512_mask_storeu_ps(row, m0, c0[r]);
    _mm512_mask_storeu_ps(row + 16, m1, c1[r]);
  }
}
#endif

using Kernel = void (*)(int, const float*, int64_t, int64_t, const float*, int64_t, float*, int, bool, int, int);

struct Shape {
  int MR, NR;
  /** The k-block and the rows of A per block (a multiple of MR). */
  int KC, MC;
  Kernel packed, direct;
};

// AVX2's k-block is twice AVX-512's: its 16-wide B strip of 512 steps is the 32 KB of L1 the
// 32-wide one of 256 is, and each tile of C is loaded and stored half as often. Measured on
// AMD Zen 3 against OpenBLAS in one process, calls interleaved (median of 25 rounds, 1 thread):
// 1024³ 0.65× → 0.79×, 512³ 0.68× → 0.80× of its speed with KC 256 and MC 192.
// AVX-512's row block is small: measured likewise on an Intel Xeon with AVX-512 (SkylakeX
// kernels, medians of 7–15 rounds), MC 192 → 48 took 1024³ from 0.85–0.89× to 0.98–0.99× of
// OpenBLAS's speed and 2048³ from 0.75× to 0.89× (96: 0.91–0.93×; KC 384 or 512: no better).
Shape shapeOf(Isa isa) {
#ifdef NEURITE_X86
  if (isa == Isa::Avx512) return {12, 32, 256, 48, kernelAvx512<true>, kernelAvx512<false>};
  if (isa == Isa::Avx2) return {6, 16, 512, 144, kernelAvx2<true>, kernelAvx2<false>};
#endif
  (void)isa;
  return {4, 8, 256, 192, kernelGeneric<true>, kernelGeneric<false>};
}

/** Column strips up to which A is read where it lies rather than packed. */
constexpr int DIRECT_MAX_STRIPS = 2;

#ifndef NEURITE_DIRECT_B_MAX_ROWS
#define NEURITE_DIRECT_B_MAX_ROWS 256
#endif
/** Rows of A (in a thread's block) up to which B is read where it lies rather than packed. */
constexpr int DIRECT_B_MAX_ROWS = NEURITE_DIRECT_B_MAX_ROWS;

}  // namespace

Isa detectIsa() {
#ifdef NEURITE_X86
  __builtin_cpu_init();
  if (__builtin_cpu_supports("avx512f")) return Isa::Avx512;
  if (__builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma")) return Isa::Avx2;
#endif
  return Isa::Generic;
}

const char* isaName(Isa isa) {
  return isa == Isa::Avx512 ? "avx512" : isa == Isa::Avx2 ? "avx2" : "generic";
}

int tileRows(Isa isa) { return shapeOf(isa).MR; }
int tileCols(Isa isa) { return shapeOf(isa).NR; }

PackBuffers::PackBuffers() {
  // One strip of padding past each block; 64-byte aligned for the kernels' aligned loads.
  a = static_cast<float*>(std::aligned_alloc(64, sizeof(float) * (MAX_MC + MAX_MR) * MAX_KC));
  b = static_cast<float*>(std::aligned_alloc(64, sizeof(float) * (NC + MAX_NR) * MAX_KC));
}

PackBuffers::~PackBuffers() {
  std::free(a);
  std::free(b);
}

int gemmBlockK(Isa isa) { return shapeOf(isa).KC; }

void gemmBlock(Isa isa, const float* a, const float* b, float* c, int m, int n, int k, bool transA, bool transB,
               int r0, int r1, int c0, int c1, PackBuffers& pack, bool accumulateInto) {
  if (r0 >= r1 || c0 >= c1) return;
  if (k == 0) {
    if (accumulateInto) return;
    for (int i = r0; i < r1; i++) std::fill(c + static_cast<size_t>(i) * n + c0, c + static_cast<size_t>(i) * n + c1, 0.0f);
    return;
  }
  const Shape s = shapeOf(isa);
  const int KC = s.KC, MC = s.MC;
  for (int jc = c0; jc < c1; jc += NC) {
    const int nc = std::min(NC, c1 - jc);
    for (int pc = 0; pc < k; pc += KC) {
      const int kc = std::min(KC, k - pc);
      // Packing B costs a copy of each value per block, paid back over the block's rows of A:
      // with few rows (a batch of 64 or 128 through a Dense layer) B's full strips are read in
      // place (a row of B per step), and only its last, partial strip is packed.
      const bool directB = !transB && r1 - r0 <= DIRECT_B_MAX_ROWS;
      if (!directB) packB(b, k, n, transB, pc, kc, jc, nc, s.NR, pack.b);
      else if (nc % s.NR != 0) packB(b, k, n, transB, pc, kc, jc + nc / s.NR * s.NR, nc % s.NR, s.NR, pack.b);
      const bool accumulate = accumulateInto || pc > 0;
      // A strip of A is packed once per block and used by every column strip: with only one or
      // two of those, the kernels read full strips of A in place (rows rs apart, steps cs). Not
      // for Aᵀ: its strips' rows lie side by side and each step is a row of A apart, which
      // measured slower in place than packed (a convolution's filter gradient, 288×36864·32).
      const bool direct = !transA && (nc + s.NR - 1) / s.NR <= DIRECT_MAX_STRIPS;
      const int64_t rs = transA ? 1 : k, cs = transA ? m : 1;
      for (int ic = r0; ic < r1; ic += MC) {
        const int mc = std::min(MC, r1 - ic);
        if (!direct) packA(a, m, k, transA, ic, mc, pc, kc, s.MR, pack.a);
        for (int jr = 0; jr < nc; jr += s.NR) {
          const int nr = std::min(s.NR, nc - jr);
          const bool inPlace = directB && nr == s.NR;
          const float* pb = inPlace ? b + static_cast<size_t>(pc) * n + jc + jr : directB ? pack.b : pack.b + static_cast<size_t>(jr) * kc;
          const int64_t bs = inPlace ? n : s.NR;
          for (int ir = 0; ir < mc; ir += s.MR) {
            const int mr = std::min(s.MR, mc - ir);
            float* tile = c + static_cast<size_t>(ic + ir) * n + jc + jr;
            if (!direct) {
              s.packed(kc, pack.a + static_cast<size_t>(ir) * kc, 1, s.MR, pb, bs, tile, n, accumulate, mr, nr);
            } else if (mr == s.MR) {
              const float* at = transA ? a + static_cast<size_t>(pc) * m + ic + ir : a + static_cast<size_t>(ic + ir) * k + pc;
              s.direct(kc, at, rs, cs, pb, bs, tile, n, accumulate, mr, nr);
            } else {
              // The last, partial strip: packed (zero rows past the edge), never read past A.
              packA(a, m, k, transA, ic + ir, mr, pc, kc, s.MR, pack.a);
              s.packed(kc, pack.a, 1, s.MR, pb, bs, tile, n, accumulate, mr, nr);
            }
          }
        }
      }
    }
  }
}

}  // namespace neurite
