/**
 * The playground's whole state: data, features, network and training settings, seeds included.
 * It lives in the page's URL (after `#`), so a link reproduces a run exactly: the same data,
 * the same initial weights, the same losses step by step. `decodeState` treats the URL as
 * hostile: every value is checked, and one that is unknown or out of range falls back to the
 * default with a message saying what was expected and what was given.
 */
import { FEATURES, type FeatureId } from './features.js';

export const DATASETS = ['xor', 'circles', 'moons', 'spiral', 'blobs', 'plane', 'peaks', 'csv'] as const;
export type DatasetId = (typeof DATASETS)[number];
/** The synthetic sets whose target is a number, not a class. */
export const REGRESSION_SETS: readonly DatasetId[] = ['plane', 'peaks'];

/** Hidden-layer activations offered (neurite's, without aliases: silu is swish, heaviside step). */
export const ACTIVATION_CHOICES = ['tanh', 'relu', 'sigmoid', 'linear', 'relu6', 'leakyRelu', 'elu', 'selu', 'softplus', 'softsign', 'hardSigmoid', 'swish', 'gelu', 'softmax', 'step'] as const;
export type ActivationChoice = (typeof ACTIVATION_CHOICES)[number];
export const OPTIMIZER_CHOICES = ['sgd', 'adam', 'adamw', 'rmsprop', 'adagrad', 'adadelta', 'adamax'] as const;
export type OptimizerChoice = (typeof OPTIMIZER_CHOICES)[number];
/** '' is the default loss for the problem (cross-entropy for classes, squared error for numbers). */
export const LOSS_CHOICES = ['', 'binaryCrossentropy', 'sparseCategoricalCrossentropy', 'meanSquaredError', 'meanAbsoluteError', 'huber'] as const;
export type LossChoice = (typeof LOSS_CHOICES)[number];

export const MAX_LAYERS = 10;
export const MAX_UNITS = 128;
export const MAX_CLASSES = 10;

export interface LayerSpec {
  units: number;
  activation: ActivationChoice;
}

export interface PlaygroundState {
  dataset: DatasetId;
  /** Classes of the spiral and blob sets (2–10). */
  classes: number;
  /** Standard deviation of the jitter added to each coordinate. */
  noise: number;
  /** Number of points generated. */
  points: number;
  /** Share of the points used for training (the rest are the test set). */
  trainRatio: number;
  dataSeed: number;
  features: FeatureId[];
  hidden: LayerSpec[];
  loss: LossChoice;
  optimizer: OptimizerChoice;
  learningRate: number;
  batchSize: number;
  l1: number;
  l2: number;
  /** Dropout rate after each hidden layer (0: none). */
  dropout: number;
  /** Seeds the initial weights and the shuffling. */
  seed: number;
  showTest: boolean;
  /** CSV only: the target column and the two input columns drawn (names). */
  target: string;
  xColumn: string;
  yColumn: string;
}

export const DEFAULT_STATE: Readonly<PlaygroundState> = Object.freeze({
  dataset: 'circles',
  classes: 3,
  noise: 0.1,
  points: 400,
  trainRatio: 0.5,
  dataSeed: 1,
  features: ['x1', 'x2'],
  hidden: [{ units: 4, activation: 'tanh' }, { units: 2, activation: 'tanh' }],
  loss: '',
  optimizer: 'adam',
  learningRate: 0.03,
  batchSize: 10,
  l1: 0,
  l2: 0,
  dropout: 0,
  seed: 1,
  showTest: false,
  target: '',
  xColumn: '',
  yColumn: '',
}) as PlaygroundState;

/** A copy of the defaults (the nested arrays copied too). */
export function defaultState(): PlaygroundState {
  return { ...DEFAULT_STATE, features: [...DEFAULT_STATE.features], hidden: DEFAULT_STATE.hidden.map((l) => ({ ...l })) };
}

/** The URL fragment (without `#`) that `decodeState` turns back into `state`. Defaults are left out. */
export function encodeState(state: PlaygroundState): string {
  const d = DEFAULT_STATE;
  const parts: string[] = [];
  const put = (key: string, value: string, def: string): void => {
    // ':' and ',' stay readable in the link (URLSearchParams reads them either way).
    if (value !== def) parts.push(`${key}=${encodeURIComponent(value).replace(/%3A/g, ':').replace(/%2C/g, ',')}`);
  };
  put('data', state.dataset, d.dataset);
  put('classes', String(state.classes), String(d.classes));
  put('noise', String(state.noise), String(d.noise));
  put('points', String(state.points), String(d.points));
  put('train', String(state.trainRatio), String(d.trainRatio));
  put('dataSeed', String(state.dataSeed), String(d.dataSeed));
  put('features', state.features.join(','), d.features.join(','));
  // 'none' keeps an empty network distinct from the default one.
  put('layers', state.hidden.length === 0 ? 'none' : state.hidden.map((l) => `${l.units}:${l.activation}`).join(','), d.hidden.map((l) => `${l.units}:${l.activation}`).join(','));
  put('loss', state.loss, d.loss);
  put('opt', state.optimizer, d.optimizer);
  put('lr', String(state.learningRate), String(d.learningRate));
  put('batch', String(state.batchSize), String(d.batchSize));
  put('l1', String(state.l1), String(d.l1));
  put('l2', String(state.l2), String(d.l2));
  put('dropout', String(state.dropout), String(d.dropout));
  put('seed', String(state.seed), String(d.seed));
  put('test', state.showTest ? '1' : '0', d.showTest ? '1' : '0');
  put('target', state.target, d.target);
  put('x', state.xColumn, d.xColumn);
  put('y', state.yColumn, d.yColumn);
  return parts.join('&');
}

