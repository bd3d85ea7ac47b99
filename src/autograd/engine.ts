/**
 * Reverse-mode automatic differentiation. Ops call `record` to attach a node to their output;
 * `computeGrads` walks the graph from a scalar (or a seeded tensor) back to the leaves in one
 * deterministic topological order, applying each node's backward rule once, summing
 * contributions where a tensor feeds several ops (the sum rule), and reducing gradients that
 * flow into broadcast inputs back to the input's shape.
 */
import { type Context, emptyTensor, getContext, withContext } from '../context/context.js';
import { fmt, normalizeAxes, sameShape } from '../tensor/shape.js';
import { type GradNode, Tensor } from '../tensor/tensor.js';

/**
 * Attaches a backward rule to `output` when gradients are on and some input requires them.
 * Returns `output` for chaining.
 */
export function record(output: Tensor, op: string, inputs: readonly Tensor[], backward: GradNode['backward']): Tensor {
  if (!getContext().gradEnabled) return output;
  let needed = false;
  for (const t of inputs) if (t.requiresGrad) needed = true;
  if (!needed) return output;
  output.requiresGrad = true;
  output.node = { op, inputs, backward };
  return output;
}

/**
 * Attaches one backward rule to all `outputs` of an op with several outputs: the walk runs it
 * once, with every output's gradient, after all of them are complete.
 */
export function recordGroup(outputs: readonly Tensor[], op: string, inputs: readonly Tensor[], backward: (gs: ReadonlyArray<Tensor | null>) => ReadonlyArray<Tensor | null>): Tensor[] {
  if (!getContext().gradEnabled || !inputs.some((t) => t.requiresGrad)) return [...outputs];
  const group = { outputs, backward };
  const single = (): never => {
    throw new Error(`${op}: an output of a grouped op has no backward rule of its own`);
  };
  for (const y of outputs) {
    y.requiresGrad = true;
    y.node = { op, inputs, backward: single, group };
  }
  return [...outputs];
}

/** Tensors reachable from `root` through nodes, root first, each after all its consumers. */
function topoOrder(root: Tensor): Tensor[] {
  const post: Tensor[] = [];
  const seen = new Set<Tensor>([root]);
  const stack: Array<[Tensor, number]> = [[root, 0]];
  while (stack.length > 0) {
    const top = stack[stack.length - 1]!;
    const inputs = top[0].node?.inputs ?? [];
    if (top[1] < inputs.length) {
      const child = inputs[top[1]++]!;
      if (child.requiresGrad && !seen.has(child)) {
        seen.add(child);
        stack.push([child, 0]);
      }
    } else {
      stack.pop();
      post.push(top[0]);
    }
  }
  return post.reverse();
}

/** Sums `g` over the axes along which `shape` was broadcast, giving a tensor of `shape`. */
export function sumToShape(g: Tensor, shape: readonly number[], ctx: Context = getContext()): Tensor {
  if (sameShape(g.shape, shape)) return g;
  const lead = g.rank - shape.length;
  const axes: number[] = [];
  for (let i = 0; i < g.rank; i++) {
    if (i < lead || (shape[i - lead] === 1 && g.shape[i] !== 1)) axes.push(i);
  }
  const out = emptyTensor(shape, ctx);
  ctx.backend.kernels.sum(g.values, g.shape, normalizeAxes(axes, g.rank, 'sumToShape'), out.values);
  return out;
}

function addRaw(a: Tensor, b: Tensor, ctx: Context): Tensor {
  const out = emptyTensor(a.shape, ctx);
  ctx.backend.kernels.add(a.values, a.shape, b.values, b.shape, out.values, out.shape);
  return out;
}

/** Differentiable add and sum-to-shape, registered by ops/ (which build on this file) for `createGraph`. */
let graphOps: { add(a: Tensor, b: Tensor): Tensor; sumTo(g: Tensor, shape: readonly number[]): Tensor } | null = null;

