/**
 * The LSTM cell as one primitive: its gates' activations, the new state and the output in one
 * kernel forward and one backward, where composed from ops a step costs four slices, three
 * sigmoids, two tanh, three products and a sum forward, and about twice that backward (most of
 * an LSTM's training step, measured: W8's elementwise calls outweighed its products).
 */
import { recordGroup } from '../autograd/engine.js';
import { emptyTensor, getContext } from '../context/context.js';
import { fmt } from '../tensor/shape.js';
import type { Tensor } from '../tensor/tensor.js';
import { add, mul, sigmoid, sub, tanh } from './elementwise.js';
import { concat, slice } from './layout.js';

/**
 * One LSTM step from gate pre-activations z = x·W + h·U + b, [batch, 4·units] in Keras's block
 * order (input i, forget f, candidate g, output o), and the previous state cPrev [batch, units]:
 * c = σ(z_f)·cPrev + σ(z_i)·tanh(z_g), h = σ(z_o)·tanh(c). Returns [h, c].
 * Gradient (t = tanh c, dc' = dc + dh·o·(1 − t²)): dz_i = dc'·g·i(1 − i), dz_f = dc'·cPrev·f(1 − f),
 * dz_g = dc'·i·(1 − g²), dz_o = dh·t·o(1 − o); dcPrev = dc'·f.
 * @example const [h, c] = lstmCell(zeros([1, 4]), tensor([[1]])) // c = σ(0)·1 = 0.5, h = 0.5·tanh(0.5)
 */
export function lstmCell(z: Tensor, cPrev: Tensor): [Tensor, Tensor] {
  const rows = cPrev.shape[0];
  const units = cPrev.shape[1];
  if (cPrev.rank !== 2 || z.rank !== 2 || z.shape[0] !== rows || z.shape[1] !== 4 * units!) {
    throw new Error(`lstmCell: z must be [batch, 4·units] and cPrev [batch, units], got z ${fmt(z.shape)} and cPrev ${fmt(cPrev.shape)}`);
  }
  const kernels = getContext().backend.kernels;
  const h = emptyTensor(cPrev.shape);
  const c = emptyTensor(cPrev.shape);
  // The gates and tanh(c), kept for the backward pass.
  const act = emptyTensor([rows!, 5 * units!]);
  kernels.lstmCell(z.values, cPrev.values, rows!, units!, h.values, c.values, act.values);
  return recordGroup([h, c], 'lstmCell', [z, cPrev], ([gh, gc]) => {
    const zero = gh === null || gc === null ? emptyTensor(cPrev.shape) : null;
    // A recorded backward (createGraph: a gradient to differentiate again) in ops, the same rule.
    if (getContext().gradEnabled) return cellGradOps(z, cPrev, c, gh ?? zero!, gc ?? zero!, units!);
    const dz = emptyTensor(z.shape);
    const dcPrev = emptyTensor(cPrev.shape);
    getContext().backend.kernels.lstmCellGrad(act.values, cPrev.values, (gh ?? zero!).values, (gc ?? zero!).values, rows!, units!, dz.values, dcPrev.values);
    return [dz, dcPrev];
  }) as [Tensor, Tensor];
}

/** lstmCellGrad's rule written with ops (differentiable again): the kernel's formulas. */
function cellGradOps(z: Tensor, cPrev: Tensor, c: Tensor, dh: Tensor, dc: Tensor, units: number): [Tensor, Tensor] {
  const rows = cPrev.shape[0]!;
  const block = (k: number): Tensor => slice(z, [0, k * units], [rows, units]);
  const [i, f, g, o] = [sigmoid(block(0)), sigmoid(block(1)), tanh(block(2)), sigmoid(block(3))];
  const t = tanh(c);
  const oneMinus = (x: Tensor): Tensor => sub(1, x);
  const gc = add(dc, mul(mul(dh, o), oneMinus(mul(t, t))));
  const dz = concat([
    mul(mul(gc, g), mul(i, oneMinus(i))),
    mul(mul(gc, cPrev), mul(f, oneMinus(f))),
    mul(mul(gc, i), oneMinus(mul(g, g))),
    mul(mul(dh, t), mul(o, oneMinus(o))),
  ], 1);
  return [dz, mul(gc, f)];
}
