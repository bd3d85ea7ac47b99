import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, test, vi } from 'vitest';
import { matmul, randomNormal, withContext } from '../../index.js';
import { GemmPool, PoolOp } from './pool.js';
import { UPDATE_THREAD_MIN, wasmBackend, wasmSimdSupported } from './index.js';

describe.runIf(wasmSimdSupported())('WebAssembly backend', () => {
  test('reports its native kernels and threads', () => {
    const b = wasmBackend({ threads: 1 });
    expect(b.nativeKernels).toEqual([
      'matmul', 'gemm', 'biasAct', 'actGrad', 'biasGrad', 'sgdUpdate', 'adamUpdate', 'rmspropUpdate', 'adagradUpdate', 'adadeltaUpdate', 'adamaxUpdate', 'scaleUpdate',
      'add', 'sub', 'mul', 'div', 'greater', 'greaterEqual', 'less', 'lessEqual', 'equal', 'notEqual', 'where', 'sum', 'fillRandom',
      'im2col', 'col2im', 'maxPool', 'maxPoolGrad', 'depthwiseConv', 'depthwiseConvGradInput', 'depthwiseConvGradFilter',
      'lstmCell', 'lstmCellGrad', 'gruCell', 'gruCellGrad', 'gruGates', 'gruGatesGrad', 'gruOutput', 'gruOutputGrad',
    ]);
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

  test('ready() waits for the workers, which then take their share of products', async () => {
    const two = wasmBackend({ threads: 2 });
    expect(await two.ready()).toBe(2);
    const before = two.workerBands();
    const a = randomNormal([256, 256], 0, 1, { seed: 3 });
    // A worker asleep in Atomics.wait may wake too late for a product (the caller then does its
    // band): of some back to back, it takes a share.
    let calls = 0;
    for (; calls < 50 && two.workerBands() === before; calls++) withContext({ backend: two }, () => matmul(a, a));
    expect(two.workerBands()).toBeGreaterThan(before);
    expect(two.workerBands()).toBeLessThanOrEqual(before + calls);
    expect(await wasmBackend({ threads: 1 }).ready()).toBe(1);
  });

  test('optimizer updates split across 2 threads are bit-identical to 1 thread (odd length)', async () => {
    const one = wasmBackend({ threads: 1 });
    const two = wasmBackend({ threads: 2 });
    await two.ready();
    const len = UPDATE_THREAD_MIN + 37;
    const rng = (seed: number) => randomNormal([len], 0, 1, { seed }).values as Float32Array;
    const run = (b: typeof one, kind: 'adam' | 'sgd' | 'momentum') => {
      const [p, g, m, v] = [0, 1, 2, 3].map(() => b.allocResident!(len)) as [Float32Array, Float32Array, Float32Array, Float32Array];
      p.set(rng(4)); g.set(rng(5)); m.set(rng(6)); v.set(rng(7).map(Math.abs));
      for (let step = 0; step < 3; step++) {
        if (kind === 'adam') b.kernels.adamUpdate(p, g, m, v, len, 1e-3, 0.9, 0.999, 1e-7);
        else b.kernels.sgdUpdate(p, g, kind === 'momentum' ? m : null, len, 0.01, kind === 'momentum' ? 0.9 : 0, step === 1);
      }
      return [p, m, v].map((x) => Array.from(x));
    };
    // Whichever thread computes a band, the values are the same; repeated until the worker has
    // taken some (one asleep in Atomics.wait may wake too late for a few calls on 2 busy cores).
    for (const kind of ['adam', 'sgd', 'momentum'] as const) {
      const expected = run(one, kind);
      const before = two.workerBands();
      for (let rep = 0; rep < 50 && two.workerBands() === before; rep++) expect(run(two, kind)).toEqual(expected);
      expect(two.workerBands()).toBeGreaterThan(before);
    }
  });

  test('workers start in a process run as an ES module (--input-type=module, inherited by workers)', () => {
    const index = fileURLToPath(new URL('../../../dist/index.js', import.meta.url));
    const script = `const nt = await import(${JSON.stringify(index)}); const b = nt.wasmBackend({ threads: 2 }); console.log(await b.ready());`;
    const r = spawnSync(process.execPath, ['--input-type=module', '-e', script], { encoding: 'utf8' });
    expect(r.stderr).toBe('');
    expect(r.stdout.trim()).toBe('2');
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
    const failures: string[] = [];
    const pool = GemmPool.create([bad], memory, 2, (m) => failures.push(m));
    expect(typeof pool).not.toBe('string');
    const p = pool as GemmPool;
    for (let i = 0; i < 300 && !p.failed(1); i++) await new Promise((r) => setTimeout(r, 10));
    expect(p.failed(1)).toBe(true);
    expect(p.readyWorkers()).toBe(0);
    const done: number[] = [];
    expect(p.startingWorkers()).toBe(0);
    const bands = [0, 1].map((i) => ({ start: i * 4, end: i * 4 + 4, colStart: 0, colEnd: 8, packA: 0, packB: 0, edge: 0 }));
    p.run(PoolOp.Gemm, [0, 0, 0, 8, 8, 8, 0, 0], [], bands, 2, (band) => void done.push(band.start));
    p.run(PoolOp.Gemm, [0, 0, 0, 8, 8, 8, 0, 0], [], bands, 2, (band) => void done.push(band.start));
    expect(done).toEqual([0, 4, 0, 4]);
    expect(p.workerBands()).toBe(0);
    // Reported once, however many calls find it.
    expect(failures).toEqual(['worker 1 failed to start; its share runs on the calling thread']);
    p.terminate();
  });
});
