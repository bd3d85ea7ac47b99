/**
 * Metrics by name or function. `'accuracy'` (or `'acc'`) becomes binary, categorical or sparse
 * categorical accuracy depending on the loss and output width, as Keras decides.
 */
import { type Spellings, canonical } from '../nn/names.js';
import type { Tensor } from '../tensor/tensor.js';
import {
  type Metric, auc, binaryAccuracy, categoricalAccuracy, meanAbsoluteErrorMetric, meanMetric, meanSquaredErrorMetric,
  precision, recall, sparseCategoricalAccuracy,
} from './metrics.js';

/** A user metric: (yTrue, yPred) → per-sample values or a scalar, averaged over the epoch. */
export type MetricFunction = (yTrue: Tensor, yPred: Tensor) => Tensor;
const NAMED_TABLE = {
  binaryAccuracy, categoricalAccuracy, sparseCategoricalAccuracy,
  mse: meanSquaredErrorMetric, meanSquaredError: meanSquaredErrorMetric,
  mae: meanAbsoluteErrorMetric, meanAbsoluteError: meanAbsoluteErrorMetric,
  precision, recall, auc: (name: string) => auc(name),
} satisfies Record<string, (name: string) => Metric>;
const NAMED: Readonly<Record<string, (name: string) => Metric>> = NAMED_TABLE;
/** A metric's name, camelCase or snake_case ('accuracy', 'acc', 'categorical_accuracy'…). */
export type MetricName = Spellings<'accuracy' | 'acc' | keyof typeof NAMED_TABLE>;
export type MetricIdentifier = MetricName | MetricFunction | Metric;

/**
 * Resolves a metric. For 'accuracy'/'acc': sparse if the loss is sparse categorical
 * cross-entropy; binary if the loss is binary cross-entropy or the output has width 1;
 * categorical otherwise.
 */
export function getMetric(id: string | MetricFunction | Metric, context: { lossName: string; outputWidth: number }): Metric {
  if (typeof id === 'object') return id;
  if (typeof id === 'function') {
    return meanMetric(id.name || 'metric', (t, p) => {
      const v = id(t, p);
      let s = 0;
      for (let i = 0; i < v.size; i++) s += v.values[i]!;
      return { sum: s, count: v.size };
    });
  }
  const key = canonical(id);
  if (key === 'accuracy' || key === 'acc') {
    const loss = canonical(context.lossName);
    if (loss === 'sparsecategoricalcrossentropy') return sparseCategoricalAccuracy(id);
    if (loss === 'binarycrossentropy' || context.outputWidth === 1) return binaryAccuracy(id);
    return categoricalAccuracy(id);
  }
  for (const [k, make] of Object.entries(NAMED)) if (canonical(k) === key) return make(id);
  throw new Error(`Unknown metric '${id}'. Valid metrics: accuracy, acc, ${Object.keys(NAMED).join(', ')}, or a function (yTrue, yPred) => Tensor`);
}

export { type Metric, binaryAccuracy, categoricalAccuracy, sparseCategoricalAccuracy, precision, recall, auc, meanMetric } from './metrics.js';
