import { describe, expect, test } from 'vitest';
import { layers, noGrad, tensor, setSeed, Rng, mean, sum } from '../index.js';
import { testLayer } from '../../test/harness/layer.js';

testLayer('dense', {
  make: () => layers.dense({ units: 3, activation: 'tanh' }),
  input: [4, 5], output: [4, 3], params: 5 * 3 + 3, weightNames: ['kernel', 'bias'],
});
testLayer('dense without bias, linear, on rank-3 input', {
  make: () => layers.dense({ units: 2, useBias: false }),
  input: [2, 3, 4], output: [2, 3, 2], params: 8, weightNames: ['kernel'],
});
testLayer('dense with l1l2 regularizers', {
  make: () => layers.dense({ units: 2, kernelRegularizer: { name: 'l2', config: { l1: 0, l2: 0.01 }, penalty: (w) => sum(w) }, activation: 'softmax' }),
  input: [3, 4], output: [3, 2], params: 10, weightNames: ['kernel', 'bias'],
});
testLayer('activation', { make: () => layers.activation({ activation: 'elu' }), input: [3, 4], output: [3, 4], params: 0, weightNames: [] });
testLayer('flatten', { make: () => layers.flatten(), input: [2, 3, 4], output: [2, 12], params: 0, weightNames: [] });
testLayer('leakyReLU', { make: () => layers.leakyReLU(), input: [3, 4], output: [3, 4], params: 0, weightNames: [] });
testLayer('elu', { make: () => layers.elu({ alpha: 0.7 }), input: [3, 4], output: [3, 4], params: 0, weightNames: [] });
testLayer('reLU with maxValue', { make: () => layers.reLU({ maxValue: 0.6 }), input: [3, 4], output: [3, 4], params: 0, weightNames: [] });
testLayer('softmax over axis 1 of rank 3', { make: () => layers.softmax({ axis: 1 }), input: [2, 3, 4], output: [2, 3, 4], params: 0, weightNames: [] });
testLayer('rescaling', { make: () => layers.rescaling({ scale: 1 / 0.3, offset: -0.5 }), input: [3, 4], output: [3, 4], params: 0, weightNames: [] });
testLayer('dropout (inference: identity)', { make: () => layers.dropout({ rate: 0.5 }), input: [3, 4], output: [3, 4], params: 0, weightNames: [] });
testLayer('dropout (training, fixed seed)', {
  make: () => layers.dropout({ rate: 0.5, seed: 1 }), input: [3, 4], output: [3, 4], params: 0, weightNames: [], training: true, gradCheck: false,
});
testLayer('batchNormalization (inference)', {
  make: () => layers.batchNormalization(), input: [6, 3], output: [6, 3], params: 12,
  weightNames: ['gamma', 'beta', 'moving_mean', 'moving_variance'],
});
testLayer('thresholdedReLU', { make: () => layers.thresholdedReLU({ theta: 0.5 }), input: [3, 4], output: [3, 4], params: 0, weightNames: [] });
testLayer('prelu', { make: () => layers.prelu({ alphaInitializer: 'randomNormal' }), input: [3, 4], output: [3, 4], params: 4, weightNames: ['alpha'] });
testLayer('prelu with shared axes on rank 4', { make: () => layers.prelu({ alphaInitializer: 'randomUniform', sharedAxes: [1, 2] }), input: [2, 3, 2, 4], output: [2, 3, 2, 4], params: 4, weightNames: ['alpha'] });
testLayer('layerNormalization', { make: () => layers.layerNormalization({ gammaInitializer: 'randomNormal', betaInitializer: 'randomNormal' }), input: [3, 5], output: [3, 5], params: 10, weightNames: ['gamma', 'beta'] });
testLayer('layerNormalization over two axes of rank 3', { make: () => layers.layerNormalization({ axis: [1, 2], epsilon: 0.01, gammaInitializer: 'randomNormal' }), input: [2, 3, 4], output: [2, 3, 4], params: 24, weightNames: ['gamma', 'beta'] });
testLayer('layerNormalization without center and scale', { make: () => layers.layerNormalization({ center: false, scale: false }), input: [3, 5], output: [3, 5], params: 0, weightNames: [] });
testLayer('gaussianNoise (inference: identity)', { make: () => layers.gaussianNoise({ stddev: 0.5 }), input: [3, 4], output: [3, 4], params: 0, weightNames: [] });
testLayer('gaussianNoise (training, fixed seed)', { make: () => layers.gaussianNoise({ stddev: 0.5, seed: 3 }), input: [3, 4], output: [3, 4], params: 0, weightNames: [], training: true, gradCheck: false });
testLayer('gaussianDropout (training, fixed seed)', { make: () => layers.gaussianDropout({ rate: 0.3, seed: 3 }), input: [3, 4], output: [3, 4], params: 0, weightNames: [], training: true, gradCheck: false });
testLayer('alphaDropout (training, fixed seed)', { make: () => layers.alphaDropout({ rate: 0.3, seed: 3 }), input: [3, 4], output: [3, 4], params: 0, weightNames: [], training: true, gradCheck: false });
testLayer('spatialDropout1d (training, fixed seed)', { make: () => layers.spatialDropout1d({ rate: 0.3, seed: 3 }), input: [2, 3, 4], output: [2, 3, 4], params: 0, weightNames: [], training: true, gradCheck: false });
testLayer('maxout', {
  make: () => layers.maxout({ units: 3, pieces: 2 }), input: [4, 5], output: [4, 3], params: 5 * 6 + 6, weightNames: ['kernel', 'bias'],
});

