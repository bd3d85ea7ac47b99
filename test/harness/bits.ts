/** Bit-for-bit comparison of float32 arrays for the native-kernel tests (NaN counted as NaN whatever its sign bit). */
import { expect } from 'vitest';

export function sameBits(actual: Float32Array, expected: Float32Array, label: string): void {
  const a = new Uint32Array(actual.buffer, actual.byteOffset, actual.length);
  const e = new Uint32Array(expected.buffer, expected.byteOffset, expected.length);
  for (let i = 0; i < actual.length; i++) {
    if (Number.isNaN(expected[i]) && Number.isNaN(actual[i])) continue;
    if (a[i] !== e[i]) expect.fail(`${label}: element ${i} is ${actual[i]}, the reference ${expected[i]}`);
  }
}
