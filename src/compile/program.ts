/**
 * A recorded program's calls: which kernel, with which arguments, and which of those buffers it
 * reads and writes — what the passes over a program (trace.ts, fuse.ts) reason with.
 */
import type { Kernels } from '../backends/backend.js';
import type { Buf } from '../tensor/tensor.js';

export type KernelName = keyof Kernels;

/**
 * The arguments each kernel writes; its other buffer arguments are read. Kernels marked
 * `inPlace` also read what they write. A kernel missing here does not compile.
 */
export const WRITES: Record<KernelName, { out: readonly number[]; inPlace?: true; returns?: true }> = {
  neg: { out: [1] }, exp: { out: [1] }, log: { out: [1] }, sqrt: { out: [1] }, abs: { out: [1] }, sign: { out: [1] },
  sigmoid: { out: [1] }, tanh: { out: [1] }, softplus: { out: [1] }, erf: { out: [1] }, step: { out: [1] },
  floor: { out: [1] }, ceil: { out: [1] }, round: { out: [1] }, sin: { out: [1] }, cos: { out: [1] }, atan: { out: [1] },
  add: { out: [4] }, sub: { out: [4] }, mul: { out: [4] }, div: { out: [4] }, pow: { out: [4] }, maximum: { out: [4] }, minimum: { out: [4] },
  greater: { out: [4] }, greaterEqual: { out: [4] }, less: { out: [4] }, lessEqual: { out: [4] }, equal: { out: [4] }, notEqual: { out: [4] },
  sum: { out: [3] }, max: { out: [3] }, min: { out: [3] },
  where: { out: [6] }, matmul: { out: [6] }, gemm: { out: [2] }, transpose: { out: [3] }, argmax: { out: [3] }, argmin: { out: [3] },
  slice: { out: [3] }, pad: { out: [3] }, gather: { out: [4] }, scatterAdd: { out: [3] }, concat: { out: [3] },
  copy: { out: [1] }, fillRandom: { out: [0] }, oneHot: { out: [4] }, im2col: { out: [3] }, col2im: { out: [2] }, conv: { out: [4] }, convGradFilter: { out: [4] }, convGradInput: { out: [4] }, maxPool: { out: [2, 3] }, maxPoolGrad: { out: [3] }, depthwiseConv: { out: [4] }, depthwiseConvGradInput: { out: [4] }, depthwiseConvGradFilter: { out: [4] }, softmaxCrossEntropy: { out: [4, 5] },
  lstmCell: { out: [4, 5, 6] }, lstmCellGrad: { out: [6, 7] }, gruCell: { out: [5, 6] }, gruCellGrad: { out: [6, 7, 8] },
  gruGates: { out: [5, 6, 7] }, gruGatesGrad: { out: [6, 7, 8] }, gruOutput: { out: [6, 7] }, gruOutputGrad: { out: [6, 7, 8, 9] },
  biasAct: { out: [0], inPlace: true }, actGrad: { out: [1], inPlace: true }, biasGrad: { out: [1] },
  sgdUpdate: { out: [0, 2], inPlace: true }, adamUpdate: { out: [0, 2, 3], inPlace: true }, rmspropUpdate: { out: [0, 2, 3, 4], inPlace: true },
  adagradUpdate: { out: [0, 2], inPlace: true }, adadeltaUpdate: { out: [0, 2, 3], inPlace: true }, adamaxUpdate: { out: [0, 2, 3], inPlace: true }, scaleUpdate: { out: [0], inPlace: true },
};

/** One recorded kernel call. */
export interface Call {
  kernel: KernelName;
  args: unknown[];
}

export const isBuf = (x: unknown): x is Buf => x instanceof Float32Array || x instanceof Float64Array;

function buffersIn(arg: unknown, out: Buf[]): void {
  if (isBuf(arg)) out.push(arg);
  else if (Array.isArray(arg)) for (const a of arg) if (isBuf(a)) out.push(a);
}

/** The buffers a call reads (in-place kernels also read what they write). */
export function readsOf(c: Call): Buf[] {
  const w = WRITES[c.kernel];
  const r: Buf[] = [];
  c.args.forEach((a, i) => {
    if (w.inPlace === true || !w.out.includes(i)) buffersIn(a, r);
  });
  return r;
}

/** The buffers a call writes. */
export function writesOf(c: Call): Buf[] {
  const r: Buf[] = [];
  for (const i of WRITES[c.kernel].out) buffersIn(c.args[i], r);
  return r;
}

