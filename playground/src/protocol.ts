/**
 * Messages between the page and the training worker. The page sends settings and commands; the
 * worker owns the data, the model and all of its maths, and answers with what to draw.
 */
import type { Problem } from './data.js';
import type { PlaygroundState } from './state.js';

/** A CSV file as the page read it. */
export interface CsvInput {
  name: string;
  text: string;
}

/** The column names in a CSV's first line (the page offers them as targets; the worker checks the one chosen). */
export function csvHeader(text: string): string[] {
  return text.slice(0, text.search(/\r?\n|$/)).split(',').map((c) => c.trim().replace(/^"|"$/g, ''));
}

export type ToWorker =
  /** Build the data and a fresh network (seeded) from the state; `csv` for the CSV set. */
  | { type: 'configure'; state: PlaygroundState; csv: CsvInput | null }
  | { type: 'play' }
  | { type: 'pause' }
  /** One epoch, then an update. */
  | { type: 'step' }
  /** Fresh weights from the same seed (the data kept). */
  | { type: 'reset' }
  /** Set one kernel entry of hidden/output layer `layer` (0-based over Dense layers). */
  | { type: 'setWeight'; layer: number; from: number; to: number; value: number }
  /** The trained model in the TensorFlow.js Layers format. */
  | { type: 'export' };

/** The data, sent once per configure: the problem's plain parts (see `Problem`) and the network's shape. */
export interface DataMessage extends Pick<Problem, 'kind' | 'classNames' | 'inputNames' | 'xy' | 'labels' | 'isTest' | 'domain' | 'labelRange'> {
  type: 'data';
  /** Units per layer, inputs first, output last. */
  units: number[];
  /** Activation per Dense layer (hidden layers, then the output). */
  activations: string[];
}

/** The network's state after some epochs. */
export interface UpdateMessage {
  type: 'update';
  epoch: number;
  playing: boolean;
  trainLoss: number;
  testLoss: number;
  /** Accuracy for classes, null for regression. */
  trainAccuracy: number | null;
  testAccuracy: number | null;
  stepsPerSecond: number;
  /** The output over an OUTPUT_GRID² grid of the domain, row by row from the top: one value per cell (p(class 1) or the value), or one per class. */
  output: Float32Array;
  /** Every unit's value over a NEURON_GRID² grid, per layer (inputs first, output last), [cells, units]. */
  neurons: Float32Array[];
  /** Kernel [in, out] and bias [out] of each Dense layer. */
  kernels: Float32Array[];
  biases: Float32Array[];
}

export interface ModelMessage {
  type: 'model';
  /** model.json's text and weights.bin's bytes. */
  json: string;
  weights: Uint8Array;
}

export type FromWorker =
  | { type: 'ready'; backend: string }
  | DataMessage
  | UpdateMessage
  | ModelMessage
  | { type: 'error'; message: string };

export const OUTPUT_GRID = 100;
export const NEURON_GRID = 24;
