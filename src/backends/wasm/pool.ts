/**
 * Worker threads for the WebAssembly GEMM (Node `worker_threads`). Every thread instantiates
 * the same shared-memory module over one `WebAssembly.Memory`; a product is split into bands
 * of rows, the main thread computing the first band. Hand-off goes through a small shared
 * control block: workers spin briefly on a sequence number before sleeping in `Atomics.wait`
 * (a sleep/wake round trip costs tens of microseconds, more than a small product).
 */

/** Control block layout (Int32): [sequence, done, then PARAMS ints per worker]. */
const HEADER = 2;
const PARAMS = 16;
/** Iterations a worker spins before sleeping (about 50–100 µs). */
const SPIN = 20000;

const WORKER_SOURCE = `
const { parentPort, workerData } = require('node:worker_threads');
const { module, memory, control, index } = workerData;
const ctl = new Int32Array(control);
const instance = new WebAssembly.Instance(module, { env: { memory, abort() { throw new Error('wasm kernel aborted'); } } });
const e = instance.exports;
const base = ${HEADER} + index * ${PARAMS};
let seen = 0;
parentPort.postMessage('ready');
for (;;) {
  let s = Atomics.load(ctl, 0);
  for (let i = 0; s === seen && i < ${SPIN}; i++) s = Atomics.load(ctl, 0);
  if (s === seen) { Atomics.wait(ctl, 0, seen); continue; }
  seen = s;
  const p = base;
  if (ctl[p + 9] > ctl[p + 8]) {
    e.setScratch(ctl[p + 10], ctl[p + 11], ctl[p + 12]);
    e.sgemm(ctl[p], ctl[p + 1], ctl[p + 2], ctl[p + 3], ctl[p + 4], ctl[p + 5], ctl[p + 6], ctl[p + 7], ctl[p + 8], ctl[p + 9]);
  }
  Atomics.add(ctl, 1, 1);
  Atomics.notify(ctl, 1);
}
`;

export interface Band {
  rowStart: number;
  rowEnd: number;
  packA: number;
  packB: number;
  edge: number;
}

interface WorkerLike {
  unref(): void;
  on(event: 'error', listener: (e: Error) => void): unknown;
  terminate(): Promise<number>;
}

export class GemmPool {
  private readonly ctl: Int32Array;
  private broken = false;
  private readonly workers: WorkerLike[] = [];

  private constructor(readonly size: number, control: SharedArrayBuffer) {
    this.ctl = new Int32Array(control);
  }

  /**
   * Starts `threads − 1` workers sharing `memory`, or returns null (with the reason) when
   * worker threads are unavailable; the caller then runs on one thread.
   */
  static create(module: WebAssembly.Module, memory: WebAssembly.Memory, threads: number): GemmPool | string {
    const proc = (globalThis as { process?: { getBuiltinModule?: (m: string) => unknown; versions?: { node?: string } } }).process;
    if (proc?.versions?.node === undefined) return 'worker threads are only used in Node';
    let wt: { Worker: new (src: string, o: { eval: true; workerData: unknown }) => WorkerLike };
    // process.getBuiltinModule (Node ≥ 20.16) loads worker_threads synchronously, so
    // wasmBackend() stays synchronous; older runtimes use one thread.
    if (typeof proc.getBuiltinModule !== 'function') return 'this Node lacks process.getBuiltinModule (Node ≥ 20.16)';
    try {
      wt = proc.getBuiltinModule('node:worker_threads') as typeof wt;
    } catch (e) {
      return `node:worker_threads could not be loaded (${(e as Error).message})`;
    }
    const control = new SharedArrayBuffer(4 * (HEADER + PARAMS * threads));
    const pool = new GemmPool(threads, control);
    try {
      for (let i = 1; i < threads; i++) {
        const w = new wt.Worker(WORKER_SOURCE, { eval: true, workerData: { module, memory, control, index: i } });
        w.unref();
        w.on('error', () => {
          pool.broken = true;
        });
        pool.workers.push(w);
      }
    } catch (e) {
      for (const w of pool.workers) void w.terminate();
      return `a worker thread could not start (${(e as Error).message})`;
    }
    return pool;
  }

  /** False once a worker has failed: products then run on the main thread alone. */
  get healthy(): boolean {
    return !this.broken;
  }

  /**
   * Runs band 0 with `own` on this thread and bands 1.. on the workers, returning when all are
   * done. Workers that fail leave their bands to `own`.
   */
  run(params: readonly number[], bands: readonly Band[], parts: number, own: (band: Band) => void): void {
    const ctl = this.ctl;
    Atomics.store(ctl, 1, 0);
    for (let w = 1; w < parts; w++) {
      const p = HEADER + w * PARAMS;
      const band = bands[w]!;
      for (let i = 0; i < 8; i++) ctl[p + i] = params[i]!;
      ctl[p + 8] = band.rowStart;
      ctl[p + 9] = band.rowEnd;
      ctl[p + 10] = band.packA;
      ctl[p + 11] = band.packB;
      ctl[p + 12] = band.edge;
    }
    Atomics.add(ctl, 0, 1);
    Atomics.notify(ctl, 0);
    own(bands[0]!);
    const expected = parts - 1;
    for (let i = 0; Atomics.load(ctl, 1) < expected && i < SPIN; i++);
    while (Atomics.load(ctl, 1) < expected) {
      if (this.broken) {
        for (let w = 1; w < parts; w++) own(bands[w]!);
        return;
      }
      Atomics.wait(ctl, 1, Atomics.load(ctl, 1), 50);
    }
  }
}
