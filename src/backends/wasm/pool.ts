/**
 * Worker threads for the WebAssembly GEMM (Node `worker_threads`). Every thread instantiates
 * the kernel module over one shared `WebAssembly.Memory`; a product is split into bands of
 * rows, the main thread computing the first. Hand-off goes through a shared control block:
 * workers spin briefly on a sequence number before sleeping in `Atomics.wait` (a sleep/wake
 * round trip costs tens of microseconds, more than a small product).
 *
 * The main thread never waits for a worker that has not started its band: each band is
 * claimed by compare-and-swap, and bands still unclaimed after a short spin (a worker still
 * booting, or one that failed) are computed by the main thread. A worker that cannot start
 * says so in the control block, since its error event cannot reach a main thread blocked in
 * a product.
 */

/** Control block layout (Int32): [sequence, unused, then SLOT ints per worker]. */
const HEADER = 2;
const SLOT = 20;
/** Slot fields after the 8 product parameters. */
const ROW_START = 8;
const ROW_END = 9;
const PACK_A = 10;
const PACK_B = 11;
const EDGE = 12;
const STATE = 13;
const READY = 14;
const COL_START = 15;
const COL_END = 16;
/** Band states. */
const PENDING = 1;
const BY_WORKER = 2;
const BY_MAIN = 3;
const DONE = 4;
/** Iterations a thread spins before sleeping or taking over (about 50–100 µs). */
const SPIN = 20000;

const WORKER_SOURCE = `
const { workerData } = require('node:worker_threads');
const { modules, memory, control, index } = workerData;
const ctl = new Int32Array(control);
const slot = ${HEADER} + index * ${SLOT};
let e = null;
for (const module of modules) {
  try {
    e = new WebAssembly.Instance(module, { env: { memory, abort() { throw new Error('wasm kernel aborted'); } } }).exports;
    break;
  } catch {}
}
if (e === null) {
  Atomics.store(ctl, slot + ${READY}, -1);
} else {
  Atomics.store(ctl, slot + ${READY}, 1);
  let seen = Atomics.load(ctl, 0);
  for (;;) {
    let s = Atomics.load(ctl, 0);
    for (let i = 0; s === seen && i < ${SPIN}; i++) s = Atomics.load(ctl, 0);
    if (s === seen) { Atomics.wait(ctl, 0, seen); continue; }
    seen = s;
    if (Atomics.compareExchange(ctl, slot + ${STATE}, ${PENDING}, ${BY_WORKER}) !== ${PENDING}) continue;
    const p = slot;
    e.setScratch(ctl[p + ${PACK_A}], ctl[p + ${PACK_B}], ctl[p + ${EDGE}]);
    e.sgemm(ctl[p], ctl[p + 1], ctl[p + 2], ctl[p + 3], ctl[p + 4], ctl[p + 5], ctl[p + 6], ctl[p + 7], ctl[p + ${ROW_START}], ctl[p + ${ROW_END}], ctl[p + ${COL_START}], ctl[p + ${COL_END}]);
    Atomics.store(ctl, p + ${STATE}, ${DONE});
    Atomics.notify(ctl, p + ${STATE});
  }
}
`;

/** One thread's block of C: rows [rowStart, rowEnd), columns [colStart, colEnd), and its scratch. */
export interface Band {
  rowStart: number;
  rowEnd: number;
  colStart: number;
  colEnd: number;
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
  private readonly workers: WorkerLike[] = [];
  /** Which bands of the current product went to a worker (reused: no garbage per product). */
  private readonly sent: Uint8Array;

  private constructor(readonly size: number, control: SharedArrayBuffer) {
    this.ctl = new Int32Array(control);
    this.sent = new Uint8Array(size);
  }

