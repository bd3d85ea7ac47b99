// The fused elementwise kernels of a compiled training step, on float32 arrays in this module's
// memory: bias + activation, the activation's derivative, the bias gradient, and the SGD and
// Adam updates. Each gives the same float32 result as the TypeScript reference
// (src/backends/js/train.ts): where the reference computes in float64 and rounds once, so do
// these (f64x2 lanes), so the two backends train bit for bit alike.
//
// Activation codes: 0 linear, 1 relu, 2 sigmoid, 3 tanh.

// Loads two float32 at p as float64 lanes.
@inline
function load2(p: usize): v128 {
  return f64x2.promote_low_f32x4(v128.load64_zero(p));
}

// Stores two float64 lanes at p as float32.
@inline
function store2(p: usize, v: v128): void {
  v128.store64_lane(p, f32x4.demote_f64x2_zero(v), 0);
}

@inline
function sigmoid(z: f64): f64 {
  if (z >= 0) return 1 / (1 + Math.exp(-z));
  const e = Math.exp(z);
  return e / (1 + e);
}

/** z[r][j] ← act(z[r][j] + bias[j]) for a rows×n block; bias 0 for none. */
export function biasAct(z: usize, bias: usize, rows: i32, n: i32, act: i32): void {
  const zero = f32x4.splat(0);
  for (let r = 0; r < rows; r++) {
    const row = z + (<usize>(r * n) << 2);
    let j = 0;
    if (act <= 1) {
      for (; j + 4 <= n; j += 4) {
        const q = row + (<usize>j << 2);
        let v = v128.load(q);
        if (bias != 0) v = f32x4.add(v, v128.load(bias + (<usize>j << 2)));
        // max keeps NaN (terminateOnNaN must see it) and turns −0 into +0, as the reference.
        if (act == 1) v = f32x4.max(v, zero);
        v128.store(q, v);
      }
    }
    for (; j < n; j++) {
      const q = row + (<usize>j << 2);
      let v = <f64>load<f32>(q);
      if (bias != 0) v = <f64>(<f32>(v + <f64>load<f32>(bias + (<usize>j << 2))));
      if (act == 1) v = v > 0 ? v : (v != v ? v : 0);
      else if (act == 2) v = sigmoid(v);
      else if (act == 3) v = Math.tanh(v);
      store<f32>(q, <f32>v);
    }
  }
}

/** dz ← dz ⊙ act′, the derivative written from the activation's output a. */
export function actGrad(a: usize, dz: usize, len: i32, act: i32): void {
  let i = 0;
  if (act == 1) {
    const zero = f32x4.splat(0);
    for (; i + 4 <= len; i += 4) {
      const o = <usize>i << 2;
      v128.store(dz + o, v128.and(v128.load(dz + o), f32x4.gt(v128.load(a + o), zero)));
    }
    for (; i < len; i++) {
      const o = <usize>i << 2;
      if (!(load<f32>(a + o) > 0)) store<f32>(dz + o, 0);
    }
    return;
  }
  if (act != 2 && act != 3) return;
  const one = f64x2.splat(1);
  for (; i + 2 <= len; i += 2) {
    const o = <usize>i << 2;
    const av = load2(a + o);
    const d = load2(dz + o);
    // tanh: dz·(1 − a²); sigmoid: dz·a·(1 − a), each in float64 and rounded once.
    const r = act == 3 ? f64x2.mul(d, f64x2.sub(one, f64x2.mul(av, av))) : f64x2.mul(f64x2.mul(d, av), f64x2.sub(one, av));
    store2(dz + o, r);
  }
  for (; i < len; i++) {
    const o = <usize>i << 2;
    const av = <f64>load<f32>(a + o);
    const d = <f64>load<f32>(dz + o);
    store<f32>(dz + o, <f32>(act == 3 ? d * (1 - av * av) : d * av * (1 - av)));
  }
}

/** db[j] = Σ_r dz[r][j] (rows summed in order, float32 as the reference). */
export function biasGrad(dz: usize, db: usize, rows: i32, n: i32): void {
  memory.fill(db, 0, <usize>n << 2);
  for (let r = 0; r < rows; r++) {
    const row = dz + (<usize>(r * n) << 2);
    let j = 0;
    for (; j + 4 <= n; j += 4) {
      const q = db + (<usize>j << 2);
      v128.store(q, f32x4.add(v128.load(q), v128.load(row + (<usize>j << 2))));
    }
    for (; j < n; j++) {
      const q = db + (<usize>j << 2);
      store<f32>(q, load<f32>(q) + load<f32>(row + (<usize>j << 2)));
    }
  }
}

