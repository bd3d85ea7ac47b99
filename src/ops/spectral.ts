/**
 * tfjs's spectral ops: `complex`/`real`/`imag`, `spectral.fft`/`ifft`/`rfft`/`irfft` over the
 * innermost axis, and `signal.stft`. Each transform is a discrete Fourier transform written as
 * products with the cos and sin matrices of its length (X = x·(C − iS)), so it is composed from
 * matmul, slices and concatenations: differentiable, and traceable by a compiled step.
 */
import { ComplexTensor } from '../tensor/complex.js';
import { fmt } from '../tensor/shape.js';
import { Tensor } from '../tensor/tensor.js';
import { zeros } from './creation.js';
import { abs as realAbs, add, div, mul, neg, sqrt, sub } from './elementwise.js';
import { frame, hannWindow, signal as framing } from './extended.js';
import { concat, reshape, slice } from './layout.js';
import { matmul } from './matmul.js';
import { type TensorLike, asTensor } from './primitive.js';
import { reverse } from './select.js';

/** tfjs `complex(real, imag)`: a complex64 tensor of two real ones of one shape. */
export function complex(realL: TensorLike, imagL: TensorLike): ComplexTensor {
  const [re, im] = [asTensor(realL, 'complex'), asTensor(imagL, 'complex')];
  if (re.shape.length !== im.shape.length || re.shape.some((d, i) => d !== im.shape[i])) throw new Error(`complex: real and imag must have one shape, got ${fmt(re.shape)} and ${fmt(im.shape)}`);
  return new ComplexTensor(re, im);
}

/** tfjs `real(x)`: a complex tensor's real part (a real tensor is its own). */
export function real(x: ComplexTensor | TensorLike): Tensor {
  return x instanceof ComplexTensor ? x.real : asTensor(x, 'real');
}

/** tfjs `imag(x)`: a complex tensor's imaginary part (zeros for a real tensor). */
export function imag(x: ComplexTensor | TensorLike): Tensor {
  return x instanceof ComplexTensor ? x.imag : zeros(asTensor(x, 'imag').shape);
}

/** tfjs `abs(x)`: |x| elementwise; of a complex tensor, the modulus √(re² + im²). */
export function abs(x: TensorLike | ComplexTensor): Tensor {
  if (!(x instanceof ComplexTensor)) return realAbs(asTensor(x, 'abs'));
  return sqrt(add(mul(x.real, x.real), mul(x.imag, x.imag)));
}

const matrices = new Map<string, [Tensor, Tensor]>();

/** [n, cols] cos and sin of 2π·j·k/n (the DFT's matrices, the first `cols` columns), cached by size. */
function dft(n: number, cols = n): [Tensor, Tensor] {
  const key = `${n}:${cols}`;
  let m = matrices.get(key);
  if (m === undefined) {
    const c = new Float32Array(n * cols);
    const s = new Float32Array(n * cols);
    for (let j = 0; j < n; j++) {
      for (let k = 0; k < cols; k++) {
        // The angle from (j·k mod n), so large products stay exact.
        const a = (2 * Math.PI * ((j * k) % n)) / n;
        [c[j * cols + k], s[j * cols + k]] = [Math.cos(a), Math.sin(a)];
      }
    }
    m = [new Tensor(c, [n, cols]), new Tensor(s, [n, cols])];
    matrices.set(key, m);
  }
  return m;
}

function complexInput(op: string, x: unknown): ComplexTensor {
  if (!(x instanceof ComplexTensor)) throw new Error(`${op}: expected a complex tensor (tf.complex(real, imag)), got ${x instanceof Tensor ? `a real tensor of shape ${fmt(x.shape)}` : typeof x}`);
  if (x.rank === 0) throw new Error(`${op}: expected at least one axis, got a scalar`);
  return x;
}

/** Rows [rows, n] of x's innermost axis. */
const rows = (t: Tensor): Tensor => reshape(t, [t.size / t.shape[t.rank - 1]!, t.shape[t.rank - 1]!]);

/** The DFT (inverse: the conjugate transform over n) of complex rows; results in `shape`. */
function transform(x: ComplexTensor, inverse: boolean, shape: readonly number[]): ComplexTensor {
  const n = x.shape[x.rank - 1]!;
  const [c, s] = dft(n);
  const [re, im] = [rows(x.real), rows(x.imag)];
  // X = (re + i·im)(C ∓ iS): real re·C ± im·S, imaginary im·C ∓ re·S.
  let outRe = inverse ? sub(matmul(re, c), matmul(im, s)) : add(matmul(re, c), matmul(im, s));
  let outIm = inverse ? add(matmul(im, c), matmul(re, s)) : sub(matmul(im, c), matmul(re, s));
  if (inverse) [outRe, outIm] = [div(outRe, n), div(outIm, n)];
  return new ComplexTensor(reshape(outRe, shape), reshape(outIm, shape));
}

