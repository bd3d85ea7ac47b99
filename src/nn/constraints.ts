/**
 * Weight constraints (Keras's and tfjs's `kernelConstraint`, `biasConstraint`, …): a projection
 * applied to a weight after each optimizer update, w ← c(w). The maths are Keras's:
 * - maxNorm: norms ‖w‖ along `axis` clipped to at most maxValue, w · clip(‖w‖, 0, max) / (ε + ‖w‖);
 * - minMaxNorm: w · (rate·clip(‖w‖, min, max) + (1 − rate)·‖w‖) / (ε + ‖w‖);
 * - unitNorm: w / (ε + ‖w‖);
 * - nonNeg: w where w ≥ 0, else 0;
 * with ε = 1e-7 and `axis` 0 by default (a Dense kernel [in, out]: each unit's incoming weights).
 * The optimizer applies the constraint of each weight it updates (`constrain`), in the eager
 * step and inside a compiled one alike: the same ops, recorded.
 */
import { getContext, noGrad } from '../context/context.js';
import { add, clip, div, greaterEqual, mul, sqrt, square, where } from '../ops/elementwise.js';
import { sum } from '../ops/reduce.js';
import type { Tensor } from '../tensor/tensor.js';
import { optional } from '../tensor/options.js';
import { lookup } from './names.js';

const EPSILON = 1e-7;

export interface Constraint {
  /** tfjs's and Keras's class name ('MaxNorm', …), as files carry it. */
  readonly className: string;
  /** The settings, in tfjs's camelCase (files carry Keras's snake_case). */
  readonly config: Readonly<Record<string, number | number[]>>;
  /** The projected weight (a new tensor). */
  apply(w: Tensor): Tensor;
}

type Axis = number | number[];

function norms(w: Tensor, axis: Axis): Tensor {
  return sqrt(sum(square(w), axis, true));
}

function checkAxis(axis: Axis, kind: string): Axis {
  const ok = (a: unknown): boolean => Number.isInteger(a);
  if (!(ok(axis) || (Array.isArray(axis) && axis.length > 0 && axis.every(ok)))) throw new Error(`${kind}: axis must be an integer or a list of them, got ${JSON.stringify(axis)}`);
  return axis;
}

function positive(v: number, what: string, kind: string): number {
  if (!Number.isFinite(v) || v < 0) throw new Error(`${kind}: ${what} must be a finite number ≥ 0, got ${v}`);
  return v;
}

/** Each slice along `axis` scaled to a norm of at most `maxValue` (default 2). */
export function maxNorm(config: { maxValue?: number; axis?: Axis } = {}): Constraint {
  const maxValue = positive(config.maxValue ?? 2, 'maxValue', 'maxNorm');
  const axis = checkAxis(config.axis ?? 0, 'maxNorm');
  return {
    className: 'MaxNorm',
    config: { maxValue, axis },
    apply: (w) => {
      const n = norms(w, axis);
      return mul(w, div(clip(n, 0, maxValue), add(n, EPSILON)));
    },
  };
}

/** Each slice's norm moved into [minValue, maxValue] (defaults 0 and 1), at `rate` (default 1: all the way). */
export function minMaxNorm(config: { minValue?: number; maxValue?: number; rate?: number; axis?: Axis } = {}): Constraint {
  const minValue = positive(config.minValue ?? 0, 'minValue', 'minMaxNorm');
  const maxValue = positive(config.maxValue ?? 1, 'maxValue', 'minMaxNorm');
  if (minValue > maxValue) throw new Error(`minMaxNorm: minValue (${minValue}) must not exceed maxValue (${maxValue})`);
  const rate = positive(config.rate ?? 1, 'rate', 'minMaxNorm');
  const axis = checkAxis(config.axis ?? 0, 'minMaxNorm');
  return {
    className: 'MinMaxNorm',
    config: { minValue, maxValue, rate, axis },
    apply: (w) => {
      const n = norms(w, axis);
      const desired = add(mul(clip(n, minValue, maxValue), rate), mul(n, 1 - rate));
      return mul(w, div(desired, add(n, EPSILON)));
    },
  };
}

/** Each slice along `axis` scaled to norm 1. */
export function unitNorm(config: { axis?: Axis } = {}): Constraint {
  const axis = checkAxis(config.axis ?? 0, 'unitNorm');
  return { className: 'UnitNorm', config: { axis }, apply: (w) => div(w, add(norms(w, axis), EPSILON)) };
}

