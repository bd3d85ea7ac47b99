import { describe, expect, test, vi } from 'vitest';
import { matmul, randomNormal, withContext } from '../../index.js';
import { GemmPool } from './pool.js';
import { wasmBackend, wasmSimdSupported } from './index.js';

describe.runIf(wasmSimdSupported())('WebAssembly backend', () => {
  test('reports its native kernels and threads', () => {
    const b = wasmBackend({ threads: 1 });
    expect(b.nativeKernels).toEqual(['matmul', 'gemm', 'biasAct', 'actGrad', 'biasGrad', 'sgdUpdate', 'adamUpdate']);
    expect(b.threads).toBe(1);
  });

  test('1 and 2 threads give bit-identical products (odd sizes, every transpose, split by rows and by columns)', () => {
    const one = wasmBackend({ threads: 1 });
    const two = wasmBackend({ threads: 2 });
    expect(two.threads).toBe(2);
    // 257×513 is wider than tall (split by columns), 513×257 taller than wide (by rows).
    for (const [ta, tb, m, n] of [[false, false, 257, 513], [true, false, 257, 513], [false, true, 257, 513], [true, true, 257, 513], [false, false, 513, 257], [true, true, 513, 257]] as const) {
      const a = randomNormal(ta ? [129, m] : [m, 129], 0, 1, { seed: 1 });
      const b = randomNormal(tb ? [n, 129] : [129, n], 0, 1, { seed: 2 });
      const r1 = withContext({ backend: one }, () => matmul(a, b, { transposeA: ta, transposeB: tb }));
      const r2 = withContext({ backend: two }, () => matmul(a, b, { transposeA: ta, transposeB: tb }));
      const js = matmul(a, b, { transposeA: ta, transposeB: tb });
      expect(Array.from(r2.values)).toEqual(Array.from(r1.values));
      for (let i = 0; i < js.size; i += 97) expect(Math.abs(r1.values[i]! - js.values[i]!)).toBeLessThan(1e-3);
    }
  });

  test('without worker threads it runs on one thread, with exactly one warning', () => {
    const proc = process as { getBuiltinModule?: unknown };
    const saved = proc.getBuiltinModule;
    const warn = vi.fn();
    try {
      proc.getBuiltinModule = undefined;
      const b = wasmBackend({ threads: 2, warn });
      expect(b.threads).toBe(1);
    } finally {
      proc.getBuiltinModule = saved;
    }
    expect(warn).toHaveBeenCalledTimes(1);
    expect(warn.mock.calls[0]![0]).toMatch(/^neurite: running WebAssembly kernels on one thread: /);
  });

  test('a worker that cannot start leaves its rows to the main thread (no wait, no deadlock)', async () => {
    // A module whose import the worker cannot satisfy: its instantiation throws.
    const bad = new WebAssembly.Module(new Uint8Array([0, 97, 115, 109, 1, 0, 0, 0, 2, 13, 1, 3, 101, 110, 118, 4, 110, 111, 112, 101, 3, 127, 0]));
    const memory = new WebAssembly.Memory({ initial: 1, maximum: 2, shared: true });
    const pool = GemmPool.create([bad], memory, 2);
    expect(typeof pool).not.toBe('string');
    const p = pool as GemmPool;
    for (let i = 0; i < 300 && !p.failed(1); i++) await new Promise((r) => setTimeout(r, 10));
    expect(p.failed(1)).toBe(true);
    expect(p.readyWorkers()).toBe(0);
    const done: number[] = [];
    const bands = [0, 1].map((i) => ({ rowStart: i * 4, rowEnd: i * 4 + 4, colStart: 0, colEnd: 8, packA: 0, packB: 0, edge: 0 }));
    p.run([0, 0, 0, 8, 8, 8, 0, 0], bands, 2, (band) => void done.push(band.rowStart));
    expect(done).toEqual([0, 4]);
  });
});
