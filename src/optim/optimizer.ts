/**
 * The optimizer base: learning rate (a number or a schedule), gradient clipping, per-variable
 * state slots, and the two front doors: `applyGradients` (what `fit` calls) and PyTorch's
 * `step()` / `zeroGrad()` over `.grad`. A concrete optimizer writes its step's numbers
 * (`writeStepScalars`: the learning rate, a bias correction) and `applyStep`: one variable, in
 * place, as kernel calls on typed arrays, which a compiled step records once and replays.
 */
import { numberOption } from '../tensor/options.js';
import type { Buf, Tensor } from '../tensor/tensor.js';
import { getContext, variablesNamed } from '../context/context.js';
import { VARIABLES, latestGradVariable, variableGrads } from '../autograd/grad.js';
import { fmt } from '../tensor/shape.js';
import type { LearningRateSchedule } from './schedules.js';
import { constrain } from '../nn/constraints.js';

export interface OptimizerOptions {
  learningRate?: number | LearningRateSchedule;
  /** Clip each gradient to this L2 norm (Keras `clipnorm`). */
  clipNorm?: number;
  /** Clip each gradient element to [−v, v] (Keras `clipvalue`). */
  clipValue?: number;
  /** Clip all gradients together to this global L2 norm (Keras `global_clipnorm`). */
  globalClipNorm?: number;
  /** Parameters for `step()` / `zeroGrad()` in the manual loop. */
  params?: Tensor[];
}

export abstract class Optimizer {
  abstract readonly className: string;
  learningRate: number | LearningRateSchedule;
  /** Updates applied so far. */
  iterations = 0;
  readonly clipNorm: number | undefined;
  readonly clipValue: number | undefined;
  readonly globalClipNorm: number | undefined;
  params: Tensor[];
  /** The parameters the last `step(params)` updated, for `zeroGrad()` on an optimizer made without any. */
  private stepped: Tensor[] = [];
  private readonly slots = new Map<Tensor, Float32Array[]>();

  constructor(options: OptimizerOptions, defaultLearningRate: number) {
    const lr: unknown = options.learningRate ?? defaultLearningRate;
    if (typeof lr !== 'function') this.option('learningRate', lr, defaultLearningRate, (v) => v >= 0, 'a finite non-negative number or a schedule');
    this.learningRate = lr as number | LearningRateSchedule;
    const clip = (name: string, v: unknown) => (v === undefined ? undefined : this.option(name, v, 0, (x) => x > 0, 'a positive number'));
    this.clipNorm = clip('clipNorm', options.clipNorm);
    this.clipValue = clip('clipValue', options.clipValue);
    this.globalClipNorm = clip('globalClipNorm', options.globalClipNorm);
    if (options.params !== undefined && !Array.isArray(options.params)) throw new Error(`${this.constructor.name}: params must be a list of tensors, got ${typeof options.params}`);
    this.params = options.params ?? [];
  }

  /**
   * An option's value, checked where it enters: a finite number that `ok` accepts (`expected`
   * says which), else an error naming the optimizer, the option and what was given.
   */
  protected option(name: string, value: unknown, fallback: number, ok: (v: number) => boolean, expected: string): number {
    return numberOption(this.constructor.name, name, value, fallback, ok, expected);
  }

  /** Names of the per-variable state arrays this optimizer keeps. */
  protected abstract readonly slotNames: readonly string[];

  /** Initial value of a slot (zeros unless overridden). */
  protected slotInit(_slot: string): number {
    return 0;
  }

  /**
   * How many numbers an update takes per step besides the optimizer's fixed settings: the
   * learning rate (SGD, RMSprop, Adagrad, Adadelta), or what follows from it and the step count
   * (Adam: its α and ε̂).
   */
  get stepScalarCount(): number {
    return 1;
  }

  /** Writes the numbers of step `t` (counted from 1) at learning rate `lr` into `out`, `stepScalarCount` of them. */
  protected writeStepScalars(lr: number, _t: number, out: Float64Array): void {
    out[0] = lr;
  }

  /** One variable's update in place, with the step's numbers `s` (from writeStepScalars): kernel calls. */
  protected abstract applyStep(p: Buf, g: Buf, slots: Float32Array[], s: ArrayLike<number>): void;

  /** @internal Whether the update (its clipping included) can be recorded into a compiled step: false where it computes on values in plain code (AMSGrad). */
  get recordable(): boolean {
    return true;
  }

  /** The step's numbers for applyGradients (the most any optimizer takes: AdamW's 3). */
  private readonly scalars = new Float64Array(4);

