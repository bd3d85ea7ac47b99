/**
 * Activation functions composed from primitives (sigmoid, tanh, softplus, erf and step are
 * primitives in elementwise.ts). Composites carry no backward of their own.
 */
import type { Tensor } from '../tensor/tensor.js';
import { add, clip, div, erf, exp, greater, greaterEqual, lessEqual, minimum, mul, sigmoid, sub, tanh, where, abs } from './elementwise.js';
import { logSumExp, max, sum } from './reduce.js';
import { type TensorLike, asTensor, keepInt } from './primitive.js';
import { noGrad } from '../context/context.js';

/** The hard sigmoid's line 0.2x + 0.5, which hardSigmoid clips to [0, 1]. */
function hardSigmoidLine(x: TensorLike): Tensor {
  return add(mul(x, 0.2), 0.5);
}

/** Keras 2 / tfjs hard sigmoid: clip(0.2x + 0.5, 0, 1) (what tfjs model files mean by it). */
export function hardSigmoid(x: TensorLike): Tensor {
  return clip(hardSigmoidLine(x), 0, 1);
}

/** hardSigmoid's derivative as its gradient takes it: 0.2 where 0 ≤ 0.2x + 0.5 ≤ 1 (clip's ties pass the gradient), 0 elsewhere. */
export function hardSigmoidSlope(x: TensorLike): Tensor {
  const y = hardSigmoidLine(x);
  return mul(mul(greaterEqual(y, 0), lessEqual(y, 1)), 0.2);
}

/** max(0, x); relu′(0) = 0 (as PyTorch and TensorFlow). */
export function relu(x: TensorLike): Tensor {
  const t = asTensor(x, 'relu');
  return keepInt(where(greater(t, 0), t, 0), t);
}

/** x where x > 0, α·x elsewhere, α a tensor broadcast against x (tfjs `prelu`; the PReLU layer learns α). */
export function prelu(x: TensorLike, alpha: TensorLike): Tensor {
  const t = asTensor(x, 'prelu');
  return where(greater(t, 0), t, mul(t, alpha));
}

/** min(max(0, x), 6). */
export function relu6(x: TensorLike): Tensor {
  return minimum(relu(x), 6);
}

/** x for x > 0, αx otherwise (tfjs default α = 0.2; the Keras LeakyReLU layer uses 0.3). */
export function leakyRelu(x: TensorLike, alpha = 0.2): Tensor {
  const t = asTensor(x, 'leakyRelu');
  return where(greater(t, 0), t, mul(t, alpha));
}

/**
 * x for x > 0, α(eˣ − 1) otherwise. The exponential sees min(x, 0) so large positive x never
 * produces ∞ (which would turn the unused branch's zero gradient into NaN).
 */
export function elu(x: TensorLike, alpha = 1): Tensor {
  const t = asTensor(x, 'elu');
  return where(greater(t, 0), t, mul(sub(exp(minimum(t, 0)), 1), alpha));
}

const SELU_ALPHA = 1.6732632423543772;
const SELU_SCALE = 1.0507009873554805;

/** Self-normalizing ELU: λ·elu(x, α) with λ ≈ 1.0507, α ≈ 1.6733. */
export function selu(x: TensorLike): Tensor {
  return mul(elu(x, SELU_ALPHA), SELU_SCALE);
}

/** x / (1 + |x|). */
export function softsign(x: TensorLike): Tensor {
  const t = asTensor(x, 'softsign');
  return div(t, add(abs(t), 1));
}

/**
 * GELU: x·Φ(x) = ½x(1 + erf(x/√2)) (Keras's default); with `approximate`,
 * ½x(1 + tanh(√(2/π)(x + 0.044715x³))).
 */
export function gelu(x: TensorLike, approximate = false): Tensor {
  const t = asTensor(x, 'gelu');
  if (!approximate) return mul(mul(t, 0.5), add(erf(mul(t, Math.SQRT1_2)), 1));
  const inner = mul(add(t, mul(mul(mul(t, t), t), 0.044715)), Math.sqrt(2 / Math.PI));
  return mul(mul(t, 0.5), add(tanh(inner), 1));
}

/** x·σ(x) (also called SiLU). */
export function swish(x: TensorLike): Tensor {
  const t = asTensor(x, 'swish');
  return mul(t, sigmoid(t));
}

/**
 * eˣⁱ / Σⱼ eˣʲ along `axis` (default last), computed on x − max(x) so it never overflows.
 * @example softmax(tensor([1000, 0, -1000])) // [1, 0, 0]
 */
export function softmax(x: TensorLike, axis = -1): Tensor {
  const t = asTensor(x, 'softmax');
  const m = noGrad(() => max(t, axis, true));
  const e = exp(sub(t, m));
  return div(e, sum(e, axis, true));
}

/** log softmax: x − logSumExp(x) along `axis`, finite for any finite input. */
export function logSoftmax(x: TensorLike, axis = -1): Tensor {
  const t = asTensor(x, 'logSoftmax');
  return sub(t, logSumExp(t, axis, true));
}
