/**
 * `testLayer`: the harness every layer goes through. It checks the output shape (computed
 * and actual), the parameter count, the weight names, a config round trip (a layer made from
 * `getConfig()` with the same weights gives the same output), a float64 gradient check
 * through the layer with respect to its input and every trainable weight, and that one SGD
 * step on a squared-error loss lowers that loss.
 */
import { describe, expect, test } from 'vitest';
import {
  type Layer, Rng, SGD, Tensor, computeGrads, jsBackend, mean, mul, noGrad, square, sub, sum, withContext,
} from '../../src/index.js';
import { randomInput } from './op.js';

export interface LayerSpec {
  make: () => Layer;
  /** Input shape with the batch axis. */
  input: number[];
  output: number[];
  params: number;
  weightNames: string[];
  /** Run the layer in training mode for the checks (default false). */
  training?: boolean;
  /** Skip the gradient check (e.g. a random layer in training mode). */
  gradCheck?: boolean;
  /** Check the gradient with respect to the input too (default true; false for integer ids). */
  inputGradient?: boolean;
  /** Input sampler (default ±[0.1, 2)). */
  sample?: (rng: Rng) => number;
}

const defaultSample = (r: Rng): number => (r.uniform() < 0.5 ? -1 : 1) * (0.1 + 1.9 * r.uniform());

/** Builds a named layer as a model would. */
export function built(make: () => Layer, inputShape: number[], name = 'layer'): Layer {
  const layer = make();
  layer.name = name;
  layer.build([null, ...inputShape.slice(1)]);
  layer.built = true;
  layer.syncWeightNames();
  return layer;
}

/** Analytic vs central-difference gradients of Σ r·layer(x) w.r.t. x and trainable weights, in float64. */
export function layerGradCheck(layer: Layer, x: Tensor, training: boolean, eps = 1e-6, inputGradient = true): { worst: number; passed: boolean } {
  const ws = layer.trainableWeights;
  const saved = ws.map((w) => w.values);
  try {
    return withContext({ backend: jsBackend(), dtype: 'float64', gradEnabled: true }, () => {
      for (const w of ws) w.values = Float64Array.from(w.values);
      const x64 = new Tensor(Float64Array.from(x.values), x.shape, { requiresGrad: true });
      const rng = new Rng(99);
      const out0 = noGrad(() => layer.apply(x64, { training }));
      const r = new Tensor(Float64Array.from({ length: out0.size }, () => 0.5 + rng.uniform()), out0.shape);
      const f = (): Tensor => sum(mul(layer.apply(x64, { training }), r));
      const grads = computeGrads(f());
      let worst = 0;
      let passed = true;
      for (const t of inputGradient ? [x64, ...ws] : ws) {
        const g = grads.get(t);
        for (let i = 0; i < t.size; i++) {
          const orig = t.values[i]!;
          t.values[i] = orig + eps;
          const plus = noGrad(f).item();
          t.values[i] = orig - eps;
          const minus = noGrad(f).item();
          t.values[i] = orig;
          const num = (plus - minus) / (2 * eps);
          const ana = g?.values[i] ?? 0;
          const err = Math.abs(num - ana);
          worst = Math.max(worst, err);
          if (!(err <= 1e-6 + 1e-5 * Math.abs(num))) passed = false;
        }
      }
      return { worst, passed };
    });
  } finally {
    ws.forEach((w, i) => (w.values = saved[i]!));
  }
}

export function testLayer(name: string, spec: LayerSpec): void {
  describe(`layer ${name}`, () => {
    const rng = new Rng(7);
    const x = randomInput(spec.input, rng, spec.sample ?? defaultSample);
    const training = spec.training ?? false;

    test('output shape, computed and actual', () => {
      const layer = built(spec.make, spec.input);
      const y = layer.apply(x, { training });
      expect([...y.shape]).toEqual(spec.output);
      expect(layer.computeOutputShape([null, ...spec.input.slice(1)])).toEqual([null, ...spec.output.slice(1)]);
    });

    test('parameter count and weight names', () => {
      const layer = built(spec.make, spec.input);
      expect(layer.countParams()).toBe(spec.params);
      expect(layer.weights.map((w) => w.name)).toEqual(spec.weightNames.map((w) => `layer/${w}`));
    });

    test('config round trip: same config and weights give the same output', () => {
      const layer = built(spec.make, spec.input);
      const Ctor = layer.constructor as new (config: unknown) => Layer;
      const copy = built(() => new Ctor(layer.getConfig()), spec.input);
      copy.weights.forEach((w, i) => w.assign(layer.weights[i]!));
      const a = noGrad(() => layer.apply(x, { training: false }));
      const b = noGrad(() => copy.apply(x, { training: false }));
      expect(Array.from(b.values)).toEqual(Array.from(a.values));
    });

    if (spec.gradCheck !== false) {
      test('gradient check through the layer (input and weights, float64)', () => {
        const res = layerGradCheck(built(spec.make, spec.input), x, training, 1e-6, spec.inputGradient ?? true);
        expect(res.passed, `worst abs error ${res.worst}`).toBe(true);
      });
    }

    if (spec.params > 0) {
      test('one SGD step lowers a squared-error loss', () => {
        const layer = built(spec.make, spec.input);
        const target = randomInput(spec.output, new Rng(3), defaultSample);
        const loss = (): Tensor => mean(square(sub(layer.apply(x, { training: false }), target)));
        const before = loss();
        const opt = new SGD({ learningRate: 0.01, params: layer.trainableWeights });
        before.backward();
        opt.step();
        expect(noGrad(loss).item()).toBeLessThan(before.item());
      });
    }
  });
}