describe('layer behaviour', () => {
  test('dense computes x·W + b with W of shape [in, units]', () => {
    // x = [1, 2], W = [[1, 0, 2], [0, 1, 3]], b = [0.5, 0.5, 0.5]: x·W = [1, 2, 8], + b = [1.5, 2.5, 8.5].
    const d = layers.dense({ units: 3, inputDim: 2 });
    d.build([null, 2]);
    d.kernel!.assign([1, 0, 2, 0, 1, 3]);
    d.bias!.assign([0.5, 0.5, 0.5]);
    expect(d.apply(tensor([[1, 2]])).arraySync()).toEqual([[1.5, 2.5, 8.5]]);
  });

  test('dense glorotUniform init stays within ±√(6/(in+out)) and is seeded', () => {
    setSeed(3);
    const a = layers.dense({ units: 30, inputDim: 784 });
    a.build([null, 784]);
    setSeed(3);
    const b = layers.dense({ units: 30, inputDim: 784 });
    b.build([null, 784]);
    const limit = Math.sqrt(6 / (784 + 30));
    expect(Math.max(...a.kernel!.values.map(Math.abs))).toBeLessThanOrEqual(limit);
    expect(a.kernel!.values).toEqual(b.kernel!.values);
  });

  test('dropout zeroes about `rate` of the inputs and scales the rest by 1/(1 − rate)', () => {
    const d = layers.dropout({ rate: 0.25, seed: 5 });
    const y = d.apply(tensor(new Float32Array(10000).fill(1), [100, 100]), { training: true });
    const zeros = y.values.filter((v) => v === 0).length;
    expect(zeros / 10000).toBeGreaterThan(0.23);
    expect(zeros / 10000).toBeLessThan(0.27);
    expect(y.values.find((v) => v !== 0)).toBeCloseTo(1 / 0.75, 6);
  });

  test('batchNormalization normalizes batch statistics in training and moves its averages', () => {
    // Column [1, 3]: μ = 2, σ² = 1 → normalized ±1/√(1 + 0.001); moving mean 0·0.99 + 2·0.01 = 0.02.
    const bn = layers.batchNormalization();
    bn.build([null, 1]);
    const y = bn.apply(tensor([[1], [3]]), { training: true });
    expect(y.values[0]).toBeCloseTo(-1 / Math.sqrt(1.001), 5);
    expect(bn.movingMean!.item()).toBeCloseTo(0.02, 6);
    expect(bn.movingVariance!.item()).toBeCloseTo(0.99 + 0.01, 6);
    // Inference uses the moving averages: (1 − 0.02)/√(1 + 0.001).
    expect(bn.apply(tensor([[1]])).item()).toBeCloseTo(0.98 / Math.sqrt(1.001), 5);
  });

  test('batchNormalization gradient check in training mode', async () => {
    const { layerGradCheck, built } = await import('../../test/harness/layer.js');
    const bn = built(() => layers.batchNormalization(), [5, 3]);
    const x = tensor(Float32Array.from({ length: 15 }, (_, i) => Math.sin(i) * 2), [5, 3]);
    expect(layerGradCheck(bn, x, true).passed).toBe(true);
  });

  test('maxout takes the larger of its pieces: the notes max(w₁x + b₁, w₂x + b₂)', () => {
    const m = layers.maxout({ units: 1, pieces: 2 });
    m.build([null, 1]);
    m.kernel!.assign([2, -1]); // pieces: 2x and −x
    m.bias!.assign([0, 1]);    // 2x + 0 and −x + 1
    // x = 3: max(6, −2) = 6; x = −1: max(−2, 2) = 2.
    expect(m.apply(tensor([[3], [-1]])).arraySync()).toEqual([[6], [2]]);
  });

  test('freezing a layer stops its gradients', () => {
    const d = layers.dense({ units: 1, inputDim: 2 });
    d.build([null, 2]);
    d.trainable = false;
    expect(d.trainableWeights).toHaveLength(0);
    expect(d.kernel!.requiresGrad).toBe(false);
  });

  test('the step activation predicts but refuses to train, pointing to the perceptron rule', () => {
    const d = layers.dense({ units: 1, inputDim: 2, activation: 'step' });
    d.build([null, 2]);
    d.kernel!.assign([1, 1]);
    expect(noGrad(() => d.apply(tensor([[1, 1], [-1, -1]]))).arraySync()).toEqual([[1], [0]]);
    expect(() => mean(d.apply(tensor([[1, 1]]))).backward()).toThrow(/step activation: its gradient is zero everywhere.*perceptron/);
  });

  test('errors: bad units, rates, pieces, unknown activation, wrong input width', () => {
    expect(() => layers.dense({ units: 0 })).toThrow('dense: units must be a positive integer, got 0');
    expect(() => layers.dropout({ rate: 1 })).toThrow('dropout: rate must be in [0, 1), got 1');
    expect(() => layers.maxout({ units: 2, pieces: 1 })).toThrow('maxout: pieces must be an integer ≥ 2, got 1');
    // @ts-expect-error 'relux' is not an activation name
    expect(() => layers.dense({ units: 2, activation: 'relux' })).toThrow("Unknown activation 'relux'. Valid activations: linear, sigmoid, tanh, relu");
    const d = layers.dense({ units: 2, inputDim: 3 });
    d.name = 'dense';
    d.build([null, 3]);
    expect(() => d.apply(tensor([[1, 2]]))).toThrow("dense 'dense': expected input of shape [batch, 3], got [1,2]");
  });

  test('activation names in camelCase and snake_case', () => {
    const a = layers.activation({ activation: 'hard_sigmoid' });
    const b = layers.activation({ activation: 'hardSigmoid' });
    // hard sigmoid (tfjs/Keras 2): clip(0.2x + 0.5, 0, 1): at x = 1 → 0.7.
    expect(a.apply(tensor([1])).item()).toBeCloseTo(0.7, 6);
    expect(b.apply(tensor([1])).item()).toBeCloseTo(0.7, 6);
    expect(layers.activation({ activation: 'leaky_relu' }).apply(tensor([-1])).item()).toBeCloseTo(-0.2, 6);
  });

  test('initializers: Keras ranges and orthogonality', async () => {
    const init = await import('./initializers.js');
    const rng = new Rng(1);
    const he = init.heUniform().init([100, 50], rng);
    expect(Math.max(...he.map(Math.abs))).toBeLessThanOrEqual(Math.sqrt(6 / 100));
    const tn = init.truncatedNormalInit({ stddev: 1 }).init([1000], rng);
    expect(Math.max(...tn.map(Math.abs))).toBeLessThanOrEqual(2);
    expect(Array.from(init.constant(3).init([2], rng))).toEqual([3, 3]);
    // Orthogonal 4×3: the 3 columns are orthonormal, so Qᵀ·Q = I.
    const q = init.orthogonal().init([4, 3], rng);
    for (let a = 0; a < 3; a++) for (let b = 0; b < 3; b++) {
      let d = 0;
      for (let r = 0; r < 4; r++) d += q[r * 3 + a]! * q[r * 3 + b]!;
      expect(d).toBeCloseTo(a === b ? 1 : 0, 5);
    }
    expect(() => init.getInitializer('glorot')).toThrow("Unknown initializer 'glorot'. Valid initializers: glorotUniform");
    // Identity: gain on the diagonal, rectangular as Keras's; 2-D only.
    expect(Array.from(init.identity({ gain: 2 }).init([2, 3], rng))).toEqual([2, 0, 0, 0, 2, 0]);
    expect(Array.from(init.getInitializer('identity').init([2, 2], rng))).toEqual([1, 0, 0, 1]);
    expect(() => init.identity().init([2, 2, 2], rng)).toThrow('initializer identity: only 2-D kernels have an identity, got shape [2, 2, 2]');
    // tfjs's apply(shape): a tensor, drawn from the context's generator (so seeded by setSeed).
    setSeed(4);
    const t = init.glorotUniform().apply!([30, 20]);
    setSeed(4);
    expect(Array.from(init.glorotUniform().apply!([30, 20]).values)).toEqual(Array.from(t.values));
    expect(t.shape).toEqual([30, 20]);
    expect(Math.max(...Array.from(t.values, Math.abs))).toBeLessThanOrEqual(Math.sqrt(6 / 50));
  });
});

