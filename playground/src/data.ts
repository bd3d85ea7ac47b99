/**
 * The problem the playground trains on, built from its state: a synthetic 2-D set (neurite's
 * `datasets`, and two regression surfaces) or the user's CSV (neurite's `parseCsv`), the
 * network's inputs (features), the labels, and the train/test split (neurite's
 * `trainTestSplit`, seeded). Runs in the worker; the page only draws what it is sent.
 */
import { Rng, Scaler, datasets, parseCsv, tensor, trainTestSplit, type Tensor } from 'neurite';
import { FEATURES, domainOf, featurize, type Domain } from './features.js';
import { type CsvInput, csvHeader } from './protocol.js';
import { MAX_CLASSES, REGRESSION_SETS, type PlaygroundState } from './state.js';
import { SURFACES, blobCenters, type SurfaceId } from './synthetic.js';
import type { ProblemKind } from './network.js';

export type { ProblemKind };

export interface Problem {
  kind: ProblemKind;
  /** Class names (empty for regression). */
  classNames: string[];
  /** Names of the network's inputs, in order. */
  inputNames: string[];
  /** All points' drawn coordinates [n, 2] and labels [n] (class index or value). */
  xy: Float32Array;
  labels: Float32Array;
  /** Which points are in the test set (1) or the training set (0). */
  isTest: Uint8Array;
  xTrain: Tensor;
  yTrain: Tensor;
  xTest: Tensor;
  yTest: Tensor;
  domain: Domain;
  /** The network's inputs for [m, 2] drawn coordinates (other CSV columns at their mean). */
  inputsAt(xy: Float32Array): Tensor;
  /** Range of the labels (regression colour scale). */
  labelRange: [number, number];
}

/** Points of a regression surface: uniform in [-1, 1]², target plus Gaussian noise. */
export function surfacePoints(name: SurfaceId, n: number, noise: number, seed: number): { x: Float32Array; y: Float32Array } {
  const rng = new Rng(seed);
  const x = new Float32Array(2 * n);
  const y = new Float32Array(n);
  for (let i = 0; i < n; i++) {
    const a = 2 * rng.uniform() - 1;
    const b = 2 * rng.uniform() - 1;
    x[2 * i] = a;
    x[2 * i + 1] = b;
    y[i] = SURFACES[name].f(a, b) + noise * rng.normal();
  }
  return { x, y };
}

function synthetic(state: PlaygroundState): { xy: Float32Array; labels: Float32Array; kind: ProblemKind; classes: number } {
  const o = { n: state.points, noise: state.noise, seed: state.dataSeed };
  if ((REGRESSION_SETS as string[]).includes(state.dataset)) {
    const { x, y } = surfacePoints(state.dataset as SurfaceId, state.points, state.noise, state.dataSeed);
    return { xy: x, labels: y, kind: 'regression', classes: 0 };
  }
  const d = state.dataset === 'xor' ? datasets.xor(o)
    : state.dataset === 'circles' ? datasets.circles(o)
    : state.dataset === 'moons' ? datasets.moons(o)
    : state.dataset === 'spiral' ? datasets.spiral({ ...o, classes: state.classes })
    : datasets.blobs({ ...o, centers: blobCenters(state.classes) });
  const classes = state.dataset === 'spiral' || state.dataset === 'blobs' ? state.classes : 2;
  return { xy: d.x.values as Float32Array, labels: d.y.values as Float32Array, kind: classes === 2 ? 'binary' : 'multiclass', classes };
}

/** Builds the problem; throws with a message naming what is wrong (a CSV column, a class count). */
export function buildProblem(state: PlaygroundState, csv: CsvInput | null): Problem {
  if (state.dataset === 'csv') return csvProblem(state, csv);
  const { xy, labels, kind, classes } = synthetic(state);
  const n = labels.length;
  const inputsAt = (p: Float32Array): Tensor => tensor(featurize(p, state.features), [p.length / 2, state.features.length]);
  const x = inputsAt(xy);
  const y = tensor(labels, [n, 1]);
  return finish(state, {
    kind, classNames: kind === 'regression' ? [] : Array.from({ length: classes }, (_, i) => `class ${i}`),
    inputNames: state.features.map((id) => FEATURES.find((f) => f.id === id)!.label),
    xy, labels, x, y, inputsAt,
  });
}

