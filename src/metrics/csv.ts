import { mkdirSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { stringify } from 'csv-stringify/sync';

/** A CSV cell value. */
export type Cell = string | number | boolean;

/**
 * Formats a number for CSV: integers as they are, other numbers rounded to 6 decimals (so the
 * text is the same on every machine), NaN and infinities as an empty cell.
 */
export function formatNumber(n: number): string {
  if (!Number.isFinite(n)) return '';
  if (Number.isInteger(n)) return String(n);
  return String(Number(n.toFixed(6)));
}

function cell(v: Cell): string {
  return typeof v === 'number' ? formatNumber(v) : String(v);
}

/** Renders a header and rows as CSV text (RFC 4180 quoting, `\n` line ends). */
export function toCsv(columns: readonly string[], rows: Iterable<readonly Cell[]>): string {
  const out: string[][] = [columns.slice()];
  for (const r of rows) out.push(r.map(cell));
  return stringify(out, { record_delimiter: 'unix' });
}

/**
 * Writes `text` to `dir/name` atomically: first to a temporary name in the same folder, then
 * renamed, so a reader never sees a partial file under the final name.
 */
export function writeFileAtomic(dir: string, name: string, text: string): void {
  mkdirSync(dir, { recursive: true });
  const tmp = join(dir, `.${name}.tmp-${process.pid}`);
  writeFileSync(tmp, text);
  renameSync(tmp, join(dir, name));
}
