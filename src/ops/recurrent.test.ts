import { describe, expect, test } from 'vitest';
import { add, computeGrads, concat, gradCheck, hardSigmoid, matmul, mul, randomNormal, sigmoid, slice, sub, sum, tanh, tensor, variable, zeros } from '../index.js';
import { basicLSTMCell, gruCell, gruGates, gruOutput, lstmCell, multiRNNCell } from './recurrent.js';

/** The cell composed from ops, as the LSTM layer computes it without the fused kernel. */
function composed(z: ReturnType<typeof tensor>, cPrev: ReturnType<typeof tensor>, units: number): [ReturnType<typeof tensor>, ReturnType<typeof tensor>] {
  const rows = cPrev.shape[0]!;
  const block = (k: number) => slice(z, [0, k * units], [rows, units]);
  const c = add(mul(sigmoid(block(1)), cPrev), mul(sigmoid(block(0)), tanh(block(2))));
  return [mul(sigmoid(block(3)), tanh(c)), c];
}

describe('lstmCell', () => {
  test('z = 0, cPrev = 1: every gate σ(0) = 0.5 and g = tanh(0) = 0, so c = 0.5·1 + 0.5·0 = 0.5 and h = 0.5·tanh(0.5)', () => {
    const [h, c] = lstmCell(zeros([1, 4]), tensor([[1]]));
    expect(c.values[0]).toBe(0.5);
    // tanh(0.5) = 0.46211715726…; h = 0.23105857863, rounded to float32.
    expect(h.values[0]).toBeCloseTo(0.23105857863, 7);
  });

  test('equals the cell composed from slices, sigmoid, tanh, products and a sum (3 rows, 5 units, |z| up to ~9)', () => {
    const z = randomNormal([3, 20], 0, 3, { seed: 5 });
    const cPrev = randomNormal([3, 5], 0, 2, { seed: 6 });
    const [h, c] = lstmCell(z, cPrev);
    const [hw, cw] = composed(z, cPrev, 5);
    for (let k = 0; k < 15; k++) {
      expect(Math.abs(c.values[k]! - cw.values[k]!)).toBeLessThanOrEqual(2e-7 * Math.max(1, Math.abs(cw.values[k]!)));
      expect(Math.abs(h.values[k]! - hw.values[k]!)).toBeLessThanOrEqual(2e-7);
    }
  });

  test('gradients against float64 central differences: through h and c together, h alone, c alone', () => {
    const z = randomNormal([2, 12], 0, 1.5, { seed: 7 });
    const cPrev = randomNormal([2, 3], 0, 1, { seed: 8 });
    expect(gradCheck((a, b) => concat(lstmCell(a, b), 1), [z, cPrev]).passed).toBe(true);
    expect(gradCheck((a, b) => lstmCell(a, b)[0], [z, cPrev]).passed).toBe(true);
    expect(gradCheck((a, b) => lstmCell(a, b)[1], [z, cPrev]).passed).toBe(true);
  });

  test('a recorded backward (createGraph) gives the kernel\'s gradients, and can be differentiated again', () => {
    const z = variable(randomNormal([2, 8], 0, 1, { seed: 9 }));
    const cPrev = variable(randomNormal([2, 2], 0, 1, { seed: 10 }));
    const loss = () => { const [h, c] = lstmCell(z, cPrev); return add(sum(mul(h, tensor([[1, -2], [0.5, 3]]))), sum(c)); };
    const plain = computeGrads(loss());
    const graph = computeGrads(loss(), undefined, { createGraph: true });
    for (const t of [z, cPrev]) {
      const a = plain.get(t)!.values, b = graph.get(t)!.values;
      for (let k = 0; k < a.length; k++) expect(b[k]).toBeCloseTo(a[k]!, 6);
    }
    const gz = graph.get(z)!;
    expect(gz.requiresGrad).toBe(true);
    expect(computeGrads(sum(mul(gz, gz))).get(z)!.shape).toEqual([2, 8]);
  });

  test('refuses z that is not [batch, 4·units], naming both shapes', () => {
    expect(() => lstmCell(zeros([2, 7]), zeros([2, 2]))).toThrow('lstmCell: z must be [batch, 4·units] and cPrev [batch, units], got z [2,7] and cPrev [2,2]');
  });
});

