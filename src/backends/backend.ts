/**
 * The backend interface: one typed table of kernels keyed by primitive name. A backend that
 * lacks a kernel does not compile. Kernels read inputs and write a preallocated `out`
 * (allocated by the same backend, so a WebAssembly backend can keep it in its own memory);
 * they never allocate tensors and never record gradients. Shapes are validated by the ops
 * before a kernel runs.
 */
import type { Rng } from '../tensor/random.js';
import type { Shape } from '../tensor/shape.js';
import type { Buf, DType } from '../tensor/tensor.js';

/** Distributions `fillRandom` draws from: uniform [a, b), normal (mean a, deviation b), and normal redrawn beyond 2 deviations. */
export type Distribution = 'uniform' | 'normal' | 'truncatedNormal';

/** Elementwise functions of one input. `step`, `sign`, `floor`, `ceil` and `round` have zero gradient. */
export const UNARY_OPS = ['neg', 'exp', 'log', 'sqrt', 'abs', 'sign', 'sigmoid', 'tanh', 'softplus', 'erf', 'step', 'floor', 'ceil', 'round', 'sin', 'cos', 'atan'] as const;
export type UnaryOp = (typeof UNARY_OPS)[number];

/** Elementwise functions of two inputs with NumPy broadcasting; comparisons give 0/1. */
export const BINARY_OPS = [
  'add', 'sub', 'mul', 'div', 'pow', 'maximum', 'minimum',
  'greater', 'greaterEqual', 'less', 'lessEqual', 'equal', 'notEqual',
] as const;
export type BinaryOp = (typeof BINARY_OPS)[number];

export const REDUCE_OPS = ['sum', 'max', 'min'] as const;
export type ReduceOp = (typeof REDUCE_OPS)[number];

/** The recurrent cells' gate activations, by their code in the cell kernels' `gate` argument. */
export const GATES = ['sigmoid', 'hardSigmoid'] as const;
export type Gate = (typeof GATES)[number];

export type UnaryKernel = (x: Buf, out: Buf) => void;
export type BinaryKernel = (a: Buf, aShape: Shape, b: Buf, bShape: Shape, out: Buf, outShape: Shape) => void;
/** Reduces `axes` (sorted, normalized) of `x`; `out` has the reduced size. */
export type ReduceKernel = (x: Buf, shape: Shape, axes: readonly number[], out: Buf) => void;

/**
 * A sliding window over a batch of NHWC images, for convolution and pooling: kH×kW taps
 * `dilation` apart, moved `stride` at a time, the image padded by `padTop`/`padLeft` (and as
 * much as the output size needs at the bottom and right). Output position (oy, ox) reads rows
 * oy·strideH − padTop + ky·dilationH.
 */
export interface Window2d {
  readonly batch: number;
  readonly inH: number;
  readonly inW: number;
  readonly channels: number;
  readonly kH: number;
  readonly kW: number;
  readonly strideH: number;
  readonly strideW: number;
  readonly dilationH: number;
  readonly dilationW: number;
  readonly padTop: number;
  readonly padLeft: number;
  readonly outH: number;
  readonly outW: number;
}

/** Activations the training step's fused kernels know. */
export type StepActivation = 'linear' | 'relu' | 'sigmoid' | 'tanh';