  /**
   * @internal For a compiled step that records the update: the kernel calls of one update of
   * `pairs`, with stand-ins `s` for the step's numbers (the program fills in the real ones each
   * step, from `nextStepScalars`). Counts no iteration.
   */
  recordUpdate(pairs: ReadonlyArray<readonly [Tensor, Tensor]>, s: ArrayLike<number>): void {
    const clipped = this.clipped(pairs);
    pairs.forEach(([p, g], i) => {
      this.applyStep(p.values, clipped === null ? g.values : clipped[i]!, this.slotsFor(p), s);
      constrain(p);
    });
  }

  /** @internal The next update's numbers (as writeStepScalars), for a compiled step's replay; `stepDone` then counts it. */
  nextStepScalars(out: Float64Array): void {
    this.writeStepScalars(this.currentLearningRate(), this.iterations + 1, out);
  }

  /** @internal Counts an update a compiled step made. */
  stepDone(): void {
    this.iterations++;
  }

  /** The learning rate the next update will use. */
  currentLearningRate(): number {
    const lr = this.learningRate;
    return typeof lr === 'number' ? lr : lr(this.iterations);
  }

  /**
   * Applies one update from (parameter, gradient) pairs, or from tfjs's forms: a map of
   * gradients keyed by variable name (what `variableGrads` gives) or a list of {name, tensor};
   * counts one iteration.
   */
  applyGradients(grads: ReadonlyArray<readonly [Tensor, Tensor]> | Record<string, Tensor> | ReadonlyArray<{ name: string; tensor: Tensor }>): void {
    const pairs = gradientPairsOf(grads, this.className);
    const clipped = this.clipped(pairs);
    this.nextStepScalars(this.scalars);
    for (let i = 0; i < pairs.length; i++) {
      const [p, grad] = pairs[i]!;
      const g = clipped === null ? grad.values : clipped[i]!;
      if (g.length !== p.size) throw new Error(`${this.className}: gradient of ${p.name ?? 'a parameter'} has ${g.length} values, parameter shape ${fmt(p.shape)} needs ${p.size}`);
      this.applyStep(p.values, g, this.slotsFor(p), this.scalars);
      // A weight's constraint (a layer's kernelConstraint) projects it after its update, as Keras's optimizers do.
      constrain(p);
    }
    this.stepDone();
  }

  /**
   * tfjs `optimizer.minimize(f, returnCost, varList)`: one update of the trainable variables `f`
   * uses (or `varList`) down the gradient of its scalar result; returns the cost when asked.
   */
  minimize(f: () => Tensor, returnCost = false, varList?: Tensor[]): Tensor | null {
    const { value, grads } = variableGrads(f, varList);
    this.applyGradients(grads);
    return returnCost ? value : null;
  }

  /** PyTorch `optimizer.step()`: updates every parameter that has a `.grad`. */
  step(params: Tensor[] = this.params): void {
    if (params.length === 0) throw new Error(`${this.className}.step: no parameters; pass them as {params: model.trainableWeights} or to step(params)`);
    this.stepped = params;
    this.applyGradients(params.filter((p) => p.grad !== null).map((p) => [p, p.grad!] as const));
  }

  /**
   * PyTorch `optimizer.zero_grad()`: clears `.grad` of the parameters — those given, else the
   * optimizer's `params`, else the ones its last `step(params)` updated (so a loop that passes
   * the parameters to `step` only still starts each step from zero).
   */
  zeroGrad(params: Tensor[] = this.params.length > 0 ? this.params : this.stepped): void {
    for (const p of params) p.grad = null;
  }

  /**
   * Per-variable state, in slot order (for saving and exact resumption). Kept where the
   * backend's kernels use it in place (WebAssembly memory) when it has such memory.
   */
  slotsFor(p: Tensor): Float32Array[] {
    let s = this.slots.get(p);
    if (s === undefined) {
      const backend = getContext().backend;
      s = this.slotNames.map((name) => (backend.allocResident?.(p.size) ?? new Float32Array(p.size)).fill(this.slotInit(name)));
      this.slots.set(p, s);
    }
    return s;
  }