describe('every named activation', () => {
  test('is gradient-checked against float64 central differences (step: predict only)', async () => {
    const { ACTIVATIONS, gradCheck, randomUniform } = await import('../index.js');
    for (const [name, fn] of Object.entries(ACTIVATIONS)) {
      if (name === 'step' || name === 'heaviside') continue;
      // Inputs away from the kinks of relu/relu6/hardSigmoid (0, 6, ±2.5).
      const x = randomUniform([2, 5], 0.1, 2, { seed: name.length });
      x.values[0] = -1.3;
      x.values[3] = -0.4;
      const res = gradCheck((t) => fn(t), [x]);
      expect(res.passed, `${name}: max abs error ${res.inputs[0]!.maxAbsError}`).toBe(true);
    }
  });
});

describe('rescaling', () => {
  test('x·scale + offset: pixels 0, 51, 255 with scale 1/255 → 0, 0.2, 1; standardizing with μ = 0.5, σ = 0.25', () => {
    const px = Array.from(layers.rescaling({ scale: 1 / 255 }).apply(tensor([[0, 51, 255]])).values);
    [0, 0.2, 1].forEach((v, i) => expect(px[i]).toBeCloseTo(v, 7));
    // (x − μ)/σ = x·4 − 2: 0 → −2, 0.5 → 0, 1 → 2.
    expect(Array.from(layers.rescaling({ scale: 4, offset: -2 }).apply(tensor([[0, 0.5, 1]])).values)).toEqual([-2, 0, 2]);
  });

  test('refuses a missing or non-finite scale or offset, naming it', () => {
    expect(() => layers.rescaling({} as never)).toThrow('rescaling: scale is required (e.g. {scale: 1/255})');
    expect(() => layers.rescaling({ scale: Number.NaN })).toThrow('rescaling: scale must be a finite number, got NaN');
    expect(() => layers.rescaling({ scale: 1, offset: '2' as never })).toThrow('rescaling: offset must be a finite number, got 2');
  });
});

