/**
 * Recurrent layers over [batch, time, features], as in TensorFlow.js (its defaults: glorotNormal
 * kernels, orthogonal recurrent kernels, hardSigmoid gates) and Keras (its gate layouts, so
 * weights load both ways): SimpleRNN, LSTM (gates i, f, c, o), GRU (gates z, r, h; `resetAfter`
 * for Keras's default layout with separate input and recurrent biases).
 *
 * Written with ops, unrolled over time: the input product for every step is one matrix product
 * [batch·time, features]·kernel before the loop; each step then adds h·recurrentKernel and
 * applies the gates. A compiled step records the unrolled loop once per batch size.
 */
import { gruCell, gruGates, gruOutput, lstmCell } from '../ops/recurrent.js';
import { getContext, noGrad } from '../context/context.js';
import { randomUniform, zeros } from '../ops/creation.js';
import { add, mul, sub } from '../ops/elementwise.js';
import { dropoutMask } from '../ops/extended.js';
import { assignValues, reshape, slice, stack, unstack } from '../ops/layout.js';
import { matmul } from '../ops/matmul.js';
import { fmt, sameShape } from '../tensor/shape.js';
import type { Tensor } from '../tensor/tensor.js';
import { type ActivationIdentifier, activationName, getActivation } from './activations.js';
import type { Gate } from '../backends/backend.js';
import { type InitializerIdentifier, getInitializer } from './initializers.js';
import { type Applied, type CallOptions, Layer, type LayerArgs, type OutputKind, type SymbolicShape, formatShape } from './layer.js';
import type { SymbolicTensor } from './symbolic.js';
import type { RegularizerIdentifier } from './regularizers.js';
import type { ConstraintIdentifier } from './constraints.js';

export interface RecurrentConfig extends LayerArgs {
  /** Size of the state (and output). */
  units: number;
  /** Default 'tanh'. */
  activation?: ActivationIdentifier;
  /** LSTM and GRU gates; default 'hardSigmoid' (TensorFlow.js; Keras 2.3+ uses 'sigmoid'). */
  recurrentActivation?: ActivationIdentifier;
  /** Default true. */
  useBias?: boolean;
  /** Default 'glorotNormal' (TensorFlow.js). */
  kernelInitializer?: InitializerIdentifier;
  /** Default 'orthogonal'. */
  recurrentInitializer?: InitializerIdentifier;
  /** Default 'zeros'. */
  biasInitializer?: InitializerIdentifier;
  kernelRegularizer?: RegularizerIdentifier;
  /** Applied after each update (Keras's kernel_constraint). */
  kernelConstraint?: ConstraintIdentifier | null;
  recurrentRegularizer?: RegularizerIdentifier;
  /** Applied after each update (Keras's recurrent_constraint). */
  recurrentConstraint?: ConstraintIdentifier | null;
  biasRegularizer?: RegularizerIdentifier;
  /** Applied after each update (Keras's bias_constraint). */
  biasConstraint?: ConstraintIdentifier | null;
  /** LSTM: forget-gate bias starts at 1 (default false, as TensorFlow.js). */
  unitForgetBias?: boolean;
  /** GRU: apply the reset gate after the recurrent product (Keras's default layout; bias [2, 3·units]). Default false. */
  resetAfter?: boolean;
  /** The whole output sequence [batch, time, units] instead of the last output. Default false. */
  returnSequences?: boolean;
  /** Read the sequence from its end (the output sequence is then in that order too). Default false. */
  goBackwards?: boolean;
  /** Fraction of the inputs dropped in training (one mask for every step). */
  dropout?: number;
  /** Fraction of the state dropped before the recurrent product in training (one mask for every step). */
  recurrentDropout?: number;
  /** Carry the final state into the next call (or batch), for the batch size the model declares, until resetStates(). Default false. */
  stateful?: boolean;
  /** Also give the final state: [output, h] ([output, h, c] for LSTM). Default false. */
  returnState?: boolean;
  /** Accepted for compatibility; every implementation computes the same. */
  implementation?: number;
  /** Keras: rolled or unrolled; both compute the same here. */
  unroll?: boolean;
}

/** The state a cell carries from step to step. */
interface State {
  h: Tensor;
  c: Tensor | null;
}

