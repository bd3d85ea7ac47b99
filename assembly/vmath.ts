// Vector float64 exp, logistic and tanh, two lanes at a time, for the fused cells: the scalar
// Math.exp and Math.tanh cost a call each, and the cells are five of them per unit. Accurate
// to ~1e-14 relative (the float64 functions the reference calls are to ~1e-16), far inside the
// float32 rounding of every stored result, so the results round as the reference's do except
// where a value lies within ~1e-14 of a float32 rounding boundary.

// ln 2 split for Cody-Waite reduction: HI has 32 trailing zero bits, so k·HI is exact for |k| < 2^20.
const LN2_HI: f64 = 6.93147180369123816490e-01;
const LN2_LO: f64 = 1.90821492927058770002e-10;
const LOG2E: f64 = 1.44269504088896338700e+00;

/**
 * e^x for x ≤ 0 (or NaN): x = k·ln 2 + r with |r| ≤ ln 2 / 2, e^r by its Taylor series to r^11
 * (remainder < 1e-14 relative), times 2^k built in the exponent bits. Below −708 (where e^x is
 * under float64's normal range and float32's whole range) x is taken as −708.
 */
@inline
export function expNonPositive(x: v128): v128 {
  x = f64x2.max(x, f64x2.splat(-708));
  const k = f64x2.nearest(f64x2.mul(x, f64x2.splat(LOG2E)));
  const r = f64x2.sub(f64x2.sub(x, f64x2.mul(k, f64x2.splat(LN2_HI))), f64x2.mul(k, f64x2.splat(LN2_LO)));
  let p = f64x2.splat(1.0 / 39916800.0);
  p = f64x2.add(f64x2.mul(p, r), f64x2.splat(1.0 / 3628800.0));
  p = f64x2.add(f64x2.mul(p, r), f64x2.splat(1.0 / 362880.0));
  p = f64x2.add(f64x2.mul(p, r), f64x2.splat(1.0 / 40320.0));
  p = f64x2.add(f64x2.mul(p, r), f64x2.splat(1.0 / 5040.0));
  p = f64x2.add(f64x2.mul(p, r), f64x2.splat(1.0 / 720.0));
  p = f64x2.add(f64x2.mul(p, r), f64x2.splat(1.0 / 120.0));
  p = f64x2.add(f64x2.mul(p, r), f64x2.splat(1.0 / 24.0));
  p = f64x2.add(f64x2.mul(p, r), f64x2.splat(1.0 / 6.0));
  p = f64x2.add(f64x2.mul(p, r), f64x2.splat(0.5));
  p = f64x2.add(f64x2.mul(p, r), f64x2.splat(1.0));
  p = f64x2.add(f64x2.mul(p, r), f64x2.splat(1.0));
  // 2^k for k in [−1022, 0] (NaN's k converts to 0 and the NaN stays in p).
  const ki = i64x2.extend_low_i32x4_s(i32x4.trunc_sat_f64x2_s_zero(k));
  const scale = i64x2.shl(i64x2.add(ki, i64x2.splat(1023)), 52);
  return f64x2.mul(p, scale);
}

/** 1 / (1 + e^−z), as the reference: e = e^−|z|, then 1/(1 + e) for z ≥ 0 and e/(1 + e) below. */
@inline
export function sigmoid2(z: v128): v128 {
  const e = expNonPositive(f64x2.neg(f64x2.abs(z)));
  const num = v128.bitselect(f64x2.splat(1), e, f64x2.ge(z, f64x2.splat(0)));
  return f64x2.div(num, f64x2.add(f64x2.splat(1), e));
}

/**
 * tanh x = sign(x)·(1 − t)/(1 + t) with t = e^−2|x|. The subtraction loses digits as |x| → 0
 * (relative error ~1e-16/|x|), so below 2^−13 it is x − x³/3 (the next term, 2x⁵/15, is under
 * 1e-17 relative there). NaN stays NaN, −0 stays −0.
 */
@inline
export function tanh2(x: v128): v128 {
  const a = f64x2.abs(x);
  const t = expNonPositive(f64x2.mul(a, f64x2.splat(-2)));
  const big = f64x2.div(f64x2.sub(f64x2.splat(1), t), f64x2.add(f64x2.splat(1), t));
  const small = f64x2.sub(a, f64x2.div(f64x2.mul(f64x2.mul(a, a), a), f64x2.splat(3)));
  const y = v128.bitselect(small, big, f64x2.lt(a, f64x2.splat(1.220703125e-4)));
  // y ≥ 0 (or NaN): put x's sign on it.
  return v128.or(y, v128.and(x, f64x2.splat(-0.0)));
}