export interface Kernels extends Record<UnaryOp, UnaryKernel>, Record<BinaryOp, BinaryKernel>, Record<ReduceOp, ReduceKernel> {
  /** out = cond != 0 ? a : b, all three broadcast to outShape. */
  where(cond: Buf, cShape: Shape, a: Buf, aShape: Shape, b: Buf, bShape: Shape, out: Buf, outShape: Shape): void;
  /**
   * Batched matrix product out = op(a)·op(b), where op transposes the last two axes when the
   * flag is set. Batch axes broadcast. `out` has shape [...batch, m, n].
   */
  matmul(a: Buf, aShape: Shape, b: Buf, bShape: Shape, transA: boolean, transB: boolean, out: Buf, outShape: Shape): void;
  /**
   * One 2-D product out[m×n] = op(a)·op(b) over row-major buffers (op transposes when the flag
   * is set), overwriting `out`. The allocation-free training step calls this directly.
   */
  gemm(a: Buf, b: Buf, out: Buf, m: number, n: number, k: number, transA: boolean, transB: boolean): void;
  /** out = x with axes permuted: out.shape[i] = x.shape[perm[i]]. */
  transpose(x: Buf, shape: Shape, perm: readonly number[], out: Buf): void;
  /** Index of the largest value along `axis` (first one on ties; NaN wins). */
  argmax(x: Buf, shape: Shape, axis: number, out: Buf): void;
  argmin(x: Buf, shape: Shape, axis: number, out: Buf): void;
  /** out = x[begin : begin + size] per axis. */
  slice(x: Buf, shape: Shape, begin: readonly number[], out: Buf, outShape: Shape): void;
  /** out (zero-filled by the kernel) with x written at offset `before` per axis. */
  pad(x: Buf, shape: Shape, before: readonly number[], out: Buf, outShape: Shape): void;
  /**
   * Selects `indices` along `axis`. Indices held in a float buffer (a tensor's values, which a
   * replayed step refills) are checked here: integers in [0, shape[axis]), else an Error.
   */
  gather(x: Buf, shape: Shape, indices: Int32Array | Buf, axis: number, out: Buf): void;
  /** Inverse of gather for gradients: out (zeroed by the kernel) [.., idx[q], ..] += g[.., q, ..]. */
  scatterAdd(g: Buf, indices: Int32Array | Buf, axis: number, out: Buf, outShape: Shape): void;
  /** Joins inputs along `axis`. */
  concat(xs: readonly Buf[], shapes: readonly Shape[], axis: number, out: Buf): void;
  /**
   * Softmax cross-entropy over `rows` rows of `n` logits against targets of the same shape:
   * loss[r] = lse·Σy − Σ y·z with lse = log Σ exp z, and the row's softmax into `probs`.
   */
  softmaxCrossEntropy(logits: Buf, labels: Buf, rows: number, n: number, loss: Buf, probs: Buf): void;
  /**
   * An LSTM cell on `rows` rows: from gate pre-activations z [rows, 4·units] (blocks i, f, g, o)
   * and the previous state cPrev [rows, units], c = σ(z_f)·cPrev + σ(z_i)·tanh(z_g) and
   * h = σ(z_o)·tanh(c), each [rows, units]; `act` [rows, 5·units] keeps i, f, g, o and tanh(c).
   * σ is the gate activation `gate` (its index in GATES: the logistic, or the hard sigmoid, whose gates `act`
   * keeps as their line 0.2x + 0.5 before the clip: see js/recurrent.ts).
   */
  lstmCell(z: Buf, cPrev: Buf, rows: number, units: number, h: Buf, c: Buf, act: Buf, gate: number): void;
  /** lstmCell's adjoint: dz [rows, 4·units] and dcPrev from the gradients dh and dc of its outputs and its `act`. */
  lstmCellGrad(act: Buf, cPrev: Buf, dh: Buf, dc: Buf, rows: number, units: number, dz: Buf, dcPrev: Buf, gate: number): void;
  /**
   * A GRU cell with the reset gate after its product on `rows` rows: from the input's part x and
   * the recurrent product inner = h·U + b_r (each [rows, 3·units], blocks z, r, h) and the state
   * h [rows, units]: z = σ(x_z + inner_z), r = σ(x_r + inner_r), ĥ = tanh(x_h + r·inner_h),
   * out = z·h + (1 − z)·ĥ; `act` [rows, 3·units] keeps z, r and ĥ; σ as lstmCell's.
   */
  gruCell(x: Buf, inner: Buf, h: Buf, rows: number, units: number, out: Buf, act: Buf, gate: number): void;
  /** gruCell's adjoint: dx, dInner [rows, 3·units] and dh from the gradient of its output and its `act`. */
  gruCellGrad(act: Buf, inner: Buf, h: Buf, dOut: Buf, rows: number, units: number, dx: Buf, dInner: Buf, dh: Buf, gate: number): void;
  /**
   * The GRU resetting before its product, as two cells around it: gruGates gives z = σ(x_z + inner_z)
   * and rh = σ(x_r + inner_r)·hr from x [rows, 3·units], inner = h·U_zr [rows, 2·units] and hr
   * [rows, units] (`act` [rows, 2·units] keeps the gates); gruOutput gives z·h + (1 − z)·ĥ with
   * ĥ = tanh(x_h + q), q = rh·U_h (`act` [rows, units] keeps ĥ). Their adjoints: dx (the other
   * cell's blocks 0), dInner, dhr; and dx, dq, dh, dz.
   */
  gruGates(x: Buf, inner: Buf, hr: Buf, rows: number, units: number, z: Buf, rh: Buf, act: Buf, gate: number): void;
  gruGatesGrad(act: Buf, hr: Buf, dz: Buf, drh: Buf, rows: number, units: number, dx: Buf, dInner: Buf, dhr: Buf, gate: number): void;
  gruOutput(x: Buf, q: Buf, h: Buf, z: Buf, rows: number, units: number, out: Buf, act: Buf): void;
  gruOutputGrad(act: Buf, h: Buf, z: Buf, dOut: Buf, rows: number, units: number, dx: Buf, dq: Buf, dh: Buf, dz: Buf): void;
  /**
   * Each window's taps as one row: out [batch, outH, outW, kH, kW, channels] from NHWC x, with
   * `fill` for taps outside the image (0 for convolution, −∞ for max pooling).
   */
  im2col(x: Buf, window: Window2d, fill: number, out: Buf): void;
  /** im2col's adjoint: out (zeroed by the kernel) NHWC, each row's taps added back where they were read. */
  col2im(cols: Buf, window: Window2d, out: Buf): void;
  /**
   * Max pooling: out [batch, outH, outW, C] the largest tap inside each window (the first on
   * ties, NaN wins), `taps` its tap index ky·kW + kx (−1, with −∞, for a window wholly outside).
   */
  maxPool(x: Buf, window: Window2d, out: Buf, taps: Buf): void;
  /** maxPool's gradient: out (zeroed by the kernel) NHWC with each g added at its window's tap. */
  maxPoolGrad(g: Buf, taps: Buf, window: Window2d, out: Buf): void;
  /**
   * Depthwise convolution: out [batch, outH, outW, C·M], out[…, c·M + m] = Σ over the taps inside
   * the image of x[…, c]·filter[ky, kx, c, m], filter [kH, kW, C, M] (M = `multiplier`).
   */
  depthwiseConv(x: Buf, filter: Buf, window: Window2d, multiplier: number, out: Buf): void;
  /**
   * A convolution's product without its window matrix: out [rows, n] = im2col(x, window, 0)·b,
   * b [taps, n] (rows = batch·outH·outW, taps = kH·kW·C). The compiler's rewrite of an im2col and
   * the products that read it (compile/fuse.ts); its value is theirs.
   */
  conv(x: Buf, window: Window2d, b: Buf, n: number, out: Buf): void;
  /** out [taps, n] = im2col(x, window, 0)ᵀ·g, g [rows, n]: a convolution's filter gradient. */
  convGradFilter(x: Buf, window: Window2d, g: Buf, n: number, out: Buf): void;
  /** out (x's NHWC shape, zeroed by the kernel) = col2im(g·bᵀ), g [rows, n], b [taps, n]: a convolution's input gradient. */
  convGradInput(g: Buf, b: Buf, window: Window2d, n: number, out: Buf): void;
  /** depthwiseConv's adjoint in x: out (zeroed by the kernel) NHWC += g[…, c·M + m]·filter[ky, kx, c, m] at each tap. */
  depthwiseConvGradInput(g: Buf, filter: Buf, window: Window2d, multiplier: number, out: Buf): void;
  /** depthwiseConv's adjoint in the filter: out (zeroed by the kernel) [kH, kW, C, M] += x at each tap · g. */
  depthwiseConvGradFilter(x: Buf, g: Buf, window: Window2d, multiplier: number, out: Buf): void;
  /** out = x (same length). */
  copy(x: Buf, out: Buf): void;
  /**
   * Fills `out` with draws from `rng`, in order: a recorded step that replays this call draws
   * new values each time (a new dropout mask per step), from the same seeded sequence.
   */
  fillRandom(out: Buf, rng: Rng, dist: Distribution, a: number, b: number): void;
  /** Rows of `depth` values: `on` at column indices[i] (a float holding an integer), `off` elsewhere. */
  oneHot(indices: Buf, depth: number, on: number, off: number, out: Buf): void;

