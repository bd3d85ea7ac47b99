import { describe, expect, test } from 'vitest';
import { Reduction, gradCheck, losses, randomUniform, softmax, sigmoid, tensor, getLoss, type Tensor } from '../index.js';

const probs = (shape: number[], seed: number): Tensor => randomUniform(shape, 0.05, 0.95, { seed });
const onehot = tensor([[1, 0, 0], [0, 0, 1]]);

describe('loss values against hand computation', () => {
  test('meanSquaredError and the notes\' SSE', () => {
    // e = [0.5, −1, 2]: MSE = (0.25 + 1 + 4)/3 = 1.75; SSE = 5.25.
    const y = tensor([[1, 1, 1]]);
    const p = tensor([[0.5, 2, -1]]);
    expect(losses.meanSquaredError(y, p).item()).toBeCloseTo(1.75, 6);
    expect(losses.sumSquaredError(y, p).item()).toBeCloseTo(5.25, 6);
    // SSE sums over the batch too: two copies of the row give 10.5.
    expect(losses.sumSquaredError(tensor([[1, 1, 1], [1, 1, 1]]), tensor([[0.5, 2, -1], [0.5, 2, -1]])).item()).toBeCloseTo(10.5, 5);
  });

  test('meanAbsoluteError, huber, hinge', () => {
    // |e| = [0.5, 3]: MAE = 1.75; huber = (½·0.25 + (3 − ½))/2 = (0.125 + 2.5)/2 = 1.3125.
    expect(losses.meanAbsoluteError(tensor([[0, 0]]), tensor([[0.5, 3]])).item()).toBeCloseTo(1.75, 6);
    expect(losses.huber(tensor([[0, 0]]), tensor([[0.5, 3]])).item()).toBeCloseTo(1.3125, 6);
    // Labels 0/1 become −1/+1: max(1 − (−1)(0.3), 0) = 1.3; max(1 − 1·2, 0) = 0 → mean 0.65.
    expect(losses.hinge(tensor([[0, 1]]), tensor([[0.3, 2]])).item()).toBeCloseTo(0.65, 6);
  });

  test('binaryCrossentropy: −mean[y ln p + (1 − y) ln(1 − p)]', () => {
    // y = [1, 0], p = [0.9, 0.2]: (−ln 0.9 − ln 0.8)/2 = (0.1053605 + 0.2231436)/2 = 0.1642520.
    expect(losses.binaryCrossentropy(tensor([[1, 0]]), tensor([[0.9, 0.2]])).item()).toBeCloseTo(0.164252, 5);
  });

  test('binaryCrossentropy at predictions of exactly 0 and 1 is finite and matches Keras', () => {
    // p = 1, y = 0 is clipped to 1 − 1e-7, which float32 rounds to 1 − 1.19e-7:
    // −ln(1.1920929e-7) = 15.942385 (what Keras reports). p = 0, y = 1: −ln(1e-7) = 16.118096.
    expect(losses.binaryCrossentropy(tensor([[0]]), tensor([[1]])).item()).toBeCloseTo(15.942385, 3);
    expect(losses.binaryCrossentropy(tensor([[1]]), tensor([[0]])).item()).toBeCloseTo(16.118096, 3);
    expect(losses.binaryCrossentropy(tensor([[1, 0]]), tensor([[1, 0]])).item()).toBeLessThan(1e-6);
  });

  test('categoricalCrossentropy and its sparse form', () => {
    // Row 1: −ln 0.7 = 0.3566749; row 2: −ln 0.5 = 0.6931472; mean 0.5249110.
    const p = tensor([[0.7, 0.2, 0.1], [0.3, 0.2, 0.5]]);
    expect(losses.categoricalCrossentropy(onehot, p).item()).toBeCloseTo(0.524911, 5);
    expect(losses.sparseCategoricalCrossentropy(tensor([0, 2]), p).item()).toBeCloseTo(0.524911, 5);
    expect(losses.sparseCategoricalCrossentropy(tensor([[0], [2]]), p).item()).toBeCloseTo(0.524911, 5);
    // A zero probability for the true class is clipped to 1e-7: −ln 1e-7 = 16.118.
    expect(losses.categoricalCrossentropy(tensor([[0, 1]]), tensor([[1, 0]])).item()).toBeCloseTo(16.118, 2);
  });

  test('sample weights scale per-sample losses; the sum is divided by the batch size', () => {
    // Per-sample BCE: [0.1053605, 0.2231436]; weights [2, 0]: (0.210721 + 0)/2 = 0.1053605.
    const l = losses.binaryCrossentropy(tensor([[1], [0]]), tensor([[0.9], [0.2]]), { sampleWeight: tensor([2, 0]) });
    expect(l.item()).toBeCloseTo(0.1053605, 5);
  });
});

