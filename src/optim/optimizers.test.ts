import { describe, expect, test } from 'vitest';
import {
  Adadelta, Adagrad, Adam, AdamW, Adamax, type Optimizer, RMSprop, SGD, cosineDecay, exponentialDecay, getOptimizer,
  piecewiseConstantDecay, tensor, train, variable,
} from '../index.js';

/** Gradients fed to every optimizer: three steps for two weights. */
const GRADS = [[0.5, 0.1], [-0.3, 0.4], [0.2, -0.6]];
const W0 = [1, -2];

function run(opt: Optimizer): number[][] {
  const w = variable(W0);
  const out: number[][] = [];
  for (const g of GRADS) {
    opt.applyGradients([[w, tensor(g)]]);
    out.push(Array.from(w.values));
  }
  return out;
}

/** Runs a float64 reference update rule over the same gradients. */
function reference(update: (w: number, g: number, s: Record<string, number>, t: number) => number): number[][] {
  const state = W0.map(() => ({}) as Record<string, number>);
  const w = [...W0];
  return GRADS.map((g, step) => {
    for (let i = 0; i < w.length; i++) w[i] = update(w[i]!, g[i]!, state[i]!, step + 1);
    return [...w];
  });
}

function expectTrajectory(actual: number[][], expected: number[][]): void {
  actual.forEach((row, s) => row.forEach((v, i) => expect(v, `step ${s + 1}, weight ${i}`).toBeCloseTo(expected[s]![i]!, 6)));
}

describe('optimizer updates, three steps against float64 references', () => {
  test('SGD: w ← w − ηg', () => {
    // Step 1, weight 0: 1 − 0.1·0.5 = 0.95.
    const r = run(new SGD({ learningRate: 0.1 }));
    expect(r[0]![0]).toBeCloseTo(0.95, 7);
    expectTrajectory(r, reference((w, g) => w - 0.1 * g));
  });

  test('SGD with momentum and Nesterov: v ← μv − ηg; w ← w + μv − ηg', () => {
    // Step 1, weight 0: v = −0.05; w = 1 + 0.9·(−0.05) − 0.05 = 0.905.
    const r = run(new SGD({ learningRate: 0.1, momentum: 0.9, nesterov: true }));
    expect(r[0]![0]).toBeCloseTo(0.905, 7);
    expectTrajectory(r, reference((w, g, s) => {
      s.v = 0.9 * (s.v ?? 0) - 0.1 * g;
      return w + 0.9 * s.v - 0.1 * g;
    }));
    expectTrajectory(run(new SGD({ learningRate: 0.1, momentum: 0.9 })), reference((w, g, s) => {
      s.v = 0.9 * (s.v ?? 0) - 0.1 * g;
      return w + s.v;
    }));
  });

  /** Adam in Kingma & Ba's form with bias-corrected m̂, v̂; Keras's ε sits where ε̂ = ε·√(1 − β₂ᵗ). */
  const adamRef = (lr: number, amsgrad = false, decay = 0) => reference((w, g, s, t) => {
    w = w * (1 - lr * decay);
    s.m = 0.9 * (s.m ?? 0) + 0.1 * g;
    s.v = 0.999 * (s.v ?? 0) + 0.001 * g * g;
    s.vmax = Math.max(s.vmax ?? 0, s.v);
    const mhat = s.m / (1 - 0.9 ** t);
    const vhat = (amsgrad ? s.vmax : s.v) / (1 - 0.999 ** t);
    return w - (lr * mhat) / (Math.sqrt(vhat) + 1e-7 / Math.sqrt(1 - 0.999 ** t));
  });

  test('Adam with bias correction', () => {
    // Step 1: m̂ = g, v̂ = g², so the first step moves each weight by η·sign(g): 1 − 0.001.
    const r = run(new Adam({ learningRate: 0.001 }));
    expect(r[0]![0]).toBeCloseTo(0.999, 6);
    expectTrajectory(r, adamRef(0.001));
  });

  test('Adam with amsgrad keeps the running maximum of v', () => {
    expectTrajectory(run(new Adam({ learningRate: 0.01, amsgrad: true })), adamRef(0.01, true));
  });

  test('AdamW: decoupled decay w ← w(1 − ηλ) before the Adam step', () => {
    expectTrajectory(run(new AdamW({ learningRate: 0.01, weightDecay: 0.1 })), adamRef(0.01, false, 0.1));
  });

  test('RMSprop: s ← ρs + (1 − ρ)g²; w ← w − ηg/√(s + ε)', () => {
    // Step 1, weight 0: s = 0.1·0.25 = 0.025; w = 1 − 0.001·0.5/√0.025 = 1 − 0.0031623.
    const r = run(new RMSprop({ learningRate: 0.001, rho: 0.9 }));
    expect(r[0]![0]).toBeCloseTo(1 - 0.0031623, 6);
    expectTrajectory(r, reference((w, g, s) => {
      s.s = 0.9 * (s.s ?? 0) + 0.1 * g * g;
      return w - (0.001 * g) / Math.sqrt(s.s + 1e-7);
    }));
  });

  test('RMSprop centered with momentum', () => {
    expectTrajectory(run(new RMSprop({ learningRate: 0.01, momentum: 0.5, centered: true })), reference((w, g, s) => {
      s.s = 0.9 * (s.s ?? 0) + 0.1 * g * g;
      s.a = 0.9 * (s.a ?? 0) + 0.1 * g;
      s.m = 0.5 * (s.m ?? 0) + (0.01 * g) / Math.sqrt(s.s - s.a * s.a + 1e-7);
      return w - s.m;
    }));
  });

  test('Adagrad: a ← a + g² (a₀ = 0.1); w ← w − ηg/√(a + ε)', () => {
    expectTrajectory(run(new Adagrad({ learningRate: 0.1 })), reference((w, g, s) => {
      s.a = (s.a ?? 0.1) + g * g;
      return w - (0.1 * g) / Math.sqrt(s.a + 1e-7);
    }));
  });

  test('Adadelta', () => {
    expectTrajectory(run(new Adadelta({ learningRate: 1 })), reference((w, g, s) => {
      s.eg = 0.95 * (s.eg ?? 0) + 0.05 * g * g;
      const d = (-Math.sqrt((s.ed ?? 0) + 1e-7) / Math.sqrt(s.eg + 1e-7)) * g;
      s.ed = 0.95 * (s.ed ?? 0) + 0.05 * d * d;
      return w + d;
    }));
  });

  test('Adamax: u ← max(β₂u, |g|); w ← w − η/(1 − β₁ᵗ)·m/(u + ε)', () => {
    expectTrajectory(run(new Adamax({ learningRate: 0.01 })), reference((w, g, s, t) => {
      s.m = 0.9 * (s.m ?? 0) + 0.1 * g;
      s.u = Math.max(0.999 * (s.u ?? 0), Math.abs(g));
      return w - (0.01 / (1 - 0.9 ** t)) * (s.m / (s.u + 1e-7));
    }));
  });
});

