/**
 * `tf.data.csv`: a CSV file streamed row by row (csv-parse's stream parser, so a file larger
 * than memory is fine), or CSV text. Each row is an object keyed by column name, numbers where
 * the cell is numeric; with a column marked `isLabel`, rows are `{xs: {...}, ys: {...}}`, which
 * `fitDataset` takes once batched (`.map(({xs, ys}) => ({xs: Object.values(xs), ys: Object.values(ys)})).batch(n)`).
 */
import { Dataset } from './dataset.js';

export interface CsvColumnConfig {
  /** An empty cell is an error (default false). */
  required?: boolean;
  /** 'string' keeps the text; numbers otherwise. */
  dtype?: 'float32' | 'int32' | 'bool' | 'string';
  /** The value of an empty cell. */
  default?: number | string;
  /** The column is a target: it goes to `ys`. */
  isLabel?: boolean;
}

export interface CsvConfig {
  /** The first line names the columns (default true). */
  hasHeader?: boolean;
  /** Column names (required without a header; override the header's otherwise). */
  columnNames?: string[];
  columnConfigs?: Record<string, CsvColumnConfig>;
  /** Only the columns of `columnConfigs` are kept. */
  configuredColumnsOnly?: boolean;
  /** Default ','. */
  delimiter?: string;
  /** Cells are separated by runs of spaces or tabs. */
  delimWhitespace?: boolean;
}

type Row = Record<string, number | string | undefined>;

export class CSVDataset extends Dataset<Row | { xs: Row; ys: Row }> {
  constructor(private readonly records: () => AsyncGenerator<string[]>, private readonly config: CsvConfig, private readonly where: string) {
    super(() => this.rows(), null);
  }

  private header: Promise<string[]> | null = null;

  /** The column names: the header's, or `columnNames`. */
  async columnNames(): Promise<string[]> {
    this.header ??= (async () => {
      if (this.config.hasHeader === false) {
        if (this.config.columnNames === undefined) throw new Error(`data.csv: ${this.where} has no header (hasHeader: false); give columnNames`);
        return this.config.columnNames;
      }
      const first = await this.records().next();
      if (first.done === true) throw new Error(`data.csv: ${this.where} is empty (expected a header row)`);
      return this.config.columnNames ?? first.value.map((h) => h.trim());
    })();
    return this.header;
  }

  private async *rows(): AsyncGenerator<Row | { xs: Row; ys: Row }> {
    const names = await this.columnNames();
    const configs = this.config.columnConfigs ?? {};
    for (const k of Object.keys(configs)) if (!names.includes(k)) throw new Error(`data.csv: columnConfigs names '${k}', which is not a column of ${this.where} (${names.join(', ')})`);
    const keep = this.config.configuredColumnsOnly === true ? names.filter((n) => n in configs) : names;
    const labels = keep.filter((n) => configs[n]?.isLabel === true);
    let line = this.config.hasHeader === false ? 0 : 1;
    const it = this.records();
    if (this.config.hasHeader !== false) await it.next();
    for await (const cells of it) {
      line++;
      if (cells.length !== names.length) throw new Error(`data.csv: ${this.where} line ${line} has ${cells.length} fields where the header has ${names.length}`);
      const row: Row = {};
      for (const n of keep) {
        const raw = cells[names.indexOf(n)]!;
        const c = configs[n] ?? {};
        if (raw.trim() === '') {
          if (c.default !== undefined) row[n] = c.default;
          else if (c.required === true || c.isLabel === true) throw new Error(`data.csv: ${c.required === true ? 'required' : 'label'} column '${n}' is empty in ${this.where} line ${line}; give it a default in columnConfigs`);
          // As tfjs: the key with no value (a batch of rows reads it as NaN).
          else row[n] = undefined;
          continue;
        }
        const v = Number(raw);
        if (c.dtype === 'string' || Number.isNaN(v)) {
          if (c.dtype !== undefined && c.dtype !== 'string') throw new Error(`data.csv: column '${n}' (${c.dtype}) has '${raw}' in ${this.where} line ${line}, not a number`);
          row[n] = raw;
        } else row[n] = c.dtype === 'int32' ? Math.trunc(v) : c.dtype === 'bool' ? (v !== 0 ? 1 : 0) : v;
      }
      if (labels.length === 0) yield row;
      else {
        const xs: Row = {};
        const ys: Row = {};
        for (const n of keep) (labels.includes(n) ? ys : xs)[n] = row[n]!;
        yield { xs, ys };
      }
    }
  }
}

/**
 * A CSV dataset from a file (`file://path` or a path, in Node) or from CSV text (anything with
 * a line break), as tfjs's `tf.data.csv`.
 */
export function csv(source: string, config: CsvConfig = {}): CSVDataset {
  if (typeof source !== 'string') throw new Error(`data.csv: expected a file URL, a path or CSV text, got ${typeof source}`);
  const text = /[\r\n]/.test(source);
  const path = text ? '' : source.startsWith('file://') ? decodeURIComponent(source.slice(7)) : source;
  const where = text ? 'the CSV text' : path;
  const options = {
    delimiter: config.delimWhitespace === true ? [' ', '\t'] : (config.delimiter ?? ','),
    skip_empty_lines: true, relax_column_count: true, bom: true, ...(config.delimWhitespace === true ? { ltrim: true, rtrim: true } : {}),
  };
  // Runs of spaces split into empty cells; a whitespace-delimited row drops them.
  const clean = (r: string[]): string[] => (config.delimWhitespace === true ? r.filter((c) => c !== '') : r);
  const records = async function* (): AsyncGenerator<string[]> {
    if (text) {
      const { parse } = await import('csv-parse/sync');
      for (const r of parse(source, options) as string[][]) yield clean(r);
      return;
    }
    const [{ createReadStream }, { parse }] = await Promise.all([import('node:fs'), import('csv-parse')]);
    const file = createReadStream(path);
    const stream = file.pipe(parse(options));
    // A read error (a missing file) ends the parser with it, instead of leaving it waiting.
    file.on('error', (e) => stream.destroy(e));
    try {
      for await (const r of stream) yield clean(r as string[]);
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code;
      throw new Error(code === 'ENOENT' ? `data.csv: ${path}: no such file` : `data.csv: ${path}: ${(e as Error).message}`);
    }
  };
  return new CSVDataset(records, config, where);
}