/**
 * SGD: p ← p − lr·g, or with momentum μ: v ← μv − lr·g; p ← p + v (Nesterov: p + μv − lr·g).
 * v is 0 without momentum.
 */
export function sgdUpdate(p: usize, g: usize, v: usize, len: i32, lr: f64, mu: f64, nesterov: bool): void {
  const lrv = f64x2.splat(lr);
  const muv = f64x2.splat(mu);
  let i = 0;
  for (; i + 2 <= len; i += 2) {
    const o = <usize>i << 2;
    const gv = load2(g + o);
    const pv = load2(p + o);
    if (v == 0) {
      store2(p + o, f64x2.sub(pv, f64x2.mul(lrv, gv)));
      continue;
    }
    const vv = f64x2.sub(f64x2.mul(muv, load2(v + o)), f64x2.mul(lrv, gv));
    store2(v + o, vv);
    store2(p + o, f64x2.add(pv, nesterov ? f64x2.sub(f64x2.mul(muv, vv), f64x2.mul(lrv, gv)) : vv));
  }
  for (; i < len; i++) {
    const o = <usize>i << 2;
    const gi = <f64>load<f32>(g + o);
    const pi = <f64>load<f32>(p + o);
    if (v == 0) {
      store<f32>(p + o, <f32>(pi - lr * gi));
      continue;
    }
    const vi = mu * <f64>load<f32>(v + o) - lr * gi;
    store<f32>(v + o, <f32>vi);
    store<f32>(p + o, <f32>(pi + (nesterov ? mu * vi - lr * gi : vi)));
  }
}

/**
 * Adam (Keras form), in float32 arithmetic as TensorFlow does on float32 variables (every
 * operation rounded to float32; the reference rounds the same way): m ← m + (g − m)(1 − β₁);
 * v ← v + (g² − v)(1 − β₂); p ← p − α·m / (√v + ε), with α carrying the bias correction.
 */
export function adamUpdate(p: usize, g: usize, m: usize, v: usize, len: i32, alpha: f64, b1: f64, b2: f64, eps: f64): void {
  const c1s = <f32>(1 - b1);
  const c2s = <f32>(1 - b2);
  const as = <f32>alpha;
  const es = <f32>eps;
  const c1 = f32x4.splat(c1s);
  const c2 = f32x4.splat(c2s);
  const av = f32x4.splat(as);
  const ev = f32x4.splat(es);
  let i = 0;
  for (; i + 4 <= len; i += 4) {
    const o = <usize>i << 2;
    const gv = v128.load(g + o);
    const m0 = v128.load(m + o);
    const v0 = v128.load(v + o);
    const m1 = f32x4.add(m0, f32x4.mul(f32x4.sub(gv, m0), c1));
    const v1 = f32x4.add(v0, f32x4.mul(f32x4.sub(f32x4.mul(gv, gv), v0), c2));
    v128.store(m + o, m1);
    v128.store(v + o, v1);
    v128.store(p + o, f32x4.sub(v128.load(p + o), f32x4.div(f32x4.mul(av, m1), f32x4.add(f32x4.sqrt(v1), ev))));
  }
  for (; i < len; i++) {
    const o = <usize>i << 2;
    const gi = load<f32>(g + o);
    const m0 = load<f32>(m + o);
    const v0 = load<f32>(v + o);
    const mi = m0 + (gi - m0) * c1s;
    const vi = v0 + (gi * gi - v0) * c2s;
    store<f32>(m + o, mi);
    store<f32>(v + o, vi);
    store<f32>(p + o, load<f32>(p + o) - (as * mi) / (Mathf.sqrt(vi) + es));
  }
}

/**
 * RMSprop (src/optim/rmsprop.ts) in the reference's float64 arithmetic, each state value
 * rounded to float32 when stored and read back as stored: s ← ρs + (1 − ρ)g²; d = s + ε
 * (centered: ḡ ← ρḡ + (1 − ρ)g, d −= ḡ²); Δ = η·g/√d; with momentum μ > 0, m ← μm + Δ and
 * w ← w − m, else w ← w − Δ.
 */
