/**
 * Functional gradients, as TensorFlow.js has them: they return gradients and leave every
 * `.grad` untouched. `grad(f)(x)` for one input, `grads(f)([a, b])` for several, their
 * `valueAnd…` forms, and `variableGrads(f)` over the trainable variables `f` uses. A
 * non-scalar output is differentiated as its sum, or against `dy` when given.
 *
 * @example
 * const f = (x: Tensor) => x.square().sum();       // f = Σ x², df/dx = 2x
 * const dx = grad(f)(tensor([1, 2]));              // [2, 4]
 */
import { fmt } from '../tensor/shape.js';
import { Tensor } from '../tensor/tensor.js';
import { getContext, withContext } from '../context/context.js';
import { computeGrads, record } from './engine.js';

export interface ValueAndGrads {
  value: Tensor;
  grads: Tensor[];
}

function ensureFunction(f: unknown, name: string): void {
  if (typeof f !== 'function') throw new Error(`The f passed in ${name}(f) must be a function`);
}

/** f's value at `xs` and its gradients there (seeded by `dy`, else ones: the gradient of the sum). */
function gradients(f: (...xs: Tensor[]) => Tensor, xs: readonly Tensor[], dy: Tensor | undefined, name: string): ValueAndGrads {
  return withContext({ gradEnabled: true, tape: true }, () => {
    // Fresh leaves over the same storage, so the caller's tensors are not marked or mutated;
    // inside an outer gradient (an input already records), an identity of it instead, and the
    // backward pass recorded, so the outer gradient differentiates this one (tf.grad(tf.grad(f))).
    const nested = xs.some((x) => x.requiresGrad);
    const leaves = xs.map((x) => (x.requiresGrad ? identity(x) : new Tensor(x.values, x.shape, { requiresGrad: true })));
    const value = f(...leaves);
    if (!(value instanceof Tensor)) throw new Error(`${name}: the result y returned by f() must be a tensor`);
    if (dy !== undefined && (dy.rank !== value.rank || dy.shape.some((d, i) => d !== value.shape[i]))) {
      throw new Error(`${name}: the shape of dy ${fmt(dy.shape)} must match the shape ${fmt(value.shape)} returned by f`);
    }
    const seed = dy ?? (value.size === 1 ? undefined : new Tensor(new Float32Array(value.size).fill(1), value.shape));
    const map = computeGrads(value, seed, { createGraph: nested, keep: new Set(leaves) });
    const grads = leaves.map((l) => {
      const g = map.get(l);
      if (g === undefined) throw new Error(`${name}: cannot compute the gradient of y = f(x) with respect to x; make sure f encloses all operations that lead from x to y`);
      return g;
    });
    return { value: nested ? value : detach(value), grads };
  });
}

/** `x` again, as a node whose gradient flows to `x`. */
function identity(x: Tensor): Tensor {
  const t = new Tensor(x.values, x.shape, { requiresGrad: true });
  t.node = { op: 'identity', inputs: [x], backward: (g) => [g] };
  return t;
}

/** tfjs `tf.grad`: a function giving df/dx for one input `x` (`dy` weights a non-scalar output). */
export function grad(f: (x: Tensor) => Tensor): (x: Tensor, dy?: Tensor) => Tensor {
  ensureFunction(f, 'grad');
  return (x, dy) => gradients(f, [x], dy, 'grad').grads[0]!;
}

/** tfjs `tf.grads`: a function giving the gradient with respect to each of a list of inputs. */
export function grads(f: (...xs: Tensor[]) => Tensor): (xs: Tensor[], dy?: Tensor) => Tensor[] {
  ensureFunction(f, 'grads');
  return (xs, dy) => {
    if (!Array.isArray(xs)) throw new Error('grads: the args passed in grads(f)(args) must be an array of tensors');
    return gradients(f, xs, dy, 'grads').grads;
  };
}

/** tfjs `tf.valueAndGrad`: f's value and df/dx. */
export function valueAndGrad(f: (x: Tensor) => Tensor): (x: Tensor, dy?: Tensor) => { value: Tensor; grad: Tensor } {
  ensureFunction(f, 'valueAndGrad');
  return (x, dy) => {
    const r = gradients(f, [x], dy, 'valueAndGrad');
    return { value: r.value, grad: r.grads[0]! };
  };
}

/** tfjs `tf.valueAndGrads`: f's value and its gradient with respect to each input. */
export function valueAndGrads(f: (...xs: Tensor[]) => Tensor): (xs: Tensor[], dy?: Tensor) => ValueAndGrads {
  ensureFunction(f, 'valueAndGrads');
  return (xs, dy) => {
    if (!Array.isArray(xs)) throw new Error('valueAndGrads: the args passed in valueAndGrads(f)(args) must be an array of tensors');
    return gradients(f, xs, dy, 'valueAndGrads');
  };
}

/**
 * tfjs `tf.variableGrads`: f's (scalar) value and its gradient with respect to each trainable
 * variable it uses (or those of `varList`), keyed by the variable's name.
 */
