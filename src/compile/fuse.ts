/**
 * Fusion as a rewrite of a recorded program. A Dense layer records as a product, a bias add and
 * its activation's ops (relu: a comparison and a `where`); the rewrite turns the add and the
 * activation (or the add alone, where none follows) into one `biasAct` in place on the product, and relu's gradient (`where` on the
 * saved comparison) into `actGrad` on the layer's output. Same values: the fused kernels give
 * the unfused ops' float32 results on finite inputs (the kernel tests hold them to it).
 */
import type { StepActivation, Window2d } from '../backends/backend.js';
import type { Buf } from '../tensor/tensor.js';
import { type Call, readsOf, writesOf } from './program.js';

type Shape = readonly number[];

const UNARY: Partial<Record<string, StepActivation>> = { sigmoid: 'sigmoid', tanh: 'tanh' };

/** Replaces buffer `from` by `to` in every argument of `calls` (nested arrays included). */
function alias(calls: Call[], from: Buf, to: Buf): void {
  const swap = (a: unknown): unknown => (a === from ? to : Array.isArray(a) && a.includes(from) ? a.map(swap) : a);
  for (const c of calls) c.args = c.args.map(swap);
}

/** Fuses bias + activation (and relu's gradient) in `calls`; buffers in `keep` are left alone. */
export function fuseBiasActivation(input: readonly Call[], keep: ReadonlySet<Buf>, owned: ReadonlySet<Buf>): Call[] {
  const calls: Call[] = input.map((c) => ({ kernel: c.kernel, args: [...c.args] }));
  const readers = (b: Buf): number[] => calls.flatMap((c, i) => (readsOf(c).includes(b) ? [i] : []));
  const writers = (b: Buf): number[] => calls.flatMap((c, i) => (writesOf(c).includes(b) ? [i] : []));
  const isZero = (b: unknown): b is Buf => (b instanceof Float32Array || b instanceof Float64Array) && b.length === 1 && b[0] === 0 && owned.has(b) && writers(b).length === 0;
  const removed = new Set<number>();
  for (let i = 0; i < calls.length; i++) {
    const add = calls[i]!;
    if (add.kernel !== 'add') continue;
    const [z, zShape, bias, bShape, u, uShape] = add.args as [Buf, Shape, Buf, Shape, Buf, Shape];
    const n = uShape[uShape.length - 1]!;
    // Rows of n along the last axis: a Dense layer's [batch, n], a convolution's [batch, h, w, n].
    if (uShape.length < 2 || bShape.length !== 1 || bShape[0] !== n || z.length !== u.length || zShape.length !== uShape.length) continue;
    if (!(z instanceof Float32Array) || !(bias instanceof Float32Array) || !owned.has(z) || keep.has(z) || keep.has(u)) continue;
    if (writers(z).length !== 1 || readers(z).join() !== String(i)) continue;
    const uReaders = readers(u);
    // The activation: one unary call, or relu's greater(u, 0) then where(c, u, 0).
    let act: StepActivation | null = null;
    let h: Buf | null = null;
    let mask: Buf | null = null;
    const first = calls[uReaders[0] ?? -1];
    if (uReaders.length === 1 && first !== undefined && UNARY[first.kernel] !== undefined) {
      act = UNARY[first.kernel]!;
      h = first.args[1] as Buf;
    } else if (uReaders.length === 2 && first?.kernel === 'greater' && first.args[0] === u && isZero(first.args[2])) {
      const sel = calls[uReaders[1]!]!;
      mask = first.args[4] as Buf;
      if (sel.kernel === 'where' && sel.args[0] === mask && sel.args[2] === u && isZero(sel.args[4])) {
        act = 'relu';
        h = sel.args[6] as Buf;
      }
    }
    // No activation follows (a linear layer, or logits for a fused loss): the add alone, in place.
    if (act === null) {
      if (mask !== null) continue;
      act = 'linear';
      h = u;
      uReaders.length = 0;
    }
    if (h === null || keep.has(h) || (mask !== null && keep.has(mask))) continue;
    // relu's gradient: where(mask, g, 0) → actGrad on the output, in place on g when nothing else reads it.
    const gradients: Array<{ at: number; g: Buf; gz: Buf }> = [];
    if (mask !== null) {
      const uses = readers(mask).filter((k) => k !== uReaders[1]);
      const ok = uses.every((k) => {
        const c = calls[k]!;
        return c.kernel === 'where' && c.args[0] === mask && isZero(c.args[4]) && (c.args[2] as Buf).length === u.length;
      });
      if (!ok) continue;
      for (const k of uses) gradients.push({ at: k, g: calls[k]!.args[2] as Buf, gz: calls[k]!.args[6] as Buf });
    }
    // In place on g only: g is the program's own, made by one call and read by this one alone.
    if (!gradients.every(({ g, gz }) => owned.has(g) && !keep.has(g) && !keep.has(gz) && readers(g).length === 1 && writers(g).length === 1)) continue;
    calls[i] = { kernel: 'biasAct', args: [z, bias, u.length / n, n, act] };
    for (const k of uReaders) removed.add(k);
    for (const { at, g, gz } of gradients) {
      calls[at] = { kernel: 'actGrad', args: [z, g, u.length, 'relu'] };
      alias(calls, gz, g);
    }
    alias(calls, h, z);
  }
  return calls.filter((_, k) => !removed.has(k));
}

