// Frequencies with tf.spectral and tf.signal: the FFT of a complex signal and back, the real FFT
// of a two-tone signal (its peaks at the tones' bins) cropped and zero-padded, its inverse, and
// a spectrogram by the short-time Fourier transform; the magnitudes with tf.abs, the parts with
// tf.real and tf.imag, and the complex layout of dataSync and arraySync.
import * as tf from '@tensorflow/tfjs';

export async function run() {
  const v = (t) => Array.from(t.dataSync());
  const n = 16;
  const tone = tf.tensor1d(Array.from({ length: n }, (_, i) => Math.sin((2 * Math.PI * 3 * i) / n) + 0.5 * Math.cos((2 * Math.PI * 5 * i) / n)));
  const z = tf.complex(tf.tensor2d([[1, 2, 3, 4, 5], [0, -1, 2, 0.5, 1]]), tf.tensor2d([[0.5, 0, -1, 2, 1], [1, 1, 1, 1, 1]]));
  const Z = tf.spectral.fft(z);
  const back = tf.spectral.ifft(Z);
  const spectrum = tf.spectral.rfft(tone);
  const magnitude = tf.abs(spectrum);
  const peaks = tf.topk(magnitude, 2).indices;
  const cropped = tf.spectral.rfft(tf.reshape(tone, [2, 8]), 6);
  const padded = tf.spectral.rfft(tone, 20);
  const restored = tf.spectral.irfft(spectrum);
  const odd = tf.spectral.irfft(tf.spectral.rfft(tf.tensor2d([[1, 2, 3, 4, 5, 6, 7]])));
  const batched = tf.spectral.irfft(tf.spectral.rfft(tf.reshape(tf.range(0, 24), [2, 3, 4])));
  const audio = tf.tensor1d(Array.from({ length: 64 }, (_, i) => Math.sin(i * 0.3) + Math.sin(i * 1.1) * 0.3));
  const spectrogram = tf.signal.stft(audio, 16, 8);
  const custom = tf.signal.stft(audio, 10, 5, 16, tf.signal.hammingWindow);
  return {
    fftRe: v(tf.real(Z)), fftIm: v(tf.imag(Z)), fftData: v(Z), fftDtype: Z.dtype, fftShape: `${Z.shape}`,
    roundTrip: v(back), arrayLayout: z.arraySync(), spectrum: v(spectrum), spectrumShape: `${spectrum.shape}`,
    magnitude: v(magnitude), peaks: v(peaks), cropped: v(cropped), croppedShape: `${cropped.shape}`, padded: v(padded),
    restored: v(restored), restoredShape: `${restored.shape}`, odd: v(odd), oddShape: `${odd.shape}`, batched: v(batched), batchedShape: `${batched.shape}`,
    spectrogram: v(tf.abs(spectrogram)), spectrogramShape: `${spectrogram.shape}`, custom: v(custom), customShape: `${custom.shape}`
  };
}

const same = { equal: true };
const close = { abs: 1e-4 };
export const checks = {
  fftRe: close, fftIm: close, fftData: close, fftDtype: same, fftShape: same, roundTrip: close, arrayLayout: same, spectrum: close, spectrumShape: same,
  magnitude: close, peaks: same, cropped: close, croppedShape: same, padded: close, restored: close, restoredShape: same, odd: close, oddShape: same,
  batched: { abs: 1e-3 }, batchedShape: same, spectrogram: close, spectrogramShape: same, custom: close, customShape: same,
};
