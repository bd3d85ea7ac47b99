// See arith.h. Each loop is specialized for its op and layout, so the compiler vectorizes it;
// target_clones builds it for AVX-512, AVX2 and the baseline.
#include "arith.h"

#include <cmath>

#include "clones.h"

namespace neurite {

namespace {

template <Binary Op>
NEURITE_INLINE float apply(float x, float y) {
  switch (Op) {
    case Binary::Add: return x + y;
    case Binary::Sub: return x - y;
    case Binary::Mul: return x * y;
    case Binary::Div: return x / y;
    case Binary::Greater: return x > y ? 1.0f : 0.0f;
    case Binary::GreaterEqual: return x >= y ? 1.0f : 0.0f;
    case Binary::Less: return x < y ? 1.0f : 0.0f;
    case Binary::LessEqual: return x <= y ? 1.0f : 0.0f;
    case Binary::Equal: return x == y ? 1.0f : 0.0f;
    default: return x != y ? 1.0f : 0.0f;
  }
}

// out[i] = a[i] op b[i] over len values; a (or b) one value where AStep (BStep) is false.
// out may be a or b (a step's buffers reused in place), so no pointer here is restrict.
template <Binary Op, bool AStep, bool BStep>
NEURITE_INLINE void run(const float* a, const float* b, float* out, int64_t len) {
  const float a0 = a[0], b0 = b[0];
  for (int64_t i = 0; i < len; i++) out[i] = apply<Op>(AStep ? a[i] : a0, BStep ? b[i] : b0);
}

template <Binary Op>
NEURITE_INLINE void binaryOf(int layout, const float* a, const float* b, float* out, int64_t n, int64_t r0, int64_t r1) {
  switch (layout) {
    case 0: run<Op, true, true>(a + r0, b + r0, out + r0, r1 - r0); return;
    case 1: run<Op, true, false>(a + r0, b, out + r0, r1 - r0); return;
    case 2: run<Op, false, true>(a, b + r0, out + r0, r1 - r0); return;
    default: break;
  }
  for (int64_t r = r0; r < r1; r++) {
    const int64_t off = r * n;
    if (layout == 3) run<Op, true, true>(a + off, b, out + off, n);
    else if (layout == 4) run<Op, true, true>(a, b + off, out + off, n);
    else if (layout == 5) run<Op, true, false>(a + off, b + r, out + off, n);
    else run<Op, false, true>(a + r, b + off, out + off, n);
  }
}

// NaN wins; otherwise the later value replaces the kept one only when strictly better.
template <Reduce Op>
NEURITE_INLINE float combine(float acc, float v) {
  if (Op == Reduce::Max) return v > acc || v != v ? v : acc;
  return v < acc || v != v ? v : acc;
}

template <Reduce Op>
NEURITE_INLINE void reduceOf(const float* __restrict x, float* __restrict out, int64_t len, int64_t inner, int64_t o0, int64_t o1, int64_t j0, int64_t j1) {
  const float init = Op == Reduce::Sum ? 0.0f : Op == Reduce::Max ? -INFINITY : INFINITY;
  if (inner == 1) {
    for (int64_t o = o0; o < o1; o++) {
      const float* row = x + o * len;
      if (Op == Reduce::Sum) {
        double acc = 0;
        for (int64_t j = 0; j < len; j++) acc += row[j];
        out[o] = static_cast<float>(acc);
      } else {
        float acc = init;
        for (int64_t j = 0; j < len; j++) acc = combine<Op>(acc, row[j]);
        out[o] = acc;
      }
    }
    return;
  }
  for (int64_t o = o0; o < o1; o++) {
    float* __restrict dst = out + o * inner;
    for (int64_t j = j0; j < j1; j++) dst[j] = init;
    for (int64_t r = 0; r < len; r++) {
      const float* __restrict src = x + (o * len + r) * inner;
      if (Op == Reduce::Sum) {
        for (int64_t j = j0; j < j1; j++) dst[j] += src[j];
      } else {
        for (int64_t j = j0; j < j1; j++) dst[j] = combine<Op>(dst[j], src[j]);
      }
    }
  }
}

template <int Layout>
NEURITE_INLINE void selectOf(const float* cond, const float* a, const float* b, float* out, int64_t lo, int64_t hi) {
  const float a0 = a[0], b0 = b[0];
  for (int64_t i = lo; i < hi; i++) out[i] = cond[i] != 0 ? (Layout == 2 ? a0 : a[i]) : (Layout == 1 ? b0 : b[i]);
}

}  // namespace

NEURITE_CLONES void binary(Binary op, int layout, const float* a, const float* b, float* out, int64_t n, int64_t r0, int64_t r1) {
  switch (op) {
    case Binary::Add: binaryOf<Binary::Add>(layout, a, b, out, n, r0, r1); break;
    case Binary::Sub: binaryOf<Binary::Sub>(layout, a, b, out, n, r0, r1); break;
    case Binary::Mul: binaryOf<Binary::Mul>(layout, a, b, out, n, r0, r1); break;
    case Binary::Div: binaryOf<Binary::Div>(layout, a, b, out, n, r0, r1); break;
    case Binary::Greater: binaryOf<Binary::Greater>(layout, a, b, out, n, r0, r1); break;
    case Binary::GreaterEqual: binaryOf<Binary::GreaterEqual>(layout, a, b, out, n, r0, r1); break;
    case Binary::Less: binaryOf<Binary::Less>(layout, a, b, out, n, r0, r1); break;
    case Binary::LessEqual: binaryOf<Binary::LessEqual>(layout, a, b, out, n, r0, r1); break;
    case Binary::Equal: binaryOf<Binary::Equal>(layout, a, b, out, n, r0, r1); break;
    case Binary::NotEqual: binaryOf<Binary::NotEqual>(layout, a, b, out, n, r0, r1); break;
  }
}

NEURITE_CLONES void select(const float* cond, const float* a, const float* b, float* out, int layout, int64_t lo, int64_t hi) {
  if (layout == 1) selectOf<1>(cond, a, b, out, lo, hi);
  else if (layout == 2) selectOf<2>(cond, a, b, out, lo, hi);
  else selectOf<0>(cond, a, b, out, lo, hi);
}

NEURITE_CLONES void reduce(Reduce op, const float* x, float* out, int64_t len, int64_t inner, int64_t o0, int64_t o1, int64_t j0, int64_t j1) {
  if (op == Reduce::Sum) reduceOf<Reduce::Sum>(x, out, len, inner, o0, o1, j0, j1);
  else if (op == Reduce::Max) reduceOf<Reduce::Max>(x, out, len, inner, o0, o1, j0, j1);
  else reduceOf<Reduce::Min>(x, out, len, inner, o0, o1, j0, j1);
}

}  // namespace neurite