/** tfjs `spectral.fft(x)`: the discrete Fourier transform over the innermost axis. */
export function fft(x: ComplexTensor): ComplexTensor {
  const z = complexInput('spectral.fft', x);
  return transform(z, false, z.shape);
}

/** tfjs `spectral.ifft(x)`: the inverse transform (the conjugate sum over n). */
export function ifft(x: ComplexTensor): ComplexTensor {
  const z = complexInput('spectral.ifft', x);
  return transform(z, true, z.shape);
}

/**
 * tfjs `spectral.rfft(x, fftLength)`: the transform of a real signal, its first ⌊n/2⌋ + 1
 * coefficients (the rest are their conjugates); the innermost axis cropped or zero-padded to
 * fftLength first.
 */
export function rfft(xl: TensorLike, fftLength?: number): ComplexTensor {
  const op = 'spectral.rfft';
  let x = asTensor(xl, op);
  if (x.rank === 0) throw new Error(`${op}: expected at least one axis, got a scalar`);
  const inner = x.shape[x.rank - 1]!;
  if (fftLength !== undefined && (!Number.isInteger(fftLength) || fftLength < 1)) throw new Error(`${op}: fftLength must be a positive integer, got ${fftLength}`);
  const n = fftLength ?? inner;
  if (n < inner) x = slice(x, x.shape.map(() => 0), [...x.shape.slice(0, -1), n]);
  if (n > inner) x = concat([x, zeros([...x.shape.slice(0, -1), n - inner])], x.rank - 1);
  const half = Math.floor(n / 2) + 1;
  const [c, s] = dft(n, half);
  const r = rows(x);
  const shape = [...x.shape.slice(0, -1), half];
  return new ComplexTensor(reshape(matmul(r, c), shape), reshape(neg(matmul(r, s)), shape));
}

/**
 * tfjs `spectral.irfft(x)`: the real signal of m coefficients, n = 2(m − 1) samples (the
 * spectrum completed by conjugate symmetry); as tfjs, rows [batch, n] for a vector or matrix,
 * [b, rows, n] for rank 3 (and m ≤ 2 is a plain inverse of length m).
 */
export function irfft(x: ComplexTensor): Tensor {
  const z = complexInput('spectral.irfft', x);
  const m = z.shape[z.rank - 1]!;
  const batch = z.size / m;
  let re = reshape(z.real, [batch, m]);
  let im = reshape(z.imag, [batch, m]);
  if (m > 2) {
    const inner = (t: Tensor): Tensor => reverse(slice(t, [0, 1], [batch, m - 2]), 1);
    re = concat([re, inner(re)], 1);
    im = concat([im, neg(inner(im))], 1);
  }
  const n = re.shape[1]!;
  const y = transform(new ComplexTensor(re, im), true, [batch, n]).real;
  return z.rank >= 3 ? reshape(y, [...z.shape.slice(0, -1), n]) : y;
}

/** The power of two at or above n. */
export const enclosingPowerOfTwo = (n: number): number => 2 ** Math.ceil(Math.log2(n));

/**
 * tfjs `signal.stft(signal, frameLength, frameStep, fftLength, windowFn)`: the short-time
 * Fourier transform of a 1-D signal: frames, each windowed (Hann by default), each rfft'd to
 * fftLength (the power of two at or above frameLength by default) → [frames, fftLength/2 + 1].
 */
export function stft(signalL: TensorLike, frameLength: number, frameStep: number, fftLength?: number, windowFn: (length: number) => Tensor = hannWindow): ComplexTensor {
  const frames = frame(signalL, frameLength, frameStep);
  return rfft(mul(frames, windowFn(frameLength)), fftLength ?? enclosingPowerOfTwo(frameLength));
}

/** tfjs's `tf.spectral`. */
export const spectral = { fft, ifft, rfft, irfft };
/** tfjs's `tf.signal`: the windows and framing, and stft. */
export const signal = { ...framing, stft };

// tfjs's methods of a complex tensor.
declare module '../tensor/complex.js' {
  interface ComplexTensor {
    abs(): Tensor;
    fft(): ComplexTensor;
    ifft(): ComplexTensor;
    irfft(): Tensor;
  }
}
Object.assign(ComplexTensor.prototype, {
  abs(this: ComplexTensor) { return abs(this); },
  fft(this: ComplexTensor) { return fft(this); },
  ifft(this: ComplexTensor) { return ifft(this); },
  irfft(this: ComplexTensor) { return irfft(this); },
});

declare module '../tensor/tensor.js' {
  interface Tensor {
    /** tfjs's `x.rfft()`: spectral.rfft of this real tensor. */
    rfft(fftLength?: number): ComplexTensor;
  }
}
(Tensor.prototype as { rfft: (this: Tensor, fftLength?: number) => ComplexTensor }).rfft = function (fftLength) {
  return rfft(this, fftLength);
};