export interface DecodedState {
  state: PlaygroundState;
  /** One line per value that was refused (the default was used instead). */
  problems: string[];
}

const KEYS = new Set(['data', 'classes', 'noise', 'points', 'train', 'dataSeed', 'features', 'layers', 'loss', 'opt', 'lr', 'batch', 'l1', 'l2', 'dropout', 'seed', 'test', 'target', 'x', 'y']);

/** Reads a URL fragment (with or without `#`) written by `encodeState`; see `DecodedState`. */
export function decodeState(fragment: string): DecodedState {
  const state = defaultState();
  const problems: string[] = [];
  const text = fragment.startsWith('#') ? fragment.slice(1) : fragment;
  if (text.length > 4096) return { state, problems: [`the link's state is ${text.length} characters long; expected at most 4096`] };
  const params = new URLSearchParams(text);
  for (const key of params.keys()) if (!KEYS.has(key)) problems.push(`unknown setting '${key}' in the link (known: ${[...KEYS].join(', ')})`);
  const get = (key: string): string | null => params.get(key);
  const refuse = (key: string, expected: string, given: string): void => {
    problems.push(`${key}: expected ${expected}, got '${given}'`);
  };
  const oneOf = <T extends string>(key: string, choices: readonly T[], set: (v: T) => void): void => {
    const v = get(key);
    if (v === null) return;
    if ((choices as readonly string[]).includes(v)) set(v as T);
    else refuse(key, `one of ${choices.filter((c) => c !== '').join(', ')}`, v);
  };
  const number = (key: string, lo: number, hi: number, integer: boolean, set: (v: number) => void): void => {
    const v = get(key);
    if (v === null) return;
    const x = v.trim() === '' ? NaN : Number(v);
    if (Number.isFinite(x) && x >= lo && x <= hi && (!integer || Number.isInteger(x))) set(x);
    else refuse(key, `${integer ? 'an integer' : 'a number'} in [${lo}, ${hi}]`, v);
  };
  const text_ = (key: string, set: (v: string) => void): void => {
    const v = get(key);
    if (v === null) return;
    if (v.length <= 200) set(v);
    else refuse(key, 'a column name of at most 200 characters', `${v.slice(0, 20)}…`);
  };
  oneOf('data', DATASETS, (v) => (state.dataset = v));
  number('classes', 2, MAX_CLASSES, true, (v) => (state.classes = v));
  number('noise', 0, 1, false, (v) => (state.noise = v));
  number('points', 20, 5000, true, (v) => (state.points = v));
  number('train', 0.1, 0.9, false, (v) => (state.trainRatio = v));
  number('dataSeed', 0, 2 ** 31 - 1, true, (v) => (state.dataSeed = v));
  const features = get('features');
  if (features !== null) {
    const ids = features.split(',');
    const known = FEATURES.map((f) => f.id as string);
    const bad = ids.filter((id) => !known.includes(id));
    if (bad.length > 0 || ids.length === 0) refuse('features', `a comma-separated list of ${known.join(', ')}`, features);
    else state.features = [...new Set(ids)] as FeatureId[];
  }
  const layers = get('layers');
  if (layers !== null) {
    const specs = layers === 'none' ? [] : layers.split(',').map((s) => {
      const [units, activation] = s.split(':');
      const u = Number(units);
      const ok = Number.isInteger(u) && u >= 1 && u <= MAX_UNITS && (ACTIVATION_CHOICES as readonly string[]).includes(activation ?? '');
      return ok ? { units: u, activation: activation as ActivationChoice } : null;
    });
    if (specs.length > MAX_LAYERS || specs.some((s) => s === null)) {
      refuse('layers', `up to ${MAX_LAYERS} comma-separated units:activation pairs (units 1–${MAX_UNITS}, activation one of ${ACTIVATION_CHOICES.join(', ')}), or none`, layers);
    } else {
      state.hidden = specs as LayerSpec[];
    }
  }
  oneOf('loss', LOSS_CHOICES, (v) => (state.loss = v));
  oneOf('opt', OPTIMIZER_CHOICES, (v) => (state.optimizer = v));
  number('lr', 1e-6, 10, false, (v) => (state.learningRate = v));
  number('batch', 1, 5000, true, (v) => (state.batchSize = v));
  number('l1', 0, 1, false, (v) => (state.l1 = v));
  number('l2', 0, 1, false, (v) => (state.l2 = v));
  number('dropout', 0, 0.9, false, (v) => (state.dropout = v));
  number('seed', 0, 2 ** 31 - 1, true, (v) => (state.seed = v));
  oneOf('test', ['0', '1'], (v) => (state.showTest = v === '1'));
  text_('target', (v) => (state.target = v));
  text_('x', (v) => (state.xColumn = v));
  text_('y', (v) => (state.yColumn = v));
  return { state, problems };
}
