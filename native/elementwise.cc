// See elementwise.h.
#include "elementwise.h"

#include <algorithm>
#include <cmath>

namespace neurite {

namespace {

/** Numerically stable logistic: never evaluates exp of a large positive number. */
inline double sigmoid(double x) {
  if (x >= 0) return 1 / (1 + std::exp(-x));
  const double e = std::exp(x);
  return e / (1 + e);
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

void unary(Unary op, const float* x, float* out, int64_t n) {
  switch (op) {
    case Unary::Exp: map(x, out, n, [](double v) { return std::exp(v); }); break;
    case Unary::Log: map(x, out, n, [](double v) { return std::log(v); }); break;
    case Unary::Sigmoid: map(x, out, n, sigmoid); break;
    case Unary::Tanh: map(x, out, n, [](double v) { return std::tanh(v); }); break;
    case Unary::Softplus: map(x, out, n, softplus); break;
  }
}

}  // namespace neurite
