/**
 * Gradient checking: analytic gradients (the backward rules) against central differences,
 * both evaluated in float64 on the reference backend. This is the notes' gradient
 * estimator, done properly: (f(x + ε) − f(x − ε)) / 2ε has error O(ε²).
 */
import { jsBackend } from '../backends/js/index.js';
import { withContext } from '../context/context.js';
import { Rng } from '../tensor/random.js';
import { Tensor } from '../tensor/tensor.js';
import { computeGrads } from './engine.js';

export interface GradCheckOptions {
  /** Finite-difference step (default 1e-6). */
  eps?: number;
  /** Relative tolerance (default 1e-5). */
  rtol?: number;
  /** Absolute tolerance (default 1e-6). An element passes when |a − n| ≤ atol + rtol·|n|. */
  atol?: number;
}

export interface GradCheckInputReport {
  /** Largest |analytic − numeric| over the input's elements. */
  maxAbsError: number;
  /** Largest |analytic − numeric| / max(|numeric|, |analytic|, tiny). */
  maxRelError: number;
  passed: boolean;
  analytic: Float64Array;
  numeric: Float64Array;
}

export interface GradCheckResult {
  passed: boolean;
  inputs: GradCheckInputReport[];
}

const reference = jsBackend();

function to64(t: Tensor, requiresGrad: boolean): Tensor {
  return new Tensor(Float64Array.from(t.values), t.shape, { requiresGrad });
}

/**
 * The weights that turn a non-scalar output into a scalar: L = Σ yᵢ·rᵢ with fixed r in
 * [0.5, 1.5), so every output element matters with a different weight.
 */
function projection(n: number): Float64Array {
  const rng = new Rng(12345);
  return Float64Array.from({ length: n }, () => 0.5 + rng.uniform());
}

function scalarize(y: Tensor, r: Float64Array): number {
  let s = 0;
  for (let i = 0; i < y.size; i++) s += y.values[i]! * r[i]!;
  return s;
}

function run<T>(fn: () => T): T {
  return withContext({ backend: reference, dtype: 'float64', gradEnabled: true }, fn);
}

function numeric(f: (...xs: Tensor[]) => Tensor, xs: Tensor[], which: number, eps: number, r: Float64Array | null): Float64Array {
  const x = xs[which]!;
  const out = new Float64Array(x.size);
  const evalAt = (): number => {
    const y = withContext({ gradEnabled: false }, () => f(...xs));
    return r === null ? y.values[0]! : scalarize(y, r);
  };
  for (let i = 0; i < x.size; i++) {
    const orig = x.values[i]!;
    x.values[i] = orig + eps;
    const plus = evalAt();
    x.values[i] = orig - eps;
    const minus = evalAt();
    x.values[i] = orig;
    out[i] = (plus - minus) / (2 * eps);
  }
  return out;
}

/**
 * Central-difference gradient of a scalar function at `x`, computed in float64.
 *
 * @example
 * numericalGradient((a) => a.mul(a).sum(), tensor([2])); // ≈ [4]  (d/da a² = 2a)
 */
export function numericalGradient(f: (x: Tensor) => Tensor, x: Tensor, eps = 1e-6): Tensor {
  return run(() => {
    const x64 = to64(x, false);
    const probe = withContext({ gradEnabled: false }, () => f(x64));
    const r = probe.size === 1 ? null : projection(probe.size);
    return new Tensor(numeric((t) => f(t), [x64], 0, eps, r), x.shape);
  });
}

/**
 * Compares f's analytic gradient with central differences for every input, in float64.
 * A non-scalar output y is checked through L = Σ yᵢ·rᵢ with fixed weights rᵢ.
 *
 * @example
 * const res = gradCheck((a, b) => a.mul(b).sum(), [randomNormal([3]), randomNormal([3])]);
 * res.passed; // true
 */
export function gradCheck(f: (...xs: Tensor[]) => Tensor, inputs: Tensor[], options: GradCheckOptions = {}): GradCheckResult {
  const eps = options.eps ?? 1e-6;
  const rtol = options.rtol ?? 1e-5;
  const atol = options.atol ?? 1e-6;
  return run(() => {
    const xs = inputs.map((x) => to64(x, true));
    const y = f(...xs);
    const r = y.size === 1 ? null : projection(y.size);
    const seed = new Tensor(r === null ? new Float64Array(y.size).fill(1) : r, y.shape);
    const grads = y.requiresGrad ? computeGrads(y, seed) : new Map<Tensor, Tensor>();
    const reports = xs.map((x, i) => {
      const analytic = Float64Array.from(grads.get(x)?.values ?? new Float64Array(x.size));
      const num = numeric(f, xs, i, eps, r);
      let maxAbsError = 0;
      let maxRelError = 0;
      let passed = true;
      for (let j = 0; j < x.size; j++) {
        const a = analytic[j]!;
        const n = num[j]!;
        const abs = Math.abs(a - n);
        const rel = abs / Math.max(Math.abs(a), Math.abs(n), 1e-12);
        if (!(abs <= atol + rtol * Math.abs(n))) passed = false;
        if (!(abs <= maxAbsError)) maxAbsError = abs;
        if (!(rel <= maxRelError)) maxRelError = rel;
      }
      return { maxAbsError, maxRelError, passed, analytic, numeric: num };
    });
    return { passed: reports.every((p) => p.passed), inputs: reports };
  });
}
