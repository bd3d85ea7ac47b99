// Validates only where relaxed SIMD exists; the host compiles nothing from it.
export function probe(): f32 {
  return f32x4.extract_lane(f32x4.relaxed_madd(f32x4.splat(1), f32x4.splat(2), f32x4.splat(3)), 0);
}
