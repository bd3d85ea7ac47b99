import { describe, expect, test } from 'vitest';
import { actGrad, adamUpdate, biasAct, biasGrad, lossHead, sgdUpdate } from './train.js';

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

  test('lossHead softmaxCE: logits [0, ln 3] → p = [1/4, 3/4]; target [0, 1] → loss ln(4/3), dz = (p − t)/rows', () => {
    // Row 2 has logits [1000, 1000]: shifted by its maximum, p = [1/2, 1/2], loss ln 2 (no overflow).
    const a = f32([0, Math.log(3), 1000, 1000]);
    const dz = new Float32Array(4);
    const loss = lossHead('softmaxCE', a, f32([0, 1, 1, 0]), dz, 2, 2, 'linear');
    expect(loss).toBeCloseTo((Math.log(4 / 3) + Math.log(2)) / 2, 6);
    expect(Array.from(a)).toEqual([0.25, 0.75, 0.5, 0.5].map(round));
    expect(Array.from(dz)).toEqual([0.25 / 2, -0.25 / 2, -0.5 / 2, 0.5 / 2].map(round));
    // The sparse form takes the class index: same values.
    const a2 = f32([0, Math.log(3), 1000, 1000]);
    const dz2 = new Float32Array(4);
    expect(lossHead('sparseSoftmaxCE', a2, f32([1, 0]), dz2, 2, 2, 'linear')).toBe(loss);
    expect(Array.from(dz2)).toEqual(Array.from(dz));
  });

  test('lossHead sigmoidBCE on logits: z = 0 → p = 1/2, loss ln 2; z = −200, t = 1 → loss 200 (not Infinity)', () => {
    const a = f32([0, -200]);
    const dz = new Float32Array(2);
    // Mean over rows·n = 2 values: (ln 2 + 200)/2; dz = (p − t)/2 = [(0.5 − 0)/2, (0 − 1)/2].
    const loss = lossHead('sigmoidBCE', a, f32([0, 1]), dz, 1, 2, 'linear');
    expect(loss).toBeCloseTo((Math.log(2) + 200) / 2, 6);
    expect(a[0]).toBe(0.5);
    expect(a[1]).toBe(0); // σ(−200) ≈ 1.4e−87 underflows float32
    expect(Array.from(dz)).toEqual([0.25, -0.5]);
  });

  test('lossHead mse: dL/da = 2(a − t)/len, then through the activation', () => {
    // a = [0.5, 0.8] (sigmoid outputs), t = [0, 1]: loss (0.25 + 0.04)/2 = 0.145;
    // dL/da = [0.5, −0.2], times σ' = a(1 − a) = [0.25, 0.16] → [0.125, −0.032].
    const dz = new Float32Array(2);
    expect(lossHead('mse', f32([0.5, 0.8]), f32([0, 1]), dz, 1, 2, 'sigmoid')).toBeCloseTo(0.145, 6);
    expect(dz[0]).toBe(round(0.125));
    expect(dz[1]).toBeCloseTo(-0.032, 6);
  });
});