describe('fused forms from logits', () => {
  test('binary and categorical cross-entropy from logits equal the probability forms', () => {
    const z = tensor([[0.3, -1.2], [2.0, 0.1]]);
    const y = tensor([[1, 0], [0, 1]]);
    expect(losses.binaryCrossentropy(y, z, { fromLogits: true }).item()).toBeCloseTo(losses.binaryCrossentropy(y, sigmoid(z)).item(), 5);
    expect(losses.categoricalCrossentropy(y, z, { fromLogits: true }).item()).toBeCloseTo(losses.categoricalCrossentropy(y, softmax(z)).item(), 5);
  });

  test('from logits at ±1000 the loss and gradient are finite (gradient σ(z) − y, softmax(z) − y)', () => {
    const z = tensor([[1000, -1000]], undefined, { requiresGrad: true });
    const l = losses.categoricalCrossentropy(tensor([[0, 1]]), z, { fromLogits: true });
    expect(l.item()).toBeCloseTo(2000, 1);
    l.backward();
    expect(Array.from(z.grad!.values)).toEqual([1, -1]);
    const b = tensor([[1000, -1000]], undefined, { requiresGrad: true });
    const lb = losses.binaryCrossentropy(tensor([[0, 1]]), b, { fromLogits: true });
    expect(Number.isFinite(lb.item())).toBe(true);
    lb.backward();
    // d/dz mean(softplus(z) − zy) = (σ(z) − y)/2: [(1 − 0)/2, (0 − 1)/2].
    expect(Array.from(b.grad!.values)).toEqual([0.5, -0.5]);
  });
});

describe('loss gradients against central differences', () => {
  const check = (f: (p: Tensor) => Tensor, p: Tensor): void => {
    const res = gradCheck(f, [p]);
    expect(res.passed, `max abs error ${res.inputs[0]!.maxAbsError}`).toBe(true);
  };
  const y = randomUniform([3, 4], -1, 1, { seed: 4 });
  const yb = tensor([[1, 0, 1, 0], [0, 0, 1, 1], [1, 1, 0, 0]]);
  test('mse, sse, mae, huber, hinge', () => {
    check((p) => losses.meanSquaredError(y, p), randomUniform([3, 4], -1, 1, { seed: 5 }));
    check((p) => losses.sumSquaredError(y, p), randomUniform([3, 4], -1, 1, { seed: 5 }));
    check((p) => losses.meanAbsoluteError(y, p), randomUniform([3, 4], -1, 1, { seed: 5 }));
    check((p) => losses.huber(y, p), randomUniform([3, 4], -3, 3, { seed: 6 }));
    check((p) => losses.hinge(yb, p), randomUniform([3, 4], -3, 3, { seed: 7 }));
  });
  test('cross-entropies, on probabilities and on logits', () => {
    check((p) => losses.binaryCrossentropy(yb, p), probs([3, 4], 8));
    check((z) => losses.binaryCrossentropy(yb, z, { fromLogits: true }), randomUniform([3, 4], -3, 3, { seed: 9 }));
    check((p) => losses.categoricalCrossentropy(onehot, p), probs([2, 3], 10));
    check((z) => losses.categoricalCrossentropy(onehot, z, { fromLogits: true }), randomUniform([2, 3], -3, 3, { seed: 11 }));
    check((z) => losses.sparseCategoricalCrossentropy(tensor([1, 0]), z, { fromLogits: true }), randomUniform([2, 3], -3, 3, { seed: 12 }));
  });
});

