/**
 * CSV files as tensors, parsed by csv-parse. Rules: the first row is the header; the delimiter
 * is a comma, semicolon or tab, whichever the header uses most outside quotes (or given); a
 * cell is a number when it is written in decimal (`-1.5`, `2e3`; not `0x1F`, not `1,000`:
 * thousands separators are an error naming the cell); a column is categorical when declared so
 * or when none of its cells is a number (then one-hot encoded, categories sorted, the mapping
 * kept in the schema); a column mixing numbers and text is an error naming the first text
 * cell; empty, NA and NaN cells are missing values and are reported. The target column (by
 * name) gives class labels or regression values. Columns can be left out by name (`drop`,
 * `keep`), and ID-like columns (every value distinct: text, or integers under a name like
 * `id`) on request (`dropIdColumns`), each reported in `dropped`.
 */
import { parse } from 'csv-parse/sync';
import { tensor } from '../ops/creation.js';
import type { Tensor } from '../tensor/tensor.js';

export type ColumnSpec = { name: string; kind: 'numeric' } | { name: string; kind: 'categorical'; categories: string[] };
export type TargetSpec = { name: string; kind: 'classes'; classes: string[] } | { name: string; kind: 'numeric' };

/** How raw columns map to model inputs and outputs; saved with a model for prediction. */
export interface CsvSchema {
  columns: ColumnSpec[];
  target: TargetSpec | null;
}

export interface CsvDataset {
  /** Features [rows, width] (categoricals expanded to one-hot). */
  x: Tensor;
  /** Class indices [rows] or values [rows, 1]; null without a target. */
  y: Tensor | null;
  schema: CsvSchema;
  /** Names of the input columns after one-hot expansion (`color=red`). */
  featureNames: string[];
  /** Columns of the file left out of the inputs, and why. */
  dropped: Array<{ name: string; reason: string }>;
}

export interface CsvOptions {
  /** Name of the target column. */
  target?: string;
  /** Columns to treat as categorical even if numeric. */
  categorical?: string[];
  /** 'auto' (default): text targets, and integer targets with few repeated values (≤ 20, ≤ rows/2, or two), are classes. */
  task?: 'auto' | 'classification' | 'regression';
  /** Name used in messages (default 'CSV'). */
  source?: string;
  /** ',', ';' or '\t'; default: the one the header row uses most. */
  delimiter?: string;
  /** Columns to leave out of the inputs. */
  drop?: string[];
  /** Only these columns (and the target) are inputs. */
  keep?: string[];
  /**
   * Leave out columns that identify rows rather than describe them: text with every value
   * distinct, or distinct integers in a column named like an id (`id`, `row_id`, `PassengerId`).
   */
  dropIdColumns?: boolean;
}

const MISSING = new Set(['', 'na', 'nan', 'null', '?']);

function isMissing(cell: string): boolean {
  return MISSING.has(cell.trim().toLowerCase());
}

const DECIMAL = /^[-+]?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?$/;
const THOUSANDS = /^[-+]?\d{1,3}(,\d{3})+(\.\d+)?$/;

/** A cell's number when it is written in decimal, else null. */
function asNumber(cell: string): number | null {
  const t = cell.trim();
  if (!DECIMAL.test(t)) return null;
  const v = Number(t);
  return Number.isFinite(v) ? v : null;
}

/** The delimiter the header line uses most outside quotes: ',', ';' or tab (',' when none). */
export function detectDelimiter(text: string): string {
  const counts = new Map<string, number>([[',', 0], [';', 0], ['\t', 0]]);
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    if (c === '"') quoted = !quoted;
    else if (!quoted && (c === '\n' || c === '\r')) break;
    else if (!quoted && counts.has(c)) counts.set(c, counts.get(c)! + 1);
  }
  let best = ',';
  for (const [d, n] of counts) if (n > counts.get(best)!) best = d;
  return best;
}

/** The header and the rows of CSV text, as strings (no schema). */
export function readCsvTable(text: string, options: { source?: string; delimiter?: string } = {}): { header: string[]; rows: string[][]; delimiter: string } {
  const delimiter = options.delimiter ?? detectDelimiter(text);
  return { ...readRows(text, options.source ?? 'CSV', delimiter), delimiter };
}

function readRows(text: string, source: string, delimiter: string): { header: string[]; rows: string[][] } {
  if (![',', ';', '\t'].includes(delimiter)) throw new Error(`${source}: the delimiter must be ',', ';' or a tab, got ${JSON.stringify(delimiter)}`);
  let records: string[][];
  try {
    records = parse(text, { skip_empty_lines: true, relax_column_count: false, trim: false, bom: true, delimiter }) as string[][];
  } catch (e) {
    throw new Error(`${source}: cannot parse CSV: ${(e as Error).message}`);
  }
  if (records.length === 0) throw new Error(`${source}: the file is empty (expected a header row)`);
  const header = records[0]!.map((h) => h.trim());
  const seen = new Set<string>();
  for (const h of header) {
    if (h === '') throw new Error(`${source}: the header has an empty column name`);
    if (seen.has(h)) throw new Error(`${source}: the header names column '${h}' twice`);
    seen.add(h);
  }
  return { header, rows: records.slice(1) };
}