/** Options of a recurrent layer's call: tfjs's `initialState`, beside `training`. */
export interface RecurrentCallOptions extends CallOptions {
  /** The state to start from: [h] ([h, c] for LSTM), each [batch, units]. */
  initialState?: Tensor[] | SymbolicTensor[];
}

/** A recurrent config's output kind: the list [output, ...states] with `returnState: true`, one without, either when not known. */
export type StateKind<C> = [StateOf<C>] extends [never] ? 'one' : [StateOf<C>] extends [true] ? 'list' : [StateOf<C>] extends [false] ? 'one' : 'either';
type StateOf<C> = 'returnState' extends keyof C ? Exclude<C['returnState' & keyof C], undefined> : never;

abstract class Recurrent<K extends OutputKind = 'either'> extends Layer<RecurrentConfig> {
  /** Type-level only (see OutputKind): with returnState, `apply` gives [output, ...states]. */
  declare readonly outputKind: K;
  protected override readonly listOptional = true;
  /** Gate blocks in the kernel: 1 (SimpleRNN), 3 (GRU), 4 (LSTM). */
  protected abstract readonly gates: number;
  kernel: Tensor | null = null;
  recurrentKernel: Tensor | null = null;
  bias: Tensor | null = null;
  /** A stateful layer's state between calls ([h], or [h, c] for LSTM, each [batch, units]); made at the first call. */
  private kept: Tensor[] | null = null;

  /**
   * The gate activation of the fused cells (ops/recurrent.ts: one kernel each way, a GRU resetting
   * before its product two, around it) where the layer's activations are theirs: tanh with
   * sigmoid gates (Keras's defaults) or hardSigmoid gates (tfjs's); null for any other pair,
   * which steps through the composed ops. Named once here, not at every step.
   */
  protected readonly fusedGate: Gate | null;

  constructor(config: RecurrentConfig, protected readonly kind: string) {
    super(config);
    if (!Number.isInteger(config.units) || config.units < 1) throw new Error(`${kind}: units must be a positive integer, got ${config.units}`);
    for (const key of ['dropout', 'recurrentDropout'] as const) {
      const v = config[key] ?? 0;
      if (!(v >= 0 && v < 1)) throw new Error(`${kind}: ${key} must be in [0, 1), got ${v}`);
    }
    getActivation(config.activation);
    getActivation(config.recurrentActivation ?? 'hardSigmoid');
    const gate = activationName(config.recurrentActivation ?? 'hardSigmoid');
    this.fusedGate = activationName(config.activation ?? 'tanh') === 'tanh' && (gate === 'sigmoid' || gate === 'hardSigmoid') ? gate : null;
  }

  /** The size of the state and output (tfjs's `layer.units`). */
  get units(): number {
    return this.config.units;
  }

  protected act(x: Tensor): Tensor {
    return getActivation(this.config.activation ?? 'tanh')(x);
  }

  protected gate(x: Tensor): Tensor {
    return getActivation(this.config.recurrentActivation ?? 'hardSigmoid')(x);
  }

  override build(input: SymbolicShape | SymbolicShape[]): void {
    const inputShape = (Array.isArray(input[0]) ? input[0] : input) as SymbolicShape;
    const c = this.config;
    this.buildWeights(inputShape);
    if (c.useBias ?? true) this.bias = this.addWeight('bias', this.biasShape(), this.biasInitializer(), { regularizer: c.biasRegularizer, constraint: c.biasConstraint });
    if (c.stateful === true) {
      // Made here, before any training step is compiled, so a compiled step updates these very buffers.
      const batch = inputShape[0] ?? this.batchInputShape?.[0] ?? null;
      if (batch === null) {
        throw new Error(`${this.kind}: a stateful layer needs to know its batch size: give the model's first layer batchInputShape [batch, …] (or batchSize), as tfjs requires`);
      }
      const shape = this.stateShapeOf([batch, ...inputShape.slice(1)]);
      if (shape.some((d) => d === null)) throw new Error(`${this.kind}: a stateful layer needs to know its state's shape, got ${formatShape(shape)} from the input shape ${formatShape(inputShape)}`);
      this.kept = Array.from({ length: this.stateCount }, () => zeros(shape as number[]));
    }
    this.built = true;
  }

