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

namespace {
// The gates' activations (src/backends/js/recurrent.ts's gateKept, gateValue, gateSlope): the
// logistic, or (hard) the hard sigmoid, whose gate `act` keeps as its float32 line before the clip.
// The line's product and sum each in double, then rounded to float: a float product of two
// floats is exact in double, so the roundings are the float operations' (and no FMA contraction
// can fuse across a double-to-float conversion).
constexpr double kSlope = static_cast<double>(0.2f);
inline double gateKept(double x, bool hard) {
  if (!hard) return sigmoid(x);
  const float p = static_cast<float>(static_cast<double>(static_cast<float>(x)) * kSlope);
  return static_cast<float>(static_cast<double>(p) + 0.5);
}
inline double gateValue(double a, bool hard) {
  return hard ? (a < 0 ? 0.0 : a > 1 ? 1.0 : a) : a;
}
inline double gateSlope(double term, double a, bool hard) {
  return hard ? (a >= 0 && a <= 1 ? term * kSlope : 0.0) : term * a * (1 - a);
}
}  // namespace

// The fused LSTM cell (src/backends/js/recurrent.ts): each element in float64, rounded once where stored.
template <bool hard>
NEURITE_INLINE void lstmCellOf(const float* __restrict z, const float* __restrict cPrev, int64_t rows, int64_t units, float* __restrict h, float* __restrict c, float* __restrict act) {
  for (int64_t r = 0; r < rows; r++) {
    const float* zr = z + r * 4 * units;
    float* ar = act + r * 5 * units;
    const int64_t s = r * units;
    for (int64_t j = 0; j < units; j++) {
      const double ki = gateKept(zr[j], hard), kf = gateKept(zr[units + j], hard), g = tanhOf(zr[2 * units + j]), ko = gateKept(zr[3 * units + j], hard);
      const float cs = static_cast<float>(gateValue(kf, hard) * cPrev[s + j] + gateValue(ki, hard) * g);
      const double t = tanhOf(cs);
      c[s + j] = cs;
      h[s + j] = static_cast<float>(gateValue(ko, hard) * t);
      ar[j] = static_cast<float>(ki);
      ar[units + j] = static_cast<float>(kf);
      ar[2 * units + j] = static_cast<float>(g);
      ar[3 * units + j] = static_cast<float>(ko);
      ar[4 * units + j] = static_cast<float>(t);
    }
  }
}

template <bool hard>
NEURITE_INLINE void lstmCellGradOf(const float* __restrict act, const float* __restrict cPrev, const float* __restrict dh, const float* __restrict dc, int64_t rows, int64_t units, float* __restrict dz, float* __restrict dcPrev) {
  for (int64_t r = 0; r < rows; r++) {
    const float* ar = act + r * 5 * units;
    float* dzr = dz + r * 4 * units;
    const int64_t s = r * units;
    for (int64_t j = 0; j < units; j++) {
      const double ki = ar[j], kf = ar[units + j], g = ar[2 * units + j], ko = ar[3 * units + j], t = ar[4 * units + j];
      const double i = gateValue(ki, hard), f = gateValue(kf, hard), o = gateValue(ko, hard);
      const double gh = dh[s + j];
      const double gc = dc[s + j] + gh * o * (1 - t * t);
      dzr[j] = static_cast<float>(gateSlope(gc * g, ki, hard));
      dzr[units + j] = static_cast<float>(gateSlope(gc * cPrev[s + j], kf, hard));
      dzr[2 * units + j] = static_cast<float>(gc * i * (1 - g * g));
      dzr[3 * units + j] = static_cast<float>(gateSlope(gh * t, ko, hard));
      dcPrev[s + j] = static_cast<float>(gc * f);
    }
  }
}

// The GRU cell with the reset gate after its product (src/backends/js/recurrent.ts), as the LSTM's.
template <bool hard>
NEURITE_INLINE void gruCellOf(const float* __restrict x, const float* __restrict inner, const float* __restrict h, int64_t rows, int64_t units, float* __restrict out, float* __restrict act) {
  for (int64_t r = 0; r < rows; r++) {
    const int64_t g = r * 3 * units, s = r * units;
    for (int64_t j = 0; j < units; j++) {
      const double kz = gateKept(static_cast<double>(x[g + j]) + inner[g + j], hard), z = gateValue(kz, hard);
      const double kr = gateKept(static_cast<double>(x[g + units + j]) + inner[g + units + j], hard);
      const double hc = tanhOf(x[g + 2 * units + j] + gateValue(kr, hard) * inner[g + 2 * units + j]);
      out[s + j] = static_cast<float>(z * h[s + j] + (1 - z) * hc);
      act[g + j] = static_cast<float>(kz);
      act[g + units + j] = static_cast<float>(kr);
      act[g + 2 * units + j] = static_cast<float>(hc);
    }
  }
}

