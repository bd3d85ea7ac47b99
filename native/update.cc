// See update.h. The loops are plain C++ the compiler vectorizes; target_clones builds them for
// AVX-512, AVX2 and the baseline and picks one at load. Floating-point contraction is off for
// the whole addon (binding.gyp), so no multiply and add are fused into one rounding here.
#include "update.h"

#include <cmath>

#include "clones.h"

namespace neurite {

namespace {

template <bool Centered, bool Momentum>
NEURITE_CLONES void rmspropLoop(float* __restrict p, const float* __restrict g, float* __restrict s, float* __restrict m, float* __restrict avg,
                                int64_t lo, int64_t hi, double lr, double rho, double mu, double eps) {
  const double c = 1 - rho;
  for (int64_t i = lo; i < hi; i++) {
    const double gi = g[i];
    const float si = static_cast<float>(rho * s[i] + c * gi * gi);
    s[i] = si;
    double d = static_cast<double>(si) + eps;
    if (Centered) {
      const float ai = static_cast<float>(rho * avg[i] + c * gi);
      avg[i] = ai;
      d -= static_cast<double>(ai) * static_cast<double>(ai);
    }
    const double inc = (lr * gi) / std::sqrt(d);
    if (Momentum) {
      const float mi = static_cast<float>(mu * m[i] + inc);
      m[i] = mi;
      p[i] = static_cast<float>(static_cast<double>(p[i]) - static_cast<double>(mi));
    } else {
      p[i] = static_cast<float>(static_cast<double>(p[i]) - inc);
    }
  }
}

NEURITE_CLONES void sgdPlain(float* __restrict p, const float* __restrict g, int64_t lo, int64_t hi, double lr) {
  for (int64_t i = lo; i < hi; i++) p[i] = static_cast<float>(static_cast<double>(p[i]) - lr * g[i]);
}

template <bool Nesterov>
NEURITE_CLONES void sgdMomentum(float* __restrict p, const float* __restrict g, float* __restrict v, int64_t lo, int64_t hi, double lr, double mu) {
  for (int64_t i = lo; i < hi; i++) {
    const double gi = g[i];
    const double vi = mu * v[i] - lr * gi;
    v[i] = static_cast<float>(vi);
    p[i] = static_cast<float>(static_cast<double>(p[i]) + (Nesterov ? mu * vi - lr * gi : vi));
  }
}

NEURITE_CLONES void adamLoop(float* __restrict p, const float* __restrict g, float* __restrict m, float* __restrict v, int64_t lo, int64_t hi,
                             float a, float c1, float c2, float e) {
  for (int64_t i = lo; i < hi; i++) {
    const float gi = g[i];
    const float mi = m[i] + (gi - m[i]) * c1;
    const float vi = v[i] + (gi * gi - v[i]) * c2;
    m[i] = mi;
    v[i] = vi;
    p[i] = p[i] - (a * mi) / (std::sqrt(vi) + e);
  }
}

// Adagrad, Adadelta, Adamax and AdamW's decay as the reference writes them: float64 arithmetic in
// its order, each state value rounded to float32 when stored and read back as stored.
NEURITE_CLONES void adagradLoop(float* __restrict p, const float* __restrict g, float* __restrict a, int64_t lo, int64_t hi, double lr, double eps) {
  for (int64_t i = lo; i < hi; i++) {
    const double gi = g[i];
    const float ai = static_cast<float>(a[i] + gi * gi);
    a[i] = ai;
    p[i] = static_cast<float>(p[i] - (lr * gi) / std::sqrt(ai + eps));
  }
}

NEURITE_CLONES void adadeltaLoop(float* __restrict p, const float* __restrict g, float* __restrict eg, float* __restrict ed, int64_t lo, int64_t hi, double lr, double rho, double eps) {
  const double c = 1 - rho;
  for (int64_t i = lo; i < hi; i++) {
    const double gi = g[i];
    const float egi = static_cast<float>(rho * eg[i] + c * gi * gi);
    eg[i] = egi;
    const double delta = (-std::sqrt(ed[i] + eps) / std::sqrt(egi + eps)) * gi;
    ed[i] = static_cast<float>(rho * ed[i] + c * delta * delta);
    p[i] = static_cast<float>(p[i] + lr * delta);
  }
}

NEURITE_CLONES void adamaxLoop(float* __restrict p, const float* __restrict g, float* __restrict m, float* __restrict u, int64_t lo, int64_t hi, double lr, double b1, double b2, double eps, double corr) {
  const double c = 1 - b1;
  for (int64_t i = lo; i < hi; i++) {
    const double gi = g[i];
    const float mi = static_cast<float>(m[i] + (gi - m[i]) * c);
    m[i] = mi;
    // As JavaScript's Math.max: NaN wins.
    const double bu = b2 * u[i], ag = std::fabs(gi);
    const float ui = static_cast<float>(bu != bu || ag != ag ? NAN : (bu > ag ? bu : ag));
    u[i] = ui;
    p[i] = static_cast<float>(p[i] - (lr * mi) / (corr * (ui + eps)));
  }
}

NEURITE_CLONES void scaleLoop(float* __restrict p, int64_t lo, int64_t hi, double k) {
  for (int64_t i = lo; i < hi; i++) p[i] = static_cast<float>(p[i] * k);
}

inline uint32_t rotl(uint32_t x, int k) { return (x << k) | (x >> (32 - k)); }

inline uint32_t next(uint32_t* s) {
  const uint32_t result = rotl(s[1] * 5, 7) * 9;
  const uint32_t t = s[1] << 9;
  s[2] ^= s[0];
  s[3] ^= s[1];
  s[1] ^= s[2];
  s[0] ^= s[3];
  s[2] ^= t;
  s[3] = rotl(s[3], 11);
  return result;
}

}  // namespace

void rmsprop(float* p, const float* g, float* s, float* m, float* avg, int64_t lo, int64_t hi, double lr, double rho, double mu, double eps, bool centered) {
  if (centered) {
    if (mu > 0) rmspropLoop<true, true>(p, g, s, m, avg, lo, hi, lr, rho, mu, eps);
    else rmspropLoop<true, false>(p, g, s, m, avg, lo, hi, lr, rho, mu, eps);
  } else {
    if (mu > 0) rmspropLoop<false, true>(p, g, s, m, avg, lo, hi, lr, rho, mu, eps);
    else rmspropLoop<false, false>(p, g, s, m, avg, lo, hi, lr, rho, mu, eps);
  }
}

void sgd(float* p, const float* g, float* v, int64_t lo, int64_t hi, double lr, double mu, bool nesterov) {
  if (v == nullptr) sgdPlain(p, g, lo, hi, lr);
  else if (nesterov) sgdMomentum<true>(p, g, v, lo, hi, lr, mu);
  else sgdMomentum<false>(p, g, v, lo, hi, lr, mu);
}

void adam(float* p, const float* g, float* m, float* v, int64_t lo, int64_t hi, double alpha, double b1, double b2, double eps) {
  adamLoop(p, g, m, v, lo, hi, static_cast<float>(alpha), static_cast<float>(1 - b1), static_cast<float>(1 - b2), static_cast<float>(eps));
}

void adagrad(float* p, const float* g, float* a, int64_t lo, int64_t hi, double lr, double eps) { adagradLoop(p, g, a, lo, hi, lr, eps); }

void adadelta(float* p, const float* g, float* eg, float* ed, int64_t lo, int64_t hi, double lr, double rho, double eps) { adadeltaLoop(p, g, eg, ed, lo, hi, lr, rho, eps); }

void adamax(float* p, const float* g, float* m, float* u, int64_t lo, int64_t hi, double lr, double b1, double b2, double eps, double corr) {
  adamaxLoop(p, g, m, u, lo, hi, lr, b1, b2, eps, corr);
}

void scale(float* p, int64_t lo, int64_t hi, double k) { scaleLoop(p, lo, hi, k); }

void fillUniform(uint32_t* state, float* out, int64_t len, double a, double b) {
  uint32_t s[4] = {state[0], state[1], state[2], state[3]};
  const double span = b - a;
  for (int64_t i = 0; i < len; i++) {
    const double hi = static_cast<double>(next(s) >> 5);
    const double lo = static_cast<double>(next(s) >> 6);
    const double u = (hi * 67108864.0 + lo) / 9007199254740992.0;
    out[i] = static_cast<float>(a + span * u);
  }
  for (int k = 0; k < 4; k++) state[k] = s[k];
}

}  // namespace neurite
