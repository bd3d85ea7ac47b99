/**
 * Adam (Keras): m ← m + (g − m)(1 − β₁); v ← v + (g² − v)(1 − β₂);
 * w ← w − α·m / (√v̂ + ε) with α = η·√(1 − β₂ᵗ)/(1 − β₁ᵗ) (bias correction folded into the
 * step), v̂ = v or, with amsgrad, the running maximum of v. Defaults: η = 0.001, β₁ = 0.9,
 * β₂ = 0.999, ε = 1e-7. Computed in float32 arithmetic, as TensorFlow does on float32 variables.
 */
import type { Buf } from '../tensor/tensor.js';
import { getContext } from '../context/context.js';
import { Optimizer, type OptimizerOptions } from './optimizer.js';

export interface AdamOptions extends OptimizerOptions {
  beta1?: number;
  beta2?: number;
  epsilon?: number;
  amsgrad?: boolean;
}

export class Adam extends Optimizer {
  readonly className: string = 'Adam';
  readonly beta1: number;
  readonly beta2: number;
  readonly epsilon: number;
  readonly amsgrad: boolean;
  protected readonly slotNames: readonly string[];

  constructor(options: AdamOptions = {}) {
    super(options, 0.001);
    this.beta1 = this.option('beta1', options.beta1, 0.9, (v) => v >= 0 && v < 1, 'in [0, 1)');
    this.beta2 = this.option('beta2', options.beta2, 0.999, (v) => v >= 0 && v < 1, 'in [0, 1)');
    this.epsilon = this.option('epsilon', options.epsilon, 1e-7, (v) => v > 0, 'a positive number');
    this.amsgrad = options.amsgrad ?? false;
    this.slotNames = this.amsgrad ? ['m', 'v', 'vhat'] : ['m', 'v'];
  }

  /** α = η·√(1 − β₂ᵗ)/(1 − β₁ᵗ): the learning rate with the bias correction folded in. */
  stepSize(lr: number, t: number): number {
    return (lr * Math.sqrt(1 - this.beta2 ** t)) / (1 - this.beta1 ** t);
  }

  /**
   * ε·√(1 − β₂ᵗ): with α above, α·m/(√v + this) = η·m̂/(√v̂ + ε), the update of TensorFlow.js
   * and PyTorch (ε added to the bias-corrected √v̂; Keras adds it to the uncorrected √v).
   */
  stepEpsilon(t: number): number {
    return this.epsilon * Math.sqrt(1 - this.beta2 ** t);
  }

  /** α and ε̂. */
  override get stepScalarCount(): number {
    return 2;
  }

  /** AMSGrad's update is a loop over values here, which a compiled step cannot record. */
  override get recordable(): boolean {
    return !this.amsgrad;
  }

  protected override writeStepScalars(lr: number, t: number, out: Float64Array): void {
    out[0] = this.stepSize(lr, t);
    out[1] = this.stepEpsilon(t);
  }

  protected applyStep(p: Buf, g: Buf, slots: Float32Array[], s: ArrayLike<number>): void {
    const [m, v, vhat] = slots as [Float32Array, Float32Array, Float32Array | undefined];
    const b1 = this.beta1;
    const b2 = this.beta2;
    const alpha = s[0]!;
    if (vhat === undefined) {
      getContext().backend.kernels.adamUpdate(p, g, m, v, p.length, alpha, b1, b2, s[1]!);
      return;
    }
    // AMSGrad: the same float32 arithmetic as the kernel, with v̂ the running maximum of v.
    const f = Math.fround;
    const c1 = f(1 - b1);
    const c2 = f(1 - b2);
    const a = f(alpha);
    const e = f(s[1]!);
    for (let i = 0; i < p.length; i++) {
      const gi = f(g[i]!);
      const mi = f(m[i]! + f(f(gi - m[i]!) * c1));
      const vi = f(v[i]! + f(f(f(gi * gi) - v[i]!) * c2));
      m[i] = mi;
      v[i] = vi;
      const vh = Math.max(vhat[i]!, vi);
      vhat[i] = vh;
      p[i] = p[i]! - f(f(a * mi) / f(f(Math.sqrt(vh)) + e));
    }
  }

  override getConfig(): Record<string, unknown> {
    return { ...super.getConfig(), beta1: this.beta1, beta2: this.beta2, epsilon: this.epsilon, amsgrad: this.amsgrad };
  }
}
