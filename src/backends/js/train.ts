/**
 * Reference kernels a compiled training step fuses into or updates with (see Kernels in
 * ../backend.ts): bias + activation, the activation's derivative, the bias gradient, softmax
 * cross-entropy, and the optimizers' updates.
 * Arithmetic in float64, rounded once when stored, except Adam (float32 throughout, as
 * TensorFlow); the WebAssembly kernels (assembly/train.ts) reproduce these results bit for bit.
 */
import type { StepActivation } from '../backend.js';
import type { Buf } from '../../tensor/tensor.js';

const sigmoid = (z: number): number => (z >= 0 ? 1 / (1 + Math.exp(-z)) : Math.exp(z) / (1 + Math.exp(z)));

export function biasAct(z: Float32Array, bias: Float32Array | null, rows: number, n: number, act: StepActivation): void {
  const len = rows * n;
  if (bias !== null) for (let r = 0; r < len; r += n) for (let j = 0; j < n; j++) z[r + j] = z[r + j]! + bias[j]!;
  switch (act) {
    // NaN stays NaN (terminateOnNaN must see it); −0 becomes +0.
    case 'relu': for (let i = 0; i < len; i++) { const v = z[i]!; if (!(v > 0) && v === v) z[i] = 0; } break;
    case 'tanh': for (let i = 0; i < len; i++) z[i] = Math.tanh(z[i]!); break;
    case 'sigmoid': for (let i = 0; i < len; i++) z[i] = sigmoid(z[i]!); break;
    default: break;
  }
}

export function actGrad(a: Float32Array, dz: Float32Array, len: number, act: StepActivation): void {
  switch (act) {
    case 'relu': for (let i = 0; i < len; i++) if (!(a[i]! > 0)) dz[i] = 0; break;
    case 'tanh': for (let i = 0; i < len; i++) dz[i] = dz[i]! * (1 - a[i]! * a[i]!); break;
    case 'sigmoid': for (let i = 0; i < len; i++) dz[i] = dz[i]! * a[i]! * (1 - a[i]!); break;
    default: break;
  }
}

export function biasGrad(dz: Float32Array, db: Float32Array, rows: number, n: number): void {
  db.fill(0, 0, n);
  for (let r = 0; r < rows * n; r += n) for (let j = 0; j < n; j++) db[j] = db[j]! + dz[r + j]!;
}

export function sgdUpdate(p: Buf, g: Buf, v: Float32Array | null, len: number, lr: number, mu: number, nesterov: boolean): void {
  if (v === null) {
    for (let i = 0; i < len; i++) p[i] = p[i]! - lr * g[i]!;
    return;
  }
  for (let i = 0; i < len; i++) {
    const vi = mu * v[i]! - lr * g[i]!;
    v[i] = vi;
    p[i] = p[i]! + (nesterov ? mu * vi - lr * g[i]! : vi);
  }
}

/** RMSprop (src/optim/rmsprop.ts gives the rule), in float64 with each state value stored as float32. */
export function rmspropUpdate(p: Buf, g: Buf, s: Float32Array, m: Float32Array, avg: Float32Array, len: number, lr: number, rho: number, mu: number, eps: number, centered: boolean): void {
  for (let i = 0; i < len; i++) {
    const gi = g[i]!;
    s[i] = rho * s[i]! + (1 - rho) * gi * gi;
    let d = s[i]! + eps;
    if (centered) {
      avg[i] = rho * avg[i]! + (1 - rho) * gi;
      d -= avg[i]! * avg[i]!;
    }
    const inc = (lr * gi) / Math.sqrt(d);
    if (mu > 0) {
      m[i] = mu * m[i]! + inc;
      p[i] = p[i]! - m[i]!;
    } else p[i] = p[i]! - inc;
  }
}

/** Adagrad: a ← a + g²; w ← w − η·g/√(a + ε), in float64 with a stored as float32. */
export function adagradUpdate(p: Buf, g: Buf, a: Float32Array, len: number, lr: number, eps: number): void {
  for (let i = 0; i < len; i++) {
    const gi = g[i]!;
    a[i] = a[i]! + gi * gi;
    p[i] = p[i]! - (lr * gi) / Math.sqrt(a[i]! + eps);
  }
}