/**
 * Convolution without its window matrix, as a rewrite: a convolution records as im2col(x) into
 * a matrix of every window's taps (for a batch of images, tens of megabytes) and products that
 * read it — the forward cols·F and the filter gradient colsᵀ·G — and its input gradient as the
 * product G·Fᵀ into another such matrix that col2im adds back. Where the matrix is the program's
 * own and nothing else reads it, those calls become `conv`, `convGradFilter` and `convGradInput`,
 * which work through the windows a block at a time (on backends that have them: the native one).
 * Same values: each fused kernel gives its unfused calls' bits (the kernel tests hold it to it).
 */
export function fuseConvolutions(input: readonly Call[], keep: ReadonlySet<Buf>, owned: ReadonlySet<Buf>): Call[] {
  const calls: Array<Call | null> = input.map((c) => ({ kernel: c.kernel, args: [...c.args] }));
  const readers = (b: Buf): number[] => calls.flatMap((c, i) => (c !== null && readsOf(c).includes(b) ? [i] : []));
  const writers = (b: Buf): number[] => calls.flatMap((c, i) => (c !== null && writesOf(c).includes(b) ? [i] : []));
  const mine = (b: Buf): boolean => owned.has(b) && !keep.has(b) && writers(b).length === 1;
  type Gemm = [Buf, Buf, Buf, number, number, number, boolean, boolean];
  const gemmOf = (i: number): Gemm | null => (calls[i]?.kernel === 'gemm' ? (calls[i]!.args as Gemm) : null);
  // Whether a call in (from, to) writes any of `bufs`: a fused call reads them later than the one it replaces.
  const writtenBetween = (from: number, to: number, bufs: readonly Buf[]): boolean => bufs.some((b) => writers(b).some((k) => k > from && k < to));
  for (let i = 0; i < calls.length; i++) {
    const c = calls[i]!;
    if (c === null) continue;
    if (c.kernel === 'im2col') {
      // im2col(x, w, 0, cols) and products reading cols as their left operand.
      const [x, w, fill, cols] = c.args as [Buf, Window2d, number, Buf];
      const rows = w.batch * w.outH * w.outW;
      const taps = w.kH * w.kW * w.channels;
      if (fill !== 0 || !mine(cols)) continue;
      const uses = readers(cols);
      const fused = uses.map((k): Call | null => {
        const g = gemmOf(k);
        if (g === null || g[0] !== cols || g[1] === cols) return null;
        const [, b, out, m, n, kk, ta, tb] = g;
        if (!ta && !tb && m === rows && kk === taps) return { kernel: 'conv', args: [x, w, b, n, out] };
        if (ta && !tb && m === taps && kk === rows) return { kernel: 'convGradFilter', args: [x, w, b, n, out] };
        return null;
      });
      if (uses.length === 0 || fused.some((f) => f === null) || uses.some((k) => writtenBetween(i, k, [x]))) continue;
      uses.forEach((k, j) => (calls[k] = fused[j]!));
      calls[i] = null;
    } else if (c.kernel === 'col2im') {
      // gemm(G, F, cols, rows, taps, n, false, true) then col2im(cols, w, dx).
      const [cols, w, dx] = c.args as [Buf, Window2d, Buf];
      if (!mine(cols) || readers(cols).join() !== String(i)) continue;
      const at = writers(cols)[0]!;
      const g = gemmOf(at);
      if (g === null || g[2] !== cols) continue;
      const [a, b, , m, n, k, ta, tb] = g;
      if (ta || !tb || m !== w.batch * w.outH * w.outW || n !== w.kH * w.kW * w.channels || writtenBetween(at, i, [a, b])) continue;
      calls[at] = null;
      calls[i] = { kernel: 'convGradInput', args: [a, b, w, k, dx] };
    }
  }
  return calls.filter((c): c is Call => c !== null);
}
