// The tfjs op surface: each op against a scalar or whole-array reference written here, and
// its gradient against float64 central differences (the op harness), on every backend.
import { describe, expect, test } from 'vitest';
import {
  argMax, cast, ceil, cos, cumsum, dot, expm1, floor, floorDiv, isNaN, log1p, logicalAnd, logicalNot, logicalOr, logicalXor, matMul, mod,
  moments, norm, outerProduct, round, rsqrt, sin, squaredDifference, tensor, tensor1d, tensor2d, tensor3d, linspace, randomUniform, scalar,
  tan, sinh, cosh, asinh, acosh, atanh, logSigmoid, divNoNan, isFinite, isInf, all, any, slice2d, pad1d, concat2d, randomUniformInt, customGrad, grad, computeGrads, prod, cumprod, batchNorm, diag, meshgrid, unsortedSegmentSum, gatherND, unique, atan, asin, acos, atan2, prelu,
} from '../index.js';
import { BINARY_CASES, UNARY_CASES, testOp } from '../../test/harness/op.js';

const positive = (r: { uniform(): number }): number => 0.2 + 2 * r.uniform();
// Away from the integers, where floor/ceil/round jump and central differences would straddle.
const offGrid = (r: { uniform(): number }): number => (r.uniform() < 0.5 ? -1 : 1) * (Math.floor(r.uniform() * 4) + 0.1 + 0.3 * r.uniform());

testOp('sin', { fn: sin, cases: UNARY_CASES, elementwise: Math.sin });
testOp('cos', { fn: cos, cases: UNARY_CASES, elementwise: Math.cos });
testOp('floor', { fn: floor, cases: UNARY_CASES, elementwise: Math.floor, sample: offGrid });
testOp('ceil', { fn: ceil, cases: UNARY_CASES, elementwise: Math.ceil, sample: offGrid });
testOp('round', { fn: round, cases: UNARY_CASES, elementwise: Math.round, sample: offGrid });
testOp('rsqrt', { fn: rsqrt, cases: UNARY_CASES, elementwise: (x) => 1 / Math.sqrt(x), sample: positive });
testOp('log1p', { fn: log1p, cases: UNARY_CASES, elementwise: (x) => Math.log(1 + x), sample: positive });
testOp('expm1', { fn: expm1, cases: UNARY_CASES, elementwise: (x) => Math.exp(x) - 1 });
testOp('atan', { fn: atan, cases: UNARY_CASES, elementwise: Math.atan, sample: (r) => 8 * r.uniform() - 4 });
testOp('asin', { fn: asin, cases: UNARY_CASES, elementwise: Math.asin, sample: (r) => 1.8 * r.uniform() - 0.9 });
testOp('acos', { fn: acos, cases: UNARY_CASES, elementwise: Math.acos, sample: (r) => 1.8 * r.uniform() - 0.9 });
// Both signs of b (all four quadrants), b kept off 0 where atan2 turns by π.
testOp('atan2', { fn: atan2, cases: BINARY_CASES, elementwise: Math.atan2, sample: (r, i) => (i === 0 ? 4 * r.uniform() - 2 : (r.uniform() < 0.5 ? -1 : 1) * (0.3 + r.uniform())) });
testOp('prelu', { fn: (x, a) => prelu(x!, a!), cases: [[[4, 3], [3]]], elementwise: (x, a) => (x > 0 ? x : a * x), sample: (r, i) => (i === 0 ? (r.uniform() < 0.5 ? -1 : 1) * (0.1 + r.uniform()) : 0.1 + 0.3 * r.uniform()) });
testOp('tan', { fn: tan, cases: UNARY_CASES, elementwise: Math.tan, sample: (r) => 2.4 * r.uniform() - 1.2 });
testOp('sinh', { fn: sinh, cases: UNARY_CASES, elementwise: Math.sinh });
testOp('cosh', { fn: cosh, cases: UNARY_CASES, elementwise: Math.cosh });
testOp('asinh', { fn: asinh, cases: UNARY_CASES, elementwise: Math.asinh, sample: (r) => 6 * r.uniform() - 3 });
testOp('acosh', { fn: acosh, cases: UNARY_CASES, elementwise: Math.acosh, sample: (r) => 1.2 + 3 * r.uniform() });
testOp('atanh', { fn: atanh, cases: UNARY_CASES, elementwise: Math.atanh, sample: (r) => 1.6 * r.uniform() - 0.8 });
// log σ(x) = −log(1 + e⁻ˣ).
testOp('logSigmoid', { fn: logSigmoid, cases: UNARY_CASES, elementwise: (x) => -Math.log1p(Math.exp(-x)), sample: (r) => 12 * r.uniform() - 6 });
// b kept away from 0 where the gradient is checked; the zeros are tested below.
testOp('divNoNan', { fn: divNoNan, cases: BINARY_CASES, elementwise: (a, b) => (b === 0 ? 0 : a / b), sample: (r, i) => (i === 0 ? 4 * r.uniform() - 2 : 0.5 + r.uniform()) });
testOp('prod over an axis', { fn: (x) => prod(x!, 1), cases: [[[3, 5]], [[2, 4, 3]]], reference: (x) => {
  const [a, n] = [x!.shape[0]!, x!.shape[1]!];
  const rest = x!.size / (a * n);
  const out = new Float64Array(a * rest).fill(1);
  for (let i = 0; i < a; i++) for (let j = 0; j < n; j++) for (let k = 0; k < rest; k++) out[i * rest + k]! *= x!.values[(i * n + j) * rest + k]!;
  return { values: out, shape: x!.shape.filter((_, i) => i !== 1) };
} });
testOp('prod of all', { fn: (x) => prod(x!), cases: [[[7]], [[2, 3]]], reference: (x) => ({ values: [Array.from(x!.values).reduce((p, v) => p * v, 1)], shape: [] }) });
testOp('cumprod', { fn: (x) => cumprod(x!, 1), cases: [[[2, 5]], [[3, 7, 2]]], reference: (x) => {
  const [a, n] = [x!.shape[0]!, x!.shape[1]!];
  const rest = x!.size / (a * n);
  const out = new Float64Array(x!.size);
  for (let i = 0; i < a; i++) for (let k = 0; k < rest; k++) {
    let p = 1;
    for (let j = 0; j < n; j++) out[(i * n + j) * rest + k] = p *= x!.values[(i * n + j) * rest + k]!;
  }
  return { values: out, shape: x!.shape };
} });
testOp('batchNorm', { fn: (x, m, v, o, s) => batchNorm(x!, m!, v!, o!, s!), cases: [[[4, 3], [3], [3], [3], [3]]], sample: (r, i) => (i === 2 ? 0.5 + r.uniform() : 2 * r.uniform() - 1),
  reference: (x, m, v, o, s) => ({ values: Array.from(x!.values, (xv, j) => ((xv - m!.values[j % 3]!) * s!.values[j % 3]!) / Math.sqrt(v!.values[j % 3]! + 0.001) + o!.values[j % 3]!), shape: x!.shape }) });