describe('activation layers', () => {
  test('elu, reLU and softmax compute their formulas', () => {
    const x = tensor([[-2, -0.5, 0.3, 1.5]]);
    // elu α=0.7: 0.7(e^-2 − 1) = −0.60527, 0.7(e^-0.5 − 1) = −0.27543, then x.
    const e = layers.elu({ alpha: 0.7 }).apply(x) as ReturnType<typeof tensor>;
    [-0.7 * (1 - Math.exp(-2)), -0.7 * (1 - Math.exp(-0.5)), 0.3, 1.5].forEach((v, i) => expect(e.values[i]).toBeCloseTo(v, 6));
    // reLU maxValue 1: 0, 0, 0.3, clipped to 1.
    expect(Array.from((layers.reLU({ maxValue: 1 }).apply(x) as ReturnType<typeof tensor>).values)).toEqual([0, 0, Math.fround(0.3), 1]);
    // softmax over axis 0 of a [2, 1] column: e^a / (e^a + e^b) with a − b = 1 → 1/(1 + e^-1) = 0.731059.
    const s = layers.softmax({ axis: 0 }).apply(tensor([[1], [0]])) as ReturnType<typeof tensor>;
    expect(s.values[0]).toBeCloseTo(1 / (1 + Math.exp(-1)), 6);
    expect(s.values[1]).toBeCloseTo(1 / (1 + Math.exp(1)), 6);
  });
  test('bad options say which layer and option', () => {
    expect(() => layers.elu({ alpha: Number.NaN })).toThrow('elu: alpha must be a finite number, got NaN');
    expect(() => layers.reLU({ maxValue: -1 })).toThrow('reLU: maxValue must be >= 0, got -1');
    expect(() => layers.softmax({ axis: 0.5 })).toThrow('softmax: axis must be an integer, got 0.5');
  });
});

