/** Datasets and data utilities: `datasets.mnist()`, synthetic 2-D sets, CSV, scalers, splits. */
import { mnist } from './mnist.js';
import { array, generator, zip } from './dataset.js';
import { csv } from './csv-dataset.js';
import { blobs, circles, moons, spiral, xorData } from './synthetic.js';

export const datasets = { mnist, xor: xorData, circles, moons, spiral, blobs };

/** tfjs's `tf.data`: streaming datasets. */
export const data = { array, generator, zip, csv };
export { Dataset, type LazyIterator } from './dataset.js';
export { CSVDataset, type CsvConfig, type CsvColumnConfig } from './csv-dataset.js';

export { parseIdx, encodeIdx, type IdxData } from './idx.js';
export type { MnistSplit, MnistOptions } from './mnist.js';
export type { Dataset2D, SyntheticOptions } from './synthetic.js';
export { loadCsv, parseCsv, encodeCsv, inferSchema, detectDelimiter, readCsvTable, type CsvDataset, type CsvOptions, type CsvSchema, type ColumnSpec, type TargetSpec } from './csv.js';
export { Scaler, standardScaler, minMaxScaler, trainTestSplit, batches, type ScalerJSON, type SplitOptions } from './preprocessing.js';
