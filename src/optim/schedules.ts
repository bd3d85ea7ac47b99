/**
 * Learning-rate schedules (Keras `optimizers.schedules`): functions of the optimizer's step
 * count (0 for the first update).
 */
import { nonNegativeInt, numberOption } from '../tensor/options.js';

export interface LearningRateSchedule {
  (step: number): number;
  readonly config: Readonly<Record<string, unknown>>;
}

function schedule(config: Record<string, unknown>, f: (step: number) => number): LearningRateSchedule {
  return Object.assign((step: number) => f(step), { config });
}

/** lr₀ · rate^(step / decaySteps), with the exponent floored when `staircase`. */
export function exponentialDecay(o: { initialLearningRate: number; decaySteps: number; decayRate: number; staircase?: boolean }): LearningRateSchedule {
  const op = 'exponentialDecay';
  numberOption(op, 'initialLearningRate', o.initialLearningRate ?? Number.NaN, 0, (v) => v >= 0, 'a number ≥ 0');
  numberOption(op, 'decaySteps', o.decaySteps ?? Number.NaN, 0, (v) => v > 0, 'positive');
  numberOption(op, 'decayRate', o.decayRate ?? Number.NaN, 0, (v) => v > 0, 'positive');
  return schedule({ name: 'exponentialDecay', ...o }, (step) => {
    const p = step / o.decaySteps;
    return o.initialLearningRate * o.decayRate ** (o.staircase ? Math.floor(p) : p);
  });
}

/** values[0] while step ≤ boundaries[0], values[i] while step ≤ boundaries[i], then the last. */
export function piecewiseConstantDecay(o: { boundaries: number[]; values: number[] }): LearningRateSchedule {
  const op = 'piecewiseConstantDecay';
  if (!Array.isArray(o.boundaries) || !Array.isArray(o.values)) throw new Error(`${op}: boundaries and values must be lists of numbers`);
  o.boundaries.forEach((b, i) => numberOption(op, `boundaries[${i}]`, b, 0, (v) => i === 0 || v > o.boundaries[i - 1]!, i === 0 ? 'a number' : `greater than boundaries[${i - 1}] (${o.boundaries[i - 1]})`));
  o.values.forEach((v, i) => numberOption(op, `values[${i}]`, v, 0, (x) => x >= 0, 'a learning rate ≥ 0'));
  if (o.values.length !== o.boundaries.length + 1) {
    throw new Error(`piecewiseConstantDecay: expected ${o.boundaries.length + 1} values for ${o.boundaries.length} boundaries, got ${o.values.length}`);
  }
  return schedule({ name: 'piecewiseConstantDecay', ...o }, (step) => {
    for (let i = 0; i < o.boundaries.length; i++) if (step <= o.boundaries[i]!) return o.values[i]!;
    return o.values[o.values.length - 1]!;
  });
}

/**
 * Cosine decay with optional linear warmup (Keras 3): warm up from the initial rate to
 * `warmupTarget` over `warmupSteps`, then follow ½(1 + cos(π·t)) down to `alpha` times the
 * peak over `decaySteps`.
 */
export function cosineDecay(o: { initialLearningRate: number; decaySteps: number; alpha?: number; warmupTarget?: number; warmupSteps?: number }): LearningRateSchedule {
  const op = 'cosineDecay';
  numberOption(op, 'initialLearningRate', o.initialLearningRate ?? Number.NaN, 0, (v) => v >= 0, 'a number ≥ 0');
  numberOption(op, 'decaySteps', o.decaySteps ?? Number.NaN, 0, (v) => v > 0, 'positive');
  const alpha = numberOption(op, 'alpha', o.alpha, 0, (v) => v >= 0 && v <= 1, 'in [0, 1]');
  const warm = numberOption(op, 'warmupSteps', o.warmupSteps, 0, nonNegativeInt, 'an integer ≥ 0');
  const peak = numberOption(op, 'warmupTarget', o.warmupTarget, o.initialLearningRate, (v) => v >= 0, 'a number ≥ 0');
  return schedule({ name: 'cosineDecay', ...o }, (step) => {
    if (warm > 0 && step < warm) return o.initialLearningRate + (peak - o.initialLearningRate) * (step / warm);
    const t = Math.min(Math.max(step - warm, 0), o.decaySteps) / o.decaySteps;
    return peak * ((1 - alpha) * 0.5 * (1 + Math.cos(Math.PI * t)) + alpha);
  });
}
