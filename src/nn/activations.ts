/**
 * Activations by name (camelCase or snake_case) or as functions, for layers' `activation`.
 * Each entry is a tensor function; derivatives come from autograd.
 */
import { record } from '../autograd/engine.js';
import {
  elu, gelu, hardSigmoid, leakyRelu, relu, relu6, selu, softmax, softsign, swish,
} from '../ops/activations.js';
import { sigmoid, softplus, step as stepOp, tanh } from '../ops/elementwise.js';
import type { Tensor } from '../tensor/tensor.js';
import { type Spellings, lookup } from './names.js';

export type ActivationFn = (x: Tensor) => Tensor;

/**
 * Heaviside step for layers. Its gradient is zero everywhere, so back-propagating through it
 * can never train anything; instead of silently returning zeros it stops with an explanation.
 */
export function stepActivation(x: Tensor): Tensor {
  const y = stepOp(x);
  if (y.node === null) return y;
  return record(y.detach(), 'stepActivation', [x], () => {
    throw new Error(
      "step activation: its gradient is zero everywhere, so gradient descent cannot train through it. " +
        "Use 'sigmoid' (or 'tanh') to train, then predict with step if you need 0/1 outputs, " +
        'or train a single step unit with the perceptron rule: perceptron({...}).fit(x, y).',
    );
  });
}

export { hardSigmoid };

const ACTIVATION_TABLE = {
  linear: (x) => x,
  sigmoid,
  tanh,
  relu,
  relu6,
  leakyRelu: (x) => leakyRelu(x, 0.2),
  elu: (x) => elu(x),
  selu,
  softplus,
  softsign,
  hardSigmoid,
  swish,
  silu: swish,
  gelu: (x) => gelu(x),
  softmax: (x) => softmax(x),
  step: stepActivation,
  heaviside: stepActivation,
} satisfies Record<string, ActivationFn>;

/** Every activation a layer accepts by name. */
export const ACTIVATIONS: Readonly<Record<string, ActivationFn>> = ACTIVATION_TABLE;
/** An activation's name, camelCase or snake_case ('leakyRelu', 'leaky_relu'). */
export type ActivationName = Spellings<keyof typeof ACTIVATION_TABLE>;
/** A registered name (completed by editors; a typo does not compile), or your own function of a tensor. */
export type ActivationIdentifier = ActivationName | ActivationFn;

/** Resolves an activation identifier (undefined or null means linear). */
export function getActivation(id: string | ActivationFn | null | undefined): ActivationFn {
  if (id === undefined || id === null) return ACTIVATIONS.linear!;
  if (typeof id === 'function') return id;
  return lookup('activation', ACTIVATIONS, id);
}

/** The canonical registered name of an activation, or 'custom'. */
export function activationName(id: string | ActivationFn | null | undefined): string {
  if (id === undefined || id === null) return 'linear';
  if (typeof id === 'string') {
    const fn = getActivation(id);
    return Object.keys(ACTIVATIONS).find((k) => ACTIVATIONS[k] === fn) ?? id;
  }
  return Object.keys(ACTIVATIONS).find((k) => ACTIVATIONS[k] === id) ?? 'custom';
}