template <bool hard>
NEURITE_INLINE void gruCellGradOf(const float* __restrict act, const float* __restrict inner, const float* __restrict h, const float* __restrict dOut, int64_t rows, int64_t units, float* __restrict dx, float* __restrict dInner, float* __restrict dh) {
  for (int64_t r = 0; r < rows; r++) {
    const int64_t g = r * 3 * units, s = r * units;
    for (int64_t j = 0; j < units; j++) {
      const double kz = act[g + j], kr = act[g + units + j], hc = act[g + 2 * units + j], go = dOut[s + j];
      const double z = gateValue(kz, hard), rg = gateValue(kr, hard);
      const double dzp = gateSlope(go * (h[s + j] - hc), kz, hard);
      const double dhp = go * (1 - z) * (1 - hc * hc);
      const double drp = gateSlope(dhp * inner[g + 2 * units + j], kr, hard);
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

// The GRU resetting before its product (src/backends/js/recurrent.ts's gruGates, gruOutput), as the others.
template <bool hard>
NEURITE_INLINE void gruGatesOf(const float* __restrict x, const float* __restrict inner, const float* __restrict hr, int64_t rows, int64_t units, float* __restrict z, float* __restrict rh, float* __restrict act) {
  for (int64_t r = 0; r < rows; r++) {
    const int64_t g = r * 3 * units, a = r * 2 * units, s = r * units;
    for (int64_t j = 0; j < units; j++) {
      const double kz = gateKept(static_cast<double>(x[g + j]) + inner[a + j], hard);
      const double kr = gateKept(static_cast<double>(x[g + units + j]) + inner[a + units + j], hard);
      z[s + j] = static_cast<float>(gateValue(kz, hard));
      rh[s + j] = static_cast<float>(gateValue(kr, hard) * hr[s + j]);
      act[a + j] = static_cast<float>(kz);
      act[a + units + j] = static_cast<float>(kr);
    }
  }
}

template <bool hard>
NEURITE_INLINE void gruGatesGradOf(const float* __restrict act, const float* __restrict hr, const float* __restrict dz, const float* __restrict drh, int64_t rows, int64_t units, float* __restrict dx, float* __restrict dInner, float* __restrict dhr) {
  for (int64_t r = 0; r < rows; r++) {
    const int64_t g = r * 3 * units, a = r * 2 * units, s = r * units;
    for (int64_t j = 0; j < units; j++) {
      const double kz = act[a + j], kr = act[a + units + j];
      const double dzp = gateSlope(dz[s + j], kz, hard);
      const double drp = gateSlope(static_cast<double>(drh[s + j]) * hr[s + j], kr, hard);
      dx[g + j] = static_cast<float>(dzp);
      dx[g + units + j] = static_cast<float>(drp);
      dx[g + 2 * units + j] = 0;
      dInner[a + j] = static_cast<float>(dzp);
      dInner[a + units + j] = static_cast<float>(drp);
      dhr[s + j] = static_cast<float>(drh[s + j] * gateValue(kr, hard));
    }
  }
}

NEURITE_CLONES void gruOutput(const float* __restrict x, const float* __restrict q, const float* __restrict h, const float* __restrict z, int64_t rows, int64_t units, float* __restrict out, float* __restrict act) {
  for (int64_t r = 0; r < rows; r++) {
    const int64_t g = r * 3 * units, s = r * units;
    for (int64_t j = 0; j < units; j++) {
      const double hc = tanhOf(static_cast<double>(x[g + 2 * units + j]) + q[s + j]);
      const double zj = z[s + j];
      out[s + j] = static_cast<float>(zj * h[s + j] + (1 - zj) * hc);
      act[s + j] = static_cast<float>(hc);
    }
  }
}

NEURITE_CLONES void gruOutputGrad(const float* __restrict act, const float* __restrict h, const float* __restrict z, const float* __restrict dOut, int64_t rows, int64_t units,
                                  float* __restrict dx, float* __restrict dq, float* __restrict dh, float* __restrict dz) {
  for (int64_t r = 0; r < rows; r++) {
    const int64_t g = r * 3 * units, s = r * units;
    for (int64_t j = 0; j < units; j++) {
      const double hc = act[s + j], zj = z[s + j], go = dOut[s + j];
      const double dhp = go * (1 - zj) * (1 - hc * hc);
      dx[g + j] = 0;
      dx[g + units + j] = 0;
      dx[g + 2 * units + j] = static_cast<float>(dhp);
      dq[s + j] = static_cast<float>(dhp);
      dh[s + j] = static_cast<float>(go * zj);
      dz[s + j] = static_cast<float>(go * (h[s + j] - hc));
    }
  }
}

// Each cell specialized for its gate activation, so each loop vectorizes as one.
NEURITE_CLONES void gruGates(const float* __restrict x, const float* __restrict inner, const float* __restrict hr, int64_t rows, int64_t units, float* __restrict z, float* __restrict rh, float* __restrict act, int gate) {
  if (gate == 1) gruGatesOf<true>(x, inner, hr, rows, units, z, rh, act);
  else gruGatesOf<false>(x, inner, hr, rows, units, z, rh, act);
}

NEURITE_CLONES void gruGatesGrad(const float* __restrict act, const float* __restrict hr, const float* __restrict dz, const float* __restrict drh, int64_t rows, int64_t units,
                                 float* __restrict dx, float* __restrict dInner, float* __restrict dhr, int gate) {
  if (gate == 1) gruGatesGradOf<true>(act, hr, dz, drh, rows, units, dx, dInner, dhr);
  else gruGatesGradOf<false>(act, hr, dz, drh, rows, units, dx, dInner, dhr);
}

NEURITE_CLONES void lstmCell(const float* __restrict z, const float* __restrict cPrev, int64_t rows, int64_t units, float* __restrict h, float* __restrict c, float* __restrict act, int gate) {
  if (gate == 1) lstmCellOf<true>(z, cPrev, rows, units, h, c, act);
  else lstmCellOf<false>(z, cPrev, rows, units, h, c, act);
}

NEURITE_CLONES void lstmCellGrad(const float* __restrict act, const float* __restrict cPrev, const float* __restrict dh, const float* __restrict dc,
                                 int64_t rows, int64_t units, float* __restrict dz, float* __restrict dcPrev, int gate) {
  if (gate == 1) lstmCellGradOf<true>(act, cPrev, dh, dc, rows, units, dz, dcPrev);
  else lstmCellGradOf<false>(act, cPrev, dh, dc, rows, units, dz, dcPrev);
}

NEURITE_CLONES void gruCell(const float* __restrict x, const float* __restrict inner, const float* __restrict h, int64_t rows, int64_t units, float* __restrict out, float* __restrict act, int gate) {
  if (gate == 1) gruCellOf<true>(x, inner, h, rows, units, out, act);
  else gruCellOf<false>(x, inner, h, rows, units, out, act);
}

NEURITE_CLONES void gruCellGrad(const float* __restrict act, const float* __restrict inner, const float* __restrict h, const float* __restrict dOut, int64_t rows, int64_t units,
                                float* __restrict dx, float* __restrict dInner, float* __restrict dh, int gate) {
  if (gate == 1) gruCellGradOf<true>(act, inner, h, dOut, rows, units, dx, dInner, dh);
  else gruCellGradOf<false>(act, inner, h, dOut, rows, units, dx, dInner, dh);
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

namespace {
template <Act A>
NEURITE_INLINE void biasActOf(float* __restrict z, const float* __restrict bias, int64_t n, int64_t r0, int64_t r1) {
  for (int64_t r = r0; r < r1; r++) {
    float* __restrict row = z + r * n;
    for (int64_t j = 0; j < n; j++) {
      const float v = bias == nullptr ? row[j] : row[j] + bias[j];
      if (A == Act::Relu) row[j] = v > 0 || v != v ? v : 0.0f;
      else if (A == Act::Sigmoid) row[j] = static_cast<float>(sigmoid(v));
      else if (A == Act::Tanh) row[j] = static_cast<float>(tanhOf(v));
      else row[j] = v;
    }
  }
}

template <Act A>
NEURITE_INLINE void actGradOf(const float* __restrict a, float* __restrict dz, int64_t lo, int64_t hi) {
  for (int64_t i = lo; i < hi; i++) {
    const double ai = a[i], d = dz[i];
    if (A == Act::Relu) dz[i] = a[i] > 0 ? dz[i] : 0.0f;
    else if (A == Act::Tanh) dz[i] = static_cast<float>(d * (1 - ai * ai));
    else if (A == Act::Sigmoid) dz[i] = static_cast<float>(d * ai * (1 - ai));
  }
}
}  // namespace

NEURITE_CLONES void biasAct(float* z, const float* bias, int64_t n, Act act, int64_t r0, int64_t r1) {
  switch (act) {
    case Act::Linear: if (bias != nullptr) biasActOf<Act::Linear>(z, bias, n, r0, r1); break;
    case Act::Relu: biasActOf<Act::Relu>(z, bias, n, r0, r1); break;
    case Act::Sigmoid: biasActOf<Act::Sigmoid>(z, bias, n, r0, r1); break;
    case Act::Tanh: biasActOf<Act::Tanh>(z, bias, n, r0, r1); break;
  }
}

NEURITE_CLONES void actGrad(const float* a, float* dz, Act act, int64_t lo, int64_t hi) {
  switch (act) {
    case Act::Relu: actGradOf<Act::Relu>(a, dz, lo, hi); break;
    case Act::Sigmoid: actGradOf<Act::Sigmoid>(a, dz, lo, hi); break;
    case Act::Tanh: actGradOf<Act::Tanh>(a, dz, lo, hi); break;
    case Act::Linear: break;
  }
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