testOp('diag', { fn: (x) => diag(x!), cases: [[[3]], [[2, 2]]], reference: (x) => {
  const n = x!.size;
  const out = new Float64Array(n * n);
  for (let i = 0; i < n; i++) out[i * n + i] = x!.values[i]!;
  return { values: out, shape: [...x!.shape, ...x!.shape] };
} });
// Rows 0, 2 and 3 go to segment 1, row 1 to segment 0; segment 2 gets none.
testOp('unsortedSegmentSum', { fn: (x) => unsortedSegmentSum(x!, [1, 0, 1, 1], 3), cases: [[[4, 2]]], reference: (x) => {
  const v = x!.values;
  return { values: [v[2]!, v[3]!, v[0]! + v[4]! + v[6]!, v[1]! + v[5]! + v[7]!, 0, 0], shape: [3, 2] };
} });
// x [3, 2, 2]; the tuples (2, 1) and (0, 0) pick rows x[2][1] and x[0][0].
testOp('gatherND', { fn: (x) => gatherND(x!, [[2, 1], [0, 0]]), cases: [[[3, 2, 2]]], reference: (x) => {
  const v = x!.values;
  return { values: [v[10]!, v[11]!, v[0]!, v[1]!], shape: [2, 2] };
} });
testOp('squaredDifference', { fn: squaredDifference, cases: BINARY_CASES, elementwise: (a, b) => (a - b) ** 2 });
// mod's gradient jumps where a/b is an integer; the sampled values keep a/b off them.
testOp('mod', { fn: mod, cases: BINARY_CASES, elementwise: (a, b) => a - Math.floor(a / b) * b, sample: (r, i) => (i === 0 ? 0.37 + 3 * r.uniform() : 1.3) });
testOp('cumsum', { fn: (x) => cumsum(x!, 1), cases: [[[3, 4]], [[2, 5, 3]]], reference: (x) => {
  const [a, n, rest] = [x!.shape[0]!, x!.shape[1]!, x!.size / (x!.shape[0]! * x!.shape[1]!)];
  const out = new Float64Array(x!.size);
  for (let i = 0; i < a; i++) for (let k = 0; k < rest; k++) {
    let s = 0;
    for (let j = 0; j < n; j++) out[(i * n + j) * rest + k] = s += x!.values[(i * n + j) * rest + k]!;
  }
  return { values: out, shape: x!.shape };
} });
testOp('norm', { fn: (x) => norm(x!), cases: [[[3, 4]]], reference: (x) => ({ values: [Math.hypot(...x!.values)], shape: [] }) });
testOp('norm 1 over an axis', { fn: (x) => norm(x!, 1, 1), cases: [[[3, 4]]], reference: (x) => ({
  values: [0, 1, 2].map((r) => [0, 1, 2, 3].reduce((s, c) => s + Math.abs(x!.values[r * 4 + c]!), 0)), shape: [3] }) });
