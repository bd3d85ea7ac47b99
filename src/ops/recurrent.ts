/**
 * The LSTM and GRU cells as primitives (a GRU resetting before its product as two, gruGates and
 * gruOutput, around it): the gates' activations (logistic or hard sigmoid), the new state and the
 * output in one kernel forward and one backward, where an LSTM step composed from ops costs four
 * slices, three sigmoids, two tanh, three products and a sum forward, and about twice that
 * backward (most of its training step, measured: W8's elementwise calls outweighed its products).
 */
import { record, recordGroup } from '../autograd/engine.js';
import { emptyTensor, getContext } from '../context/context.js';
import { fmt } from '../tensor/shape.js';
import type { Tensor } from '../tensor/tensor.js';
import { GATES, type Gate } from '../backends/backend.js';
import { hardSigmoid, hardSigmoidSlope } from './activations.js';
import { add, mul, sigmoid, sub, tanh } from './elementwise.js';
import { concat, reshape, slice } from './layout.js';
import { matmul } from './matmul.js';
import { type TensorLike, asTensor } from './primitive.js';
import { zeros } from './creation.js';

/** The gate activation and its derivative at x, in ops: σ(x) and σ(1 − σ), or hardSigmoid and its slope. */
function gateOps(x: Tensor, gate: Gate): [Tensor, Tensor] {
  if (gate === 'hardSigmoid') return [hardSigmoid(x), hardSigmoidSlope(x)];
  const s = sigmoid(x);
  return [s, mul(s, sub(1, s))];
}

function gateCode(gate: Gate, op: string): number {
  const code = GATES.indexOf(gate);
  if (code < 0) throw new Error(`${op}: the gate activation must be one of ${GATES.join(', ')}, got ${String(gate)}`);
  return code;
}

/**
 * One LSTM step from gate pre-activations z = x·W + h·U + b, [batch, 4·units] in Keras's block
 * order (input i, forget f, candidate g, output o), and the previous state cPrev [batch, units]:
 * c = σ(z_f)·cPrev + σ(z_i)·tanh(z_g), h = σ(z_o)·tanh(c), σ the gate activation (the logistic,
 * Keras's, or tfjs's default hardSigmoid). Returns [h, c].
 * Gradient (t = tanh c, dc' = dc + dh·o·(1 − t²)): dz_i = dc'·g·σ'(z_i), dz_f = dc'·cPrev·σ'(z_f),
 * dz_g = dc'·i·(1 − g²), dz_o = dh·t·σ'(z_o); dcPrev = dc'·f (σ' = σ(1 − σ) for the logistic).
 * @example const [h, c] = lstmCell(zeros([1, 4]), tensor([[1]])) // c = σ(0)·1 = 0.5, h = 0.5·tanh(0.5)
 */
export function lstmCell(z: Tensor, cPrev: Tensor, gate: Gate = 'sigmoid'): [Tensor, Tensor] {
  const rows = cPrev.shape[0];
  const units = cPrev.shape[1];
  if (cPrev.rank !== 2 || z.rank !== 2 || z.shape[0] !== rows || z.shape[1] !== 4 * units!) {
    throw new Error(`lstmCell: z must be [batch, 4·units] and cPrev [batch, units], got z ${fmt(z.shape)} and cPrev ${fmt(cPrev.shape)}`);
  }
  const code = gateCode(gate, 'lstmCell');
  const kernels = getContext().backend.kernels;
  const h = emptyTensor(cPrev.shape);
  const c = emptyTensor(cPrev.shape);
  // The gates and tanh(c), kept for the backward pass.
  const act = emptyTensor([rows!, 5 * units!]);
  kernels.lstmCell(z.values, cPrev.values, rows!, units!, h.values, c.values, act.values, code);
  return recordGroup([h, c], 'lstmCell', [z, cPrev], ([gh, gc]) => {
    const zero = gh === null || gc === null ? emptyTensor(cPrev.shape) : null;
    // A recorded backward (createGraph: a gradient to differentiate again) in ops, the same rule.
    if (getContext().gradEnabled) return lstmGradOps(z, cPrev, c, gh ?? zero!, gc ?? zero!, units!, gate);
    const dz = emptyTensor(z.shape);
    const dcPrev = emptyTensor(cPrev.shape);
    getContext().backend.kernels.lstmCellGrad(act.values, cPrev.values, (gh ?? zero!).values, (gc ?? zero!).values, rows!, units!, dz.values, dcPrev.values, code);
    return [dz, dcPrev];
  }) as [Tensor, Tensor];
}