  // The kernels the compiler fuses a Dense layer's ops into (compile/fuse.ts), in place on float32
  // arrays (src/backends/js/train.ts is the reference; every backend gives its results bit for bit).
  /** z[r][j] ← act(z[r][j] + bias[j]) for a rows×n block. */
  biasAct(z: Float32Array, bias: Float32Array | null, rows: number, n: number, act: StepActivation): void;
  /** dz ← dz ⊙ act′(·), the derivative written from the activation's output a. */
  actGrad(a: Float32Array, dz: Float32Array, len: number, act: StepActivation): void;
  /** db[j] = Σ_r dz[r][j]. */
  biasGrad(dz: Float32Array, db: Float32Array, rows: number, n: number): void;
  /** SGD step on len values; v (momentum) null when μ = 0. */
  sgdUpdate(p: Buf, g: Buf, v: Float32Array | null, len: number, lr: number, mu: number, nesterov: boolean): void;
  /** RMSprop step on len values (src/optim/rmsprop.ts); s, m, avg its three slots. */
  rmspropUpdate(p: Buf, g: Buf, s: Float32Array, m: Float32Array, avg: Float32Array, len: number, lr: number, rho: number, mu: number, eps: number, centered: boolean): void;
  /** Adagrad step (src/optim/adagrad.ts); a its accumulator. */
  adagradUpdate(p: Buf, g: Buf, a: Float32Array, len: number, lr: number, eps: number): void;
  /** Adadelta step (src/optim/adadelta.ts); eg, ed its running averages. */
  adadeltaUpdate(p: Buf, g: Buf, eg: Float32Array, ed: Float32Array, len: number, lr: number, rho: number, eps: number): void;
  /** Adamax step (src/optim/adamax.ts); corr = 1 − β₁ᵗ. */
  adamaxUpdate(p: Buf, g: Buf, m: Float32Array, u: Float32Array, len: number, lr: number, b1: number, b2: number, eps: number, corr: number): void;
  /** p ← p·k in float64, rounded once (AdamW's weight decay). */
  scaleUpdate(p: Buf, len: number, k: number): void;
  /** Adam step on len values; alpha carries the bias correction. */
  adamUpdate(p: Buf, g: Buf, m: Float32Array, v: Float32Array, len: number, alpha: number, b1: number, b2: number, eps: number): void;
}