testOp('dot', { fn: (a, b) => dot(a!, b!), cases: [[[4], [4]], [[2, 4], [4]], [[4], [4, 3]], [[2, 4], [4, 3]]], reference: (a, b) => {
  const A = a!.rank === 1 ? [Array.from(a!.values)] : [0, 1].map((r) => Array.from(a!.values.slice(r * 4, r * 4 + 4)));
  const cols = b!.rank === 1 ? 1 : 3;
  const out: number[] = [];
  for (const row of A) for (let c = 0; c < cols; c++) out.push(row.reduce((s, v, k) => s + v * b!.values[k * cols + c]!, 0));
  const shape = a!.rank === 1 && b!.rank === 1 ? [] : a!.rank === 1 ? [cols] : b!.rank === 1 ? [2] : [2, cols];
  return { values: out, shape };
} });
testOp('outerProduct', { fn: (a, b) => outerProduct(a!, b!), cases: [[[3], [2]]], reference: (a, b) => ({
  values: Array.from(a!.values).flatMap((x) => Array.from(b!.values).map((y) => x * y)), shape: [3, 2] }) });

describe('tfjs op surface by hand', () => {
  const v = (t: { values: ArrayLike<number> }) => Array.from(t.values);
  test('round halves to even, floorDiv and mod take the divisor\'s sign', () => {
    expect(v(round(tensor([0.5, 1.5, 2.5, -0.5, -1.5, 2.4, -2.6])))).toEqual([0, 2, 2, -0, -2, 2, -3]);
    // −7 // 2 = −4; −7 mod 2 = 1 (as Python and TensorFlow), 7 mod −2 = −1.
    expect(v(floorDiv(tensor([-7, 7]), tensor([2, 2])))).toEqual([-4, 3]);
    expect(v(mod(tensor([-7, 7, 7]), tensor([2, 2, -2])))).toEqual([1, 1, -1]);
  });
  test('cumsum: exclusive and reverse (tfjs flags), axis 0 by default', () => {
    const x = tensor([1, 2, 3, 4]);
    expect(v(cumsum(x))).toEqual([1, 3, 6, 10]);
    expect(v(cumsum(x, 0, { exclusive: true }))).toEqual([0, 1, 3, 6]);
    expect(v(cumsum(x, 0, { reverse: true }))).toEqual([10, 9, 7, 4]);
    expect(v(x.cumsum(0, true, true))).toEqual([9, 7, 4, 0]);
    expect(v(cumsum(tensor([[1, 2], [3, 4]])))).toEqual([1, 2, 4, 6]);
  });
  test('moments, norms, logic, isNaN', () => {
    // mean 2.5, variance ((1.5)² + (0.5)²)·2/4 = 1.25.
    const m = moments(tensor([1, 2, 3, 4]));
    expect([m.mean.item(), m.variance.item()]).toEqual([2.5, 1.25]);
    expect(v(moments(tensor([[1, 3], [2, 6]]), 1).variance)).toEqual([1, 4]);
    expect(norm(tensor([3, -4])).item()).toBe(5);
    expect(norm(tensor([3, -4]), Infinity).item()).toBe(4);
    expect(norm(tensor([3, -4]), 3).item()).toBeCloseTo((27 + 64) ** (1 / 3), 5);
    expect(() => norm(tensor([1]), -1)).toThrow("norm: ord must be 'euclidean', 'fro', 1, 2, Infinity or a positive number, got -1");
    expect(v(logicalNot(tensor([0, 2])))).toEqual([1, 0]);
    expect(v(logicalAnd(tensor([0, 1, 1]), tensor([1, 0, 3])))).toEqual([0, 0, 1]);
    expect(v(logicalOr(tensor([0, 1, 0]), tensor([0, 0, 3])))).toEqual([0, 1, 1]);
    expect(v(logicalXor(tensor([0, 1, 1]), tensor([0, 0, 3])))).toEqual([0, 1, 0]);
    expect(v(isNaN(tensor([1, Number.NaN, Infinity])))).toEqual([0, 1, 0]);
  });
  test('creation helpers: tensorNd checks the rank, linspace, dtypes as tfjs casts them, randomUniform with tfjs arguments', () => {
    expect(tensor2d([1, 2, 3, 4], [2, 2]).shape).toEqual([2, 2]);
    expect(tensor3d([[[1]], [[2]]]).shape).toEqual([2, 1, 1]);
    expect(() => tensor2d([1, 2, 3])).toThrow('tensor2d: expected 2 axes, got shape [3] (give the shape, or nest the values that deep)');
    expect(() => tensor1d([[1]])).toThrow('tensor1d: expected 1 axes, got shape [1,1]');
    expect(v(linspace(0, 1, 5))).toEqual([0, 0.25, 0.5, 0.75, 1]);
    expect(v(tensor1d([1.7, -1.7, 0], 'int32'))).toEqual([1, -1, 0]);
    expect(v(tensor1d([2, 0, -0.5], 'bool'))).toEqual([1, 0, 1]);
    expect(scalar(3.9, 'int32').item()).toBe(3);
    expect(() => tensor([1], [1], 'complex64' as never)).toThrow("tensor: dtype 'complex64' is not supported (float32, int32, bool)");
    // (shape, min, max, dtype, seed): the seed fixes the draw; int32 draws are integers in [min, max).
    const a = randomUniform([50], 0, 10, 'int32', 7);
    expect(v(a)).toEqual(v(randomUniform([50], 0, 10, 'int32', 7)));
    expect(v(a).every((x) => Number.isInteger(x) && x >= 0 && x < 10)).toBe(true);
    expect(v(cast(tensor([1.5, -2.5]), 'int32'))).toEqual([1, -2]);
    expect(v(tensor([0.2, 0]).toBool())).toEqual([1, 0]);
    // Truth values make a bool tensor, as in tfjs (snake-dqn's done flags: tensor1d(batch.map(e => e[3])));
    const done = tensor1d([true, false, false, true]);
    expect([done.dtype, ...v(done)]).toEqual(['bool', 1, 0, 0, 1]);
    expect(v(tensor([[true], [false]], undefined, 'float32'))).toEqual([1, 0]);
    expect(tensor([[true], [false]], undefined, 'float32').dtype).toBe('float32');
    expect([scalar(true).dtype, scalar(true).item()]).toEqual(['bool', 1]);
    expect(v(scalar(1).sub(done.asType('float32')))).toEqual([0, 1, 1, 0]);
    // tfjs 1's strict ops (jena-weather's validation loop): the op, on tensors of one shape only.
    expect(v(tensor([1, 2]).mulStrict(tensor([3, 4])))).toEqual([3, 8]);
    expect(v(tensor([1, 2]).divStrict(tensor([4, 8])))).toEqual([0.25, 0.25]);
    expect(v(tensor([1, 2]).addStrict(tensor([3, 4])))).toEqual([4, 6]);
    expect(v(tensor([1, 2]).subStrict(tensor([3, 4])))).toEqual([-2, -2]);
    expect(() => scalar(2).mulStrict(tensor([3, 4]))).toThrow('mulStrict: the two tensors must have the same shape, got [] and [2]');
    expect(() => tensor([true, 1] as never)).toThrow('tensor: a number at [1] after booleans: give all numbers or all booleans');
    expect(() => tensor([[1], [false]] as never)).toThrow('tensor: a boolean at [1][0] after numbers: give all numbers or all booleans');
  });
  test('dtype reads int32 and bool where tfjs does; storage stays float; the compiled step takes int-valued labels', async () => {
    const a = tensor([[1, 9], [5, 2]]);
    expect(argMax(a).dtype).toBe('int32');
    expect(a.greater(3).dtype).toBe('bool');
    expect(cast(a, 'int32').dtype).toBe('int32');
    expect(cast(cast(a, 'int32'), 'float32').dtype).toBe('float32');
    expect(tensor1d([1, 2], 'int32').reshape([2, 1]).dtype).toBe('int32');
    expect(a.add(1).dtype).toBe('float32');
    expect(argMax(a).storage).toBe('float32');
    const { layers, oneHot, sequential } = await import('../index.js');
    const y = oneHot(tensor1d([0, 1, 1, 0], 'int32'), 2);
    expect(y.dtype).toBe('int32');
    const m = sequential({ layers: [layers.dense({ units: 2, activation: 'softmax', inputShape: [2] })] });
    m.compile({ optimizer: 'sgd', loss: 'categoricalCrossentropy' });
    const h = await m.fit(tensor([[0, 1], [1, 0], [1, 1], [0, 0]]), y, { epochs: 1, verbose: 0 });
    expect(h.params!.path).not.toBe('eager');
  });

  test('tfjs spellings: matMul flags, argMax along axis 0 by default, as2D, split/concat methods', () => {
    const a = tensor([[1, 2], [3, 4]]);
    expect(v(matMul(a, a, true, false))).toEqual([10, 14, 14, 20]);
    expect(v(a.matMul(a, false, true))).toEqual([5, 11, 11, 25]);
    expect(v(argMax(tensor([[1, 9], [5, 2]])))).toEqual([1, 0]);
    expect(v(tensor([[1, 9], [5, 2]]).argMax(1))).toEqual([1, 0]);
    expect(tensor([1, 2, 3, 4]).as2D(2, 2).shape).toEqual([2, 2]);
    expect(v(a.concat(a, 1))).toEqual([1, 2, 1, 2, 3, 4, 3, 4]);
    expect(a.split(2).map((t) => v(t))).toEqual([[1, 2], [3, 4]]);
    expect(a.read()).toBe(a);
    expect(a.val).toBe(a);
  });
});