  /** The kernel [features, gates·units] and recurrent kernel [units, gates·units] for input of `inputShape`. */
  protected buildWeights(inputShape: SymbolicShape): void {
    if (inputShape.length !== 3) throw new Error(`${this.kind}: expected input of rank 3 (batch, time, features), got shape ${formatShape(inputShape)}`);
    const f = inputShape[2];
    if (f === null || f === undefined) throw new Error(`${this.kind}: the feature dimension of the input shape ${formatShape(inputShape)} must be known to build the layer`);
    const c = this.config;
    const width = this.gates * this.units;
    this.kernel = this.addWeight('kernel', [f, width], c.kernelInitializer ?? 'glorotNormal', { regularizer: c.kernelRegularizer, constraint: c.kernelConstraint });
    this.recurrentKernel = this.addWeight('recurrent_kernel', [this.units, width], c.recurrentInitializer ?? 'orthogonal', { regularizer: c.recurrentRegularizer, constraint: c.recurrentConstraint });
  }

  /** The shape of each state for input of `inputShape` [batch, time, …]: [batch, units]. */
  protected stateShapeOf(inputShape: SymbolicShape): SymbolicShape {
    return [inputShape[0] ?? null, this.units];
  }

  /** The state's shape in words, for messages. */
  protected get stateLabel(): string {
    return `[batch, ${this.units}]`;
  }

  /** Refuses input the kernel cannot take. */
  protected checkInput(x: Tensor): void {
    if (x.rank !== 3 || x.shape[2] !== this.kernel!.shape[0]) {
      throw new Error(`${this.kind}: expected input of shape [batch, time, ${this.kernel!.shape[0]}], got ${fmt(x.shape)}`);
    }
  }

  /** Every step's input product x·kernel + bias at once: [batch, time, gates·units]. */
  protected projectInput(x: Tensor): Tensor {
    const [batch, time, features] = x.shape as [number, number, number];
    let xw = matmul(reshape(x, [batch * time, features]), this.kernel!);
    const b = this.inputBias();
    if (b !== null) xw = add(xw, b);
    return reshape(xw, [batch, time, this.gates * this.units]);
  }

  /** The state's product with the recurrent kernel. */
  protected recurrentProduct(h: Tensor): Tensor {
    return matmul(h, this.recurrentKernel!);
  }

  protected biasShape(): number[] {
    return [this.gates * this.units];
  }

  protected biasInitializer(): InitializerIdentifier {
    return this.config.biasInitializer ?? 'zeros';
  }

  /** The input-side bias added to x·kernel for every step (GRU with resetAfter has two rows). */
  protected inputBias(): Tensor | null {
    return this.bias;
  }

  /** One step: `xt` is this step's x·kernel + bias [batch, gates·units], `hr` the (dropped-out) state. */
  protected abstract step(xt: Tensor, state: State, hr: Tensor): State;

  protected initialState(shape: number[]): State {
    return { h: zeros(shape), c: null };
  }

  /** A dropout mask for `shape`, scaled by 1/(1 − rate), drawn from the context's generator. */
  private mask(shape: number[], rate: number): Tensor {
    return dropoutMask(randomUniform(shape, 0, 1, { rng: getContext().rng }), rate);
  }

  /** The number of state tensors: 1 (h), 2 for LSTM (h, c). */
  protected get stateCount(): number {
    return 1;
  }

  /**
   * Applies the layer; `initialState` (tfjs's keyword) becomes extra inputs after the sequence,
   * as tfjs and Keras record it in the graph, so a file names them as the node's inputs.
   */
  override apply<L>(this: L, x: Tensor, options?: RecurrentCallOptions): Applied<L, Tensor>;
  override apply<L>(this: L, x: SymbolicTensor, options?: RecurrentCallOptions): Applied<L, SymbolicTensor>;
  override apply(x: Tensor[], options?: RecurrentCallOptions): Tensor | Tensor[];
  override apply(x: SymbolicTensor[], options?: RecurrentCallOptions): SymbolicTensor | SymbolicTensor[];
  override apply(x: Tensor | Tensor[] | SymbolicTensor | SymbolicTensor[], options: RecurrentCallOptions = {}): Tensor | Tensor[] | SymbolicTensor | SymbolicTensor[] {
    const { initialState, ...rest } = options;
    const list = initialState === undefined ? x : [...(Array.isArray(x) ? x : [x]), ...initialState];
    return super.apply(list as Tensor[], rest);
  }

