/**
 * `testOp`: the shared harness every op test goes through. For each case (a list of input
 * shapes) and each backend under test it draws seeded inputs, checks the forward result
 * against a reference (an independent scalar function applied with index-math broadcasting,
 * or a whole-array reference), and checks the backward rule against float64 central
 * differences with `gradCheck`.
 */
import { describe, expect, test } from 'vitest';
import {
  type Backend, Rng, type Shape, Tensor, gradCheck, jsBackend, nativeBackend, nativeSupported, tensor, wasmBackend, wasmSimdSupported, withContext,
} from '../../src/index.js';

/**
 * Backends every op test runs on: the reference, WebAssembly SIMD on 1 and 2 threads where it
 * exists, and the native backend where its addon built: its narrowest instruction set on one
 * thread and its widest on two.
 */
let cached: Backend[] | null = null;
export function backendsUnderTest(): Backend[] {
  // The reference, the plain-SIMD build on one thread, and the default (relaxed SIMD where the
  // runtime has it) on two.
  cached ??= [
    jsBackend(),
    ...(wasmSimdSupported() ? [wasmBackend({ threads: 1, relaxed: false }), wasmBackend({ threads: 2 })] : []),
    ...(nativeSupported() ? [nativeBackend({ threads: 1, isa: 'generic' }), nativeBackend({ threads: 2 })] : []),
  ];
  return cached;
}

export interface OpSpec {
  fn: (...xs: Tensor[]) => Tensor;
  /** Input shapes per case. */
  cases: Shape[][];
  /** Scalar reference for elementwise ops (broadcast by the harness). */
  elementwise?: (...v: number[]) => number;
  /** Whole-array reference: returns the expected values (row-major) and shape. */
  reference?: (...xs: Tensor[]) => { values: ArrayLike<number>; shape: Shape };
  /** Draws one input value (default: ±[0.1, 2), away from the kinks at 0). */
  sample?: (rng: Rng, input: number) => number;
  /** Check gradients (default true). */
  grad?: boolean;
  /** Forward relative tolerance against the reference (default 1e-5). */
  rtol?: number;
  /** Forward absolute tolerance (default 1e-6); long float32 sums need more. */
  atol?: number;
  gradOptions?: { eps?: number; rtol?: number; atol?: number };
}

const defaultSample = (rng: Rng): number => (rng.uniform() < 0.5 ? -1 : 1) * (0.1 + 1.9 * rng.uniform());

export function randomInput(shape: Shape, rng: Rng, draw: (rng: Rng) => number): Tensor {
  const n = shape.reduce((p, d) => p * d, 1);
  return tensor(Float32Array.from({ length: n }, () => draw(rng)), shape);
}

/** Broadcast shape by the rules, written independently of the library's implementation. */
function referenceBroadcast(shapes: Shape[]): number[] {
  const rank = Math.max(0, ...shapes.map((s) => s.length));
  // Per axis: the one size other than 1, if any (sizes are assumed compatible here).
  return Array.from({ length: rank }, (_, i) => shapes.map((s) => s[s.length - rank + i] ?? 1).find((d) => d !== 1) ?? 1);
}

/** Applies f elementwise with broadcasting by unravelling each output index. */
export function broadcastReference(f: (...v: number[]) => number, xs: Tensor[]): { values: number[]; shape: number[] } {
  const shape = referenceBroadcast(xs.map((x) => x.shape));
  const n = shape.reduce((p, d) => p * d, 1);
  const values: number[] = [];
  for (let flat = 0; flat < n; flat++) {
    const idx: number[] = [];
    let r = flat;
    for (let i = shape.length - 1; i >= 0; i--) {
      idx[i] = r % shape[i]!;
      r = Math.floor(r / shape[i]!);
    }
    const args = xs.map((x) => {
      let off = 0;
      const lead = shape.length - x.rank;
      for (let i = 0; i < x.rank; i++) off = off * x.shape[i]! + (x.shape[i] === 1 ? 0 : idx[lead + i]!);
      return x.values[off]!;
    });
    values.push(f(...args));
  }
  return { values, shape };
}

export function expectClose(actual: ArrayLike<number>, expected: ArrayLike<number>, rtol = 1e-5, atol = 1e-6): void {
  expect(actual.length).toBe(expected.length);
  for (let i = 0; i < expected.length; i++) {
    const a = actual[i]!;
    const e = expected[i]!;
    if (Number.isNaN(e)) {
      expect(a, `element ${i}`).toBeNaN();
      continue;
    }
    if (!Number.isFinite(e)) {
      expect(a, `element ${i}`).toBe(e);
      continue;
    }
    const ok = Math.abs(a - e) <= atol + rtol * Math.abs(e);
    expect(ok, `element ${i}: got ${a}, expected ${e}`).toBe(true);
  }
}

export function testOp(name: string, spec: OpSpec): void {
  describe(name, () => {
    for (const backend of backendsUnderTest()) {
      spec.cases.forEach((shapes, c) => {
        const label = `${backend.name} ${shapes.map((s) => `[${s.join(',')}]`).join(' ')}`;
        const make = (): Tensor[] => {
          const rng = new Rng(1000 + c);
          return shapes.map((s, i) => randomInput(s, rng, (r) => (spec.sample ?? defaultSample)(r, i)));
        };
        if (spec.elementwise !== undefined || spec.reference !== undefined) {
          test(`forward ${label}`, () => {
            withContext({ backend }, () => {
              const xs = make();
              const y = spec.fn(...xs);
              const ref = spec.reference !== undefined ? spec.reference(...xs) : broadcastReference(spec.elementwise!, xs);
              expect([...y.shape]).toEqual([...ref.shape]);
              expectClose(y.values, ref.values, spec.rtol ?? 1e-5, spec.atol ?? 1e-6);
            });
          });
        }
        if (spec.grad !== false) {
          test(`gradient ${label}`, () => {
            const res = gradCheck(spec.fn, make(), spec.gradOptions);
            const worst = res.inputs.map((r) => r.maxAbsError.toExponential(2)).join(', ');
            expect(res.passed, `max abs error per input: ${worst}`).toBe(true);
          });
        }
      });
    }
  });
}

/** Shape lists for unary ops: scalar, vectors, size-1 axes, empty. */
export const UNARY_CASES: Shape[][] = [[[]], [[1]], [[5]], [[2, 3]], [[2, 1, 3]], [[0]], [[3, 0]]];

/** Shape pairs for binary ops: equal, broadcast both ways, scalars, size-1 axes, empty. */
export const BINARY_CASES: Shape[][] = [
  [[2, 3], [2, 3]],
  [[2, 3], [3]],
  [[3], [2, 3]],
  [[2, 1], [1, 3]],
  [[], [2, 3]],
  [[2, 3], []],
  [[], []],
  [[2, 1, 3], [4, 1]],
  [[0, 3], [3]],
];