describe('regularizers by name', () => {
  // Keras and tfjs: 'l1' and 'l2' are 0.01·Σ|w| and 0.01·Σw²; 'l1l2' (Keras 'l1_l2') both at 0.01.
  const kernel = [[1, -2], [3, 0.5]];
  const penalty = (reg: 'l1' | 'l2' | 'l1l2' | 'l1_l2') => {
    const d = layers.dense({ units: 2, inputShape: [2], useBias: false, kernelRegularizer: reg });
    d.apply(tensor([[0, 0]]));
    d.setWeights([tensor(kernel)]);
    return d.regularizationLoss()!.item();
  };
  test("each name's penalty by hand", () => {
    expect(penalty('l1')).toBeCloseTo(0.01 * (1 + 2 + 3 + 0.5), 6);        // 0.065
    expect(penalty('l2')).toBeCloseTo(0.01 * (1 + 4 + 9 + 0.25), 6);       // 0.1425
    expect(penalty('l1l2')).toBeCloseTo(0.065 + 0.1425, 6);
    expect(penalty('l1_l2')).toBeCloseTo(0.065 + 0.1425, 6);
  });
  test('an unknown name lists the known ones', () => {
    // @ts-expect-error 'l3' is not a regularizer name
    const d = layers.dense({ units: 1, inputShape: [2], kernelRegularizer: 'l3' });
    expect(() => d.apply(tensor([[0, 0]]))).toThrow("Unknown regularizer 'l3'. Valid regularizers: l1, l2, l1l2");
  });
  test('null is no regularizer, as in tfjs (jena-weather passes kernelRegularizer: null); an object that is none is refused', () => {
    const d = layers.dense({ units: 2, inputShape: [2], kernelRegularizer: null as never });
    d.apply(tensor([[0, 0]]));
    expect(d.regularizationLoss()).toBeNull();
    const bad = layers.dense({ units: 1, inputShape: [2], kernelRegularizer: { scale: 1 } as never });
    expect(() => bad.apply(tensor([[0, 0]]))).toThrow('regularizer: expected a name (\'l1\', \'l2\', \'l1l2\') or a regularizer (regularizers.l2()), got {"scale":1}');
  });
});