function reportMissing(rows: string[][], header: string[], source: string, skip: string | undefined): void {
  const found: string[] = [];
  let count = 0;
  rows.forEach((r, i) => r.forEach((cell, j) => {
    if (header[j] === skip || !isMissing(cell)) return;
    count++;
    if (found.length < 3) found.push(`row ${i + 1}, column '${header[j]}'`);
  }));
  if (count > 0) throw new Error(`${source}: ${count} missing value${count > 1 ? 's' : ''} (${found.join('; ')}${count > 3 ? '; …' : ''}); fill or drop them first`);
}

const ID_NAME = /(^|[_\s-])(id|uuid|index|key)$|^(id|uuid|index|row|rownum|key)$|[a-z]Id$|ID$/;

/** Why a column identifies rows rather than describing them, or null. */
function idReason(name: string, cells: string[]): string | null {
  if (cells.length < 2) return null;
  const distinct = new Set(cells.map((c) => c.trim())).size;
  if (distinct !== cells.length) return null;
  const numbers = cells.map(asNumber);
  if (numbers.every((v) => v === null)) return `an ID column: ${distinct} distinct text values, one per row`;
  if (numbers.every((v) => v !== null && Number.isInteger(v)) && ID_NAME.test(name.trim())) return `an ID column: distinct integers under an id-like name`;
  return null;
}

/** Which columns to leave out of the inputs, and why. */
function droppedColumns(header: string[], rows: string[][], o: CsvOptions): Array<{ name: string; reason: string }> {
  const source = o.source ?? 'CSV';
  for (const [opt, names] of [['drop', o.drop], ['keep', o.keep]] as const) {
    for (const n of names ?? []) if (!header.includes(n)) throw new Error(`${source}: ${opt} names no column '${n}'; columns: ${header.join(', ')}`);
  }
  const out: Array<{ name: string; reason: string }> = [];
  header.forEach((name, j) => {
    if (name === o.target) return;
    if (o.drop?.includes(name)) out.push({ name, reason: 'left out (drop)' });
    else if (o.keep !== undefined && !o.keep.includes(name)) out.push({ name, reason: 'not listed in keep' });
    else if (o.dropIdColumns && !o.keep?.includes(name)) {
      const why = idReason(name, rows.map((r) => r[j]!).filter((c) => !isMissing(c)));
      if (why !== null) out.push({ name, reason: why });
    }
  });
  return out;
}

/** Infers a schema from data (use `encodeCsv` to apply it to other files). */
export function inferSchema(header: string[], rows: string[][], o: CsvOptions): CsvSchema {
  const source = o.source ?? 'CSV';
  if (o.target !== undefined && !header.includes(o.target)) {
    throw new Error(`${source}: no column named '${o.target}'; columns: ${header.join(', ')}`);
  }
  const skip = new Set(droppedColumns(header, rows, o).map((d) => d.name));
  const columns: ColumnSpec[] = [];
  let target: TargetSpec | null = null;
  header.forEach((name, j) => {
    if (skip.has(name)) return;
    const cells = rows.map((r) => r[j]!).filter((c) => !isMissing(c));
    const thousands = cells.findIndex((c) => THOUSANDS.test(c.trim()));
    if (thousands >= 0 && cells.every((c) => THOUSANDS.test(c.trim()) || asNumber(c) !== null)) {
      const row = rows.findIndex((r) => r[j] === cells[thousands]);
      throw new Error(`${source}: column '${name}' writes numbers with thousands separators ('${cells[thousands]!.trim()}' at row ${row + 1}); remove the separators (1000, not 1,000)`);
    }
    const numeric = cells.map(asNumber);
    const numbers = numeric.filter((v) => v !== null).length;
    if (name === o.target) {
      const task = o.task ?? 'auto';
      const distinct = new Set(cells.map((c) => c.trim()));
      const integers = numbers === cells.length && numeric.every((v) => Number.isInteger(v));
      // Integer targets are classes when few and repeated (≤ 20 values, each seen twice on
      // average, or just two values); all-distinct integers like prices are regression.
      const fewClasses = integers && distinct.size <= 20 && (distinct.size <= 2 || distinct.size <= cells.length / 2);
      const classes = task === 'classification' || (task === 'auto' && (numbers < cells.length || fewClasses));
      if (!classes && numbers < cells.length) {
        const bad = numeric.findIndex((v) => v === null);
        throw new Error(`${source}: regression target '${name}' has a non-numeric value '${cells[bad]}' at row ${bad + 1}`);
      }
      target = classes ? { name, kind: 'classes', classes: sortClasses([...distinct]) } : { name, kind: 'numeric' };
      return;
    }
    if (o.categorical?.includes(name) || numbers === 0) {
      columns.push({ name, kind: 'categorical', categories: sortClasses([...new Set(cells.map((c) => c.trim()))]) });
      return;
    }
    if (numbers < cells.length) {
      const i = rows.findIndex((r) => !isMissing(r[j]!) && asNumber(r[j]!) === null);
      throw new Error(`${source}: non-numeric value '${rows[i]![j]}' in numeric column '${name}' at row ${i + 1}`);
    }
    columns.push({ name, kind: 'numeric' });
  });
  return { columns, target };
}

