import { afterEach, describe, expect, test, vi } from 'vitest';
import '../index.js';
import { setSeed } from '../context/context.js';
import { models } from '../io/index.js';
import { Sequential } from '../models/sequential.js';
import { randomNormal, tensor } from '../ops/creation.js';
import { matmul } from '../ops/matmul.js';
import { SGD } from '../optim/index.js';
import type { Tensor } from '../tensor/tensor.js';
import { type Constraint, constraintOf, getConstraint, maxNorm, minMaxNorm, nonNeg, unitNorm } from './constraints.js';
import { layers } from './index.js';

const close = (t: Tensor, want: number[][]): void => {
  const got = t.arraySync() as number[][];
  want.forEach((row, i) => row.forEach((v, j) => expect(got[i]![j]!).toBeCloseTo(v, 5)));
};

/** Column (axis 0) norms of a [rows, cols] weight. */
function columnNorms(w: Tensor): number[] {
  const [r, c] = w.shape as [number, number];
  return Array.from({ length: c }, (_, j) => Math.hypot(...Array.from({ length: r }, (_, i) => w.values[i * c + j]!)));
}

describe('constraints', () => {
  afterEach(() => vi.restoreAllMocks());

  // w's columns (axis 0): (3, 4) of norm 5 and (0.5, 0) of norm 0.5.
  const w = () => tensor([[3, 0.5], [4, 0]]);

  test('the projections, by hand', () => {
    // maxNorm 1: the first column scaled by 1/5 to (0.6, 0.8); the second, within it, unchanged.
    close(maxNorm({ maxValue: 1 }).apply(w()), [[0.6, 0.5], [0.8, 0]]);
    // unitNorm: both columns to norm 1.
    close(unitNorm().apply(w()), [[0.6, 1], [0.8, 0]]);
    // minMaxNorm [1, 2] at rate 0.5: desired norms 0.5·2 + 0.5·5 = 3.5 and 0.5·1 + 0.5·0.5 = 0.75,
    // so the columns scale by 3.5/5 = 0.7 and 0.75/0.5 = 1.5.
    close(minMaxNorm({ minValue: 1, maxValue: 2, rate: 0.5 }).apply(w()), [[2.1, 0.75], [2.8, 0]]);
    // nonNeg: negatives to 0.
    close(nonNeg().apply(tensor([[-1, 2], [0.5, -3]])), [[0, 2], [0.5, 0]]);
    // axis 1: the rows (3, 0.5) and (4, 0), of norms √9.25 and 4, to at most 2.
    const r = Math.sqrt(9.25);
    close(maxNorm({ maxValue: 2, axis: 1 }).apply(w()), [[3 * 2 / r, 0.5 * 2 / r], [2, 0]]);
  });

  test('names in both spellings and objects; errors name what was expected', () => {
    expect(getConstraint('maxNorm')!.config).toEqual({ maxValue: 2, axis: 0 });
    expect(getConstraint('max_norm')!.className).toBe('MaxNorm');
    expect(getConstraint('non_neg')!.className).toBe('NonNeg');
    expect(getConstraint(null)).toBeUndefined();
    expect(() => getConstraint('maxNrom')).toThrow("Unknown constraint 'maxNrom'. Valid constraints: maxNorm, minMaxNorm, nonNeg, unitNorm");
    expect(() => getConstraint({ max: 2 } as unknown as Constraint)).toThrow("constraint: expected a name ('maxNorm', 'minMaxNorm', 'nonNeg', 'unitNorm') or a constraint (constraints.maxNorm({maxValue: 2})), got {\"max\":2}");
    expect(() => maxNorm({ maxValue: -1 })).toThrow('maxNorm: maxValue must be a finite number ≥ 0, got -1');
    expect(() => minMaxNorm({ minValue: 2, maxValue: 1 })).toThrow('minMaxNorm: minValue (2) must not exceed maxValue (1)');
    expect(() => unitNorm({ axis: 0.5 })).toThrow('unitNorm: axis must be an integer or a list of them, got 0.5');
  });

  /** A Dense model whose kernel columns would grow to norms of about 2 without the constraint (the targets are x·W, W's columns of norms 2.5, 2.4 and 2.7). */
  function constrained(eager: boolean): Sequential {
    setSeed(3);
    const m = new Sequential({ layers: [layers.dense({ units: 3, inputShape: [4], kernelConstraint: maxNorm({ maxValue: 0.5 }), biasConstraint: 'nonNeg' })] });
    m.compile({ optimizer: new SGD({ learningRate: 0.1 }), loss: 'mse', runEagerly: eager });
    return m;
  }
  const x = () => randomNormal([16, 4], 0, 1, { seed: 4 });
  const y = () => matmul(x(), tensor([[2, -1, 0.5], [1, 1, -2], [-1, 2, 1], [0.5, 0, 1.5]]));

  test('fit applies them after every update, compiled and eager alike', async () => {
    const compiled = constrained(false);
    const h = await compiled.fit(x(), y(), { epochs: 10, batchSize: 4, verbose: 0 });
    expect(h.params!.path).toBe('compiled');
    const eager = constrained(true);
    await eager.fit(x(), y(), { epochs: 10, batchSize: 4, verbose: 0 });
    const [k, b] = compiled.getWeights();
    for (const n of columnNorms(k!)) expect(n).toBeLessThanOrEqual(0.5 + 1e-6);
    expect(Math.max(...columnNorms(k!))).toBeGreaterThan(0.49);
    expect(Array.from(b!.values).every((v) => v >= 0)).toBe(true);
    eager.getWeights().forEach((t, i) => Array.from(t.values).forEach((v, j) => expect(v).toBeCloseTo(compiled.getWeights()[i]!.values[j]!, 5)));
    // Without the constraint the same training leaves a norm past it.
    setSeed(3);
    const free = new Sequential({ layers: [layers.dense({ units: 3, inputShape: [4] })] });
    free.compile({ optimizer: new SGD({ learningRate: 0.1 }), loss: 'mse' });
    await free.fit(x(), y(), { epochs: 10, batchSize: 4, verbose: 0 });
    expect(Math.min(...columnNorms(free.getWeights()[0]!))).toBeGreaterThan(1.5);
  });

  test('the manual loop: optimizer.step applies the constraint of each weight it updates', () => {
    const d = layers.dense({ units: 2, inputDim: 2, kernelConstraint: unitNorm() });
    d.build([null, 2]);
    d.kernel!.assign(tensor([[3, 0], [4, 1]]));
    d.kernel!.grad = tensor([[0, 0], [0, 0]]);
    new SGD({ learningRate: 0.1 }).step([d.kernel!]);
    close(d.kernel!, [[0.6, 0], [0.8, 1]]);
    expect(constraintOf(d.kernel!)!.className).toBe('UnitNorm');
  });

  test('saved as tfjs writes them and read back', async () => {
    const m = constrained(false);
    const json = m.toJSON(null, false) as { config: { layers: Array<{ config: Record<string, unknown> }> } };
    const dense = json.config.layers.find((l) => 'kernel_constraint' in l.config)!.config;
    expect(dense.kernel_constraint).toEqual({ class_name: 'MaxNorm', config: { max_value: 0.5, axis: 0 } });
    expect(dense.bias_constraint).toEqual({ class_name: 'NonNeg', config: {} });
    const back = await models.modelFromJSON({ modelTopology: json } as never);
    const k = back.layers.find((l) => l.className === 'Dense')!.weights[0]!;
    expect(constraintOf(k)!.config).toEqual({ maxValue: 0.5, axis: 0 });
    await expect(models.modelFromJSON({ modelTopology: { ...json, config: { ...json.config, layers: json.config.layers.map((l) => ('kernel_constraint' in l.config ? { ...l, config: { ...l.config, kernel_constraint: { class_name: 'Frobenius', config: {} } } } : l)) } } } as never))
      .rejects.toThrow("unknown constraint class 'Frobenius' (MaxNorm, MinMaxNorm, NonNeg, UnitNorm)");
  });
});
