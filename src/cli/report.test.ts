import { describe, expect, test } from 'vitest';
import { argmaxRows, checkFinite, classificationReport, formatClassification, formatRegression, regressionReport, round } from './report.js';

describe('classification report', () => {
  // truth:     a a a b b c
  // predicted: a a b b c c
  // a: tp 2, predicted 2 → precision 1, recall 2/3, f1 = 2·(2/3)/(1 + 2/3) = 0.8
  // b: tp 1, predicted 2 → precision 1/2, recall 1/2, f1 1/2
  // c: tp 1, predicted 2 → precision 1/2, recall 1, f1 = 2·(1/2)/(3/2) = 2/3
  const r = classificationReport([0, 0, 0, 1, 1, 2], [0, 0, 1, 1, 2, 2], ['a', 'b', 'c']);
  test('by hand', () => {
    expect(r.accuracy).toBeCloseTo(4 / 6, 12);
    expect(r.confusion).toEqual([[2, 1, 0], [0, 1, 1], [0, 0, 1]]);
    expect(r.classes.map((c) => [c.precision, c.recall, c.f1, c.support])).toEqual([[1, 2 / 3, 0.8, 3], [0.5, 0.5, 0.5, 2], [0.5, 1, 2 / 3, 1]].map((row, i) => row.map((v, j) => (j === 2 && i === 0 ? expect.closeTo(0.8, 12) : v))));
  });
  test('a class never predicted has precision 0, as scikit-learn reports it', () => {
    const z = classificationReport([0, 1], [0, 0], ['a', 'b']);
    expect(z.classes[1]).toEqual({ name: 'b', precision: 0, recall: 0, f1: 0, support: 1 });
  });
  test('formatted: a row per class and the confusion matrix', () => {
    expect(formatClassification(r, 'Test')).toBe([
      'Test (6 rows): accuracy 0.6667',
      'class  precision  recall      f1  support',
      'a         1.0000  0.6667  0.8000        3',
      'b         0.5000  0.5000  0.5000        2',
      'c         0.5000  1.0000  0.6667        1',
      'Confusion matrix (rows: the true class, columns: the predicted one):',
      'true \\ predicted  a  b  c',
      'a                 2  1  0',
      'b                 0  1  1',
      'c                 0  0  1',
      '',
    ].join('\n'));
  });
});

describe('regression report', () => {
  test('by hand: truth 1 2 3 4, predictions 1 2 3 6', () => {
    // errors 0 0 0 2: SSE 4, RMSE √(4/4) = 1, MAE 0.5; mean 2.5, SST 5, R² = 1 − 4/5 = 0.2
    const r = regressionReport([1, 2, 3, 4], [1, 2, 3, 6]);
    expect(r).toEqual({ rows: 4, rmse: 1, mae: 0.5, r2: expect.closeTo(0.2, 12) });
    expect(formatRegression(r, 'Test')).toBe('Test (4 rows): RMSE 1, MAE 0.5, R² 0.2000\n');
  });
  test('R² ≤ 0 is called out: predicting 0 where the truth averages 2.5', () => {
    const r = regressionReport([1, 2, 3, 4], [0, 0, 0, 0]);
    expect(r.r2).toBeCloseTo(1 - 30 / 5, 12);
    expect(formatRegression(r, 'Test')).toContain('R² -5.0000  ← R² ≤ 0: worse than predicting the mean');
  });
});

describe('helpers', () => {
  test('round drops float32 noise', () => {
    expect(round(32.393333435058594)).toBe('32.3933');
    expect(round(0.1 + 0.2)).toBe('0.3');
    expect(round(-1234567.891)).toBe('-1234570');
  });
  test('argmaxRows and checkFinite', () => {
    expect(Array.from(argmaxRows([0.1, 0.7, 0.2, 0.5, 0.3, 0.2], 3))).toEqual([1, 0]);
    expect(() => checkFinite([0.1, 0.9, NaN, 0.5, Infinity, 1], 2, 'f.csv')).toThrow("f.csv: the model's output is not a number (NaN or infinite) for rows 2, 3: its weights or these inputs are not finite");
    expect(() => checkFinite([0.1, 0.9], 2, 'f.csv')).not.toThrow();
  });
});
