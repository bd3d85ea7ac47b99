/**
 * A complex64 tensor (tfjs's `tf.complex`): its real and imaginary parts, two float tensors of
 * one shape. The spectral ops take and give it; tf.real, tf.imag and tf.abs turn it back into a
 * real tensor, which every other op takes. Reads interleave the parts as tfjs does.
 */
import type { NestedArray, Tensor } from './tensor.js';

export class ComplexTensor {
  readonly dtype = 'complex64' as const;
  constructor(readonly real: Tensor, readonly imag: Tensor) {}
  get shape(): readonly number[] {
    return this.real.shape;
  }
  get rank(): number {
    return this.real.rank;
  }
  get size(): number {
    return this.real.size;
  }
  /** [re₀, im₀, re₁, im₁, …] (tfjs's layout). */
  dataSync(): Float32Array {
    const [re, im] = [this.real.dataSync(), this.imag.dataSync()];
    const out = new Float32Array(2 * re.length);
    for (let i = 0; i < re.length; i++) [out[2 * i], out[2 * i + 1]] = [re[i]!, im[i]!];
    return out;
  }
  data(): Promise<Float32Array> {
    return Promise.resolve(this.dataSync());
  }
  /** Nested as the shape, the innermost list interleaved [re, im, re, im, …] (tfjs's). */
  arraySync(): NestedArray {
    const flat = Array.from(this.dataSync());
    if (this.rank === 0) return flat as unknown as NestedArray;
    const nest = (offset: number, dims: readonly number[]): NestedArray => {
      if (dims.length === 1) return flat.slice(offset, offset + 2 * dims[0]!) as unknown as NestedArray;
      const step = 2 * dims.slice(1).reduce((p, d) => p * d, 1);
      return Array.from({ length: dims[0]! }, (_, i) => nest(offset + i * step, dims.slice(1))) as unknown as NestedArray;
    };
    return nest(0, this.shape);
  }
  array(): Promise<NestedArray> {
    return Promise.resolve(this.arraySync());
  }
  /** Frees nothing early (garbage collected), as a real tensor's. */
  dispose(): void {
    this.real.dispose();
    this.imag.dispose();
  }
  toString(): string {
    const v = this.dataSync();
    const parts = Array.from({ length: v.length / 2 }, (_, i) => `${v[2 * i]} + ${v[2 * i + 1]}j`);
    return `ComplexTensor [${this.shape.join(', ')}] complex64\n  [${parts.join(', ')}]`;
  }
  print(): void {
    console.log(this.toString());
  }
}
