/** Autograd's methods on Tensor: `backward`, `zeroGrad`, `detach`. */
import { Tensor } from '../tensor/tensor.js';
import { backward } from './engine.js';
import { detach } from './grad.js';

declare module '../tensor/tensor.js' {
  interface Tensor {
    /**
     * Back-propagates from this tensor, adding into `.grad` of every leaf that requires grad.
     * A non-scalar tensor needs `seed`, the gradient of the loss with respect to it.
     */
    backward(seed?: Tensor): void;
    /**
     * `.grad`, typed as present: the gradient `backward()` left here, or an error saying why
     * there is none (for strict TypeScript, where `.grad` is `Tensor | null`).
     */
    gradOrThrow(): Tensor;
    /** Clears `.grad` (PyTorch `zero_grad`). */
    zeroGrad(): void;
    /** The same values, cut from the graph. */
    detach(): Tensor;
  }
}

Tensor.prototype.backward = function (this: Tensor, seed?: Tensor): void {
  backward(this, seed);
};
Tensor.prototype.gradOrThrow = function (this: Tensor): Tensor {
  if (this.grad !== null) return this.grad;
  const why = this.requiresGrad
    ? 'call backward() on a result computed from it first (or its gradients were cleared by zeroGrad)'
    : 'it does not track gradients: make it with variable(x), or tensor(values, shape, { requiresGrad: true })';
  throw new Error(`gradOrThrow: this tensor (shape [${this.shape.join(', ')}]) has no gradient: ${why}`);
};
Tensor.prototype.zeroGrad = function (this: Tensor): void {
  this.grad = null;
};
Tensor.prototype.detach = function (this: Tensor): Tensor {
  return detach(this);
};
