import { describe, expect, test } from 'vitest';
import { Rng } from './random.js';

describe('Rng', () => {
  test('xoshiro128** stream for seed 42 matches an independent implementation', () => {
    // Values from a separate Python implementation of the same seeding (murmur3 finalizer over
    // a golden-ratio counter) and xoshiro128**. Any change to the stream breaks saved runs.
    const r = new Rng(42);
    expect([r.nextUint32(), r.nextUint32(), r.nextUint32()]).toEqual([2837322924, 544945897, 479756282]);
  });

  test('same seed, same stream; different seeds differ', () => {
    const a = new Rng(7);
    const b = new Rng(7);
    const c = new Rng(8);
    const xs = Array.from({ length: 100 }, () => a.normal());
    expect(Array.from({ length: 100 }, () => b.normal())).toEqual(xs);
    expect(Array.from({ length: 100 }, () => c.normal())).not.toEqual(xs);
  });

  test('uniform is in [0, 1) with mean ≈ 1/2; normal has mean ≈ 0 and variance ≈ 1', () => {
    const r = new Rng(1);
    const n = 200_000;
    let su = 0;
    let sn = 0;
    let sn2 = 0;
    for (let i = 0; i < n; i++) {
      const u = r.uniform();
      expect(u >= 0 && u < 1).toBe(true);
      su += u;
      const z = r.normal();
      sn += z;
      sn2 += z * z;
    }
    // Standard errors: uniform mean √(1/12/n) ≈ 6.5e-4; normal mean 2.2e-3, variance 3.2e-3.
    expect(Math.abs(su / n - 0.5)).toBeLessThan(4e-3);
    expect(Math.abs(sn / n)).toBeLessThan(1e-2);
    expect(Math.abs(sn2 / n - 1)).toBeLessThan(2e-2);
  });

  test('state save and restore resumes the exact stream', () => {
    const r = new Rng(3);
    r.normal();
    const state = r.getState();
    const next = [r.normal(), r.uniform(), r.nextUint32()];
    const s = new Rng(0);
    s.setState(state);
    expect([s.normal(), s.uniform(), s.nextUint32()]).toEqual(next);
  });

  test('permutation contains every index once', () => {
    const p = Array.from(new Rng(5).permutation(50)).sort((a, b) => a - b);
    expect(p).toEqual(Array.from({ length: 50 }, (_, i) => i));
  });

  test('bad seeds and states are refused', () => {
    expect(() => new Rng(Number.NaN)).toThrow('Rng.seed: seed must be a finite number, got NaN');
    expect(() => new Rng(0).setState([1, 2])).toThrow('Rng.setState: expected 5 numbers, got 2');
  });
});
