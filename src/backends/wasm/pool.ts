/**
 * Worker threads for the WebAssembly kernels: Node `worker_threads`, or Web Workers on a
 * cross-origin-isolated page. Every thread instantiates the kernel module over one shared
 * `WebAssembly.Memory`; a kernel call is split into bands (blocks of a product's C, ranges of an
 * optimizer update), the calling thread computing the first. Hand-off goes through a shared
 * control block: workers spin briefly on a sequence number before sleeping in `Atomics.wait`
 * (a sleep/wake round trip costs tens of microseconds, more than a small product).
 *
 * The calling thread never waits for a worker that has not started its band: each band is
 * claimed by compare-and-swap, and bands still unclaimed after a short spin (a worker still
 * booting, or one that failed) are computed by the calling thread. A worker that cannot start
 * says so in the control block, since its error event cannot reach a thread blocked in a
 * kernel. A browser's main thread may not block, so there it spins instead of `Atomics.wait`.
 */

/** Control block: Int32 [sequence, bands done by workers, then SLOT ints per worker]. */
const HEADER = 2;
const SLOT = 20;
/** Float64 parameters per worker (after the ints, 8-byte aligned). */
const FSLOT = 4;
/** Slot fields after the 8 integer parameters. */
const START = 8;
const END = 9;
const PACK_A = 10;
const PACK_B = 11;
const EDGE = 12;
const STATE = 13;
const READY = 14;
const COL_START = 15;
const COL_END = 16;
const OP = 17;
/** A window kernel's band: its window block (the band's images as the batch). */
const WIN = 18;
/** Band states. */
const PENDING = 1;
const BY_WORKER = 2;
const BY_MAIN = 3;
const DONE = 4;
/** Iterations a thread spins before sleeping or taking over (about 50–100 µs). */
const SPIN = 20000;

/** The kernels a worker runs. */
export const PoolOp = {
  /** params: a, b, c, m, n, k, transA, transB; band: rows × columns of C. */
  Gemm: 0,
  /** params: p, g, m, v; floats: alpha, beta1, beta2, epsilon; band: element range. */
  Adam: 1,
  /** params: p, g, v (0: none), nesterov; floats: lr, momentum; band: element range. */
  Sgd: 2,
  /**
   * A sliding-window kernel on a band of images: params kernel (WindowKernel), a, a's bytes per
   * image, b, b's, out, out's, multiplier; floats: fill; band: first image in `start`, the band's
   * window (its images as the batch) at `win`. The depthwise filter gradient's two bands are its
   * two halves of the batch instead (`start` 0 or 1, every byte count 0, the whole window at
   * `win`, the second half's sums at `packA`).
   */
  Window: 3,
} as const;

/** The sliding-window kernels a worker runs (PoolOp.Window's first parameter). */
export const WindowKernel = { Im2col: 0, Col2im: 1, MaxPool: 2, MaxPoolGrad: 3, Depthwise: 4, DepthwiseGradInput: 5, DepthwiseGradFilter: 6 } as const;
export type WindowKernel = (typeof WindowKernel)[keyof typeof WindowKernel];
export type PoolOp = (typeof PoolOp)[keyof typeof PoolOp];