describe('clipping, schedules, names', () => {
  test('clipNorm scales each gradient to the norm; clipValue clamps elements; globalClipNorm scales all together', () => {
    // g = [3, 4], ‖g‖ = 5 → clipNorm 1 gives [0.6, 0.8]; with η = 1, w = −g.
    const w = variable([0, 0]);
    new SGD({ learningRate: 1, clipNorm: 1 }).applyGradients([[w, tensor([3, 4])]]);
    expect(Array.from(w.values).map((v) => +v.toFixed(6))).toEqual([-0.6, -0.8]);
    const v = variable([0, 0]);
    new SGD({ learningRate: 1, clipValue: 0.5 }).applyGradients([[v, tensor([3, -0.2])]]);
    expect(Array.from(v.values).map((x) => +x.toFixed(6))).toEqual([-0.5, 0.2]);
    // Two gradients [3] and [4]: global norm 5, scaled to 1 → [0.6] and [0.8].
    const a = variable([0]);
    const b = variable([0]);
    new SGD({ learningRate: 1, globalClipNorm: 1 }).applyGradients([[a, tensor([3])], [b, tensor([4])]]);
    expect([a.item(), b.item()].map((x) => +x.toFixed(6))).toEqual([-0.6, -0.8]);
  });

  test('learning-rate schedules', () => {
    const e = exponentialDecay({ initialLearningRate: 0.1, decaySteps: 10, decayRate: 0.5 });
    expect(e(0)).toBe(0.1);
    expect(e(10)).toBeCloseTo(0.05, 12);
    expect(e(5)).toBeCloseTo(0.1 * Math.SQRT1_2, 12);
    expect(exponentialDecay({ initialLearningRate: 0.1, decaySteps: 10, decayRate: 0.5, staircase: true })(15)).toBeCloseTo(0.05, 12);
    const p = piecewiseConstantDecay({ boundaries: [10, 20], values: [1, 0.5, 0.1] });
    expect([p(0), p(10), p(11), p(20), p(21)]).toEqual([1, 1, 0.5, 0.5, 0.1]);
    // Cosine: half way through the decay, ½(1 + cos(π/2)) = ½ of the peak.
    const c = cosineDecay({ initialLearningRate: 0, warmupTarget: 1, warmupSteps: 10, decaySteps: 100 });
    expect(c(5)).toBeCloseTo(0.5, 12);
    expect(c(10)).toBeCloseTo(1, 12);
    expect(c(60)).toBeCloseTo(0.5, 12);
    expect(c(1000)).toBeCloseTo(0, 12);
    expect(() => piecewiseConstantDecay({ boundaries: [1], values: [1] })).toThrow('piecewiseConstantDecay: expected 2 values for 1 boundaries, got 1');
  });

  test('a schedule drives the optimizer by its iteration count', () => {
    const opt = new SGD({ learningRate: piecewiseConstantDecay({ boundaries: [0], values: [1, 0.1] }) });
    const w = variable([0]);
    opt.applyGradients([[w, tensor([1])]]); // step 0: lr 1
    opt.applyGradients([[w, tensor([1])]]); // step 1: lr 0.1
    expect(w.item()).toBeCloseTo(-1.1, 6);
  });

  test('names, tfjs factories, and the manual loop front door', () => {
    expect(getOptimizer('adam')).toBeInstanceOf(Adam);
    expect(getOptimizer('RMSProp')).toBeInstanceOf(RMSprop);
    expect(train.sgd(0.5).learningRate).toBe(0.5);
    expect(train.momentum(0.1, 0.9, true).nesterov).toBe(true);
    expect(() => getOptimizer('adamm')).toThrow("Unknown optimizer 'adamm'. Valid optimizers: sgd, adam, adamw, rmsprop, adagrad, adadelta, adamax");
    expect(() => new SGD({ learningRate: -1 })).toThrow('SGD: learningRate must be a finite non-negative number or a schedule, got -1');
    const w = variable([1]);
    const opt = new SGD({ learningRate: 0.5, params: [w] });
    w.mul(w).sum().backward(); // d/dw w² = 2w = 2
    opt.step();
    expect(w.item()).toBe(0);
    opt.zeroGrad();
    expect(w.grad).toBeNull();
    expect(() => new SGD().step()).toThrow('SGD.step: no parameters; pass them as {params: model.trainableWeights} or to step(params)');
  });
});