export function variableGrads(f: () => Tensor, varList?: Tensor[]): { value: Tensor; grads: Record<string, Tensor> } {
  ensureFunction(f, 'variableGrads');
  return withContext({ gradEnabled: true, tape: true }, () => {
    const value = f();
    if (!(value instanceof Tensor)) throw new Error('variableGrads: the result y returned by f() must be a tensor');
    if (value.rank !== 0 && value.size !== 1) throw new Error(`The f passed in variableGrads(f) must return a scalar, but it returned a rank-${value.rank} tensor`);
    const map = computeGrads(value);
    const vars = varList ?? byCreation([...map.keys()].filter((t) => t.isLeaf && t.requiresGrad));
    const out: Record<string, Tensor> = {};
    const byName = new Map<string, Tensor>();
    Object.defineProperty(out, VARIABLES, { value: byName, enumerable: false });
    let any = false;
    vars.forEach((v, i) => {
      const g = map.get(v);
      if (g === undefined || !v.requiresGrad) return;
      any = true;
      out[variableName(v, i)] = g;
      byName.set(variableName(v, i), v);
    });
    if (!any) throw new Error('variableGrads: cannot find a connection between any variable and the result of the loss function y = f(); make sure the operations that use variables are inside f');
    lastGradVariables(byName);
    return { value: detach(value), grads: out };
  });
}

/**
 * The variables behind a gradient map's names, kept on the map `variableGrads` returns, so
 * `optimizer.applyGradients(grads)` finds them whatever they are named.
 */
export const VARIABLES: unique symbol = Symbol('neurite.variables');

/**
 * The variables of the latest `variableGrads`, by the names it keyed them with (held weakly): a
 * gradient map rebuilt from its result (scaled, summed across steps, as policy-gradient
 * programs do) has lost its own record, and its names resolve to these first.
 */
let latest = new Map<string, WeakRef<Tensor>>();

function lastGradVariables(byName: Map<string, Tensor>): void {
  latest = new Map([...byName].map(([k, v]) => [k, new WeakRef(v)]));
}

/** @internal The variable the latest variableGrads keyed `name`, if it is still alive. */
export function latestGradVariable(name: string): Tensor | undefined {
  return latest.get(name)?.deref();
}

/** `found` with named variables first, in the order they were made (tfjs's order), then the rest as found. */
function byCreation(found: Tensor[]): Tensor[] {
  const set = new Set(found);
  const named: Tensor[] = [];
  for (const refs of getContext().variables.values()) {
    for (const ref of refs) {
      const v = ref.deref();
      if (v !== undefined && set.delete(v)) named.push(v);
    }
  }
  return [...named, ...set];
}

/** A variable's name for gradient maps: its own, else its position. */
export function variableName(v: Tensor, i: number): string {
  return v.name ?? `variable_${i}`;
}

/** A tensor with the same values and no graph. */
export function detach(t: Tensor): Tensor {
  return new Tensor(t.values, t.shape);
}

/** What `customGrad`'s function returns: the value, and the gradient of each input given dy. */
export interface CustomGradResult {
  value: Tensor;
  gradFunc: (dy: Tensor, saved: Tensor[]) => Tensor | Tensor[];
}

/**
 * tfjs `customGrad(f)`: a function whose gradient is given rather than derived, as tfjs's guide
 * on custom gradients writes it. `f(...inputs, save)` computes the value (not recorded) and may
 * `save([...tensors])` for the backward pass; `gradFunc(dy, saved)` returns one gradient per input.
 */
export function customGrad(f: (...args: never[]) => CustomGradResult): (...inputs: Tensor[]) => Tensor {
  ensureFunction(f, 'customGrad');
  const call = f as unknown as (...args: unknown[]) => CustomGradResult;
  return (...inputs: Tensor[]): Tensor => {
    for (const [i, x] of inputs.entries()) if (!(x instanceof Tensor)) throw new Error(`customGrad: input ${i} must be a tensor, got ${x === null ? 'null' : typeof x}`);
    let saved: Tensor[] = [];
    const save = (ts: Tensor[]): void => {
      saved = ts;
    };
    const r = withContext({ gradEnabled: false }, () => call(...inputs, save));
    if (r === null || typeof r !== 'object' || !(r.value instanceof Tensor) || typeof r.gradFunc !== 'function') {
      throw new Error('customGrad: f must return {value, gradFunc}: value a tensor, gradFunc(dy, saved) giving the inputs\' gradients');
    }
    // Its own node on a tensor of its own (f may return an input as it is).
    const value = inputs.includes(r.value) ? r.value.clone() : r.value;
    return record(value, 'customGrad', inputs, (dy) => {
      const g = r.gradFunc(dy, saved);
      const list = Array.isArray(g) ? g : [g];
      if (list.length !== inputs.length) throw new Error(`customGrad: gradFunc gave ${list.length} gradient${list.length === 1 ? '' : 's'} for ${inputs.length} input${inputs.length === 1 ? '' : 's'}`);
      return list;
    });
  };
}