/** Numbers in numeric order, others alphabetically: class indices are stable and readable. */
function sortClasses(values: string[]): string[] {
  return values.every((v) => asNumber(v) !== null) ? values.sort((a, b) => Number(a) - Number(b)) : values.sort();
}

/** Encodes rows with a known schema; the target is read when present in the header. */
export function encodeCsv(header: string[], rows: string[][], schema: CsvSchema, source = 'CSV'): CsvDataset {
  const featureNames = schema.columns.flatMap((c) => (c.kind === 'numeric' ? [c.name] : c.categories.map((k) => `${c.name}=${k}`)));
  const width = featureNames.length;
  const x = new Float32Array(rows.length * width);
  const index = (name: string): number => {
    const j = header.indexOf(name);
    if (j < 0) throw new Error(`${source}: missing column '${name}' (the model was trained with: ${schema.columns.map((c) => c.name).join(', ')})`);
    return j;
  };
  let off = 0;
  for (const col of schema.columns) {
    const j = index(col.name);
    rows.forEach((r, i) => {
      const cell = r[j]!;
      if (isMissing(cell)) throw new Error(`${source}: missing value in column '${col.name}' at row ${i + 1}`);
      if (col.kind === 'numeric') {
        const v = asNumber(cell);
        if (v === null) throw new Error(`${source}: non-numeric value '${cell}' in numeric column '${col.name}' at row ${i + 1}`);
        x[i * width + off] = v;
      } else {
        const k = col.categories.indexOf(cell.trim());
        if (k < 0) throw new Error(`${source}: unknown category '${cell}' in column '${col.name}' at row ${i + 1} (known: ${col.categories.join(', ')})`);
        x[i * width + off + k] = 1;
      }
    });
    off += col.kind === 'numeric' ? 1 : col.categories.length;
  }
  let y: Tensor | null = null;
  const t = schema.target;
  if (t !== null && header.includes(t.name)) {
    const j = header.indexOf(t.name);
    const values = new Float32Array(rows.length);
    rows.forEach((r, i) => {
      const cell = r[j]!;
      if (isMissing(cell)) throw new Error(`${source}: missing target value in column '${t.name}' at row ${i + 1}`);
      if (t.kind === 'classes') {
        const k = t.classes.indexOf(cell.trim());
        if (k < 0) throw new Error(`${source}: unknown class '${cell}' in target column '${t.name}' at row ${i + 1} (known: ${t.classes.join(', ')})`);
        values[i] = k;
      } else {
        const v = asNumber(cell);
        if (v === null) throw new Error(`${source}: non-numeric value '${cell}' in target column '${t.name}' at row ${i + 1}`);
        values[i] = v;
      }
    });
    y = t.kind === 'classes' ? tensor(values, [rows.length]) : tensor(values, [rows.length, 1]);
  }
  const used = new Set([...schema.columns.map((c) => c.name), ...(t === null ? [] : [t.name])]);
  const dropped = header.filter((h) => !used.has(h)).map((name) => ({ name, reason: 'not an input of the schema' }));
  return { x: tensor(x, [rows.length, width]), y, schema, featureNames, dropped };
}

/** Parses CSV text: infers the schema (or applies `schema`) and encodes. */
export function parseCsv(text: string, options: CsvOptions & { schema?: CsvSchema } = {}): CsvDataset {
  const source = options.source ?? 'CSV';
  const { header, rows } = readRows(text, source, options.delimiter ?? detectDelimiter(text));
  if (rows.length === 0) throw new Error(`${source}: no data rows after the header`);
  if (options.schema !== undefined) return encodeCsv(header, rows, options.schema, source);
  const skipped = droppedColumns(header, rows, options);
  const skip = new Set(skipped.map((d) => d.name));
  reportMissing(rows.map((r) => r.filter((_, j) => !skip.has(header[j]!))), header.filter((h) => !skip.has(h)), source, undefined);
  const schema = inferSchema(header, rows, { ...options, drop: [...skip], keep: undefined, dropIdColumns: false });
  const data = encodeCsv(header, rows, schema, source);
  return { ...data, dropped: skipped };
}

/** Reads and parses a CSV file (Node). */
export async function loadCsv(path: string, options: CsvOptions & { schema?: CsvSchema } = {}): Promise<CsvDataset> {
  const fs = await import('node:fs/promises');
  let text: string;
  try {
    text = await fs.readFile(path, 'utf8');
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    throw new Error(code === 'ENOENT' ? `${path}: no such file` : `${path}: cannot read: ${(e as Error).message}`);
  }
  return parseCsv(text, { ...options, source: options.source ?? path });
}