/** lstmCellGrad's rule written with ops (differentiable again): the kernel's formulas. */
function lstmGradOps(z: Tensor, cPrev: Tensor, c: Tensor, dh: Tensor, dc: Tensor, units: number, gate: Gate): [Tensor, Tensor] {
  const rows = cPrev.shape[0]!;
  const block = (k: number): Tensor => slice(z, [0, k * units], [rows, units]);
  const [[i, di], [f, df], [o, dO]] = [gateOps(block(0), gate), gateOps(block(1), gate), gateOps(block(3), gate)];
  const g = tanh(block(2));
  const t = tanh(c);
  const oneMinus = (x: Tensor): Tensor => sub(1, x);
  const gc = add(dc, mul(mul(dh, o), oneMinus(mul(t, t))));
  const dz = concat([
    mul(mul(gc, g), di),
    mul(mul(gc, cPrev), df),
    mul(mul(gc, i), oneMinus(mul(g, g))),
    mul(mul(dh, t), dO),
  ], 1);
  return [dz, mul(gc, f)];
}

/**
 * One GRU step with the reset gate after the recurrent product (Keras's `resetAfter`): from the
 * input's part x = x_t·W + b_i and the recurrent product inner = h·U + b_r, both [batch, 3·units]
 * in blocks z, r, h, and the state h [batch, units]: z = σ(x_z + inner_z), r = σ(x_r + inner_r),
 * ĥ = tanh(x_h + r·inner_h), returns z·h + (1 − z)·ĥ; σ the gate activation, as lstmCell's.
 * Gradient: dz' = d·(h − ĥ)·σ'(z), dĥ' = d·(1 − z)(1 − ĥ²), dr' = dĥ'·inner_h·σ'(r);
 * dx = [dz', dr', dĥ'], dinner = [dz', dr', dĥ'·r], dh = d·z.
 * @example gruCell(zeros([1, 3]), zeros([1, 3]), tensor([[1]])) // z = 0.5, ĥ = 0: 0.5
 */
export function gruCell(x: Tensor, inner: Tensor, h: Tensor, gate: Gate = 'sigmoid'): Tensor {
  const rows = h.shape[0];
  const units = h.shape[1];
  const width = 3 * units!;
  if (h.rank !== 2 || x.rank !== 2 || inner.rank !== 2 || x.shape[0] !== rows || inner.shape[0] !== rows || x.shape[1] !== width || inner.shape[1] !== width) {
    throw new Error(`gruCell: x and inner must be [batch, 3·units] and h [batch, units], got x ${fmt(x.shape)}, inner ${fmt(inner.shape)} and h ${fmt(h.shape)}`);
  }
  const code = gateCode(gate, 'gruCell');
  const out = emptyTensor(h.shape);
  const act = emptyTensor([rows!, width]);
  getContext().backend.kernels.gruCell(x.values, inner.values, h.values, rows!, units!, out.values, act.values, code);
  return record(out, 'gruCell', [x, inner, h], (g) => {
    if (getContext().gradEnabled) return gruGradOps(x, inner, h, g, units!, gate);
    const dx = emptyTensor(x.shape);
    const dInner = emptyTensor(inner.shape);
    const dh = emptyTensor(h.shape);
    getContext().backend.kernels.gruCellGrad(act.values, inner.values, h.values, g.values, rows!, units!, dx.values, dInner.values, dh.values, code);
    return [dx, dInner, dh];
  });
}

/** gruCellGrad's rule written with ops (differentiable again): the kernel's formulas. */
function gruGradOps(x: Tensor, inner: Tensor, h: Tensor, d: Tensor, units: number, gate: Gate): [Tensor, Tensor, Tensor] {
  const rows = h.shape[0]!;
  const block = (t: Tensor, k: number): Tensor => slice(t, [0, k * units], [rows, units]);
  const [z, dz] = gateOps(add(block(x, 0), block(inner, 0)), gate);
  const [r, dr] = gateOps(add(block(x, 1), block(inner, 1)), gate);
  const hc = tanh(add(block(x, 2), mul(r, block(inner, 2))));
  const dzp = mul(mul(d, sub(h, hc)), dz);
  const dhp = mul(mul(d, sub(1, z)), sub(1, mul(hc, hc)));
  const drp = mul(mul(dhp, block(inner, 2)), dr);
  return [concat([dzp, drp, dhp], 1), concat([dzp, drp, mul(dhp, r)], 1), mul(d, z)];
}

/**
 * The gates of a GRU resetting before its product (tfjs's layout): from the input's part
 * x = x_t·W + b [batch, 3·units] (blocks z, r, h), inner = h·U_zr [batch, 2·units] and the
 * recurrent input hr [batch, units]: z = σ(x_z + inner_z), rh = σ(x_r + inner_r)·hr. Returns
 * [z, rh]; the step goes on with q = rh·U_h and gruOutput.
 * Gradient: dz' = dz·σ'(z), dr' = drh·hr·σ'(r); dx = [dz', dr', 0], dinner = [dz', dr'], dhr = drh·r.
 * @example gruGates(zeros([1, 3]), zeros([1, 2]), tensor([[2]])) // z = σ(0) = 0.5, rh = 0.5·2 = 1
 */
