/**
 * Functional gradients (JAX / tfjs `tf.grads` style): they return gradients and leave every
 * `.grad` untouched.
 *
 * @example
 * const f = (x: Tensor) => x.square().sum();       // f = Σ x², df/dx = 2x
 * const [dx] = grad(f)(tensor([1, 2]));            // [2, 4]
 */
import { fmt } from '../tensor/shape.js';
import { Tensor } from '../tensor/tensor.js';
import { withContext } from '../context/context.js';
import { computeGrads } from './engine.js';
import { emptyTensor } from '../context/context.js';

export interface ValueAndGrads {
  value: Tensor;
  grads: Tensor[];
}

/** Returns a function computing f's value and its gradient with respect to every argument. */
export function valueAndGrad(f: (...xs: Tensor[]) => Tensor): (...xs: Tensor[]) => ValueAndGrads {
  return (...xs) =>
    withContext({ gradEnabled: true }, () => {
      // Fresh leaves over the same storage, so the caller's tensors are not marked or mutated.
      const leaves = xs.map((x) => new Tensor(x.values, x.shape, { requiresGrad: true }));
      const value = f(...leaves);
      if (value.size !== 1) {
        throw new Error(`grad: the function must return a scalar, got shape ${fmt(value.shape)}`);
      }
      const map = computeGrads(value);
      const grads = leaves.map((l) => map.get(l) ?? emptyTensor(l.shape));
      return { value: detach(value), grads };
    });
}

/** Returns a function computing the gradient of f with respect to every argument. */
export function grad(f: (...xs: Tensor[]) => Tensor): (...xs: Tensor[]) => Tensor[] {
  const vg = valueAndGrad(f);
  return (...xs) => vg(...xs).grads;
}

/** A tensor with the same values and no graph. */
export function detach(t: Tensor): Tensor {
  return new Tensor(t.values, t.shape);
}
