import { describe, expect, test, vi } from 'vitest';
import { env, getBackend, getContext, jsBackend, nativeSupported, nextFrame, setBackend, setSeed, util } from '../index.js';

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
    env().set('DEBUG', false);
    await nextFrame();
  });
});