describe('gruCell', () => {
  test('x = inner = 0, h = 1: z = r = σ(0) = 0.5 and ĥ = tanh(0) = 0, so the output is 0.5·1 + 0.5·0 = 0.5; inner_h = 2 gives ĥ = tanh(0.5·2)', () => {
    expect(gruCell(zeros([1, 3]), zeros([1, 3]), tensor([[1]])).values[0]).toBe(0.5);
    // ĥ = tanh(1) = 0.76159415595…; out = 0.5 + 0.5·0.76159415595 = 0.88079707798.
    expect(gruCell(zeros([1, 3]), tensor([[0, 0, 2]]), tensor([[1]])).values[0]).toBeCloseTo(0.88079707798, 6);
  });

  test('equals the cell composed from slices, sigmoid, tanh, products and sums (3 rows, 5 units)', () => {
    const x = randomNormal([3, 15], 0, 3, { seed: 11 });
    const inner = randomNormal([3, 15], 0, 3, { seed: 12 });
    const h = randomNormal([3, 5], 0, 1, { seed: 13 });
    const b = (t: ReturnType<typeof tensor>, k: number) => slice(t, [0, 5 * k], [3, 5]);
    const z = sigmoid(add(b(x, 0), b(inner, 0)));
    const r = sigmoid(add(b(x, 1), b(inner, 1)));
    const hc = tanh(add(b(x, 2), mul(r, b(inner, 2))));
    const want = add(mul(z, h), mul(z.mul(-1).add(1), hc));
    const got = gruCell(x, inner, h);
    for (let k = 0; k < 15; k++) expect(Math.abs(got.values[k]! - want.values[k]!)).toBeLessThanOrEqual(1e-6 * Math.max(1, Math.abs(want.values[k]!)));
  });

  test('gradients against float64 central differences, for x, inner and h', () => {
    const args = [randomNormal([2, 9], 0, 1.5, { seed: 14 }), randomNormal([2, 9], 0, 1.5, { seed: 15 }), randomNormal([2, 3], 0, 1, { seed: 16 })];
    expect(gradCheck((x, inner, h) => gruCell(x, inner, h), args).passed).toBe(true);
  });

  test('a recorded backward (createGraph) gives the kernel\'s gradients, and can be differentiated again', () => {
    const [x, inner, h] = [variable(randomNormal([2, 6], 0, 1, { seed: 17 })), variable(randomNormal([2, 6], 0, 1, { seed: 18 })), variable(randomNormal([2, 2], 0, 1, { seed: 19 }))];
    const loss = () => sum(mul(gruCell(x, inner, h), tensor([[1, -2], [0.5, 3]])));
    const plain = computeGrads(loss());
    const graph = computeGrads(loss(), undefined, { createGraph: true });
    for (const t of [x, inner, h]) {
      const a = plain.get(t)!.values, b = graph.get(t)!.values;
      for (let k = 0; k < a.length; k++) expect(b[k]).toBeCloseTo(a[k]!, 6);
    }
    const gx = graph.get(x)!;
    expect(gx.requiresGrad).toBe(true);
    expect(computeGrads(sum(mul(gx, gx))).get(inner)!.shape).toEqual([2, 6]);
  });

  test('refuses parts that are not [batch, 3·units], naming the shapes', () => {
    expect(() => gruCell(zeros([2, 6]), zeros([2, 5]), zeros([2, 2]))).toThrow('gruCell: x and inner must be [batch, 3·units] and h [batch, units], got x [2,6], inner [2,5] and h [2,2]');
  });
});