export function gruGates(x: Tensor, inner: Tensor, hr: Tensor, gate: Gate = 'sigmoid'): [Tensor, Tensor] {
  const rows = hr.shape[0];
  const units = hr.shape[1];
  if (hr.rank !== 2 || x.rank !== 2 || inner.rank !== 2 || x.shape[0] !== rows || inner.shape[0] !== rows || x.shape[1] !== 3 * units! || inner.shape[1] !== 2 * units!) {
    throw new Error(`gruGates: x must be [batch, 3·units], inner [batch, 2·units] and hr [batch, units], got x ${fmt(x.shape)}, inner ${fmt(inner.shape)} and hr ${fmt(hr.shape)}`);
  }
  const code = gateCode(gate, 'gruGates');
  const z = emptyTensor(hr.shape);
  const rh = emptyTensor(hr.shape);
  const act = emptyTensor([rows!, 2 * units!]);
  getContext().backend.kernels.gruGates(x.values, inner.values, hr.values, rows!, units!, z.values, rh.values, act.values, code);
  return recordGroup([z, rh], 'gruGates', [x, inner, hr], ([gz, grh]) => {
    const dz = gz ?? emptyTensor(hr.shape);
    const drh = grh ?? emptyTensor(hr.shape);
    if (getContext().gradEnabled) return gruGatesGradOps(x, inner, hr, dz, drh, units!, gate);
    const dx = emptyTensor(x.shape);
    const dInner = emptyTensor(inner.shape);
    const dhr = emptyTensor(hr.shape);
    getContext().backend.kernels.gruGatesGrad(act.values, hr.values, dz.values, drh.values, rows!, units!, dx.values, dInner.values, dhr.values, code);
    return [dx, dInner, dhr];
  }) as [Tensor, Tensor];
}

/** gruGatesGrad's rule written with ops (differentiable again): the kernel's formulas. */
function gruGatesGradOps(x: Tensor, inner: Tensor, hr: Tensor, dz: Tensor, drh: Tensor, units: number, gate: Gate): [Tensor, Tensor, Tensor] {
  const rows = hr.shape[0]!;
  const block = (t: Tensor, k: number): Tensor => slice(t, [0, k * units], [rows, units]);
  const [, sz] = gateOps(add(block(x, 0), block(inner, 0)), gate);
  const [r, sr] = gateOps(add(block(x, 1), block(inner, 1)), gate);
  const dzp = mul(dz, sz);
  const drp = mul(mul(drh, hr), sr);
  return [concat([dzp, drp, zeros([rows, units])], 1), concat([dzp, drp], 1), mul(drh, r)];
}

/**
 * The output of a GRU resetting before its product: from x [batch, 3·units] (its h block), the
 * product q = (r·h)·U_h, the state h and the update gate z (each [batch, units]):
 * ĥ = tanh(x_h + q), returns z·h + (1 − z)·ĥ.
 * Gradient: dĥ' = d·(1 − z)(1 − ĥ²); dx = [0, 0, dĥ'], dq = dĥ', dh = d·z, dz = d·(h − ĥ).
 * @example gruOutput(zeros([1, 3]), zeros([1, 1]), tensor([[1]]), tensor([[0.5]])) // ĥ = 0: 0.5
 */
export function gruOutput(x: Tensor, q: Tensor, h: Tensor, z: Tensor): Tensor {
  const rows = h.shape[0];
  const units = h.shape[1];
  const same = (t: Tensor): boolean => t.rank === 2 && t.shape[0] === rows && t.shape[1] === units;
  if (h.rank !== 2 || x.rank !== 2 || x.shape[0] !== rows || x.shape[1] !== 3 * units! || !same(q) || !same(z)) {
    throw new Error(`gruOutput: x must be [batch, 3·units] and q, h, z [batch, units], got x ${fmt(x.shape)}, q ${fmt(q.shape)}, h ${fmt(h.shape)} and z ${fmt(z.shape)}`);
  }
  const out = emptyTensor(h.shape);
  const act = emptyTensor(h.shape);
  getContext().backend.kernels.gruOutput(x.values, q.values, h.values, z.values, rows!, units!, out.values, act.values);
  return record(out, 'gruOutput', [x, q, h, z], (d) => {
    if (getContext().gradEnabled) return gruOutputGradOps(x, q, h, z, d, units!);
    const dx = emptyTensor(x.shape);
    const dq = emptyTensor(h.shape);
    const dh = emptyTensor(h.shape);
    const dz = emptyTensor(h.shape);
    getContext().backend.kernels.gruOutputGrad(act.values, h.values, z.values, d.values, rows!, units!, dx.values, dq.values, dh.values, dz.values);
    return [dx, dq, dh, dz];
  });
}