/**
 * A number argument of a recorded call that changes from one replay to the next (an optimizer's
 * learning rate, a bias correction): entry `live` of the program's array of step numbers, which
 * the program's owner writes before each replay.
 */
export interface LiveScalar {
  readonly live: number;
}

export const isLive = (x: unknown): x is LiveScalar => typeof x === 'object' && x !== null && typeof (x as LiveScalar).live === 'number';

/** Backend.sequence: encodes kernel calls as instructions and loads a run of them as one function. */
export interface Sequencer {
  /**
   * The call as one instruction, or null where the sequencer does not take it (a kernel it
   * lacks, a layout it does not cover, a buffer outside its memory): that call is then made as
   * a kernel call between runs.
   */
  encode(kernel: keyof Kernels, args: readonly unknown[]): readonly number[] | null;
  /**
   * One function that runs the instructions in order, each giving its kernel's float32 results;
   * live numbers (LiveScalar arguments) are read from `live` as each replay finds it, which must
   * then be in the backend's memory (a view of allocResident's storage).
   */
  load(instructions: ReadonlyArray<readonly number[]>, live?: Float64Array): () => void;
}

export interface Backend {
  readonly name: string;
  /** The kernels that run natively here rather than as the reference's code (the compiler fuses into those). */
  readonly nativeKernels?: readonly string[];
  /** Zero-filled storage for `n` values. */
  alloc(n: number, dtype: DType): Buf;
  /**
   * Zero-filled float32 storage the backend's kernels use in place, without copies (WebAssembly
   * memory), for long-lived buffers: weights, optimizer state, a compiled step's storage.
   * Freed when the array is garbage. Absent where the backend has no such memory.
   */
  allocResident?(n: number): Float32Array;
  /** Whether `x` came from allocResident (kernels then use it in place). */
  isResident?(x: Buf): boolean;
  /**
   * Runs a sequence of kernel calls as one call into the backend (its WebAssembly module
   * interpreting them), for compiled programs of tiny calls, where calling kernels one by one
   * costs more than their arithmetic. Absent where the backend has no such interpreter.
   */
  readonly sequence?: Sequencer;
  /**
   * Copies rows order[start..end) of `src` (rows of `width` values) into `dst`, packed from row
   * 0: `fit` gathering a batch (natively, a copy per row). Absent: a JavaScript loop.
   */
  gatherRows?(src: Float32Array, width: number, dst: Float32Array, order: Int32Array, start: number, end: number): void;
  /** Whether no value of `x` is NaN or ±∞ (fit's and evaluate's check of their data). Absent: a JavaScript pass. */
  allFinite?(x: Float32Array): boolean;
  /** Resolves, with the threads running, once the backend's worker threads have started (or failed). */
  ready?(): Promise<number>;
  readonly kernels: Kernels;
}