describe('the cells with hard sigmoid gates (tfjs\'s default recurrentActivation)', () => {
  type T = ReturnType<typeof tensor>;
  const weights = (rows: number, units: number, seed: number): T => randomNormal([rows, units], 0, 1, { seed });
  // Pre-activations spread over the hard sigmoid's three pieces (|z| up to ~9), with some on its
  // edges 0.2·(±2.5) + 0.5 = 1 and 0, where the clip's ties pass the gradient (slope 0.2).
  const spread = (rows: number, width: number, seed: number): T => {
    const t = randomNormal([rows, width], 0, 3, { seed });
    for (let k = 0; k < t.size; k += 7) t.values[k] = k % 2 === 0 ? 2.5 : -2.5;
    return t;
  };

  test('lstmCell: outputs and gradients equal the cell composed from hardSigmoid, tanh, products and a sum', () => {
    const rows = 3, units = 5;
    const z = variable(spread(rows, 4 * units, 21));
    const cPrev = variable(randomNormal([rows, units], 0, 2, { seed: 22 }));
    const [wh, wc] = [weights(rows, units, 23), weights(rows, units, 24)];
    const fused = () => { const [h, c] = lstmCell(z, cPrev, 'hardSigmoid'); return { h, c, loss: add(sum(mul(h, wh)), sum(mul(c, wc))) }; };
    const composedHard = () => {
      const block = (k: number) => slice(z, [0, k * units], [rows, units]);
      const c = add(mul(hardSigmoid(block(1)), cPrev), mul(hardSigmoid(block(0)), tanh(block(2))));
      const h = mul(hardSigmoid(block(3)), tanh(c));
      return { h, c, loss: add(sum(mul(h, wh)), sum(mul(c, wc))) };
    };
    const got = fused(), want = composedHard();
    for (let k = 0; k < rows * units; k++) {
      expect(Math.abs(got.c.values[k]! - want.c.values[k]!)).toBeLessThanOrEqual(2e-7 * Math.max(1, Math.abs(want.c.values[k]!)));
      expect(Math.abs(got.h.values[k]! - want.h.values[k]!)).toBeLessThanOrEqual(2e-7);
    }
    const [g, w] = [computeGrads(got.loss), computeGrads(want.loss)];
    for (const t of [z, cPrev]) {
      const a = g.get(t)!.values, b = w.get(t)!.values;
      for (let k = 0; k < a.length; k++) expect(Math.abs(a[k]! - b[k]!)).toBeLessThanOrEqual(1e-6 * Math.max(1, Math.abs(b[k]!)));
    }
    // The edges took slope 0.2, not 0: z_i[0][0] = 2.5 has a gradient dc'·g·0.2 ≠ 0.
    expect(g.get(z)!.values[0]).not.toBe(0);
  });

  test('gruCell: the output and its gradients equal the cell composed from hardSigmoid, tanh, products and sums', () => {
    const rows = 3, units = 5;
    const [x, inner, h] = [variable(spread(rows, 3 * units, 25)), variable(randomNormal([rows, 3 * units], 0, 3, { seed: 26 })), variable(randomNormal([rows, units], 0, 1, { seed: 27 }))];
    const w = weights(rows, units, 28);
    const b = (t: T, k: number) => slice(t, [0, units * k], [rows, units]);
    const composedHard = () => {
      const z = hardSigmoid(add(b(x, 0), b(inner, 0)));
      const r = hardSigmoid(add(b(x, 1), b(inner, 1)));
      const hc = tanh(add(b(x, 2), mul(r, b(inner, 2))));
      return add(mul(z, h), mul(z.mul(-1).add(1), hc));
    };
    const got = gruCell(x, inner, h, 'hardSigmoid'), want = composedHard();
    for (let k = 0; k < rows * units; k++) expect(Math.abs(got.values[k]! - want.values[k]!)).toBeLessThanOrEqual(1e-6 * Math.max(1, Math.abs(want.values[k]!)));
    const [gg, gw] = [computeGrads(sum(mul(got, w))), computeGrads(sum(mul(want, w)))];
    for (const t of [x, inner, h]) {
      const a = gg.get(t)!.values, c = gw.get(t)!.values;
      for (let k = 0; k < a.length; k++) expect(Math.abs(a[k]! - c[k]!)).toBeLessThanOrEqual(1e-6 * Math.max(1, Math.abs(c[k]!)));
    }
  });

  test('gradients against float64 central differences (pre-activations off the edges), and a recorded backward that agrees', () => {
    const z = randomNormal([2, 12], 0, 1.5, { seed: 29 });
    const cPrev = randomNormal([2, 3], 0, 1, { seed: 30 });
    expect(gradCheck((a, b) => concat(lstmCell(a, b, 'hardSigmoid'), 1), [z, cPrev]).passed).toBe(true);
    const args = [randomNormal([2, 9], 0, 1.5, { seed: 31 }), randomNormal([2, 9], 0, 1.5, { seed: 32 }), randomNormal([2, 3], 0, 1, { seed: 33 })];
    expect(gradCheck((x, inner, h) => gruCell(x, inner, h, 'hardSigmoid'), args).passed).toBe(true);
    const zv = variable(spread(2, 8, 34)), cv = variable(randomNormal([2, 2], 0, 1, { seed: 35 }));
    const loss = () => { const [h, c] = lstmCell(zv, cv, 'hardSigmoid'); return add(sum(mul(h, tensor([[1, -2], [0.5, 3]]))), sum(c)); };
    const plain = computeGrads(loss()), graph = computeGrads(loss(), undefined, { createGraph: true });
    for (const t of [zv, cv]) {
      const a = plain.get(t)!.values, b = graph.get(t)!.values;
      for (let k = 0; k < a.length; k++) expect(b[k]).toBeCloseTo(a[k]!, 6);
    }
  });

  test('refuses a gate activation the kernels do not have, naming the ones they do', () => {
    expect(() => lstmCell(zeros([1, 4]), zeros([1, 1]), 'relu' as 'sigmoid')).toThrow('lstmCell: the gate activation must be one of sigmoid, hardSigmoid, got relu');
    expect(() => gruCell(zeros([1, 3]), zeros([1, 3]), zeros([1, 1]), 'tanh' as 'sigmoid')).toThrow('gruCell: the gate activation must be one of sigmoid, hardSigmoid, got tanh');
  });
});

