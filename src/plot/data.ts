import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseCsv, type CsvTable } from '../sim/csv-read.js';
import { ConfigError } from '../sim/errors.js';

/**
 * Reading a results folder back for plotting: run.json and the CSV files of the output contract
 * (flows.csv, samples.csv, pfc.csv, cpu.csv, summary.csv), as tables of strings with helpers
 * to read numeric columns.
 */

/** A CSV table with column lookup. */
export class Table {
  readonly columns: string[];
  readonly rows: string[][];
  private readonly index: Map<string, number>;

  constructor(t: CsvTable) {
    this.columns = t.columns;
    this.rows = t.rows;
    this.index = new Map(t.columns.map((c, i) => [c, i]));
  }

  has(column: string): boolean {
    return this.index.has(column);
  }

  /** The text of `column` in `row` ('' when absent). */
  text(row: readonly string[], column: string): string {
    const i = this.index.get(column);
    return i === undefined ? '' : (row[i] ?? '');
  }

  /** The number in `column` of `row` (NaN when empty or absent). */
  num(row: readonly string[], column: string): number {
    const t = this.text(row, column);
    return t === '' ? NaN : Number(t);
  }
}

/** Reads `dir/name` as a table, or null when the file does not exist. */
export function readTable(dir: string, name: string): Table | null {
  const path = join(dir, name);
  if (!existsSync(path)) return null;
  return new Table(parseCsv(readFileSync(path, 'utf8')));
}

/** Reads `dir/run.json` (null when absent); a ConfigError when it is not JSON. */
export function readJson(dir: string, name = 'run.json'): Record<string, unknown> | null {
  const path = join(dir, name);
  if (!existsSync(path)) return null;
  try {
    return JSON.parse(readFileSync(path, 'utf8')) as Record<string, unknown>;
  } catch (e) {
    throw new ConfigError(`${path}: not valid JSON (${(e as Error).message})`);
  }
}

/** Nearest-rank percentile of sorted values (as summary.csv computes them). */
export function percentileSorted(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) return NaN;
  const rank = Math.ceil((p / 100) * sorted.length);
  return sorted[Math.min(sorted.length, Math.max(1, rank)) - 1]!;
}

/** Flattens nested config into `dotted.path → value text` rows (lists of scalars stay on one row). */
export function flatten(value: unknown, prefix = ''): [string, string][] {
  if (value === null || typeof value !== 'object') return [[prefix, value === undefined ? '' : String(value)]];
  if (Array.isArray(value)) {
    if (value.every((v) => v === null || typeof v !== 'object')) return [[prefix, `[${value.map(String).join(', ')}]`]];
    return value.flatMap((v, i) => flatten(v, prefix ? `${prefix}.${i}` : String(i)));
  }
  const entries = Object.entries(value as Record<string, unknown>);
  if (entries.length === 0) return [[prefix, '{}']];
  return entries.flatMap(([k, v]) => flatten(v, prefix ? `${prefix}.${k}` : k));
}
