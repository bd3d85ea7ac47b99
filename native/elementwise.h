// Elementwise functions of one input for the native backend, each the reference's formula
// (src/backends/js/elementwise.ts) in float64, rounded once to float32. The transcendental
// functions are the C library's, so a value may differ from the reference's (V8's fdlibm) in
// its last float64 bit, which almost never survives the rounding to float32.
#pragma once
#include <cstdint>

namespace neurite {

enum class Unary { Exp = 0, Log = 1, Sigmoid = 2, Tanh = 3, Softplus = 4 };
constexpr int UNARY_COUNT = 5;

void unary(Unary op, const float* x, float* out, int64_t n);

}  // namespace neurite
