import { afterEach, describe, expect, test } from 'vitest';
import { createContext, ready, withContext } from './context.js';
import { jsBackend } from '../backends/js/index.js';
import { wasmSimdSupported } from '../backends/wasm/index.js';
import { nativeSupported } from '../backends/native/index.js';

describe('NEURITE_BACKEND', () => {
  const saved = process.env.NEURITE_BACKEND;
  afterEach(() => {
    if (saved === undefined) delete process.env.NEURITE_BACKEND;
    else process.env.NEURITE_BACKEND = saved;
  });

  test('js forces the reference backend', () => {
    process.env.NEURITE_BACKEND = 'js';
    expect(createContext().backend.name).toBe('js');
  });

  test.runIf(wasmSimdSupported())('wasm-plain forces WebAssembly without relaxed SIMD', () => {
    process.env.NEURITE_BACKEND = 'wasm-plain';
    const b = createContext().backend as { relaxed?: boolean; name: string };
    expect(b.name).toMatch(/^wasm/);
    expect(b.relaxed).toBe(false);
  });

  test('an unknown value is refused, naming the valid ones and the value given', () => {
    process.env.NEURITE_BACKEND = 'gpu';
    expect(() => createContext()).toThrow("NEURITE_BACKEND must be 'native', 'wasm', 'wasm-plain' or 'js', got 'gpu'");
  });

  test.runIf(nativeSupported())('native forces the native backend, which is also the default in Node where the addon built', () => {
    process.env.NEURITE_BACKEND = 'native';
    expect(createContext().backend.name).toMatch(/^native (avx512|avx2|generic)/);
    delete process.env.NEURITE_BACKEND;
    expect(createContext().backend.name).toMatch(/^native /);
    process.env.NEURITE_BACKEND = 'wasm';
    expect(createContext().backend.name).toMatch(/^wasm/);
  });
});

describe('ready()', () => {
  test('waits for the backend to start its threads, and resolves at once for backends without any', async () => {
    let started = false;
    const slow = { ...jsBackend(), ready: () => new Promise<number>((r) => setTimeout(() => { started = true; r(2); }, 20)) };
    await withContext({ backend: slow }, () => ready());
    expect(started).toBe(true);
    await expect(withContext({ backend: jsBackend() }, () => ready())).resolves.toBeUndefined();
  });
});