/** gruOutputGrad's rule written with ops (differentiable again): the kernel's formulas. */
function gruOutputGradOps(x: Tensor, q: Tensor, h: Tensor, z: Tensor, d: Tensor, units: number): [Tensor, Tensor, Tensor, Tensor] {
  const rows = h.shape[0]!;
  const hc = tanh(add(slice(x, [0, 2 * units], [rows, units]), q));
  const dhp = mul(mul(d, sub(1, z)), sub(1, mul(hc, hc)));
  const none = zeros([rows, 2 * units]);
  return [concat([none, dhp], 1), dhp, mul(d, z), mul(d, sub(h, hc))];
}

/**
 * tfjs `basicLSTMCell(forgetBias, lstmKernel, lstmBias, data, c, h)`: one step of TensorFlow's
 * BasicLSTMCell, whose kernel [inputs + units, 4·units] holds the blocks i, j (candidate), f, o
 * and whose forget gate gets forgetBias added: z = [data, h]·kernel + bias, then lstmCell's step
 * on z's blocks reordered to i, f + forgetBias, j, o (logistic gates). Returns [newC, newH].
 */
export function basicLSTMCell(forgetBias: TensorLike, lstmKernel: TensorLike, lstmBias: TensorLike, data: TensorLike, c: TensorLike, h: TensorLike): [Tensor, Tensor] {
  const op = 'basicLSTMCell';
  const [fb, kernel, bias, x, c0, h0] = [forgetBias, lstmKernel, lstmBias, data, c, h].map((t) => asTensor(t, op)) as [Tensor, Tensor, Tensor, Tensor, Tensor, Tensor];
  const rows = x.shape[0]!;
  const units = h0.shape[1]!;
  if (x.rank !== 2 || h0.rank !== 2 || c0.rank !== 2 || h0.shape[0] !== rows || c0.shape[0] !== rows || c0.shape[1] !== units) {
    throw new Error(`${op}: expected data [batch, inputs] and c, h [batch, units], got data ${fmt(x.shape)}, c ${fmt(c0.shape)}, h ${fmt(h0.shape)}`);
  }
  if (kernel.rank !== 2 || kernel.shape[0] !== x.shape[1]! + units || kernel.shape[1] !== 4 * units) {
    throw new Error(`${op}: lstmKernel must be [inputs + units, 4·units] = [${x.shape[1]! + units}, ${4 * units}], got ${fmt(kernel.shape)}`);
  }
  if (bias.size !== 4 * units) throw new Error(`${op}: lstmBias must have 4·units = ${4 * units} values, got shape ${fmt(bias.shape)}`);
  if (fb.size !== 1) throw new Error(`${op}: forgetBias must be a scalar, got shape ${fmt(fb.shape)}`);
  const z = add(matmul(concat([x, h0], 1), kernel), reshape(bias, [4 * units]));
  const block = (k: number): Tensor => slice(z, [0, k * units], [rows, units]);
  const [newH, newC] = lstmCell(concat([block(0), add(block(2), reshape(fb, [])), block(1), block(3)], 1), c0, 'sigmoid');
  return [newC, newH];
}

/** A step function of basicLSTMCell's shape: (data, c, h) → [newC, newH]. */
export type LSTMCellFunc = (data: Tensor, c: Tensor, h: Tensor) => [Tensor, Tensor];

/**
 * tfjs `multiRNNCell(lstmCells, data, c, h)`: cells stacked, each given the previous one's new
 * h as its data and its own c[i], h[i]; returns [the new c's, the new h's].
 */
export function multiRNNCell(lstmCells: readonly LSTMCellFunc[], data: TensorLike, c: readonly Tensor[], h: readonly Tensor[]): [Tensor[], Tensor[]] {
  if (!Array.isArray(lstmCells) || lstmCells.length === 0 || c.length !== lstmCells.length || h.length !== lstmCells.length) {
    throw new Error(`multiRNNCell: expected a state c[i], h[i] for each of the cells, got ${Array.isArray(lstmCells) ? lstmCells.length : 'no list of'} cells, ${c?.length} c and ${h?.length} h`);
  }
  let input = asTensor(data, 'multiRNNCell');
  const newC: Tensor[] = [];
  const newH: Tensor[] = [];
  lstmCells.forEach((cell, i) => {
    const [ci, hi] = cell(input, c[i]!, h[i]!);
    newC.push(ci);
    newH.push(hi);
    input = hi;
  });
  return [newC, newH];
}
