// Arithmetic, comparisons, selection and reductions for the native backend, each the reference
// kernel's result bit for bit (src/backends/js/elementwise.ts, src/backends/js/reduce.ts): the
// reference computes +, −, ×, ÷ in float64 and rounds once to float32, which is the float32
// operation's result exactly (53 ≥ 2·24 + 2 bits), so these compute in float32; its sums keep
// their order and their accumulator's width (float64 along the last axes, float32 elsewhere).
#pragma once
#include <cstdint>

namespace neurite {

/** Binary op codes, as the WebAssembly backend's (src/backends/wasm/elementwise.ts BINARY_CODES). */
enum class Binary { Add = 0, Sub, Mul, Div, Greater, GreaterEqual, Less, LessEqual, Equal, NotEqual };
constexpr int BINARY_COUNT = 10;

/**
 * How a binary op's operands lie (src/backends/wasm/elementwise.ts binaryLayout): 0 alike, 1 b
 * one value, 2 a one value, 3 b one row of n under every row of a, 4 a one row under every row
 * of b, 5 b one value per row of a, 6 a one value per row of b.
 */
constexpr int LAYOUT_COUNT = 7;

/**
 * out = a op b over rows×n values laid out as `layout` says, for rows [r0, r1) (layouts 0–2 see
 * the values as one row of rows·n and split it: r0, r1 are then value indices).
 */
void binary(Binary op, int layout, const float* a, const float* b, float* out, int64_t n, int64_t r0, int64_t r1);

/** out = cond ≠ 0 ? a : b on values [lo, hi) (NaN counts as true); layout 0 all alike, 1 b one value, 2 a one value. */
void select(const float* cond, const float* a, const float* b, float* out, int layout, int64_t lo, int64_t hi);

enum class Reduce { Sum = 0, Max = 1, Min = 2 };
constexpr int REDUCE_COUNT = 3;

/**
 * x seen as [outer, len, inner] reduced along its middle axis into out [outer, inner], for
 * outer rows [o0, o1) and (where inner > 1) columns [j0, j1). inner = 1: each output's values in order with a float64 accumulator (the
 * reference's reduction of trailing axes); otherwise added into out as float32, row after row
 * (its reduction of leading axes, and of any block of axes, walking x in order). max and min
 * as the reference's comparisons: NaN wins, and of equal values (±0) the first stays.
 */
void reduce(Reduce op, const float* x, float* out, int64_t len, int64_t inner, int64_t o0, int64_t o1, int64_t j0, int64_t j1);

}  // namespace neurite