describe('the GRU resetting before its product: gruGates, the product, gruOutput', () => {
  type T = ReturnType<typeof tensor>;
  const rows = 3, units = 4;
  const parts = (seed: number) => ({
    x: variable(randomNormal([rows, 3 * units], 0, 2.5, { seed })),
    inner: variable(randomNormal([rows, 2 * units], 0, 2.5, { seed: seed + 1 })),
    h: variable(randomNormal([rows, units], 0, 1, { seed: seed + 2 })),
    U: variable(randomNormal([units, units], 0, 0.7, { seed: seed + 3 })),
  });
  const b = (t: T, k: number) => slice(t, [0, units * k], [rows, units]);
  // ĥ = tanh(x_h + (r·h)·U_h), out = z·h + (1 − z)·ĥ, from ops (h is also the recurrent input here).
  const composedStep = (p: ReturnType<typeof parts>, gate: (t: T) => T) => {
    const z = gate(add(b(p.x, 0), b(p.inner, 0)));
    const r = gate(add(b(p.x, 1), b(p.inner, 1)));
    const hc = tanh(add(b(p.x, 2), matmul(mul(r, p.h), p.U)));
    return add(mul(z, p.h), mul(sub(1, z), hc));
  };
  const fusedStep = (p: ReturnType<typeof parts>, gate: 'sigmoid' | 'hardSigmoid') => {
    const [z, rh] = gruGates(p.x, p.inner, p.h, gate);
    return gruOutput(p.x, matmul(rh, p.U), p.h, z);
  };

  test('z = r = σ(0) = 0.5 from zero parts: rh = 0.5·hr; the output with ĥ = tanh(0 + q)', () => {
    const [z, rh] = gruGates(zeros([1, 3]), zeros([1, 2]), tensor([[2]]));
    expect([z.values[0], rh.values[0]]).toEqual([0.5, 1]);
    // ĥ = tanh(1) = 0.76159415595; out = 0.5·1 + 0.5·0.76159415595 = 0.88079707798.
    expect(gruOutput(zeros([1, 3]), tensor([[1]]), tensor([[1]]), tensor([[0.5]])).values[0]).toBeCloseTo(0.88079707798, 6);
  });

  for (const [gate, fn] of [['sigmoid', sigmoid], ['hardSigmoid', hardSigmoid]] as const) {
    test(`${gate} gates: the step and its gradients equal the step composed from ops`, () => {
      const p = parts(41);
      const w = randomNormal([rows, units], 0, 1, { seed: 46 });
      const got = fusedStep(p, gate), want = composedStep(p, fn);
      for (let k = 0; k < rows * units; k++) expect(Math.abs(got.values[k]! - want.values[k]!)).toBeLessThanOrEqual(1e-6);
      const [g, c] = [computeGrads(sum(mul(got, w))), computeGrads(sum(mul(want, w)))];
      for (const t of [p.x, p.inner, p.h, p.U]) {
        const a = g.get(t)!.values, e = c.get(t)!.values;
        for (let k = 0; k < a.length; k++) expect(Math.abs(a[k]! - e[k]!)).toBeLessThanOrEqual(1e-6 * Math.max(1, Math.abs(e[k]!)));
      }
    });

    test(`${gate} gates: gradients against float64 central differences, and a recorded backward that agrees`, () => {
      const args = [randomNormal([2, 9], 0, 1.5, { seed: 51 }), randomNormal([2, 6], 0, 1.5, { seed: 52 }), randomNormal([2, 3], 0, 1, { seed: 53 })];
      expect(gradCheck((x, inner, hr) => concat(gruGates(x, inner, hr, gate), 1), args).passed).toBe(true);
      const outArgs = [randomNormal([2, 9], 0, 1.5, { seed: 54 }), randomNormal([2, 3], 0, 1, { seed: 55 }), randomNormal([2, 3], 0, 1, { seed: 56 }), randomNormal([2, 3], 0.5, 0.2, { seed: 57 })];
      expect(gradCheck((x, q, h, z) => gruOutput(x, q, h, z), outArgs).passed).toBe(true);
      const p = parts(61);
      const loss = () => sum(mul(fusedStep(p, gate), tensor([[1, -2, 0.5, 3], [0.1, 2, -1, 1], [1, 1, 1, -3]])));
      const plain = computeGrads(loss()), graph = computeGrads(loss(), undefined, { createGraph: true });
      for (const t of [p.x, p.inner, p.h, p.U]) {
        const a = plain.get(t)!.values, c = graph.get(t)!.values;
        for (let k = 0; k < a.length; k++) expect(c[k]).toBeCloseTo(a[k]!, 6);
      }
    });
  }

  test('refuses parts of the wrong shapes, naming them', () => {
    expect(() => gruGates(zeros([2, 6]), zeros([2, 3]), zeros([2, 2]))).toThrow('gruGates: x must be [batch, 3·units], inner [batch, 2·units] and hr [batch, units], got x [2,6], inner [2,3] and hr [2,2]');
    expect(() => gruOutput(zeros([2, 6]), zeros([2, 2]), zeros([2, 2]), zeros([2, 1]))).toThrow('gruOutput: x must be [batch, 3·units] and q, h, z [batch, units], got x [2,6], q [2,2], h [2,2] and z [2,1]');
    expect(() => gruGates(zeros([1, 3]), zeros([1, 2]), zeros([1, 1]), 'relu' as 'sigmoid')).toThrow('gruGates: the gate activation must be one of sigmoid, hardSigmoid, got relu');
  });
});

