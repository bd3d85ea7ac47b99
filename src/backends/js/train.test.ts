import { describe, expect, test } from 'vitest';
import { actGrad, adamUpdate, biasAct, biasGrad, sgdUpdate, softmaxCrossEntropy } from './train.js';

const f32 = (xs: number[]): Float32Array => Float32Array.from(xs);
const round = (x: number): number => Math.fround(x);

describe('reference training-step kernels (hand-derived values)', () => {
  test('biasAct adds the bias per column, then applies the activation', () => {
    // rows [1, -2], [-0.5, 3] plus bias [0.5, -1] → [1.5, -3], [0, 2].
    const z = f32([1, -2, -0.5, 3]);
    biasAct(z, f32([0.5, -1]), 2, 2, 'relu');
    expect(Array.from(z)).toEqual([1.5, 0, 0, 2]);
    const s = f32([0, Math.log(3)]);
    biasAct(s, null, 1, 2, 'sigmoid'); // σ(0) = 1/2, σ(ln 3) = 3/4
    expect(s[0]).toBe(0.5);
    expect(s[1]).toBeCloseTo(0.75, 7);
    const t = f32([0, Math.log(2)]);
    biasAct(t, null, 1, 2, 'tanh'); // tanh(ln 2) = (2 − 1/2)/(2 + 1/2) = 0.6
    expect(Array.from(t)).toEqual([0, round(0.6)]);
  });

  test('relu keeps NaN and turns −0 into +0', () => {
    const z = f32([NaN, -0, -1e-30]);
    biasAct(z, null, 1, 3, 'relu');
    expect(Number.isNaN(z[0])).toBe(true);
    expect(Object.is(z[1], 0)).toBe(true);
    expect(z[2]).toBe(0);
  });

  test('actGrad multiplies by the derivative written from the output', () => {
    // relu: 1 where a > 0; tanh: 1 − a²; sigmoid: a(1 − a).
    const d1 = f32([2, 2, 2]);
    actGrad(f32([0.5, 0, -1]), d1, 3, 'relu');
    expect(Array.from(d1)).toEqual([2, 0, 0]);
    const d2 = f32([2]);
    actGrad(f32([0.5]), d2, 1, 'tanh'); // 2·(1 − 0.25) = 1.5
    expect(d2[0]).toBe(1.5);
    const d3 = f32([2]);
    actGrad(f32([0.25]), d3, 1, 'sigmoid'); // 2·0.25·0.75 = 0.375
    expect(d3[0]).toBe(0.375);
    const d4 = f32([2]);
    actGrad(f32([0.25]), d4, 1, 'linear');
    expect(d4[0]).toBe(2);
  });

  test('biasGrad sums the rows', () => {
    const db = f32([9, 9]);
    biasGrad(f32([1, 2, 3, 4, 5, 6]), db, 3, 2); // [1+3+5, 2+4+6]
    expect(Array.from(db)).toEqual([9, 12]);
  });

  test('sgdUpdate: plain, momentum and Nesterov', () => {
    const p = f32([1, 1]);
    sgdUpdate(p, f32([0.5, -0.5]), null, 2, 0.1, 0, false); // 1 ∓ 0.05
    expect(Array.from(p)).toEqual([round(0.95), round(1.05)]);
    // μ = 0.9, v = 1: v ← 0.9 − 0.1·0.5 = 0.85; p ← 1 + 0.85; Nesterov p ← 1 + 0.9·0.85 − 0.05.
    const pm = f32([1]);
    const v = f32([1]);
    sgdUpdate(pm, f32([0.5]), v, 1, 0.1, 0.9, false);
    expect(v[0]).toBe(round(0.85));
    expect(pm[0]).toBe(round(1.85));
    const pn = f32([1]);
    const vn = f32([1]);
    sgdUpdate(pn, f32([0.5]), vn, 1, 0.1, 0.9, true);
    expect(pn[0]).toBe(round(1 + 0.9 * 0.85 - 0.05));
  });

  test('adamUpdate, first step: m = 0.1g, v = 0.001g², so the step is about α·0.1g/(√0.001·|g|)', () => {
    // With α = η·√(1 − β₂)/(1 − β₁) (t = 1) the step is η·sign(g) up to ε: 1 − 0.001 = 0.999.
    const p = f32([1]);
    const m = f32([0]);
    const v = f32([0]);
    const alpha = (0.001 * Math.sqrt(1 - 0.999)) / (1 - 0.9);
    adamUpdate(p, f32([2]), m, v, 1, alpha, 0.9, 0.999, 1e-7);
    expect(m[0]).toBe(round(0.2));
    expect(v[0]).toBe(round(0.004));
    expect(p[0]).toBeCloseTo(0.999, 6);
  });

  test('softmaxCrossEntropy: logits [0, ln 3] → p = [1/4, 3/4]; target [0, 1] → loss ln(4/3); logits [1000, 1000] → p = 1/2, loss ln 2 (no overflow)', () => {
    // lse = log(1 + 3) = ln 4; loss = lse·Σt − Σt·z = ln 4 − ln 3. Row 2: shifted by its maximum, lse = 1000 + ln 2, loss = lse − 1000.
    const loss = new Float32Array(2);
    const probs = new Float32Array(4);
    softmaxCrossEntropy(f32([0, Math.log(3), 1000, 1000]), f32([0, 1, 1, 0]), 2, 2, loss, probs);
    expect(loss[0]).toBeCloseTo(Math.log(4 / 3), 6);
    expect(loss[1]).toBeCloseTo(Math.log(2), 4);
    expect(Array.from(probs)).toEqual([0.25, 0.75, 0.5, 0.5].map(round));
  });
});