/** Adadelta: E[g²] ← ρE[g²] + (1 − ρ)g²; Δ = −√(E[Δ²] + ε)/√(E[g²] + ε)·g; E[Δ²] ← ρE[Δ²] + (1 − ρ)Δ²; w ← w + η·Δ. */
export function adadeltaUpdate(p: Buf, g: Buf, eg: Float32Array, ed: Float32Array, len: number, lr: number, rho: number, eps: number): void {
  for (let i = 0; i < len; i++) {
    const gi = g[i]!;
    eg[i] = rho * eg[i]! + (1 - rho) * gi * gi;
    const delta = (-Math.sqrt(ed[i]! + eps) / Math.sqrt(eg[i]! + eps)) * gi;
    ed[i] = rho * ed[i]! + (1 - rho) * delta * delta;
    p[i] = p[i]! + lr * delta;
  }
}

/** Adamax: m ← m + (g − m)(1 − β₁); u ← max(β₂u, |g|); w ← w − η·m/(c·(u + ε)), c = 1 − β₁ᵗ. */
export function adamaxUpdate(p: Buf, g: Buf, m: Float32Array, u: Float32Array, len: number, lr: number, b1: number, b2: number, eps: number, corr: number): void {
  for (let i = 0; i < len; i++) {
    const gi = g[i]!;
    m[i] = m[i]! + (gi - m[i]!) * (1 - b1);
    u[i] = Math.max(b2 * u[i]!, Math.abs(gi));
    p[i] = p[i]! - (lr * m[i]!) / (corr * (u[i]! + eps));
  }
}

/** w ← w·k in float64, rounded once (AdamW's decoupled weight decay, k = 1 − η·λ). */
export function scaleUpdate(p: Buf, len: number, k: number): void {
  for (let i = 0; i < len; i++) p[i] = p[i]! * k;
}

/**
 * Adam in float32 arithmetic, as TensorFlow does on float32 variables: every operation rounded
 * to float32 (Math.fround after each gives exactly IEEE float32 results, square root included).
 */
export function adamUpdate(p: Buf, g: Buf, m: Float32Array, v: Float32Array, len: number, alpha: number, b1: number, b2: number, eps: number): void {
  const f = Math.fround;
  const c1 = f(1 - b1);
  const c2 = f(1 - b2);
  const a = f(alpha);
  const e = f(eps);
  for (let i = 0; i < len; i++) {
    const gi = f(g[i]!);
    const mi = f(m[i]! + f(f(gi - m[i]!) * c1));
    const vi = f(v[i]! + f(f(f(gi * gi) - v[i]!) * c2));
    m[i] = mi;
    v[i] = vi;
    p[i] = p[i]! - f(f(a * mi) / f(f(Math.sqrt(vi)) + e));
  }
}

/** log Σ exp over a[o .. o+n), shifted by the row's maximum so it never overflows. */
export function rowLogSumExp(a: Buf, o: number, n: number): number {
  let max = -Infinity;
  for (let j = 0; j < n; j++) if (a[o + j]! > max) max = a[o + j]!;
  let sum = 0;
  for (let j = 0; j < n; j++) sum += Math.exp(a[o + j]! - max);
  return max + Math.log(sum);
}

/**
 * Softmax cross-entropy on rows of logits z against targets y, in float64 and rounded once:
 * with lse = log Σ exp z (shifted by the row's maximum), loss = lse·Σy − Σ y·z and
 * p = exp(z − lse). (For one-hot or probability targets, loss = −Σ y·log softmax(z).)
 */
export function softmaxCrossEntropy(z: Buf, y: Buf, rows: number, n: number, loss: Buf, probs: Buf): void {
  for (let r = 0, o = 0; r < rows; r++, o += n) {
    const lse = rowLogSumExp(z, o, n);
    let ys = 0;
    let yz = 0;
    for (let j = 0; j < n; j++) {
      const t = y[o + j]!;
      ys += t;
      if (t !== 0) yz += t * z[o + j]!;
      probs[o + j] = Math.exp(z[o + j]! - lse);
    }
    loss[r] = lse * ys - yz;
  }
}