  call(input: Tensor | Tensor[], options: CallOptions): Tensor | Tensor[] {
    const [x, ...given] = Array.isArray(input) ? input : [input];
    if (x === undefined) throw new Error(`${this.kind}: no input`);
    this.checkInput(x);
    const [batch, time] = x.shape as [number, number];
    if (time === 0) throw new Error(`${this.kind}: the input has no time steps (shape ${fmt(x.shape)})`);
    const training = options.training ?? false;
    const c = this.config;
    const dropped = training && (c.dropout ?? 0) > 0 ? mul(x, this.mask([batch, 1, ...x.shape.slice(2)], c.dropout!)) : x;
    const steps = unstack(this.projectInput(dropped), 1);
    const stateShape = this.stateShapeOf(x.shape) as number[];
    const recurrentMask = training && (c.recurrentDropout ?? 0) > 0 ? this.mask(stateShape, c.recurrentDropout!) : null;
    let state = this.initialState(stateShape);
    if (given.length > 0) {
      if (given.length !== this.stateCount) throw new Error(`${this.kind}: initialState must be ${this.stateCount === 2 ? '[h, c]' : '[h]'} (${this.stateCount} tensor${this.stateCount === 1 ? '' : 's'} of shape ${this.stateLabel}), got ${given.length}`);
      for (const s of given) {
        if (!sameShape(s.shape, stateShape)) throw new Error(`${this.kind}: each initial state must have shape [${stateShape.join(', ')}], got ${fmt(s.shape)}`);
      }
      state = { h: given[0]!, c: given[1] ?? null };
    } else if (c.stateful === true) {
      if (this.kept === null) throw new Error(`${this.kind}: a stateful layer must be built before it is called`);
      const keptBatch = this.kept[0]!.shape[0]!;
      if (keptBatch !== batch) throw new Error(`${this.kind}: this stateful layer keeps the state of batches of ${keptBatch}; got a batch of ${batch} (every batch must have the same size: give fit and predict batchSize ${keptBatch})`);
      // Copies: the kept buffers are overwritten at the end of this call, and the graph needs the values it started from.
      state = { h: add(this.kept[0]!, 0), c: this.kept[1] === undefined ? null : add(this.kept[1], 0) };
    }
    // A masked step (mask 0) keeps the state, and its output is the state kept, as tfjs does.
    const mask = options.mask ?? null;
    if (mask !== null && (mask.rank !== 2 || mask.shape[0] !== batch || mask.shape[1] !== time)) {
      throw new Error(`${this.kind}: the input's mask must have shape [${batch}, ${time}] (batch, time), got ${fmt(mask.shape)}`);
    }
    // One mask value per sample, broadcast over the state's other axes.
    const stepMasks = mask === null ? null : unstack(reshape(mask, [batch, time, ...stateShape.slice(1).map(() => 1)]), 1);
    const keep = (m: Tensor, next: Tensor, prev: Tensor): Tensor => add(mul(next, m), mul(prev, sub(1, m)));
    const outputs: Tensor[] = [];
    for (let s = 0; s < time; s++) {
      const t = c.goBackwards === true ? time - 1 - s : s;
      const next = this.step(steps[t]!, state, recurrentMask === null ? state.h : mul(state.h, recurrentMask));
      const m = stepMasks?.[t];
      state = m === undefined ? next : { h: keep(m, next.h, state.h), c: next.c === null ? null : keep(m, next.c, state.c!) };
      if (c.returnSequences === true) outputs.push(state.h);
    }
    const output = c.returnSequences === true ? stack(outputs, 1) : state.h;
    if (c.stateful === true && given.length === 0) {
      const last = state;
      noGrad(() => {
        assignValues(this.kept![0]!, last.h);
        if (last.c !== null) assignValues(this.kept![1]!, last.c);
      });
    }
    if (c.returnState !== true) return output;
    return state.c === null ? [output, state.h] : [output, state.h, state.c];
  }

