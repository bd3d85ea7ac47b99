/** Shared CLI plumbing: streams, the error type for one-line failures, tables, the model directory. */
import { type CsvSchema, type Functional, type ScalerJSON, type Sequential, loadLayersModel } from '../index.js';

export interface CliIO {
  stdout: { write(s: string): unknown; isTTY?: boolean };
  stderr: { write(s: string): unknown };
}

/** A failure the user can fix: printed as one line, exit code 1 (2 for usage). */
export class CliError extends Error {
  constructor(message: string, readonly code = 1) {
    super(message);
  }
}

/** What `neurite train` stores beside model.json to turn CSV rows into inputs and outputs back into labels. */
export interface Preprocessing {
  format: 'neurite-preprocessing';
  version: 1;
  task: 'classification' | 'regression';
  schema: CsvSchema;
  scaler: ScalerJSON;
}

/** Where older versions kept the preprocessing, beside model.json (still read). */
export const PREPROCESSING_FILE = 'preprocessing.json';

/** Where `neurite train` keeps the preprocessing in model.json's userDefinedMetadata. */
export const PREPROCESSING_KEY = 'preprocessing';

/**
 * A model directory `neurite train` wrote: the model, and its preprocessing from model.json
 * (or, for directories written before it moved there, from preprocessing.json beside it).
 */
export async function readModelDir(dir: string): Promise<{ model: Sequential | Functional; pre: Preprocessing }> {
  const { readFile, stat } = await import('node:fs/promises');
  const { join } = await import('node:path');
  try {
    if (!(await stat(dir)).isDirectory()) throw new CliError(`${dir} is not a model directory (it is a file)`);
  } catch (e) {
    if (e instanceof CliError) throw e;
    throw new CliError(`${dir}: no such model directory`);
  }
  try {
    await stat(join(dir, 'model.json'));
  } catch {
    throw new CliError(`${dir} is not a model directory: model.json is missing (train one with: neurite train data.csv --target <column> --out ${dir})`);
  }
  const model = await loadLayersModel(dir);
  const where = `${join(dir, 'model.json')} (userDefinedMetadata.${PREPROCESSING_KEY})`;
  let p = model.getUserDefinedMetadata()?.[PREPROCESSING_KEY] as Preprocessing | undefined;
  let source = where;
  if (p === undefined) {
    const file = join(dir, PREPROCESSING_FILE);
    let text: string;
    try {
      text = await readFile(file, 'utf8');
    } catch {
      throw new CliError(`${dir} holds a model but not \`neurite train\`'s preprocessing (the column schema and the scaler): train one with: neurite train data.csv --target <column> --out ${dir}`);
    }
    try {
      p = JSON.parse(text) as Preprocessing;
    } catch (e) {
      throw new CliError(`${file}: not valid JSON: ${(e as Error).message}`);
    }
    source = file;
  }
  if (p === null || typeof p !== 'object' || p.format !== 'neurite-preprocessing' || (p.task !== 'classification' && p.task !== 'regression')) throw new CliError(`${source}: not neurite's preprocessing`);
  return { model, pre: p };
}

/** A path's last part (a plot title names the file, not where it lies). */
export const baseName = (path: string): string => path.split(/[\\/]/).pop() ?? path;

/** A CLI-style failure for a file operation: names the file, never a temporary's name. */
export async function writing<T>(file: string, what: string, f: () => Promise<T>): Promise<T> {
  try {
    return await f();
  } catch (e) {
    const err = e as NodeJS.ErrnoException;
    const why = err.code === 'ENOSPC' ? 'the disk is full' : err.code === 'EACCES' || err.code === 'EPERM' ? 'permission denied'
      : err.code === 'ENOTDIR' || err.code === 'EEXIST' ? 'a part of the path is a file, not a folder' : err.code ?? err.message.split('\n')[0];
    throw new CliError(`${file}: cannot ${what}: ${why}`);
  }
}

/** Mean and standard deviation over every value of `x` (float64 sums). */
export function meanStd(x: ArrayLike<number>): { mean: number; std: number } {
  let sum = 0;
  for (let i = 0; i < x.length; i++) sum += x[i]!;
  const mean = sum / x.length;
  let sq = 0;
  for (let i = 0; i < x.length; i++) sq += (x[i]! - mean) ** 2;
  return { mean, std: Math.sqrt(sq / x.length) };
}