/** What every worker runs, given its start message (see `GemmPool.create`). */
const WORKER_BODY = `
function start({ modules, memory, control, floatsAt, index }) {
  const ctl = new Int32Array(control, 0, floatsAt >> 2);
  const fv = new Float64Array(control, floatsAt);
  const slot = ${HEADER} + index * ${SLOT};
  const fp = index * ${FSLOT};
  let e = null;
  for (const module of modules) {
    try {
      e = new WebAssembly.Instance(module, { env: { memory, abort() { throw new Error('wasm kernel aborted'); } } }).exports;
      break;
    } catch {}
  }
  if (e === null) {
    Atomics.store(ctl, slot + ${READY}, -1);
    return;
  }
  Atomics.store(ctl, slot + ${READY}, 1);
  let seen = Atomics.load(ctl, 0);
  for (;;) {
    let s = Atomics.load(ctl, 0);
    for (let i = 0; s === seen && i < ${SPIN}; i++) s = Atomics.load(ctl, 0);
    if (s === seen) { Atomics.wait(ctl, 0, seen); continue; }
    seen = s;
    if (Atomics.compareExchange(ctl, slot + ${STATE}, ${PENDING}, ${BY_WORKER}) !== ${PENDING}) continue;
    const p = slot;
    const op = ctl[p + ${OP}];
    if (op === ${PoolOp.Gemm}) {
      e.setScratch(ctl[p + ${PACK_A}], ctl[p + ${PACK_B}], ctl[p + ${EDGE}]);
      e.sgemm(ctl[p], ctl[p + 1], ctl[p + 2], ctl[p + 3], ctl[p + 4], ctl[p + 5], ctl[p + 6], ctl[p + 7], ctl[p + ${START}], ctl[p + ${END}], ctl[p + ${COL_START}], ctl[p + ${COL_END}]);
    } else if (op === ${PoolOp.Window}) {
      const n0 = ctl[p + ${START}], win = ctl[p + ${WIN}], m = ctl[p + 7];
      const a = ctl[p + 1] + n0 * ctl[p + 2], b = ctl[p + 3] + n0 * ctl[p + 4], out = ctl[p + 5] + n0 * ctl[p + 6];
      switch (ctl[p]) {
        case ${WindowKernel.Im2col}: e.im2col(a, win, fv[fp], out); break;
        case ${WindowKernel.Col2im}: e.col2im(a, win, out); break;
        case ${WindowKernel.MaxPool}: e.maxPool(a, win, out, b); break;
        case ${WindowKernel.MaxPoolGrad}: e.maxPoolGrad(a, b, win, out); break;
        case ${WindowKernel.Depthwise}: e.depthwiseConv(a, b, win, m, out); break;
        case ${WindowKernel.DepthwiseGradInput}: e.depthwiseConvGradInput(a, b, win, m, out); break;
        default: e.depthwiseConvGradFilter(a, b, win, m, out, ctl[p + ${PACK_A}], n0); break;
      }
    } else {
      const o = ctl[p + ${START}] * 4;
      const len = ctl[p + ${END}] - ctl[p + ${START}];
      if (op === ${PoolOp.Adam}) e.adamUpdate(ctl[p] + o, ctl[p + 1] + o, ctl[p + 2] + o, ctl[p + 3] + o, len, fv[fp], fv[fp + 1], fv[fp + 2], fv[fp + 3]);
      else e.sgdUpdate(ctl[p] + o, ctl[p + 1] + o, ctl[p + 2] === 0 ? 0 : ctl[p + 2] + o, len, fv[fp], fv[fp + 1], ctl[p + 3]);
    }
    Atomics.add(ctl, 1, 1);
    Atomics.store(ctl, p + ${STATE}, ${DONE});
    Atomics.notify(ctl, p + ${STATE});
  }
}
`;

/** One thread's share of a call: a block of C (rows × columns), an element range in `start`..`end`, or images from `start` with their window at `win`. */
export interface Band {
  start: number;
  end: number;
  colStart: number;
  colEnd: number;
  packA: number;
  packB: number;
  edge: number;
  win?: number;
}

interface NodeWorker {
  unref(): void;
  on(event: 'error', listener: (e: Error) => void): unknown;
  terminate(): Promise<number>;
}

interface WebWorker {
  addEventListener(event: 'error', listener: () => void): void;
  postMessage(message: unknown): void;
  terminate(): void;
}

interface Runtime {
  process?: { getBuiltinModule?: (m: string) => unknown; versions?: { node?: string } };
  Worker?: new (url: string) => WebWorker;
  crossOriginIsolated?: boolean;
  Blob?: new (parts: string[], options: { type: string }) => unknown;
  URL?: { createObjectURL(blob: unknown): string; revokeObjectURL(url: string): void };
}

/** Whether this thread may block in `Atomics.wait` (a browser's main thread may not). */
function canBlock(): boolean {
  try {
    Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 1, 0);
    return true;
  } catch {
    return false;
  }
}

export class GemmPool {
  private readonly ctl: Int32Array;
  private readonly fv: Float64Array;
  private readonly workers: Array<{ terminate(): unknown }> = [];
  /** Which bands of the current call went to a worker (reused: no garbage per call). */
  private readonly sent: Uint8Array;
  private readonly blocking = canBlock();
  private failureReported = false;

  private constructor(readonly size: number, control: SharedArrayBuffer, floatsAt: number, private readonly onFailure: (message: string) => void) {
    this.ctl = new Int32Array(control, 0, floatsAt >> 2);
    this.fv = new Float64Array(control, floatsAt);
    this.sent = new Uint8Array(size);
  }

