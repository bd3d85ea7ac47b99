// Elementwise kernels on float32 arrays in this module's memory, for the ops a compiled step
// replays most: arithmetic and comparisons (same shape, a scalar operand, or a row broadcast
// over a matrix), `where`, and column sums. Each is bit-identical to the TypeScript reference
// (src/backends/js): that one computes +, −, ×, ÷ in float64 and rounds once to float32, which
// gives the float32 operation's result exactly (53 ≥ 2·24 + 2 bits), and sums columns in
// float32 row by row, as these do.
//
// Binary op codes: 0 add, 1 sub, 2 mul, 3 div, 4 greater, 5 greaterEqual, 6 less,
// 7 lessEqual, 8 equal, 9 notEqual. Layouts: 0 a and b alike, 1 b one value, 2 a one value,
// 3 b one row of n under every row of a, 4 a one row under every row of b, 5 b one value per
// row of a, 6 a one value per row of b.

@inline
function op4(op: i32, x: v128, y: v128): v128 {
  const one = f32x4.splat(1);
  switch (op) {
    case 0: return f32x4.add(x, y);
    case 1: return f32x4.sub(x, y);
    case 2: return f32x4.mul(x, y);
    case 3: return f32x4.div(x, y);
    case 4: return v128.and(f32x4.gt(x, y), one);
    case 5: return v128.and(f32x4.ge(x, y), one);
    case 6: return v128.and(f32x4.lt(x, y), one);
    case 7: return v128.and(f32x4.le(x, y), one);
    case 8: return v128.and(f32x4.eq(x, y), one);
    default: return v128.and(f32x4.ne(x, y), one);
  }
}

@inline
function op1(op: i32, x: f32, y: f32): f32 {
  switch (op) {
    case 0: return x + y;
    case 1: return x - y;
    case 2: return x * y;
    case 3: return x / y;
    case 4: return x > y ? 1 : 0;
    case 5: return x >= y ? 1 : 0;
    case 6: return x < y ? 1 : 0;
    case 7: return x <= y ? 1 : 0;
    case 8: return x == y ? 1 : 0;
    default: return x != y ? 1 : 0;
  }
}

// out[i] = a[i] op b[i] over len values, with a or b stepping by 0 where `aStep`/`bStep` is 0.
@inline
function run(op: i32, a: usize, aStep: usize, b: usize, bStep: usize, out: usize, len: i32): void {
  let i = 0;
  if (aStep != 0 && bStep != 0) {
    for (; i + 4 <= len; i += 4) {
      const o = <usize>i << 2;
      v128.store(out + o, op4(op, v128.load(a + o), v128.load(b + o)));
    }
  } else if (aStep != 0) {
    const y = v128.load32_splat(b);
    for (; i + 4 <= len; i += 4) {
      const o = <usize>i << 2;
      v128.store(out + o, op4(op, v128.load(a + o), y));
    }
  } else {
    const x = v128.load32_splat(a);
    for (; i + 4 <= len; i += 4) {
      const o = <usize>i << 2;
      v128.store(out + o, op4(op, x, v128.load(b + o)));
    }
  }
  for (; i < len; i++) {
    const o = <usize>i << 2;
    store<f32>(out + o, op1(op, load<f32>(a + (aStep != 0 ? o : 0)), load<f32>(b + (bStep != 0 ? o : 0))));
  }
}

/** out = a op b for rows×n values laid out as `layout` says. */
export function binary(op: i32, layout: i32, a: usize, b: usize, out: usize, rows: i32, n: i32): void {
  const len = rows * n;
  if (layout == 0) run(op, a, 1, b, 1, out, len);
  else if (layout == 1) run(op, a, 1, b, 0, out, len);
  else if (layout == 2) run(op, a, 0, b, 1, out, len);
  else {
    const rowBytes = <usize>n << 2;
    for (let r = 0; r < rows; r++) {
      const off = <usize>r * rowBytes;
      const one = <usize>r << 2;
      if (layout == 3) run(op, a + off, 1, b, 1, out + off, n);
      else if (layout == 4) run(op, a, 1, b + off, 1, out + off, n);
      else if (layout == 5) run(op, a + off, 1, b + one, 0, out + off, n);
      else run(op, a + one, 0, b + off, 1, out + off, n);
    }
  }
}

/**
 * out = cond ≠ 0 ? a : b over len values (NaN counts as true, as in the reference); `layout`
 * 0 all alike, 1 b one value, 2 a one value.
 */
export function select(cond: usize, a: usize, b: usize, out: usize, len: i32, layout: i32): void {
  const zero = f32x4.splat(0);
  let i = 0;
  const sa: usize = layout == 2 ? 0 : 1;
  const sb: usize = layout == 1 ? 0 : 1;
  const av = v128.load32_splat(a);
  const bv = v128.load32_splat(b);
  for (; i + 4 <= len; i += 4) {
    const o = <usize>i << 2;
    const m = f32x4.ne(v128.load(cond + o), zero);
    const x = sa != 0 ? v128.load(a + o) : av;
    const y = sb != 0 ? v128.load(b + o) : bv;
    v128.store(out + o, v128.bitselect(x, y, m));
  }
  for (; i < len; i++) {
    const o = <usize>i << 2;
    const c = load<f32>(cond + o);
    store<f32>(out + o, c != 0 ? load<f32>(a + o * sa) : load<f32>(b + o * sb));
  }
}

/** out[j] = Σ_r x[r][j] over rows×n, added row by row in float32 (a bias gradient). */
export function sumRows(x: usize, out: usize, rows: i32, n: i32): void {
  memory.fill(out, 0, <usize>n << 2);
  for (let r = 0; r < rows; r++) {
    const row = x + ((<usize>r * <usize>n) << 2);
    let j = 0;
    for (; j + 4 <= n; j += 4) {
      const o = <usize>j << 2;
      v128.store(out + o, f32x4.add(v128.load(out + o), v128.load(row + o)));
    }
    for (; j < n; j++) {
      const o = <usize>j << 2;
      store<f32>(out + o, load<f32>(out + o) + load<f32>(row + o));
    }
  }
}