  /**
   * A stateful layer's state back to zeros, or to `states` ([h], [h, c] for LSTM, each
   * [batch, units]); Keras's and tfjs's `resetStates`.
   */
  resetStates(states?: Tensor[]): void {
    if (this.config.stateful !== true) throw new Error(`${this.kind}: resetStates is for stateful layers (stateful: true)`);
    if (states !== undefined) {
      const first = states[0]?.shape ?? [];
      const fits = (t: Tensor): boolean => sameShape(t.shape, first) && t.shape[t.rank - 1] === this.units && (this.kept === null ? t.rank === 2 : sameShape(t.shape.slice(1), this.kept[0]!.shape.slice(1)));
      if (states.length !== this.stateCount || !states.every(fits)) {
        throw new Error(`${this.kind}: resetStates takes ${this.stateCount === 2 ? '[h, c]' : '[h]'}, each ${this.stateLabel}, got ${states.map((t) => fmt(t.shape)).join(', ') || 'none'}`);
      }
      if (this.kept === null || this.kept[0]!.shape[0] !== first[0]) this.kept = states.map(() => zeros(first));
      noGrad(() => this.kept!.forEach((k, i) => assignValues(k, states[i]!)));
      return;
    }
    if (this.kept !== null) noGrad(() => this.kept!.forEach((k) => assignValues(k, zeros(k.shape))));
  }

  /** The sequence's mask when the output is a sequence; a last state carries none. */
  override computeMask(_x: Tensor | Tensor[], mask: Tensor | null): Tensor | null {
    return this.config.returnSequences === true ? mask : null;
  }

  override computeOutputShape(input: SymbolicShape | SymbolicShape[]): SymbolicShape | SymbolicShape[] {
    const inputShape = (Array.isArray(input[0]) ? input[0] : input) as SymbolicShape;
    const state = this.stateShapeOf(inputShape);
    const out: SymbolicShape = this.config.returnSequences === true ? [state[0] ?? null, inputShape[1] ?? null, ...state.slice(1)] : state;
    if (this.config.returnState !== true) return out;
    return [out, ...Array.from({ length: this.stateCount }, () => state)];
  }
}

/** The gates of a [batch, …, n·units] tensor: n blocks of units along the last axis (one op; its gradient one stack). */
function blocks(z: Tensor, n: number, units: number): Tensor[] {
  const lead = z.shape.slice(0, -1);
  return unstack(reshape(z, [...lead, n, units]), lead.length);
}

/** Keras `SimpleRNN`: h = activation(x·W + h·U + b). */
export class SimpleRNN<const C extends RecurrentConfig = RecurrentConfig> extends Recurrent<StateKind<C>> {
  readonly className = 'SimpleRNN';
  protected readonly gates = 1;
  constructor(config: C) {
    super(config, 'simpleRNN');
  }
  protected step(xt: Tensor, _state: State, hr: Tensor): State {
    return { h: this.act(add(xt, this.recurrentProduct(hr))), c: null };
  }
}

/**
 * Keras `LSTM`: z = x·W + h·U + b split into gates i, f, g, o;
 * c = σ(f)·c + σ(i)·tanh(g), h = σ(o)·tanh(c) (σ the recurrent activation).
 */
export class LSTM<const C extends RecurrentConfig = RecurrentConfig> extends Recurrent<StateKind<C>> {
  readonly className: string = 'LSTM';
  protected readonly gates = 4;
  protected override get stateCount(): number {
    return 2;
  }
  constructor(config: C, kind = 'lstm') {
    super(config, kind);
  }
  protected override biasInitializer(): InitializerIdentifier {
    const base = super.biasInitializer();
    if (this.config.unitForgetBias !== true) return base;
    // The bias initializer's values with the forget gate's block at 1.
    const units = this.units;
    const inner = getInitializer(base);
    return {
      name: 'unitForgetBias', config: {},
      init: (shape, rng) => {
        const values = inner.init(shape, rng);
        values.fill(1, units, 2 * units);
        return values;
      },
    };
  }
  protected override initialState(shape: number[]): State {
    return { h: zeros(shape), c: zeros(shape) };
  }
  protected step(xt: Tensor, state: State, hr: Tensor): State {
    const u = this.units;
    const z = add(xt, this.recurrentProduct(hr));
    if (this.fusedGate !== null) {
      // The cell is elementwise per position: a state of more axes (ConvLSTM2D's) runs as rows.
      const shape = state.c!.shape;
      if (shape.length === 2) {
        const [h, c] = lstmCell(z, state.c!, this.fusedGate);
        return { h, c };
      }
      const rows = state.c!.size / u;
      const [h, c] = lstmCell(reshape(z, [rows, 4 * u]), reshape(state.c!, [rows, u]), this.fusedGate);
      return { h: reshape(h, shape), c: reshape(c, shape) };
    }
    const [zi, zf, zg, zo] = blocks(z, 4, u) as [Tensor, Tensor, Tensor, Tensor];
    const i = this.gate(zi);
    const f = this.gate(zf);
    const c = add(mul(f, state.c!), mul(i, this.act(zg)));
    const o = this.gate(zo);
    return { h: mul(o, this.act(c)), c };
  }
}

