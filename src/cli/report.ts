/**
 * What the CLI reports about a model on labelled rows, computed from its predictions:
 * accuracy, per-class precision / recall / F1 and the confusion matrix for classification;
 * RMSE, MAE and R² for regression (in the target's own units).
 */
import type { Sequential, Tensor } from '../index.js';
import { CliError } from './common.js';

export interface ClassScores {
  name: string;
  precision: number;
  recall: number;
  f1: number;
  support: number;
}

export interface ClassificationReport {
  rows: number;
  accuracy: number;
  classes: ClassScores[];
  /** confusion[true][predicted]: counts. */
  confusion: number[][];
}

export interface RegressionReport {
  rows: number;
  rmse: number;
  mae: number;
  /** 1 − SSE / Σ(y − ȳ)²: 0 is as good as predicting the mean, below 0 worse. */
  r2: number;
}

/** Refuses predictions that are not finite, naming the first rows (a model with NaN weights, say). */
export function checkFinite(values: ArrayLike<number>, width: number, what: string): void {
  const bad: number[] = [];
  for (let i = 0; i < values.length; i++) {
    if (!Number.isFinite(values[i]!)) {
      const row = Math.floor(i / width) + 1;
      if (bad[bad.length - 1] !== row) bad.push(row);
      if (bad.length === 3) break;
    }
  }
  if (bad.length > 0) {
    throw new CliError(`${what}: the model's output is not a number (NaN or infinite) for row${bad.length > 1 ? 's' : ''} ${bad.join(', ')}${bad.length === 3 ? ', …' : ''}: its weights or these inputs are not finite; retrain it (a smaller --lr) or check the rows`);
  }
}

/** The index of each row's largest probability. */
export function argmaxRows(probs: ArrayLike<number>, width: number): Int32Array {
  const n = probs.length / width;
  const out = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    let best = 0;
    for (let c = 1; c < width; c++) if (probs[i * width + c]! > probs[i * width + best]!) best = c;
    out[i] = best;
  }
  return out;
}

export function classificationReport(truth: ArrayLike<number>, predicted: ArrayLike<number>, names: readonly string[]): ClassificationReport {
  const k = names.length;
  const confusion = names.map(() => new Array<number>(k).fill(0));
  let correct = 0;
  for (let i = 0; i < truth.length; i++) {
    confusion[truth[i]!]![predicted[i]!]!++;
    if (truth[i] === predicted[i]) correct++;
  }
  const classes = names.map((name, c) => {
    const tp = confusion[c]![c]!;
    const support = confusion[c]!.reduce((a, b) => a + b, 0);
    const predictedC = confusion.reduce((a, row) => a + row[c]!, 0);
    // No prediction of (or no row of) a class: precision (recall) is 0, as scikit-learn reports it.
    const precision = predictedC === 0 ? 0 : tp / predictedC;
    const recall = support === 0 ? 0 : tp / support;
    const f1 = precision + recall === 0 ? 0 : (2 * precision * recall) / (precision + recall);
    return { name, precision, recall, f1, support };
  });
  return { rows: truth.length, accuracy: truth.length === 0 ? 0 : correct / truth.length, classes, confusion };
}

export function regressionReport(truth: ArrayLike<number>, predicted: ArrayLike<number>): RegressionReport {
  const n = truth.length;
  let mean = 0;
  for (let i = 0; i < n; i++) mean += truth[i]!;
  mean /= n;
  let sse = 0;
  let sst = 0;
  let abs = 0;
  for (let i = 0; i < n; i++) {
    const e = predicted[i]! - truth[i]!;
    sse += e * e;
    abs += Math.abs(e);
    sst += (truth[i]! - mean) ** 2;
  }
  return { rows: n, rmse: Math.sqrt(sse / n), mae: abs / n, r2: sst === 0 ? (sse === 0 ? 1 : 0) : 1 - sse / sst };
}

/** Rows of cells as aligned columns (first column left-aligned, the rest right-aligned). */
export function columns(rows: string[][]): string {
  const widths = rows[0]!.map((_, j) => Math.max(...rows.map((r) => r[j]!.length)));
  return rows.map((r) => r.map((c, j) => (j === 0 ? c.padEnd(widths[j]!) : c.padStart(widths[j]!))).join('  ').trimEnd()).join('\n') + '\n';
}

/** Four decimals (NaN and ±Infinity as themselves). */
export const f4 = (v: number): string => (Number.isFinite(v) ? v.toFixed(4) : String(v));

export function formatClassification(r: ClassificationReport, title: string): string {
  const head = `${title} (${r.rows} rows): accuracy ${f4(r.accuracy)}\n`;
  const perClass = columns([['class', 'precision', 'recall', 'f1', 'support'], ...r.classes.map((c) => [c.name, f4(c.precision), f4(c.recall), f4(c.f1), String(c.support)])]);
  const names = r.classes.map((c) => c.name);
  const matrix = columns([['true \\ predicted', ...names], ...r.confusion.map((row, i) => [names[i]!, ...row.map(String)])]);
  return `${head}${perClass}Confusion matrix (rows: the true class, columns: the predicted one):\n${matrix}`;
}

/** A number to `digits` significant digits, without float32 noise (32.393333435058594 → 32.3933). */
export function round(v: number, digits = 6): string {
  return String(Number(v.toPrecision(digits)));
}

export function formatRegression(r: RegressionReport, title: string): string {
  const verdict = r.r2 <= 0 ? '  ← R² ≤ 0: worse than predicting the mean' : '';
  return `${title} (${r.rows} rows): RMSE ${round(r.rmse, 4)}, MAE ${round(r.mae, 4)}, R² ${r.r2.toFixed(4)}${verdict}\n`;
}

/** The report on labelled rows: classes' scores and confusions, or RMSE/MAE/R² in the target's units. */
export function report(model: Sequential, x: Tensor, y: Tensor, classes: readonly string[] | null, title: string): string {
  const p = model.predict(x);
  checkFinite(p.values, p.shape[1] ?? 1, title);
  if (classes !== null) return formatClassification(classificationReport(y.values, argmaxRows(p.values, classes.length), classes), title);
  return formatRegression(regressionReport(y.values, p.values), title);
}