describe('zeroGrad in the PyTorch-style loop', () => {
  // XOR, 2-2-1 sigmoid, Adam 0.05: the optimizer made with its parameters, or given them at step.
  const train = async (withParams: boolean): Promise<number> => {
    const { layers, losses, sequential, setSeed, tensor, train: tfTrain } = await import('../index.js');
    setSeed(1);
    const model = sequential({ layers: [layers.dense({ units: 4, inputDim: 2, activation: 'tanh' }), layers.dense({ units: 1, activation: 'sigmoid' })] });
    const x = tensor([[0, 0], [0, 1], [1, 0], [1, 1]]);
    const y = tensor([[0], [1], [1], [0]]);
    const optim = withParams ? new Adam({ learningRate: 0.05, params: model.trainableWeights }) : tfTrain.adam(0.05);
    let last = Infinity;
    for (let epoch = 0; epoch < 300; epoch++) {
      optim.zeroGrad();
      const loss = losses.binaryCrossentropy(y, model.apply(x));
      loss.backward();
      if (withParams) optim.step();
      else optim.step(model.trainableWeights);
      last = loss.item();
    }
    return last;
  };

  test('zeroes the parameters it steps, with or without params at construction (both loops learn XOR alike)', async () => {
    const a = await train(true);
    const b = await train(false);
    expect(a).toBeLessThan(0.1);
    expect(b).toBe(a);
  });
});