  /**
   * The gradients the update takes, clipped as the options say — clipValue per element,
   * clipNorm per gradient, globalClipNorm all together — with kernel calls, so a compiled step
   * records the clipping with the update; null without clipping (the gradients are used as they
   * are: no copies, no per-step arrays). A norm is the square root of the float32 squares' sum;
   * a gradient over its limit is scaled by limit / norm.
   */
  private clipped(pairs: ReadonlyArray<readonly [Tensor, Tensor]>): Buf[] | null {
    if (this.clipNorm === undefined && this.clipValue === undefined && this.globalClipNorm === undefined) return null;
    const { kernels: k, alloc } = getContext().backend;
    const like = (g: Buf, n = g.length): Buf => alloc(n, g instanceof Float64Array ? 'float64' : 'float32');
    const scalar = (g: Buf, v: number): Buf => {
      const s = like(g, 1);
      s[0] = v;
      return s;
    };
    const squaredNorm = (g: Buf): Buf => {
      const sq = like(g);
      k.mul(g, [g.length], g, [g.length], sq, [g.length]);
      const s = like(g, 1);
      k.sum(sq, [g.length], [0], s);
      return s;
    };
    // Each g times limit / max(√s, limit): 1 when the norm is within the limit.
    const scaledTo = (gs: Buf[], s: Buf, limit: number): Buf[] => {
      const norm = like(s, 1);
      k.sqrt(s, norm);
      const over = like(s, 1);
      k.maximum(norm, [], scalar(s, limit), [], over, []);
      const f = like(s, 1);
      k.div(scalar(s, limit), [], over, [], f, []);
      return gs.map((g) => {
        const out = like(g);
        k.mul(g, [g.length], f, [], out, [g.length]);
        return out;
      });
    };
    let gs: Buf[] = pairs.map(([, g]) => g.values);
    const v = this.clipValue;
    if (v !== undefined) {
      gs = gs.map((g) => {
        const low = like(g);
        k.maximum(g, [g.length], scalar(g, -v), [], low, [g.length]);
        const out = like(g);
        k.minimum(low, [g.length], scalar(g, v), [], out, [g.length]);
        return out;
      });
    }
    const clipNorm = this.clipNorm;
    if (clipNorm !== undefined) gs = gs.map((g) => scaledTo([g], squaredNorm(g), clipNorm)[0]!);
    if (this.globalClipNorm !== undefined && gs.length > 0) {
      let total = squaredNorm(gs[0]!);
      for (let i = 1; i < gs.length; i++) {
        const t = like(total, 1);
        k.add(total, [], squaredNorm(gs[i]!), [], t, []);
        total = t;
      }
      gs = scaledTo(gs, total, this.globalClipNorm);
    }
    return gs;
  }

  /** Serializable settings (Keras `get_config`). */
  getConfig(): Record<string, unknown> {
    const lr = this.learningRate;
    return {
      learningRate: typeof lr === 'number' ? lr : lr.config,
      ...(this.clipNorm === undefined ? {} : { clipNorm: this.clipNorm }),
      ...(this.clipValue === undefined ? {} : { clipValue: this.clipValue }),
      ...(this.globalClipNorm === undefined ? {} : { globalClipNorm: this.globalClipNorm }),
    };
  }
}

/** (variable, gradient) pairs from any of applyGradients's forms. */
function gradientPairsOf(grads: ReadonlyArray<readonly [Tensor, Tensor]> | Record<string, Tensor> | ReadonlyArray<{ name: string; tensor: Tensor }>, who: string): ReadonlyArray<readonly [Tensor, Tensor]> {
  if (Array.isArray(grads)) {
    if (grads.length === 0 || Array.isArray(grads[0])) return grads as ReadonlyArray<readonly [Tensor, Tensor]>;
    return (grads as ReadonlyArray<{ name: string; tensor: Tensor }>).map((g) => [variableNamed(g.name, null, who), g.tensor] as const);
  }
  const map = grads as Record<string, Tensor>;
  const own = (map as { [VARIABLES]?: Map<string, Tensor> })[VARIABLES] ?? null;
  return Object.keys(map).map((name) => [variableNamed(name, own, who), map[name]!] as const);
}

function variableNamed(name: string, own: Map<string, Tensor> | null, who: string): Tensor {
  const mine = own?.get(name) ?? latestGradVariable(name);
  if (mine !== undefined) return mine;
  const found = variablesNamed(name);
  if (found.length === 0) throw new Error(`${who}.applyGradients: no variable named '${name}' (gradients by name need variables made with variable(x, trainable, name), layer weights, or the map variableGrads returns)`);
  if (found.length > 1) throw new Error(`${who}.applyGradients: ${found.length} live variables are named '${name}' (layers of different models); pass the map variableGrads returns, or [variable, gradient] pairs`);
  return found[0]!;
}
