import { describe, expect, test, vi } from 'vitest';
import { env, getBackend, getContext, jsBackend, nextFrame, setBackend, setSeed, util } from '../index.js';

describe('tfjs helpers', () => {
  test('backends by tfjs name: cpu is the reference, wasm WebAssembly; a GPU name gets WebAssembly with one warning', async () => {
    const saved = getContext().backend;
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => {});
    try {
      expect(await setBackend('cpu')).toBe(true);
      expect(getBackend()).toBe('cpu');
      await setBackend('wasm');
      expect(getBackend()).toBe('wasm');
      await setBackend('webgl');
      await setBackend('webgl');
      expect(getBackend()).toBe('wasm');
      expect(warn.mock.calls.map((c) => c[0])).toEqual(["neurite: there is no 'webgl' backend here; using WebAssembly SIMD, neurite's fastest"]);
      expect(() => setBackend('tpu')).toThrow("setBackend: unknown backend 'tpu'; neurite has 'cpu' (the TypeScript reference) and 'wasm' (WebAssembly SIMD)");
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
