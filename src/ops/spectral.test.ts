import { describe, expect, test } from 'vitest';
import { ComplexTensor, abs, add, complex, concat, gradCheck, imag, randomNormal, real, signal, spectral, tensor } from '../index.js';

/** The DFT by its definition, in float64: X_k = Σ_j x_j·e^(∓2πi·jk/n) (÷ n for the inverse), row by row. */
function dftRef(re: ArrayLike<number>, im: ArrayLike<number>, n: number, inverse = false): [number[], number[]] {
  const [outRe, outIm]: [number[], number[]] = [[], []];
  for (let r = 0; r < re.length / n; r++) {
    for (let k = 0; k < n; k++) {
      let [a, b] = [0, 0];
      for (let j = 0; j < n; j++) {
        const t = ((inverse ? 2 : -2) * Math.PI * j * k) / n;
        const [x, y] = [re[r * n + j]!, im[r * n + j]!];
        a += x * Math.cos(t) - y * Math.sin(t);
        b += x * Math.sin(t) + y * Math.cos(t);
      }
      outRe.push(inverse ? a / n : a);
      outIm.push(inverse ? b / n : b);
    }
  }
  return [outRe, outIm];
}

const near = (a: ArrayLike<number>, b: ArrayLike<number>, tol = 1e-4) => {
  expect(a.length).toBe(b.length);
  for (let i = 0; i < a.length; i++) expect(Math.abs(a[i]! - b[i]!), `[${i}] ${a[i]} vs ${b[i]}`).toBeLessThan(tol);
};

describe('spectral.fft and ifft', () => {
  test.each([1, 2, 5, 8, 17])('n = %i: the definition, both ways; ifft(fft(x)) = x', (n) => {
    const re = randomNormal([3, n], 0, 1, { seed: n });
    const im = randomNormal([3, n], 0, 1, { seed: n + 100 });
    const X = spectral.fft(complex(re, im));
    const [er, ei] = dftRef(re.values, im.values, n);
    near(X.real.values, er);
    near(X.imag.values, ei);
    const [ir, ii] = dftRef(re.values, im.values, n, true);
    const inv = spectral.ifft(complex(re, im));
    near(inv.real.values, ir);
    near(inv.imag.values, ii);
    const back = spectral.ifft(X);
    near(back.real.values, re.values);
    near(back.imag.values, im.values);
  });
  test('by hand: the transform of [1, 0, 0, 0] is all ones; of a constant, n at bin 0', () => {
    expect(Array.from(spectral.fft(complex(tensor([1, 0, 0, 0]), tensor([0, 0, 0, 0]))).dataSync())).toEqual([1, 0, 1, 0, 1, 0, 1, 0]);
    const c = spectral.fft(complex(tensor([2, 2, 2]), tensor([0, 0, 0])));
    near(c.real.values, [6, 0, 0]);
    near(c.imag.values, [0, 0, 0]);
  });
  test('gradients through both parts agree with central differences', () => {
    const [a, b] = [randomNormal([2, 6], 0, 1, { seed: 1 }), randomNormal([2, 6], 0, 1, { seed: 2 })];
    expect(gradCheck((x, y) => { const Z = spectral.fft(complex(x!, y!)); return concat([Z.real, Z.imag], 1); }, [a, b]).passed).toBe(true);
    expect(gradCheck((x) => abs(spectral.rfft(x!)), [a]).passed).toBe(true);
    expect(gradCheck((x, y) => spectral.irfft(complex(x!, y!)), [a, b]).passed).toBe(true);
  });
});

describe('spectral.rfft, irfft and signal.stft', () => {
  test('rfft is the first ⌊n/2⌋ + 1 bins of the full transform; fftLength crops or pads with zeros', () => {
    const x = randomNormal([2, 7], 0, 1, { seed: 3 });
    const R = spectral.rfft(x);
    expect(R.shape).toEqual([2, 4]);
    const [er, ei] = dftRef(x.values, new Float32Array(14), 7);
    near(R.real.values, [0, 1, 2, 3, 7, 8, 9, 10].map((i) => er[i]!));
    near(R.imag.values, [0, 1, 2, 3, 7, 8, 9, 10].map((i) => ei[i]!));
    const padded = spectral.rfft(x, 10);
    const zeroPadded = tensor(Array.from({ length: 20 }, (_, i) => (i % 10 < 7 ? x.values[Math.floor(i / 10) * 7 + (i % 10)]! : 0)), [2, 10]);
    near(padded.real.values, spectral.rfft(zeroPadded).real.values);
    expect(spectral.rfft(x, 4).shape).toEqual([2, 3]);
    expect(Array.from(x.rfft().dataSync())).toEqual(Array.from(R.dataSync()));
  });
  test('irfft(rfft(x)) = x for even lengths; rows come back [batch, n] (tfjs) or [b, rows, n] for rank 3', () => {
    const x = randomNormal([2, 3, 8], 0, 1, { seed: 4 });
    const y = spectral.irfft(spectral.rfft(x));
    expect(y.shape).toEqual([2, 3, 8]);
    near(y.values, x.values);
    expect(spectral.irfft(spectral.rfft(tensor([1, 2, 3, 4]))).shape).toEqual([1, 4]);
  });
  test('stft: frames, Hann-windowed, rfft to the next power of two', () => {
    const audio = randomNormal([40], 0, 1, { seed: 5 });
    const s = signal.stft(audio, 12, 6);
    // ⌊(40 − 12)/6⌋ + 1 = 5 frames; 16/2 + 1 = 9 bins.
    expect(s.shape).toEqual([5, 9]);
    const frames = signal.frame(audio, 12, 6);
    const manual = spectral.rfft(frames.mul(signal.hannWindow(12)), 16);
    near(s.real.values, manual.real.values);
    near(s.imag.values, manual.imag.values);
  });
});

describe('complex tensors', () => {
  test('parts, modulus, the interleaved reads of tfjs, methods', () => {
    const z = complex(tensor([[3, 0], [1, 2]]), tensor([[4, -2], [0, 2]]));
    expect(z).toBeInstanceOf(ComplexTensor);
    expect([z.dtype, z.shape, z.size]).toEqual(['complex64', [2, 2], 4]);
    expect(Array.from(abs(z).values).map((v) => +v.toFixed(5))).toEqual([5, 2, 1, 2.82843]);
    expect(Array.from(z.dataSync())).toEqual([3, 4, 0, -2, 1, 0, 2, 2]);
    expect(z.arraySync()).toEqual([[3, 4, 0, -2], [1, 0, 2, 2]]);
    expect(real(z)).toBe(z.real);
    expect(Array.from(imag(tensor([1, 2])).values)).toEqual([0, 0]);
    near(z.fft().ifft().real.values, z.real.values);
    expect(Array.from(z.abs().values)).toEqual(Array.from(abs(z).values));
  });
  test('errors: real ops refuse a complex tensor by name; the spectral ops want one', () => {
    const z = complex(tensor([1, 2]), tensor([3, 4]));
    expect(() => add(z as never, 1)).toThrow('add: expected a Tensor or a number, got a complex64 tensor (take tf.real, tf.imag or tf.abs of it first)');
    expect(() => spectral.fft(tensor([1, 2]) as never)).toThrow('spectral.fft: expected a complex tensor (tf.complex(real, imag)), got a real tensor of shape [2]');
    expect(() => complex(tensor([1, 2]), tensor([1]))).toThrow('complex: real and imag must have one shape, got [2] and [1]');
    expect(() => spectral.rfft(tensor([1, 2]), 0)).toThrow('spectral.rfft: fftLength must be a positive integer, got 0');
  });
});
