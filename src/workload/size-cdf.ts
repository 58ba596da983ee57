import { readFileSync } from 'node:fs';
import { ConfigError } from '../sim/errors.js';
import { parseCsvRecords } from '../sim/csv-read.js';
import type { Rng } from '../sim/rng.js';
import { at } from './common.js';
import { readWorkloadFile } from './files.js';
import type { WorkloadContext } from './workload.js';

/**
 * Empirical flow-size distributions: a piecewise-linear CDF over flow sizes, as the datacenter
 * literature publishes them (points `bytes, P(size <= bytes)`; sizes between two points are
 * uniform). Three standard ones ship in `data/size-cdf/` with their sources: `web-search`
 * (DCTCP), `data-mining` (VL2) and `hadoop` (Facebook); any other CSV file of the same shape can
 * be named by its path.
 */

/** The distributions shipped with fabricsim, by name. */
export const SIZE_CDF_NAMES = ['web-search', 'data-mining', 'hadoop'] as const;

/** A flow-size distribution. */
export interface SizeCdf {
  /** Its name (`web-search`) or the file it came from. */
  readonly name: string;
  /** Sizes in bytes, non-decreasing. */
  readonly bytes: readonly number[];
  /** P(size <= bytes[i]), non-decreasing from 0 to 1. */
  readonly cdf: readonly number[];
  /** The mean size in bytes (each segment uniform). */
  readonly meanBytes: number;
}

/** The folder of the shipped distributions (the same relative place from src/ and dist/). */
const DATA_DIR = new URL('../../data/size-cdf/', import.meta.url);

const cache = new Map<string, SizeCdf>();

/**
 * Parses a size distribution: CSV or whitespace-separated `bytes cdf` pairs, `#` comments, an
 * optional header line; the CDF as fractions (ending at 1) or percent (ending at 100). A first
 * point with a CDF above 0 is a point mass at that size. Throws an Error naming the line.
 */
export function parseSizeCdf(text: string, name: string): SizeCdf {
  const { records, lines } = parseCsvRecords(text.replace(/[ \t]+/g, ','), { comments: true });
  const bytes: number[] = [];
  const cdf: number[] = [];
  records.forEach((rec, k) => {
    const fields = rec.map((f) => f.trim()).filter((f) => f !== '');
    if (fields.length === 0) return;
    const nums = fields.map(Number);
    if (k === 0 && nums.some((v) => !Number.isFinite(v))) return; // a header line
    if (fields.length !== 2 || nums.some((v) => !Number.isFinite(v))) {
      throw new Error(`line ${lines[k]}: expected two numbers "bytes,cdf"; found "${rec.join(',')}"`);
    }
    const [b, c] = nums as [number, number];
    if (b < 0) throw new Error(`line ${lines[k]}: a size must be >= 0; found ${b}`);
    if (bytes.length > 0 && (b < bytes[bytes.length - 1]! || c < cdf[cdf.length - 1]!)) {
      throw new Error(`line ${lines[k]}: sizes and CDF values must not decrease; found ${b},${c} after ${bytes[bytes.length - 1]},${cdf[cdf.length - 1]}`);
    }
    bytes.push(b);
    cdf.push(c);
  });
  if (bytes.length < 2) throw new Error('a size distribution needs at least two points');
  const last = cdf[cdf.length - 1]!;
  const scale = last === 1 ? 1 : last === 100 ? 100 : NaN;
  if (Number.isNaN(scale)) throw new Error(`the last CDF value must be 1 (fractions) or 100 (percent); found ${last}`);
  const c = cdf.map((v) => v / scale);
  if (c[0]! < 0) throw new Error(`CDF values must be >= 0; found ${cdf[0]}`);
  if (c[0]! > 0) {
    // a point mass at the smallest size
    bytes.unshift(bytes[0]!);
    c.unshift(0);
  }
  let mean = 0;
  for (let i = 0; i + 1 < bytes.length; i++) mean += (c[i + 1]! - c[i]!) * ((bytes[i]! + bytes[i + 1]!) / 2);
  if (!(mean > 0)) throw new Error('the mean flow size is 0; sizes must reach above 0 bytes');
  return { name, bytes, cdf: c, meanBytes: mean };
}

/**
 * The distribution named `spec`: one of {@link SIZE_CDF_NAMES}, or the path of a CSV file
 * (relative to the experiment file's folder). A ConfigError at `field` when it cannot be read.
 */
export function loadSizeCdf(spec: string, ctx: WorkloadContext, ...field: (string | number)[]): SizeCdf {
  if ((SIZE_CDF_NAMES as readonly string[]).includes(spec)) {
    let hit = cache.get(spec);
    if (hit === undefined) {
      hit = parseSizeCdf(readFileSync(new URL(`${spec}.csv`, DATA_DIR), 'utf8'), spec);
      cache.set(spec, hit);
    }
    return hit;
  }
  if (!/[./\\]/.test(spec)) {
    throw new ConfigError(`unknown size distribution '${spec}'; expected one of ${SIZE_CDF_NAMES.join(', ')} or the path of a CSV file of "bytes,cdf" points`, at(ctx, ...field));
  }
  const { text, path } = readWorkloadFile(spec, ctx, ...field);
  try {
    return parseSizeCdf(text, spec);
  } catch (e) {
    throw new ConfigError(`${path}: ${(e as Error).message}`, at(ctx, ...field));
  }
}

/** A flow size drawn from `dist` (inverse transform, uniform within a segment), whole bytes >= 1. */
export function sampleSize(dist: SizeCdf, rng: Rng): number {
  const u = rng.next();
  const { bytes, cdf } = dist;
  // the first point whose CDF exceeds u (binary search)
  let lo = 1;
  let hi = cdf.length - 1;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (cdf[mid]! > u) hi = mid;
    else lo = mid + 1;
  }
  const c0 = cdf[lo - 1]!;
  const c1 = cdf[lo]!;
  const b0 = bytes[lo - 1]!;
  const b1 = bytes[lo]!;
  const size = c1 > c0 ? b0 + ((u - c0) / (c1 - c0)) * (b1 - b0) : b1;
  return Math.max(1, Math.round(size));
}
