// See elementwise.h. exp, sigmoid and tanh have their own exp, written so the compiler
// vectorizes it (no branches, no calls; target_clones builds it for AVX-512 and AVX2): accurate
// to ~1e-14 relative, far inside float32's rounding, and exact where float32 saturates.
#include "elementwise.h"

#include <algorithm>
#include <cmath>
#include <cstring>

#include "clones.h"

namespace neurite {

namespace {

inline int64_t bitsOf(double v) {
  int64_t b;
  std::memcpy(&b, &v, sizeof b);
  return b;
}

inline double fromBits(int64_t b) {
  double v;
  std::memcpy(&v, &b, sizeof v);
  return v;
}

/**
 * e^x for the float32 results here: x clamped to [−110, 89] (beyond, float32 has 0 and ∞
 * already), x = n·ln 2 + r with |r| ≤ ln 2 / 2 (Cody–Waite: ln 2 in two parts), e^r by its
 * Taylor series to r¹¹ (error < 1e-14 relative), times 2ⁿ built in the exponent bits. NaN
 * passes through the clamps and the polynomial.
 */
inline double fastExp(double x) {
  constexpr double MAGIC = 6755399441055744.0;  // 1.5·2⁵²: adding it rounds to an integer
  constexpr double LOG2E = 1.4426950408889634;
  constexpr double LN2_HI = 0.6931471803691238, LN2_LO = 1.9082149292705877e-10;
  x = x < -110.0 ? -110.0 : x;
  x = x > 89.0 ? 89.0 : x;
  const double t = x * LOG2E + MAGIC;
  const double n = t - MAGIC;
  const double r = (x - n * LN2_HI) - n * LN2_LO;
  double p = 1.0 / 39916800;
  p = p * r + 1.0 / 3628800;
  p = p * r + 1.0 / 362880;
  p = p * r + 1.0 / 40320;
  p = p * r + 1.0 / 5040;
  p = p * r + 1.0 / 720;
  p = p * r + 1.0 / 120;
  p = p * r + 1.0 / 24;
  p = p * r + 1.0 / 6;
  p = p * r + 0.5;
  p = p * r + 1.0;
  p = p * r + 1.0;
  const int64_t e = bitsOf(t) - bitsOf(MAGIC);  // n as an integer
  return p * fromBits((e + 1023) << 52);
}

/** Logistic from e^−|x| (never the exp of a large positive number), as the reference's two branches. */
inline double sigmoid(double x) {
  const double e = fastExp(-std::fabs(x));
  const double s = 1 / (1 + e);
  return x >= 0 ? s : e * s;
}

/**
 * tanh |x| = m / (m + 2) with m = e^{2|x|} − 1: from its Taylor series (Horner, exact in
 * relative terms as x → 0) below 2|x| = 1.1, from fastExp above; 1 beyond |x| = 20; the sign of
 * x (−0 stays −0).
 */
inline double tanhOf(double x) {
  const double y = 2 * std::fabs(x);
  double m = 1 + y * (1.0 / 14);
#pragma GCC unroll 12
  for (int k = 13; k >= 2; k--) m = 1 + y * (1.0 / k) * m;
  m = y * m;
  const double big = fastExp(y > 40 ? 40 : y) - 1;
  const double em1 = y < 1.1 ? m : big;
  return std::copysign(em1 / (em1 + 2), x);
}

NEURITE_CLONES void expLoop(const float* __restrict x, float* __restrict out, int64_t n) {
  for (int64_t i = 0; i < n; i++) out[i] = static_cast<float>(fastExp(x[i]));
}
NEURITE_CLONES void sigmoidLoop(const float* __restrict x, float* __restrict out, int64_t n) {
  for (int64_t i = 0; i < n; i++) out[i] = static_cast<float>(sigmoid(x[i]));
}
NEURITE_CLONES void tanhLoop(const float* __restrict x, float* __restrict out, int64_t n) {
  for (int64_t i = 0; i < n; i++) out[i] = static_cast<float>(tanhOf(x[i]));
}

/** log(1 + e^x) without overflow (NaN stays NaN, as Math.max passes it). */
inline double softplus(double x) {
  if (std::isnan(x)) return x;
  return std::max(x, 0.0) + std::log1p(std::exp(-std::fabs(x)));
}

template <typename F>
void map(const float* x, float* out, int64_t n, F f) {
  for (int64_t i = 0; i < n; i++) out[i] = static_cast<float>(f(static_cast<double>(x[i])));
}

}  // namespace

// The fused LSTM cell (src/backends/js/recurrent.ts): each element in float64, rounded once where stored.
NEURITE_CLONES void lstmCell(const float* __restrict z, const float* __restrict cPrev, int64_t rows, int64_t units, float* __restrict h, float* __restrict c, float* __restrict act) {
  for (int64_t r = 0; r < rows; r++) {
    const float* zr = z + r * 4 * units;
    float* ar = act + r * 5 * units;
    const int64_t s = r * units;
    for (int64_t j = 0; j < units; j++) {
      const double i = sigmoid(zr[j]), f = sigmoid(zr[units + j]), g = tanhOf(zr[2 * units + j]), o = sigmoid(zr[3 * units + j]);
      const float cs = static_cast<float>(f * cPrev[s + j] + i * g);
      const double t = tanhOf(cs);
      c[s + j] = cs;
      h[s + j] = static_cast<float>(o * t);
      ar[j] = static_cast<float>(i);
      ar[units + j] = static_cast<float>(f);
      ar[2 * units + j] = static_cast<float>(g);
      ar[3 * units + j] = static_cast<float>(o);
      ar[4 * units + j] = static_cast<float>(t);
    }
  }
}

NEURITE_CLONES void lstmCellGrad(const float* __restrict act, const float* __restrict cPrev, const float* __restrict dh, const float* __restrict dc,
                                 int64_t rows, int64_t units, float* __restrict dz, float* __restrict dcPrev) {
  for (int64_t r = 0; r < rows; r++) {
    const float* ar = act + r * 5 * units;
    float* dzr = dz + r * 4 * units;
    const int64_t s = r * units;
    for (int64_t j = 0; j < units; j++) {
      const double i = ar[j], f = ar[units + j], g = ar[2 * units + j], o = ar[3 * units + j], t = ar[4 * units + j];
      const double gh = dh[s + j];
      const double gc = dc[s + j] + gh * o * (1 - t * t);
      dzr[j] = static_cast<float>(gc * g * i * (1 - i));
      dzr[units + j] = static_cast<float>(gc * cPrev[s + j] * f * (1 - f));
      dzr[2 * units + j] = static_cast<float>(gc * i * (1 - g * g));
      dzr[3 * units + j] = static_cast<float>(gh * t * o * (1 - o));
      dcPrev[s + j] = static_cast<float>(gc * f);
    }
  }
}

// The GRU cell with the reset gate after its product (src/backends/js/recurrent.ts), as the LSTM's.
NEURITE_CLONES void gruCell(const float* __restrict x, const float* __restrict inner, const float* __restrict h, int64_t rows, int64_t units, float* __restrict out, float* __restrict act) {
  for (int64_t r = 0; r < rows; r++) {
    const int64_t g = r * 3 * units, s = r * units;
    for (int64_t j = 0; j < units; j++) {
      const double z = sigmoid(static_cast<double>(x[g + j]) + inner[g + j]);
      const double rg = sigmoid(static_cast<double>(x[g + units + j]) + inner[g + units + j]);
      const double hc = tanhOf(x[g + 2 * units + j] + rg * inner[g + 2 * units + j]);
      out[s + j] = static_cast<float>(z * h[s + j] + (1 - z) * hc);
      act[g + j] = static_cast<float>(z);
      act[g + units + j] = static_cast<float>(rg);
      act[g + 2 * units + j] = static_cast<float>(hc);
    }
  }
}

NEURITE_CLONES void gruCellGrad(const float* __restrict act, const float* __restrict inner, const float* __restrict h, const float* __restrict dOut, int64_t rows, int64_t units,
                                float* __restrict dx, float* __restrict dInner, float* __restrict dh) {
  for (int64_t r = 0; r < rows; r++) {
    const int64_t g = r * 3 * units, s = r * units;
    for (int64_t j = 0; j < units; j++) {
      const double z = act[g + j], rg = act[g + units + j], hc = act[g + 2 * units + j], go = dOut[s + j];
      const double dzp = go * (h[s + j] - hc) * z * (1 - z);
      const double dhp = go * (1 - z) * (1 - hc * hc);
      const double drp = dhp * inner[g + 2 * units + j] * rg * (1 - rg);
      dx[g + j] = static_cast<float>(dzp);
      dx[g + units + j] = static_cast<float>(drp);
      dx[g + 2 * units + j] = static_cast<float>(dhp);
      dInner[g + j] = static_cast<float>(dzp);
      dInner[g + units + j] = static_cast<float>(drp);
      dInner[g + 2 * units + j] = static_cast<float>(dhp * rg);
      dh[s + j] = static_cast<float>(go * z);
    }
  }
}

NEURITE_CLONES void softmaxCrossEntropy(const float* z, const float* y, int64_t rows, int64_t n, float* loss, float* probs) {
  for (int64_t r = 0; r < rows; r++) {
    const float* zr = z + r * n;
    const float* yr = y + r * n;
    float* pr = probs + r * n;
    // The row's maximum as the reference finds it: NaN never compares greater.
    double max = -INFINITY;
    for (int64_t j = 0; j < n; j++) if (zr[j] > max) max = zr[j];
    double sum = 0;
    for (int64_t j = 0; j < n; j++) sum += fastExp(static_cast<double>(zr[j]) - max);
    const double lse = max + std::log(sum);
    double ys = 0, yz = 0;
    for (int64_t j = 0; j < n; j++) {
      const double t = yr[j];
      ys += t;
      if (t != 0) yz += t * zr[j];
      pr[j] = static_cast<float>(fastExp(static_cast<double>(zr[j]) - lse));
    }
    loss[r] = static_cast<float>(lse * ys - yz);
  }
}

NEURITE_CLONES bool allFinite(const float* x, int64_t n) {
  // NaN and ±∞ are the values whose exponent bits are all ones: an OR of that test over blocks
  // (integer operations, which the compiler vectorizes; no branch per value).
  constexpr int64_t BLOCK = 4096;
  for (int64_t s = 0; s < n; s += BLOCK) {
    const int64_t e = std::min(n, s + BLOCK);
    uint32_t bad = 0;
    for (int64_t i = s; i < e; i++) {
      uint32_t b;
      std::memcpy(&b, x + i, sizeof b);
      bad |= static_cast<uint32_t>((b & 0x7f800000u) == 0x7f800000u);
    }
    if (bad != 0) return false;
  }
  return true;
}

void unary(Unary op, const float* x, float* out, int64_t n) {
  switch (op) {
    case Unary::Exp: expLoop(x, out, n); break;
    case Unary::Log: map(x, out, n, [](double v) { return std::log(v); }); break;
    case Unary::Sigmoid: sigmoidLoop(x, out, n); break;
    case Unary::Tanh: tanhLoop(x, out, n); break;
    case Unary::Softplus: map(x, out, n, softplus); break;
  }
}

}  // namespace neurite