/** @internal Called once by ops/reduce.ts. */
export function setGraphOps(ops: NonNullable<typeof graphOps>): void {
  graphOps = ops;
}

export interface GradOptions {
  /**
   * Record the backward pass itself, so the gradients can be differentiated again (a gradient
   * of a gradient; PyTorch's `create_graph`).
   */
  createGraph?: boolean;
  /** Non-leaf tensors whose gradients the map keeps (intermediate ones are dropped otherwise). */
  keep?: ReadonlySet<Tensor>;
}

/**
 * Gradients of `root` with respect to every tensor that requires grad and leads to it,
 * as a map. Nothing is mutated. `seed` is dL/d(root); it defaults to 1 for a scalar root.
 */
export function computeGrads(root: Tensor, seed?: Tensor, options: GradOptions = {}): Map<Tensor, Tensor> {
  const createGraph = options.createGraph === true && graphOps !== null;
  const ctx = getContext();
  let start: Tensor;
  if (seed === undefined) {
    if (root.size !== 1) {
      throw new Error(`backward: expected a scalar (one-element) tensor, got shape ${fmt(root.shape)}; pass a seed gradient of that shape, e.g. y.backward(onesLike(y))`);
    }
    start = emptyTensor(root.shape, ctx);
    start.values.fill(1);
  } else {
    if (!sameShape(seed.shape, root.shape)) {
      throw new Error(`backward: seed gradient shape ${fmt(seed.shape)} does not match the tensor's shape ${fmt(root.shape)}`);
    }
    start = seed;
  }
  const grads = new Map<Tensor, Tensor>();
  if (!root.requiresGrad) return grads;
  grads.set(root, start);
  withContext({ gradEnabled: createGraph }, () => {
    const order = topoOrder(root);
    // A grouped op runs where the last of its outputs comes in the order: all are complete then.
    const last = new Map<object, number>();
    order.forEach((t, i) => {
      if (t.node?.group !== undefined) last.set(t.node.group, i);
    });
    for (let k = 0; k < order.length; k++) {
      const t = order[k]!;
      const node = t.node;
      if (node === null) continue;
      let inputGrads: ReadonlyArray<Tensor | null>;
      if (node.group !== undefined) {
        if (last.get(node.group) !== k) continue;
        const gs = node.group.outputs.map((y) => grads.get(y) ?? null);
        for (const y of node.group.outputs) if (y !== root) grads.delete(y);
        if (gs.every((g) => g === null)) continue;
        inputGrads = node.group.backward(gs);
      } else {
        const g = grads.get(t);
        if (g === undefined) continue;
        inputGrads = node.backward(g);
      }
      for (let i = 0; i < node.inputs.length; i++) {
        const x = node.inputs[i]!;
        let gx = inputGrads[i];
        if (!x.requiresGrad || gx === null || gx === undefined) continue;
        gx = createGraph ? graphOps!.sumTo(gx, x.shape) : sumToShape(gx, x.shape);
        const prev = grads.get(x);
        grads.set(x, prev === undefined ? gx : createGraph ? graphOps!.add(prev, gx) : addRaw(prev, gx, getContext()));
      }
      // Intermediate gradients are not kept (as in PyTorch); leaves keep theirs in the map.
      if (t !== root && options.keep?.has(t) !== true) grads.delete(t);
    }
  });
  return grads;
}

/**
 * Back-propagates from `root`, adding each gradient into `.grad` of the leaves that require
 * grad (accumulating across calls, as gradient accumulation needs).
 */
export function backward(root: Tensor, seed?: Tensor): void {
  const grads = computeGrads(root, seed);
  const ctx = getContext();
  for (const [t, g] of grads) {
    if (t.node !== null) continue;
    t.grad = t.grad === null ? detachedCopy(g) : addRaw(t.grad, g, ctx);
  }
}

function detachedCopy(t: Tensor): Tensor {
  return new Tensor(t.values.slice(), t.shape);
}