  /**
   * Starts `threads − 1` workers sharing `memory`; each instantiates the first of `modules`
   * it can. Returns the reason instead when worker threads are unavailable. `onFailure` is
   * called once, on the calling thread, when a worker is first found to have failed.
   */
  static create(modules: WebAssembly.Module[], memory: WebAssembly.Memory, threads: number, onFailure: (message: string) => void = () => {}): GemmPool | string {
    const rt = globalThis as Runtime;
    const floatsAt = 8 * Math.ceil((HEADER + SLOT * threads) / 2);
    const control = new SharedArrayBuffer(floatsAt + 8 * FSLOT * threads);
    const pool = new GemmPool(threads, control, floatsAt, onFailure);
    const failed = (i: number) => () => Atomics.store(pool.ctl, HEADER + i * SLOT + READY, -1);
    const message = (index: number) => ({ modules, memory, control, floatsAt, index });
    if (rt.process?.versions?.node !== undefined) {
      // process.getBuiltinModule (Node ≥ 20.16) loads worker_threads synchronously, so
      // wasmBackend() stays synchronous; older runtimes use one thread.
      const getBuiltin = rt.process.getBuiltinModule;
      if (typeof getBuiltin !== 'function') return 'this Node lacks process.getBuiltinModule (Node ≥ 20.16)';
      let wt: { Worker: new (src: string, o: { eval: true; workerData: unknown }) => NodeWorker };
      try {
        wt = getBuiltin('node:worker_threads') as typeof wt;
      } catch (e) {
        return `node:worker_threads could not be loaded (${(e as Error).message})`;
      }
      try {
        for (let i = 1; i < threads; i++) {
          // Not `require`: an eval'd worker is an ES module when the process runs with
          // --input-type=module (workers inherit it), a CommonJS script otherwise.
          const w = new wt.Worker(`${WORKER_BODY}\nstart(process.getBuiltinModule('node:worker_threads').workerData);`, { eval: true, workerData: message(i) });
          w.unref();
          w.on('error', failed(i));
          pool.workers.push(w);
        }
      } catch (e) {
        pool.terminate();
        return `a worker thread could not start (${(e as Error).message})`;
      }
      return pool;
    }
    if (typeof rt.Worker !== 'function' || rt.Blob === undefined || rt.URL === undefined) return 'this runtime has no Web Workers';
    if (rt.crossOriginIsolated !== true) return 'the page is not cross-origin isolated (serve it with Cross-Origin-Opener-Policy: same-origin and Cross-Origin-Embedder-Policy: require-corp)';
    // A classic worker from a blob: no file to host next to the library. A content security
    // policy that forbids blob: workers makes them fail, which the bands survive.
    const url = rt.URL.createObjectURL(new rt.Blob([`${WORKER_BODY}\nself.onmessage = (ev) => { self.onmessage = null; start(ev.data); };`], { type: 'text/javascript' }));
    try {
      for (let i = 1; i < threads; i++) {
        const w = new rt.Worker(url);
        w.addEventListener('error', failed(i));
        w.postMessage(message(i));
        pool.workers.push(w);
      }
    } catch (e) {
      pool.terminate();
      return `a worker could not start (${(e as Error).message})`;
    }
    return pool;
  }

  /** Stops the workers (the pool must not be used afterwards). */
  terminate(): void {
    for (const w of this.workers) void w.terminate();
    this.workers.length = 0;
  }

  /** Workers ready now (booting ones are not; failed ones never will be). */
  readyWorkers(): number {
    let n = 0;
    for (let w = 1; w < this.size; w++) if (Atomics.load(this.ctl, HEADER + w * SLOT + READY) === 1) n++;
    return n;
  }

  /** Workers still starting (neither ready nor failed). */
  startingWorkers(): number {
    let n = 0;
    for (let w = 1; w < this.size; w++) if (Atomics.load(this.ctl, HEADER + w * SLOT + READY) === 0) n++;
    return n;
  }

  /** Whether worker `w` failed to start. */
  failed(w: number): boolean {
    return Atomics.load(this.ctl, HEADER + w * SLOT + READY) === -1;
  }

  /** Bands computed by workers so far (diagnostics: shows that the threads take part). */
  workerBands(): number {
    return Atomics.load(this.ctl, 1);
  }

  /**
   * Runs kernel `op` with integer `params` and float `floats`: band 0 with `own` on this thread,
   * bands 1..parts−1 on ready workers, returning when all are done; bands no worker claims in
   * time are run with `own` too.
   */
  run(op: PoolOp, params: readonly number[], floats: readonly number[], bands: readonly Band[], parts: number, own: (band: Band) => void): void {
    const ctl = this.ctl;
    const sent = this.sent;
    let dispatched = 0;
    for (let w = 1; w < parts; w++) {
      const p = HEADER + w * SLOT;
      sent[w] = 0;
      const ready = Atomics.load(ctl, p + READY);
      if (ready !== 1) {
        if (ready === -1 && !this.failureReported) {
          this.failureReported = true;
          this.onFailure(`worker ${w} failed to start; its share runs on the calling thread`);
        }
        continue;
      }
      sent[w] = 1;
      const band = bands[w]!;
      for (let i = 0; i < params.length; i++) ctl[p + i] = params[i]!;
      for (let i = 0; i < floats.length; i++) this.fv[w * FSLOT + i] = floats[i]!;
      ctl[p + OP] = op;
      ctl[p + START] = band.start;
      ctl[p + END] = band.end;
      ctl[p + COL_START] = band.colStart;
      ctl[p + COL_END] = band.colEnd;
      ctl[p + PACK_A] = band.packA;
      ctl[p + PACK_B] = band.packB;
      ctl[p + EDGE] = band.edge;
      ctl[p + WIN] = band.win ?? 0;
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
      if (this.blocking) while (Atomics.load(ctl, p + STATE) === BY_WORKER) Atomics.wait(ctl, p + STATE, BY_WORKER, 50);
      else while (Atomics.load(ctl, p + STATE) === BY_WORKER);
    }
  }
}