describe('basicLSTMCell and multiRNNCell (tfjs core API)', () => {
  /** TensorFlow's BasicLSTMCell in ops: blocks i, j, f, o of [data, h]·W + b; c' = σ(i)·tanh(j) + c·σ(f + forgetBias), h' = tanh(c')·σ(o). */
  function reference(fb: number, w: ReturnType<typeof tensor>, b: ReturnType<typeof tensor>, x: ReturnType<typeof tensor>, c: ReturnType<typeof tensor>, h: ReturnType<typeof tensor>) {
    const u = h.shape[1]!;
    const z = add(matmul(concat([x, h], 1), w), b);
    const block = (k: number) => slice(z, [0, k * u], [x.shape[0]!, u]);
    const newC = add(mul(sigmoid(block(0)), tanh(block(1))), mul(c, sigmoid(add(block(2), fb))));
    return [newC, mul(tanh(newC), sigmoid(block(3)))];
  }
  const x = randomNormal([3, 2], 0, 1, { seed: 31 });
  const [c, h] = [randomNormal([3, 4], 0, 1, { seed: 32 }), randomNormal([3, 4], 0, 1, { seed: 33 })];
  const w = randomNormal([6, 16], 0, 0.5, { seed: 34 });
  const b = randomNormal([16], 0, 0.5, { seed: 35 });
  test('equals the formula in ops (gate order i, j, f, o; forgetBias on f)', () => {
    const [newC, newH] = basicLSTMCell(tensor(1), w, b, x, c, h);
    const [rc, rh] = reference(1, w, b, x, c, h);
    Array.from(newC.values).forEach((v, i) => expect(v).toBeCloseTo(rc!.values[i]!, 5));
    Array.from(newH.values).forEach((v, i) => expect(v).toBeCloseTo(rh!.values[i]!, 5));
  });
  test('its gradients through data, kernel, bias and both states agree with central differences', () => {
    expect(gradCheck((a, k, bb, cc, hh) => concat(basicLSTMCell(tensor(0.5), k, bb, a, cc, hh), 1), [x, w, b, c, h]).passed).toBe(true);
  });
  test("multiRNNCell stacks: cell 2 takes cell 1's new h; states come back as [c's, h's]", () => {
    const w2 = randomNormal([8, 16], 0, 0.5, { seed: 36 });
    const cell1 = (d: ReturnType<typeof tensor>, cc: ReturnType<typeof tensor>, hh: ReturnType<typeof tensor>) => basicLSTMCell(tensor(1), w, b, d, cc, hh);
    const cell2 = (d: ReturnType<typeof tensor>, cc: ReturnType<typeof tensor>, hh: ReturnType<typeof tensor>) => basicLSTMCell(tensor(1), w2, b, d, cc, hh);
    const [cs, hs] = multiRNNCell([cell1, cell2], x, [c, c], [h, h]);
    const [c1, h1] = cell1(x, c, h);
    const [c2, h2] = cell2(h1, c, h);
    expect([cs, hs].flat().map((t) => Array.from(t.values))).toEqual([c1, c2, h1, h2].map((t) => Array.from(t.values)));
  });
  test('errors', () => {
    expect(() => basicLSTMCell(tensor(1), w, b, x, c, zeros([3, 3]))).toThrow('basicLSTMCell: expected data [batch, inputs] and c, h [batch, units], got data [3,2], c [3,4], h [3,3]');
    expect(() => basicLSTMCell(tensor(1), zeros([5, 16]), b, x, c, h)).toThrow('basicLSTMCell: lstmKernel must be [inputs + units, 4·units] = [6, 16], got [5,16]');
    expect(() => basicLSTMCell(tensor(1), w, zeros([8]), x, c, h)).toThrow('basicLSTMCell: lstmBias must have 4·units = 16 values, got shape [8]');
    expect(() => basicLSTMCell(tensor([1, 2]), w, b, x, c, h)).toThrow('basicLSTMCell: forgetBias must be a scalar, got shape [2]');
    expect(() => multiRNNCell([], x, [], [])).toThrow('multiRNNCell: expected a state c[i], h[i] for each of the cells, got 0 cells, 0 c and 0 h');
  });
});