describe('loss errors', () => {
  test('labels out of range for sparse cross-entropy', () => {
    expect(() => losses.sparseCategoricalCrossentropy(tensor([0, 3]), tensor([[0.5, 0.5, 0], [0.2, 0.3, 0.5]]))).toThrow(
      'sparseCategoricalCrossentropy: label 3 at row 1 is not an integer class in [0, 3)',
    );
    expect(() => losses.sparseCategoricalCrossentropy(tensor([0.5]), tensor([[0.5, 0.5]]))).toThrow('label 0.5 at row 0 is not an integer class');
  });
  test('mismatched shapes and unknown names', () => {
    expect(() => losses.meanSquaredError(tensor([[1, 2]]), tensor([[1, 2, 3]]))).toThrow('meanSquaredError: yTrue shape [1,2] does not match yPred shape [1,3]');
    expect(() => getLoss('crossentropy')).toThrow("Unknown loss 'crossentropy'. Valid losses: meanSquaredError, mse, sumSquaredError, sse, meanAbsoluteError, mae, huber, hinge, binaryCrossentropy, categoricalCrossentropy, sparseCategoricalCrossentropy");
  });
  test('camelCase and snake_case names resolve to the same loss', () => {
    expect(getLoss('binary_crossentropy').name).toBe('binaryCrossentropy');
    expect(getLoss('binaryCrossentropy').name).toBe('binaryCrossentropy');
    expect(getLoss('mean_squared_error').name).toBe('meanSquaredError');
  });
});

describe("tfjs's tf.losses (elementwise, weighted, reduced; by hand)", () => {
  const l = tensor([[1, 0], [0, 1]]);
  const p = tensor([[0.8, 0.4], [0.1, 0.3]]);
  test('reductions: SUM_BY_NONZERO_WEIGHTS (default), SUM, MEAN, NONE', () => {
    // Squared errors 0.04, 0.16, 0.01, 0.49: mean 0.175, sum 0.7.
    expect(losses.meanSquaredError(l, p).item()).toBeCloseTo(0.175, 6);
    expect(losses.meanSquaredError(l, p, undefined, Reduction.SUM).item()).toBeCloseTo(0.7, 6);
    // Weights [1, 0] per column: (0.04 + 0.01) / 2 non-zero weights.
    const w = tensor([1, 0]);
    expect(losses.meanSquaredError(l, p, w).item()).toBeCloseTo(0.025, 6);
    expect(losses.meanSquaredError(l, p, w, Reduction.MEAN).item()).toBeCloseTo(0.025, 6);
    expect(Array.from(losses.absoluteDifference(l, p, undefined, Reduction.NONE).values).map((x) => +x.toFixed(5))).toEqual([0.2, 0.4, 0.1, 0.7]);
  });
  test('logLoss, hinge (labels 0/1), huber, cross-entropies on logits, cosine distance', () => {
    const ll = -(Math.log(0.8 + 1e-7) + Math.log(0.6 + 1e-7) + Math.log(0.9 + 1e-7) + Math.log(0.3 + 1e-7)) / 4;
    expect(losses.logLoss(l, p).item()).toBeCloseTo(ll, 5);
    // max(0, 1 − (2l − 1)p): 0.2, 1.4, 1.1, 0.7 → mean 0.85.
    expect(losses.hingeLoss(l, p).item()).toBeCloseTo(0.85, 6);
    // |e| 2 with δ 1: 1·(2 − 0.5) = 1.5; |e| 0.5: 0.125.
    expect(Array.from(losses.huberLoss(tensor([0, 0]), tensor([2, 0.5]), undefined, 1, Reduction.NONE).values)).toEqual([1.5, 0.125]);
    // Sigmoid CE at logit 0: ln 2 whatever the label.
    expect(losses.sigmoidCrossEntropy(tensor([1, 0]), tensor([0, 0])).item()).toBeCloseTo(Math.log(2), 6);
    // Softmax CE of equal logits over 2 classes: ln 2 per row.
    expect(losses.softmaxCrossEntropy(tensor([[1, 0]]), tensor([[3, 3]])).item()).toBeCloseTo(Math.log(2), 6);
    expect(losses.cosineDistance(tensor([[1, 0]]), tensor([[0, 1]]), 1).item()).toBe(1);
    expect(() => losses.absoluteDifference(l, tensor([1]))).toThrow('losses.absoluteDifference: labels shape [2,2] does not match predictions shape [1]');
  });
  test('a gradient flows through the weighted reduction (float64 central differences)', () => {
    expect(gradCheck((q) => losses.huberLoss(l, q!, tensor([2, 0.5]), 0.3), [p]).passed).toBe(true);
    expect(gradCheck((q) => losses.softmaxCrossEntropy(l, q!, undefined, 0.1), [p]).passed).toBe(true);
  });
});
