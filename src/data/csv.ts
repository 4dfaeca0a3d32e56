/**
 * `tf.data.csv(path, options)`: the rows of a CSV file as a dataset, as TF.js's `tf.data.csv`.
 * The file is streamed through `csv-parse` (a file of any size is read a chunk at a time, and
 * each pass opens it anew); the parser is imported on first use only. An element is an object
 * of the row's fields, or `{xs, ys}` when some column is marked `isLabel`. Fields are numbers
 * unless their column says otherwise (`dtype: 'string'`, or `'bool'`); an empty field takes the
 * column's `default`, is an error when the column is `required`, and is otherwise NaN (false
 * for bool columns, '' for string ones).
 */
import { createReadStream } from 'node:fs';
import { access } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import type { DType } from '../dtype.js';
import { checkOptions, show } from '../validate.js';
import { Dataset } from './dataset.js';

export interface ColumnConfig {
  /** An empty field is an error. */
  required?: boolean;
  /** How the field is read: numbers for 'float32' and 'int32' (the default), booleans, or text. */
  dtype?: DType | 'string';
  /** The value of an empty field. */
  default?: number | boolean | string;
  /** The column is a label: elements become `{xs: {…features}, ys: {…labels}}`. */
  isLabel?: boolean;
}

export interface CsvOptions {
  /** The first line names the columns (default true). */
  hasHeader?: boolean;
  /** Column names, in file order; required when there is no header, else they replace it. */
  columnNames?: string[];
  columnConfigs?: Record<string, ColumnConfig>;
  /** Keep only the columns named in `columnConfigs` (default false). */
  configuredColumnsOnly?: boolean;
  /** The field separator (default ','). */
  delimiter?: string;
}

type Field = number | boolean | string;
export type CsvRow = Record<string, Field> | { xs: Record<string, Field>; ys: Record<string, Field> };

const OPTION_SPEC = { hasHeader: 'boolean', columnNames: 'any', columnConfigs: 'any', configuredColumnsOnly: 'boolean', delimiter: 'string' } as const;
const COLUMN_SPEC = { required: 'boolean', dtype: ['float32', 'int32', 'bool', 'float64', 'string'], default: 'any', isLabel: 'boolean' } as const;

export function csv(source: string | URL, options?: CsvOptions | null): Dataset<CsvRow> {
  const path = typeof source === 'string' && source.startsWith('file://') ? fileURLToPath(source) : source instanceof URL ? fileURLToPath(source) : source;
  if (typeof path !== 'string' || path === '') throw new TypeError(`csv: expected a file path or file:// URL, got ${show(source)}`);
  const opts = checkOptions(options, OPTION_SPEC, 'csv');
  const hasHeader = opts.hasHeader ?? true;
  const configs = opts.columnConfigs ?? {};
  if (typeof configs !== 'object' || configs === null || Array.isArray(configs)) throw new TypeError(`csv: options.columnConfigs must be an object of column configs, got ${show(configs)}`);
  for (const [name, config] of Object.entries(configs)) checkOptions(config, COLUMN_SPEC, `csv: columnConfigs.${name}`);
  if (opts.columnNames !== undefined && (!Array.isArray(opts.columnNames) || opts.columnNames.some((n) => typeof n !== 'string'))) {
    throw new TypeError(`csv: options.columnNames must be an array of strings, got ${show(opts.columnNames)}`);
  }
  if (!hasHeader && opts.columnNames === undefined) throw new Error('csv: a file without a header (hasHeader: false) needs options.columnNames');

  return new Dataset(async function* () {
    try {
      await access(path);
    } catch (e) {
      throw new Error(`csv: cannot read ${path}: ${(e as Error).message}`);
    }
    const { parse } = await import('csv-parse');
    const stream = createReadStream(path);
    const parser = stream.pipe(parse({ delimiter: opts.delimiter ?? ',', skip_empty_lines: true, trim: true, info: true }));
    stream.on('error', (e) => parser.destroy(e));
    let columns: readonly string[] | null = hasHeader ? null : opts.columnNames!;
    let reader: ((fields: string[], line: number) => CsvRow) | null = columns === null ? null : rowReader(path, columns, configs, opts.configuredColumnsOnly ?? false);
    try {
      for await (const { record, info } of parser as AsyncIterable<{ record: string[]; info: { lines: number } }>) {
        if (reader === null) {
          columns = opts.columnNames ?? record;
          if (columns.length !== record.length) throw new Error(`csv: ${path}: options.columnNames has ${columns.length} names but the header has ${record.length} fields`);
          reader = rowReader(path, columns, configs, opts.configuredColumnsOnly ?? false);
          continue;
        }
        yield reader(record, info.lines);
      }
    } catch (e) {
      if ((e as { code?: string }).code?.startsWith('CSV_')) throw new Error(`csv: ${path}: ${(e as Error).message}`);
      throw e;
    } finally {
      parser.destroy();
      stream.destroy();
    }
  }, null);
}

function rowReader(path: string, columns: readonly string[], configs: Record<string, ColumnConfig>, configuredOnly: boolean) {
  for (const name of Object.keys(configs)) {
    if (!columns.includes(name)) throw new Error(`csv: ${path}: columnConfigs names a column ${show(name)} that is not in the file (columns: ${columns.join(', ')})`);
  }
  const kept = columns.map((name, i) => ({ name, i, config: configs[name] ?? {} })).filter((c) => !configuredOnly || c.name in configs);
  const labelled = kept.some((c) => c.config.isLabel);
  return (fields: string[], line: number): CsvRow => {
    if (fields.length !== columns.length) throw new Error(`csv: ${path}: line ${line} has ${fields.length} fields, expected ${columns.length}`);
    const xs: Record<string, Field> = {};
    const ys: Record<string, Field> = {};
    for (const { name, i, config } of kept) (config.isLabel ? ys : xs)[name] = readField(fields[i], config, path, line, name);
    return labelled ? { xs, ys } : xs;
  };
}

function readField(text: string, config: ColumnConfig, path: string, line: number, column: string): Field {
  if (text === '') {
    if (config.default !== undefined) return config.default;
    if (config.required) throw new Error(`csv: ${path}: line ${line}: the required column ${show(column)} is empty`);
    return config.dtype === 'string' ? '' : config.dtype === 'bool' ? false : NaN;
  }
  switch (config.dtype) {
    case 'string': return text;
    case 'bool': {
      const lower = text.toLowerCase();
      if (lower === 'true' || lower === '1') return true;
      if (lower === 'false' || lower === '0') return false;
      throw new Error(`csv: ${path}: line ${line}: column ${show(column)} is bool but holds ${show(text)}`);
    }
    case undefined: {
      const n = Number(text);
      return Number.isNaN(n) ? text : n;
    }
    default: {
      const n = Number(text);
      if (Number.isNaN(n) && text.toLowerCase() !== 'nan') throw new Error(`csv: ${path}: line ${line}: column ${show(column)} is ${config.dtype} but holds ${show(text)}`);
      if (config.dtype === 'int32' && !Number.isInteger(n)) throw new Error(`csv: ${path}: line ${line}: column ${show(column)} is int32 but holds ${show(text)}`);
      return n;
    }
  }
}