/**
 * Keras `GRU`, gates z (update), r (reset), h (candidate):
 * z = σ(x_z + h·U_z), r = σ(x_r + h·U_r), ĥ = tanh(x_h + (r·h)·U_h), h = z·h + (1 − z)·ĥ;
 * with `resetAfter`, ĥ = tanh(x_h + r·(h·U_h + b_rh)) and the bias is [2, 3·units] (input, recurrent).
 */
export class GRU<const C extends RecurrentConfig = RecurrentConfig> extends Recurrent<StateKind<C>> {
  readonly className = 'GRU';
  protected readonly gates = 3;
  constructor(config: C) {
    super(config, 'gru');
  }
  protected override biasShape(): number[] {
    return this.config.resetAfter === true ? [2, 3 * this.units] : [3 * this.units];
  }
  protected override inputBias(): Tensor | null {
    if (this.bias === null || this.config.resetAfter !== true) return this.bias;
    return reshape(slice(this.bias, [0, 0], [1, 3 * this.units]), [3 * this.units]);
  }

  /** The recurrent kernel's blocks and recurrent bias, cut once per call rather than once per step. */
  private parts: { zr: Tensor; h: Tensor; recurrentBias: Tensor | null } | null = null;

  override call(x: Tensor | Tensor[], options: CallOptions): Tensor | Tensor[] {
    const u = this.units;
    const U = this.recurrentKernel!;
    const after = this.config.resetAfter === true;
    this.parts = {
      zr: after ? U : slice(U, [0, 0], [u, 2 * u]),
      h: after ? U : slice(U, [0, 2 * u], [u, u]),
      recurrentBias: after && this.bias !== null ? reshape(slice(this.bias, [1, 0], [1, 3 * u]), [3 * u]) : null,
    };
    try {
      return super.call(x, options);
    } finally {
      this.parts = null;
    }
  }
  protected step(xt: Tensor, state: State, hr: Tensor): State {
    const u = this.units;
    const p = this.parts!;
    const h = state.h;
    let z: Tensor;
    let r: Tensor;
    let candidate: Tensor;
    if (this.config.resetAfter === true) {
      let inner = matmul(hr, p.zr);
      if (p.recurrentBias !== null) inner = add(inner, p.recurrentBias);
      if (this.fusedGate !== null) return { h: gruCell(xt, inner, h, this.fusedGate), c: null };
      const [xz, xr, xh] = blocks(xt, 3, u) as [Tensor, Tensor, Tensor];
      const [iz, ir, ih] = blocks(inner, 3, u) as [Tensor, Tensor, Tensor];
      z = this.gate(add(xz, iz));
      r = this.gate(add(xr, ir));
      candidate = this.act(add(xh, mul(r, ih)));
    } else {
      if (this.fusedGate !== null) {
        const [zg, rh] = gruGates(xt, matmul(hr, p.zr), hr, this.fusedGate);
        return { h: gruOutput(xt, matmul(rh, p.h), h, zg), c: null };
      }
      const [xz, xr, xh] = blocks(xt, 3, u) as [Tensor, Tensor, Tensor];
      const [iz, ir] = blocks(matmul(hr, p.zr), 2, u) as [Tensor, Tensor];
      z = this.gate(add(xz, iz));
      r = this.gate(add(xr, ir));
      candidate = this.act(add(xh, matmul(mul(r, hr), p.h)));
    }
    return { h: add(mul(z, h), mul(sub(1, z), candidate)), c: null };
  }
}