export function rmspropUpdate(p: usize, g: usize, s: usize, m: usize, avg: usize, len: i32, lr: f64, rho: f64, mu: f64, eps: f64, centered: bool): void {
  const c = 1 - rho;
  for (let i = 0; i < len; i++) {
    const o = <usize>i << 2;
    const gi = <f64>load<f32>(g + o);
    store<f32>(s + o, <f32>(rho * <f64>load<f32>(s + o) + c * gi * gi));
    let d = <f64>load<f32>(s + o) + eps;
    if (centered) {
      store<f32>(avg + o, <f32>(rho * <f64>load<f32>(avg + o) + c * gi));
      const a = <f64>load<f32>(avg + o);
      d -= a * a;
    }
    const inc = (lr * gi) / Math.sqrt(d);
    if (mu > 0) {
      store<f32>(m + o, <f32>(mu * <f64>load<f32>(m + o) + inc));
      store<f32>(p + o, <f32>(<f64>load<f32>(p + o) - <f64>load<f32>(m + o)));
    } else store<f32>(p + o, <f32>(<f64>load<f32>(p + o) - inc));
  }
}

// xoshiro128** on the four state words at `state` (src/tensor/random.ts), in place.
@inline
function nextU32(state: usize): u32 {
  const s0 = load<u32>(state);
  const s1 = load<u32>(state, 4);
  const s2 = load<u32>(state, 8) ^ s0;
  const s3 = load<u32>(state, 12) ^ s1;
  const result = rotl<u32>(s1 * 5, 7) * 9;
  store<u32>(state, s0 ^ s3);
  store<u32>(state, s1 ^ s2, 4);
  store<u32>(state, s2 ^ (s1 << 9), 8);
  store<u32>(state, rotl<u32>(s3, 11), 12);
  return result;
}

/**
 * out[i] = a + (b − a)·u with u uniform in [0, 1) from 53 random bits, drawn in order from the
 * generator state at `state`: the same values as Rng.uniform() and the reference fillRandom.
 */
export function fillUniform(state: usize, out: usize, len: i32, a: f64, b: f64): void {
  for (let i = 0; i < len; i++) {
    const hi = <f64>(nextU32(state) >>> 5);
    const lo = <f64>(nextU32(state) >>> 6);
    const u = (hi * 67108864 + lo) / 9007199254740992;
    store<f32>(out + (<usize>i << 2), <f32>(a + (b - a) * u));
  }
}

// Adagrad, Adadelta, Adamax and AdamW's decay, in the reference's float64 arithmetic with each
// state value rounded to float32 when stored and read back as stored (src/backends/js/train.ts).
@inline
function f(p: usize): f64 {
  return <f64>load<f32>(p);
}

export function adagradUpdate(p: usize, g: usize, a: usize, len: i32, lr: f64, eps: f64): void {
  for (let i = 0; i < len; i++) {
    const o = <usize>i << 2;
    const gi = f(g + o);
    store<f32>(a + o, <f32>(f(a + o) + gi * gi));
    store<f32>(p + o, <f32>(f(p + o) - (lr * gi) / Math.sqrt(f(a + o) + eps)));
  }
}

export function adadeltaUpdate(p: usize, g: usize, eg: usize, ed: usize, len: i32, lr: f64, rho: f64, eps: f64): void {
  for (let i = 0; i < len; i++) {
    const o = <usize>i << 2;
    const gi = f(g + o);
    store<f32>(eg + o, <f32>(rho * f(eg + o) + (1 - rho) * gi * gi));
    const delta = (-Math.sqrt(f(ed + o) + eps) / Math.sqrt(f(eg + o) + eps)) * gi;
    store<f32>(ed + o, <f32>(rho * f(ed + o) + (1 - rho) * delta * delta));
    store<f32>(p + o, <f32>(f(p + o) + lr * delta));
  }
}

export function adamaxUpdate(p: usize, g: usize, m: usize, u: usize, len: i32, lr: f64, b1: f64, b2: f64, eps: f64, corr: f64): void {
  for (let i = 0; i < len; i++) {
    const o = <usize>i << 2;
    const gi = f(g + o);
    store<f32>(m + o, <f32>(f(m + o) + (gi - f(m + o)) * (1 - b1)));
    // Math.max as JavaScript's: NaN wins.
    const bu = b2 * f(u + o);
    const ag = Math.abs(gi);
    store<f32>(u + o, <f32>(bu != bu || ag != ag ? NaN : Math.max(bu, ag)));
    store<f32>(p + o, <f32>(f(p + o) - (lr * f(m + o)) / (corr * (f(u + o) + eps))));
  }
}

export function scaleUpdate(p: usize, len: i32, k: f64): void {
  for (let i = 0; i < len; i++) {
    const o = <usize>i << 2;
    store<f32>(p + o, <f32>(f(p + o) * k));
  }
}