/** Negative weights set to 0. */
export function nonNeg(): Constraint {
  return { className: 'NonNeg', config: {}, apply: (w) => where(greaterEqual(w, 0), w, 0) };
}

/** tfjs's `tf.constraints`: the factories. */
export const constraints = { maxNorm, minMaxNorm, nonNeg, unitNorm };

const CONSTRAINT_TABLE = {
  maxNorm: () => maxNorm(),
  minMaxNorm: () => minMaxNorm(),
  nonNeg: () => nonNeg(),
  unitNorm: () => unitNorm(),
} satisfies Record<string, () => Constraint>;

/** A constraint by name with its defaults: 'maxNorm', 'minMaxNorm', 'nonNeg', 'unitNorm' (Keras: 'max_norm', …). */
export type ConstraintName = keyof typeof CONSTRAINT_TABLE | 'max_norm' | 'min_max_norm' | 'non_neg' | 'unit_norm';
export type ConstraintIdentifier = ConstraintName | Constraint;

/** A constraint from a name or object; `null` and `undefined` are none (tfjs's `kernelConstraint: null`). */
export function getConstraint(id: ConstraintIdentifier | string | null | undefined): Constraint | undefined {
  if (id === null || id === undefined) return undefined;
  if (typeof id === 'string') return lookup('constraint', CONSTRAINT_TABLE, id)();
  if (typeof (id as Partial<Constraint>).apply !== 'function' || typeof (id as Partial<Constraint>).className !== 'string') {
    throw new Error(`constraint: expected a name ('maxNorm', 'minMaxNorm', 'nonNeg', 'unitNorm') or a constraint (constraints.maxNorm({maxValue: 2})), got ${JSON.stringify(id)}`);
  }
  return id;
}

/** A constraint from its file form: tfjs's class name and its config in Keras's snake_case or tfjs's camelCase. */
export function constraintFromConfig(className: string, config: Record<string, unknown>, where: string): Constraint {
  const num = (snake: string, camel: string): number | undefined => {
    const v = config[snake] ?? config[camel];
    if (v === undefined || v === null) return undefined;
    if (typeof v !== 'number') throw new Error(`${where}: constraint ${className}: ${snake} must be a number, got ${JSON.stringify(v)}`);
    return v;
  };
  const axis = config.axis === undefined || config.axis === null ? undefined : (config.axis as Axis);
  switch (className) {
    case 'MaxNorm': return maxNorm({ ...optional('maxValue', num('max_value', 'maxValue')), ...optional('axis', axis) });
    case 'MinMaxNorm': return minMaxNorm({ ...optional('minValue', num('min_value', 'minValue')), ...optional('maxValue', num('max_value', 'maxValue')), ...optional('rate', num('rate', 'rate')), ...optional('axis', axis) });
    case 'UnitNorm': return unitNorm(optional('axis', axis));
    case 'NonNeg': return nonNeg();
    default: throw new Error(`${where}: unknown constraint class '${className}' (MaxNorm, MinMaxNorm, NonNeg, UnitNorm)`);
  }
}

/** A constraint's file form (tfjs's Layers format): class name and Keras's snake_case config. */
export function constraintJson(c: Constraint): { class_name: string; config: Record<string, number | number[]> } {
  const snake = (k: string): string => k.replace(/[A-Z]/g, (m) => `_${m.toLowerCase()}`);
  return { class_name: c.className, config: Object.fromEntries(Object.entries(c.config).map(([k, v]) => [snake(k), v])) };
}

const constrained = new WeakMap<Tensor, Constraint>();

/** @internal Gives weight `w` its constraint (or none), applied after each update of it. */
export function setConstraint(w: Tensor, c: Constraint | undefined): void {
  if (c === undefined) constrained.delete(w);
  else constrained.set(w, c);
}

/** The constraint of weight `w`, if it has one. */
export function constraintOf(w: Tensor): Constraint | undefined {
  return constrained.get(w);
}

/**
 * Projects `w` in place by its constraint, if it has one: what an optimizer does after updating
 * it. Ops and one copy into the weight's buffer, so a recorded update records them too.
 */
export function constrain(w: Tensor): void {
  const c = constrained.get(w);
  if (c === undefined) return;
  noGrad(() => {
    const y = c.apply(w);
    getContext().backend.kernels.copy(y.values, w.values);
  });
}
