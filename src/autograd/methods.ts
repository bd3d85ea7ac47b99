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
    /** Clears `.grad` (PyTorch `zero_grad`). */
    zeroGrad(): void;
    /** The same values, cut from the graph. */
    detach(): Tensor;
  }
}

Tensor.prototype.backward = function (this: Tensor, seed?: Tensor): void {
  backward(this, seed);
};
Tensor.prototype.zeroGrad = function (this: Tensor): void {
  this.grad = null;
};
Tensor.prototype.detach = function (this: Tensor): Tensor {
  return detach(this);
};
