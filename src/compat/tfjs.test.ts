import { readFileSync } from 'node:fs';
import { describe, expect, test, vi } from 'vitest';
import { ENV, disposeVariables, env, getBackend, getContext, jsBackend, nativeSupported, nextFrame, setBackend, setSeed, tensor, test_util, time, util, variable, version } from '../index.js';

describe('tfjs helpers', () => {
  test('backends by tfjs name: cpu is the reference, wasm WebAssembly, tensorflow native; a GPU name gets the fastest with one warning', async () => {
    const saved = getContext().backend;
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => {});
    try {
      expect(await setBackend('cpu')).toBe(true);
      expect(getBackend()).toBe('cpu');
      await setBackend('wasm');
      expect(getBackend()).toBe('wasm');
      await setBackend('webgl');
      await setBackend('webgl');
      // Where the native addon built, the fastest is native (tfjs-node's family name, 'tensorflow').
      const fastest = nativeSupported() ? 'tensorflow' : 'wasm';
      expect(getBackend()).toBe(fastest);
      expect(warn.mock.calls.map((c) => c[0])).toEqual([`neurite: there is no 'webgl' backend here; using ${nativeSupported() ? 'native kernels' : 'WebAssembly SIMD'}, neurite's fastest`]);
      await setBackend('tensorflow');
      expect(getBackend()).toBe(fastest);
      expect(warn).toHaveBeenCalledTimes(nativeSupported() ? 1 : 2);
      expect(() => setBackend('tpu')).toThrow("setBackend: unknown backend 'tpu'; neurite has 'cpu' (the TypeScript reference), 'wasm' (WebAssembly SIMD) and, in Node where its addon built, 'tensorflow' or 'native' (C++ kernels)");
      await setBackend(jsBackend());
      expect(getBackend()).toBe('cpu');
    } finally {
      warn.mockRestore();
      await setBackend(saved);
    }
  });

  test('util: seeded shuffles (same seed, same order), assert, sizeFromShape, flatten', () => {
    const order = (seed: number) => {
      setSeed(seed);
      const a = [1, 2, 3, 4, 5, 6, 7, 8];
      util.shuffle(a);
      return a;
    };
    expect(order(3)).toEqual(order(3));
    expect(order(3)).not.toEqual([1, 2, 3, 4, 5, 6, 7, 8]);
    expect([...order(3)].sort()).toEqual([1, 2, 3, 4, 5, 6, 7, 8]);
    const a = [1, 2, 3, 4];
    const b = ['a', 'b', 'c', 'd'];
    util.shuffleCombo(a, b);
    a.forEach((v, i) => expect(b[i]).toBe('abcd'[v - 1]));
    expect(() => util.shuffleCombo([1], [1, 2])).toThrow('util.shuffleCombo: the arrays have different lengths (1 and 2)');
    expect(Array.from(util.createShuffledIndices(5)).sort()).toEqual([0, 1, 2, 3, 4]);
    expect(() => util.assert(false, () => 'it broke')).toThrow('it broke');
    expect(util.sizeFromShape([2, 3, 4])).toBe(24);
    expect(util.flatten([[1, [2]], [3]])).toEqual([1, 2, 3]);
    expect(util.arraysEqual([1, 2], [1, 2])).toBe(true);
  });

  test('env flags and nextFrame', async () => {
    expect(env().getBool('IS_NODE')).toBe(true);
    expect(env().platformName).toBe('node');
    env().set('DEBUG', true);
    expect(env().get('DEBUG')).toBe(true);
    // tf.ENV, the older spelling (lstm-text-generation reads ENV.get('IS_BROWSER')), is the same object.
    expect([ENV.get('DEBUG'), ENV.get('IS_BROWSER')]).toEqual([true, false]);
    env().set('DEBUG', false);
    await nextFrame();
  });
});

describe('tfjs engine calls', () => {
  test('version names the package\'s; disposeVariables frees the names; time measures', async () => {
    const pkg = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string; devDependencies: Record<string, string> };
    expect(version.neurite).toBe(pkg.version);
    expect(pkg.devDependencies['@tensorflow/tfjs']).toBe(`^${version.tfjs}`);
    variable(1, true, 'engine_v');
    expect(() => variable(2, true, 'engine_v')).toThrow("variable: a variable named 'engine_v' already exists");
    disposeVariables();
    expect(variable(3, true, 'engine_v').item()).toBe(3);
    const t = await time(() => { for (let i = 0, s = 0; i < 1e5; i++) s += i; });
    expect(t.wallMs).toBeGreaterThanOrEqual(0);
    expect(t.kernelMs).toBe(t.wallMs);
  });
});

describe('tf.test_util (called by example programs outside tests)', () => {
  test('arrays, tensors and numbers compared as tfjs compares them, with its messages; tensors by their values', () => {
    test_util.expectArraysClose(tensor([1, 2.0005]), tensor([1, 2]));
    test_util.expectArraysClose([[1, 2], [3, 4]], new Float32Array([1, 2, 3, 4.0009]));
    expect(() => test_util.expectArraysClose(tensor([1, 2.01]), tensor([1, 2]))).toThrow('Arrays differ: actual[1] = 2.009999990463257, expected[1] = 2.');
    expect(() => test_util.expectArraysClose(tensor([1, 2.01]), [1, 2], 0.1)).not.toThrow();
    expect(() => test_util.expectArraysClose(tensor([[1, 2]]), tensor([1, 2]))).toThrow('Arrays have different shapes. Actual: [1,2]. Expected: [2]');
    expect(() => test_util.expectArraysEqual(new Float32Array([1, 2, 3]), [1, 2])).toThrow('Arrays have different lengths actual: 3 vs expected: 2.');
    test_util.expectArraysEqual([Number.NaN, 1], [Number.NaN, 1]);
    expect(() => test_util.expectArraysEqual([1.0001], [1])).toThrow('Arrays differ: actual[0] = 1.0001, expected[0] = 1.');
    expect(() => test_util.expectNumbersClose(1.01, 1)).toThrow('Numbers differ: actual === 1.01, expected === 1');
    test_util.expectNumbersClose(1.0005, 1);
    expect(() => test_util.expectValuesInRange(tensor([0, 0.5, 2]), 0, 1)).toThrow('Value out of range:2 low: 0, high: 1');
    expect(() => test_util.expectArraysClose('a', [1])).toThrow('test_util: expected a tensor, a number, a typed array or nested lists of numbers, got string');
    expect(test_util.testEpsilon()).toBe(1e-3);
  });
});