  /**
   * Starts `threads − 1` workers sharing `memory`; each instantiates the first of `modules`
   * it can. Returns the reason instead when worker threads are unavailable.
   */
  static create(modules: WebAssembly.Module[], memory: WebAssembly.Memory, threads: number): GemmPool | string {
    const proc = (globalThis as { process?: { getBuiltinModule?: (m: string) => unknown; versions?: { node?: string } } }).process;
    if (proc?.versions?.node === undefined) return 'worker threads are only used in Node';
    // process.getBuiltinModule (Node ≥ 20.16) loads worker_threads synchronously, so
    // wasmBackend() stays synchronous; older runtimes use one thread.
    if (typeof proc.getBuiltinModule !== 'function') return 'this Node lacks process.getBuiltinModule (Node ≥ 20.16)';
    let wt: { Worker: new (src: string, o: { eval: true; workerData: unknown }) => WorkerLike };
    try {
      wt = proc.getBuiltinModule('node:worker_threads') as typeof wt;
    } catch (e) {
      return `node:worker_threads could not be loaded (${(e as Error).message})`;
    }
    const control = new SharedArrayBuffer(4 * (HEADER + SLOT * threads));
    const pool = new GemmPool(threads, control);
    try {
      for (let i = 1; i < threads; i++) {
        const w = new wt.Worker(WORKER_SOURCE, { eval: true, workerData: { modules, memory, control, index: i } });
        w.unref();
        w.on('error', () => Atomics.store(pool.ctl, HEADER + i * SLOT + READY, -1));
        pool.workers.push(w);
      }
    } catch (e) {
      for (const w of pool.workers) void w.terminate();
      return `a worker thread could not start (${(e as Error).message})`;
    }
    return pool;
  }

  /** Workers ready now (booting ones are not; failed ones never will be). */
  readyWorkers(): number {
    let n = 0;
    for (let w = 1; w < this.size; w++) if (Atomics.load(this.ctl, HEADER + w * SLOT + READY) === 1) n++;
    return n;
  }

  /** Whether worker `w` failed to start. */
  failed(w: number): boolean {
    return Atomics.load(this.ctl, HEADER + w * SLOT + READY) === -1;
  }

  /**
   * Runs band 0 with `own` on this thread and bands 1..parts−1 on ready workers, returning
   * when all are done; bands no worker claims in time are run with `own` too.
   */
  run(params: readonly number[], bands: readonly Band[], parts: number, own: (band: Band) => void): void {
    const ctl = this.ctl;
    const sent = this.sent;
    let dispatched = 0;
    for (let w = 1; w < parts; w++) {
      const p = HEADER + w * SLOT;
      sent[w] = 0;
      if (Atomics.load(ctl, p + READY) !== 1) continue;
      sent[w] = 1;
      const band = bands[w]!;
      for (let i = 0; i < 8; i++) ctl[p + i] = params[i]!;
      ctl[p + ROW_START] = band.rowStart;
      ctl[p + ROW_END] = band.rowEnd;
      ctl[p + COL_START] = band.colStart;
      ctl[p + COL_END] = band.colEnd;
      ctl[p + PACK_A] = band.packA;
      ctl[p + PACK_B] = band.packB;
      ctl[p + EDGE] = band.edge;
      Atomics.store(ctl, p + STATE, PENDING);
      dispatched++;
    }
    if (dispatched > 0) {
      Atomics.add(ctl, 0, 1);
      Atomics.notify(ctl, 0);
    }
    own(bands[0]!);
    for (let w = 1; w < parts; w++) {
      const p = HEADER + w * SLOT;
      if (sent[w] === 0) {
        own(bands[w]!);
        continue;
      }
      let s = Atomics.load(ctl, p + STATE);
      for (let i = 0; s === PENDING && i < SPIN; i++) s = Atomics.load(ctl, p + STATE);
      if (s === PENDING && Atomics.compareExchange(ctl, p + STATE, PENDING, BY_MAIN) === PENDING) {
        own(bands[w]!);
        Atomics.store(ctl, p + STATE, DONE);
        continue;
      }
      while (Atomics.load(ctl, p + STATE) === BY_WORKER) Atomics.wait(ctl, p + STATE, BY_WORKER, 50);
    }
  }
}