describe('tfjs ops beyond the core: values at the edges, and errors', () => {
  test('divNoNan gives 0 where b is 0, with a finite gradient there; isFinite and isInf are bools', () => {
    // a/b = [0.5, 0 (b = 0), 0 (0/0)], and d/da of a/b is 1/b = 0.5, 0, 0.
    const a = tensor([1, 2, 0], [3], { requiresGrad: true });
    const y = divNoNan(a, tensor([2, 0, 0]));
    expect(Array.from(y.values)).toEqual([0.5, 0, 0]);
    expect(Array.from(computeGrads(y.sum()).get(a)!.values)).toEqual([0.5, 0, 0]);
    const f = isFinite(tensor([1, Infinity, NaN, -Infinity]));
    expect([f.dtype, ...Array.from(f.dataSync())]).toEqual(['bool', 1, 0, 0, 0]);
    expect(Array.from(isInf(tensor([1, Infinity, NaN, -Infinity])).values)).toEqual([0, 1, 0, 1]);
    // log σ(−30) ≈ −30 without σ underflowing to 0 (whose log is −∞).
    expect(logSigmoid(tensor([-30])).values[0]).toBeCloseTo(-30, 5);
    expect(Array.from(all(tensor([[1, 2], [3, 0]]), 1).values)).toEqual([1, 0]);
    expect(Array.from(any(tensor([[0, 0], [0, 5]]), 1).values)).toEqual([0, 1]);
  });

  test('customGrad: the given gradient, not the derived one; its errors', () => {
    const op = customGrad((x: import('../index.js').Tensor, save: (t: import('../index.js').Tensor[]) => void) => {
      save([x]);
      return { value: x.square(), gradFunc: (dy, saved) => [dy.mul(saved[0]!.abs())] };
    });
    // value x², gradient |x| (the guide's example): at [−1, −2, 3] the gradient is [1, 2, 3], not 2x.
    const x = tensor([-1, -2, 3]);
    expect(Array.from(op(x).values)).toEqual([1, 4, 9]);
    expect(Array.from(grad((t) => op(t))(x).values)).toEqual([1, 2, 3]);
    const bad = customGrad(() => ({ value: 3 }) as never);
    expect(() => bad(x)).toThrow("customGrad: f must return {value, gradFunc}: value a tensor, gradFunc(dy, saved) giving the inputs' gradients");
    const two = customGrad((a: import('../index.js').Tensor) => ({ value: a.mul(2), gradFunc: (dy) => [dy, dy] }));
    expect(() => grad((t) => two(t))(x)).toThrow('customGrad: gradFunc gave 2 gradients for 1 input');
    expect(() => op(3 as never)).toThrow('customGrad: input 0 must be a tensor, got number');
  });

  test('atan2 on the axes: (0, −1) is π, (±1, 0) is ±π/2, (0, 0) is 0, as Math.atan2', () => {
    const a = tensor([0, 1, -1, 0, -0.5]);
    const b = tensor([-1, 0, 0, 0, -2]);
    Array.from(atan2(a, b).values).forEach((v, i) => expect(v).toBeCloseTo(Math.atan2(a.values[i]!, b.values[i]!), 6));
    expect(asin(tensor([1])).values[0]).toBeCloseTo(Math.PI / 2, 6);
  });

  test('prod and cumprod: zeros exact, their gradient through a zero, exclusive and reverse, int32 kept', () => {
    // Π[2, 0, 3] = 0; ∂/∂x₁ = 2·3 = 6 (y/x would be 0/0).
    const x = tensor([2, 0, 3], [3], { requiresGrad: true });
    const p = prod(x);
    expect(p.item()).toBe(0);
    expect(Array.from(computeGrads(p).get(x)!.values)).toEqual([0, 6, 0]);
    expect(Array.from(cumprod(tensor([1, 2, 3, 4])).values)).toEqual([1, 2, 6, 24]);
    expect(Array.from(cumprod(tensor([1, 2, 3, 4]), 0, { exclusive: true }).values)).toEqual([1, 1, 2, 6]);
    expect(Array.from(cumprod(tensor([1, 2, 3, 4]), 0, { reverse: true }).values)).toEqual([24, 24, 12, 4]);
    expect(prod(tensor([2, 3], [2], 'int32')).dtype).toBe('int32');
    expect(prod(tensor([[1, 2], [3, 4]]), 0, true).shape).toEqual([1, 2]);
    expect(() => cumprod(tensor(2))).toThrow('cumprod: expected a tensor of rank ≥ 1, got a scalar');
  });

  test('unique, meshgrid; gatherND and unsortedSegmentSum errors', () => {
    const u = unique(tensor([4, 2, 4, 7, 2]));
    expect(Array.from(u.values.values)).toEqual([4, 2, 7]);
    expect([u.indices.dtype, ...Array.from(u.indices.dataSync())]).toEqual(['int32', 0, 1, 0, 2, 1]);
    expect(Array.from(unique(tensor([[1, 2], [3, 4], [1, 2]])).values.values)).toEqual([1, 2, 3, 4]);
    // 'xy': both [2, 3], x along the rows; 'ij': both [3, 2].
    const [gx, gy] = meshgrid(tensor([1, 2, 3]), tensor([10, 20]));
    expect(gx!.arraySync()).toEqual([[1, 2, 3], [1, 2, 3]]);
    expect(gy!.arraySync()).toEqual([[10, 10, 10], [20, 20, 20]]);
    expect(meshgrid(tensor([1, 2, 3]), tensor([10, 20]), { indexing: 'ij' })[0]!.shape).toEqual([3, 2]);
    expect(() => gatherND(tensor([1, 2]), [[0, 0]])).toThrow('gatherND: index tuples of length 2 for a tensor of rank 1 (shape [2])');
    expect(() => unsortedSegmentSum(tensor([[1], [2]]), [0], 2)).toThrow('unsortedSegmentSum: segmentIds must be a vector of 2 ids (one per row of x), got shape [1]');
    expect(() => unsortedSegmentSum(tensor([[1], [2]]), [0, 5], 2)).toThrow('oneHot: index 5 at position 1 is out of range [0, 2)');
  });

  test('ranked aliases check the rank; randomUniformInt its range', () => {
    expect(Array.from(slice2d(tensor([[1, 2, 3], [4, 5, 6]]), [0, 1], [2, 2]).values)).toEqual([2, 3, 5, 6]);
    expect(Array.from(pad1d(tensor([1, 2]), [1, 0], 7).values)).toEqual([7, 1, 2]);
    expect(() => slice2d(tensor([1, 2, 3]), [0, 0], [1, 1])).toThrow('slice2d: expected a tensor of rank 2, got shape [3]');
    expect(() => concat2d([tensor([[1]]), tensor([1])])).toThrow('concat2d: expected tensors of rank 2, got shape [1]');
    const ints = randomUniformInt([500], -3, 2, { seed: 1 });
    expect(ints.dtype).toBe('int32');
    expect(new Set(ints.dataSync())).toEqual(new Set([-3, -2, -1, 0, 1]));
    expect(() => randomUniformInt([2], 3, 3)).toThrow('randomUniformInt: minval and maxval must be integers with minval < maxval, got 3 and 3');
  });
});
