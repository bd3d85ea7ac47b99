/**
 * The WebAssembly backend's sequencer (Backend.sequence): kernel calls encoded as instructions
 * (32-bit words) for assembly/program.ts, which runs a whole run of them in one call. A compiled
 * program of tiny calls (the notes' XOR: some thirty calls on a few values each) costs its
 * calls, not its arithmetic, when made one by one from JavaScript. A call is encoded when its
 * buffers are float32 arrays in the module's memory and its shapes are ones the instructions
 * cover; the others stay kernel calls between runs.
 */
import { type Kernels, type Sequencer, type StepActivation, isLive } from '../backend.js';
import type { Shape } from '../../tensor/shape.js';
import type { Buf } from '../../tensor/tensor.js';
import { binaryLayout, leadingAxes, selectLayout } from './elementwise.js';

/** What the sequencer calls in the module. */
export interface ProgramExports {
  runProgram(code: number, words: number, live: number): void;
}

/** assembly/program.ts's op codes. */
const enum Op { Product = 0, BiasAct = 1, ActGrad = 2, SumColumns = 3, Unary = 4, Binary = 5, Select = 6, SumLast = 7, Copy = 8, Sgd = 9 }

const UNARY: Partial<Record<keyof Kernels, number>> = { neg: 0, exp: 1, log: 2, sqrt: 3, abs: 4, sigmoid: 5, tanh: 6, softplus: 7, sign: 8, step: 9 };
const BINARY: Partial<Record<keyof Kernels, number>> = { add: 0, sub: 1, mul: 2, div: 3, greater: 4, greaterEqual: 5, less: 6, lessEqual: 7, equal: 8, notEqual: 9 };
const ACTS: Record<StepActivation, number> = { linear: 0, relu: 1, sigmoid: 2, tanh: 3 };

/**
 * A float64 argument as an instruction holds it: the value's two 32-bit words (low first), then
 * −1, or for a live number, zeros and its entry in the live numbers.
 */
const real = new Float64Array(1);
const halves = new Int32Array(real.buffer);
function words(x: unknown): [number, number, number] | null {
  if (isLive(x)) return [0, 0, x.live];
  if (typeof x !== 'number') return null;
  real[0] = x;
  return [halves[0]!, halves[1]!, -1];
}

export function sequencer(e: ProgramExports, resident: (x: Buf) => boolean, allocResident: (n: number) => Float32Array): Sequencer {
  /** The address of a resident float32 array, or -1. */
  const at = (x: unknown): number => (x instanceof Float32Array && resident(x) ? x.byteOffset : -1);
  const all = (...ptrs: number[]): boolean => ptrs.every((p) => p >= 0);

  const encode = (kernel: keyof Kernels, args: readonly unknown[]): readonly number[] | null => {
    const unary = UNARY[kernel];
    if (unary !== undefined) {
      const [x, out] = args as [Buf, Buf];
      const p = [at(x), at(out)];
      return all(...p) && x.length === out.length ? [Op.Unary, unary, p[0]!, p[1]!, out.length] : null;
    }
    const binary = BINARY[kernel];
    if (binary !== undefined) {
      const [a, aShape, b, bShape, out, outShape] = args as [Buf, Shape, Buf, Shape, Buf, Shape];
      const p = [at(a), at(b), at(out)];
      const n = out.length;
      const layout = n === 0 ? -1 : binaryLayout(a.length, aShape, b.length, bShape, outShape, n);
      if (!all(...p) || layout < 0) return null;
      const rowLen = layout >= 3 ? outShape[outShape.length - 1]! : n;
      return [Op.Binary, binary, layout, p[0]!, p[1]!, p[2]!, n / rowLen, rowLen];
    }
    switch (kernel) {
      case 'gemm': {
        const [a, b, out, m, n, k, ta, tb] = args as [Buf, Buf, Buf, number, number, number, boolean, boolean];
        const p = [at(a), at(b), at(out)];
        return all(...p) ? [Op.Product, p[0]!, p[1]!, p[2]!, m, n, k, ta ? 1 : 0, tb ? 1 : 0] : null;
      }
      case 'biasAct': {
        const [z, bias, rows, n, act] = args as [Float32Array, Float32Array | null, number, number, StepActivation];
        const pb = bias === null ? 0 : at(bias);
        return all(at(z), pb) && ACTS[act] !== undefined ? [Op.BiasAct, at(z), pb, rows, n, ACTS[act]] : null;
      }
      case 'actGrad': {
        const [a, dz, len, act] = args as [Float32Array, Float32Array, number, StepActivation];
        return all(at(a), at(dz)) && ACTS[act] !== undefined ? [Op.ActGrad, at(a), at(dz), len, ACTS[act]] : null;
      }
      case 'biasGrad': {
        const [dz, db, rows, n] = args as [Float32Array, Float32Array, number, number];
        return all(at(dz), at(db)) ? [Op.SumColumns, at(dz), at(db), rows, n] : null;
      }
      case 'sum': {
        // The reference's two fast paths, in its order: trailing axes (each row in float64),
        // then leading axes (columns, in float32 row by row).
        const [x, shape, axes, out] = args as [Buf, Shape, readonly number[], Buf];
        if (!all(at(x), at(out)) || out.length === 0 || x.length === 0) return null;
        const rank = shape.length;
        const trailing = axes.every((a, i) => a === rank - axes.length + i);
        if (trailing) return [Op.SumLast, at(x), at(out), out.length, x.length / out.length];
        return leadingAxes(axes) ? [Op.SumColumns, at(x), at(out), x.length / out.length, out.length] : null;
      }
      case 'where': {
        const [cond, , a, , b, , out] = args as [Buf, Shape, Buf, Shape, Buf, Shape, Buf];
        const n = out.length;
        const layout = selectLayout(cond, a, b, n);
        const p = [at(cond), at(a), at(b), at(out)];
        return all(...p) && layout >= 0 ? [Op.Select, p[0]!, p[1]!, p[2]!, p[3]!, n, layout] : null;
      }
      case 'copy': {
        const [x, out] = args as [Buf, Buf];
        return all(at(x), at(out)) && x.length === out.length ? [Op.Copy, at(x), at(out), out.length] : null;
      }
      case 'sgdUpdate': {
        const [p, g, v, len, lr, mu, nesterov] = args as [Buf, Buf, Float32Array | null, number, unknown, unknown, boolean];
        const pv = v === null ? 0 : at(v);
        const [wl, wm] = [words(lr), words(mu)];
        return all(at(p), at(g), pv) && wl !== null && wm !== null ? [Op.Sgd, at(p), at(g), pv, len, nesterov ? 1 : 0, ...wl, ...wm] : null;
      }
      default:
        return null;
    }
  };

  const load = (instructions: ReadonlyArray<readonly number[]>, live?: Float64Array): (() => void) => {
    if (live !== undefined && !resident(live)) throw new Error('sequencer: the live numbers must be in the module\'s memory (a view of allocResident storage)');
    const count = instructions.reduce((s, i) => s + i.length, 0);
    // The block's owner (a float32 array from the arena) keeps it allocated while the program
    // lives; the code is read as 32-bit words.
    const owner = allocResident(count);
    const code = new Int32Array(owner.buffer, owner.byteOffset, count);
    let k = 0;
    for (const i of instructions) {
      code.set(i, k);
      k += i.length;
    }
    const ptr = owner.byteOffset;
    const at = live?.byteOffset ?? 0;
    return Object.assign(() => e.runProgram(ptr, count, at), { owner, live });
  };

  return { encode, load };
}
