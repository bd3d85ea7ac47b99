import { describe, expect, test } from 'vitest';
import { metrics, tensor } from '../index.js';
import { auc, getMetric, precision, recall } from './index.js';

describe('metrics', () => {
  test("'accuracy' resolves from the loss and the output width, as Keras", () => {
    const ctx = (lossName: string, outputWidth: number) => ({ lossName, outputWidth });
    // Binary: (ŷ > 0.5) == y → [1, 0, 1] → 2/3.
    const bin = getMetric('accuracy', ctx('binaryCrossentropy', 1));
    bin.update(tensor([[1], [1], [0]]), tensor([[0.9], [0.2], [0.4]]));
    expect(bin.result()).toBeCloseTo(2 / 3, 6);
    // Categorical: argmax rows [0, 2] vs targets [0, 1] → 1/2.
    const cat = getMetric('acc', ctx('categoricalCrossentropy', 3));
    cat.update(tensor([[1, 0, 0], [0, 1, 0]]), tensor([[0.8, 0.1, 0.1], [0.2, 0.3, 0.5]]));
    expect(cat.result()).toBe(0.5);
    expect(cat.name).toBe('acc');
    // Sparse: labels [0, 2] vs argmax [0, 2] → 1.
    const sparse = getMetric('accuracy', ctx('sparseCategoricalCrossentropy', 3));
    sparse.update(tensor([0, 2]), tensor([[0.8, 0.1, 0.1], [0.2, 0.3, 0.5]]));
    expect(sparse.result()).toBe(1);
    // mse loss with width 1 → binary accuracy.
    expect(getMetric('accuracy', ctx('meanSquaredError', 1)).name).toBe('accuracy');
  });

  test('mean metrics accumulate across batches, weighted by sample count', () => {
    const m = getMetric('binaryAccuracy', { lossName: 'mse', outputWidth: 1 });
    m.update(tensor([[1]]), tensor([[0.9]])); // 1/1
    m.update(tensor([[1], [1], [1]]), tensor([[0.1], [0.1], [0.1]])); // 0/3
    expect(m.result()).toBe(0.25);
    m.reset();
    expect(m.result()).toBe(0);
  });

  test('precision, recall and AUC from confusion counts', () => {
    // y = [1, 1, 0, 0], ŷ = [0.9, 0.4, 0.6, 0.1] at 0.5: TP 1, FP 1, FN 1 → precision ½, recall ½.
    const y = tensor([1, 1, 0, 0]);
    const p = tensor([0.9, 0.4, 0.6, 0.1]);
    const pr = precision();
    pr.update(y, p);
    expect(pr.result()).toBe(0.5);
    const rc = recall();
    rc.update(y, p);
    expect(rc.result()).toBe(0.5);
    // ROC AUC = P(score of a positive > score of a negative): pairs (0.9>0.6, 0.9>0.1, 0.4<0.6, 0.4>0.1) → 3/4.
    const a = auc();
    a.update(y, p);
    expect(a.result()).toBeCloseTo(0.75, 2);
    const perfect = auc();
    perfect.update(tensor([0, 1]), tensor([0.2, 0.8]));
    expect(perfect.result()).toBeCloseTo(1, 6);
  });

  test('user metric functions and unknown names', () => {
    const m = getMetric(function meanPred(_t, p) { return p; }, { lossName: 'mse', outputWidth: 1 });
    m.update(tensor([[0], [0]]), tensor([[1], [3]]));
    expect(m.name).toBe('meanPred');
    expect(m.result()).toBe(2);
    expect(() => getMetric('accurasy', { lossName: 'mse', outputWidth: 1 })).toThrow("Unknown metric 'accurasy'. Valid metrics: accuracy, acc, binaryAccuracy");
  });
});

describe("tfjs's metric functions (one value per sample, by hand)", () => {
  const v = (t: { values: ArrayLike<number> }) => Array.from(t.values);
  test('accuracies, errors, precision and recall', () => {
    // (ŷ > 0.5) == y per element, mean per row: [1, 0.5].
    expect(v(metrics.binaryAccuracy(tensor([[1, 0], [1, 1]]), tensor([[0.9, 0.2], [0.7, 0.1]])))).toEqual([1, 0.5]);
    expect(v(metrics.categoricalAccuracy(tensor([[0, 1], [1, 0]]), tensor([[0.3, 0.7], [0.4, 0.6]])))).toEqual([1, 0]);
    expect(v(metrics.sparseCategoricalAccuracy(tensor([1, 0]), tensor([[0.3, 0.7], [0.4, 0.6]])))).toEqual([1, 0]);
    expect(v(metrics.meanSquaredError(tensor([[1, 2]]), tensor([[0, 4]])))).toEqual([2.5]);
    expect(v(metrics.MAE(tensor([[1, 2]]), tensor([[0, 4]])))).toEqual([1.5]);
    // |1 − 0.5|/1, |2 − 3|/2 → mean 0.5 → 50%.
    expect(metrics.meanAbsolutePercentageError(tensor([[1, 2]]), tensor([[0.5, 3]])).item()).toBeCloseTo(50, 4);
    // Predicted positive: 0.9, 0.7 (labels 1, 0) → precision 1/2; positives 1, 1 (0.9 found, 0.2 missed) → recall 1/2.
    const y = tensor([1, 0, 1]);
    const p = tensor([0.9, 0.7, 0.2]);
    expect(metrics.precision(y, p).item()).toBeCloseTo(0.5, 6);
    expect(metrics.recall(y, p).item()).toBeCloseTo(0.5, 6);
    expect(metrics.cosineProximity(tensor([[1, 0]]), tensor([[2, 0]])).item()).toBeCloseTo(-1, 6);
    expect(metrics.r2Score(tensor([1, 2, 3]), tensor([1, 2, 3])).item()).toBe(1);
    expect(() => metrics.binaryAccuracy(tensor([1, 0]), tensor([1]))).toThrow('metrics.binaryAccuracy: yTrue shape [2] does not match yPred shape [1]');
  });
});