function csvProblem(state: PlaygroundState, csv: CsvInput | null): Problem {
  if (csv === null) throw new Error('choose a CSV file first (drop it on the data panel, or use the file picker)');
  const columns = csvHeader(csv.text);
  const target = state.target !== '' ? state.target : columns[columns.length - 1]!;
  if (!columns.includes(target)) throw new Error(`${csv.name}: no column '${target}' to predict (columns: ${columns.join(', ')})`);
  const parsed = parseCsv(csv.text, { target, source: csv.name });
  const t = parsed.schema.target!;
  const names = parsed.featureNames;
  const width = names.length;
  if (width === 0) throw new Error(`${csv.name}: no input columns besides the target '${target}'`);
  const xi = state.xColumn !== '' && names.includes(state.xColumn) ? names.indexOf(state.xColumn) : 0;
  const yi = state.yColumn !== '' && names.includes(state.yColumn) ? names.indexOf(state.yColumn) : Math.min(1, width - 1);
  const kind: ProblemKind = t.kind === 'numeric' ? 'regression' : t.classes.length === 2 ? 'binary' : 'multiclass';
  if (t.kind === 'classes' && t.classes.length > MAX_CLASSES) throw new Error(`${csv.name}: '${target}' has ${t.classes.length} classes; the playground draws at most ${MAX_CLASSES}`);
  if (t.kind === 'classes' && t.classes.length < 2) throw new Error(`${csv.name}: '${target}' has only one class (${t.classes.join('')}); nothing to learn`);
  const scaler = Scaler.fit('standard', parsed.x);
  const x = scaler.transform(parsed.x);
  const xs = x.values;
  const n = parsed.x.shape[0]!;
  const xy = new Float32Array(2 * n);
  for (let i = 0; i < n; i++) {
    xy[2 * i] = xs[i * width + xi]!;
    xy[2 * i + 1] = xs[i * width + yi]!;
  }
  const labels = Float32Array.from(parsed.y!.values);
  // Other columns sit at their mean, which standardization made 0.
  const inputsAt = (p: Float32Array): Tensor => {
    const m = p.length / 2;
    const v = new Float32Array(m * width);
    for (let i = 0; i < m; i++) {
      v[i * width + xi] = p[2 * i]!;
      v[i * width + yi] = p[2 * i + 1]!;
    }
    return tensor(v, [m, width]);
  };
  return finish(state, {
    kind, classNames: t.kind === 'classes' ? t.classes : [], inputNames: names,
    xy, labels, x, y: tensor(labels, [n, 1]), inputsAt,
  });
}

function finish(state: PlaygroundState, p: { kind: ProblemKind; classNames: string[]; inputNames: string[]; xy: Float32Array; labels: Float32Array; x: Tensor; y: Tensor; inputsAt: (xy: Float32Array) => Tensor }): Problem {
  const n = p.labels.length;
  const split = { testSize: 1 - state.trainRatio, seed: state.dataSeed };
  const { xTrain, xTest, yTrain, yTest } = trainTestSplit(p.x, p.y, split);
  // The same seeded split of the point indices marks which points are drawn as test points.
  const index = tensor(Float32Array.from({ length: n }, (_, i) => i), [n, 1]);
  const isTest = new Uint8Array(n);
  for (const i of trainTestSplit(index, index, split).xTest.values) isTest[i] = 1;
  let lo = Infinity, hi = -Infinity;
  for (const v of p.labels) { lo = Math.min(lo, v); hi = Math.max(hi, v); }
  return {
    kind: p.kind, classNames: p.classNames, inputNames: p.inputNames, xy: p.xy, labels: p.labels, isTest,
    xTrain, yTrain, xTest, yTest, domain: domainOf(p.xy), inputsAt: p.inputsAt, labelRange: [lo, hi],
  };
}

