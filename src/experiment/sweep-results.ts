import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { toCsv, writeFileAtomic, type Cell } from '../metrics/csv.js';
import { parseCsv } from '../sim/csv-read.js';
import { ConfigError } from '../sim/errors.js';
import { VERSION } from '../version.js';
import { valueText, type Shard, type SweepPlan, type SweepRun } from './sweep.js';

/**
 * What a sweep leaves on disk. A sweep folder holds one sub-folder per run (the run's usual
 * result files), `summary.csv` (one row per run: `run`, the swept values, then the run's own
 * summary.csv columns) and `sweep.json` (the plan, the shard, and each run's status). Shard
 * folders have the same layout with their share of the runs; merging them gives a folder whose
 * summary.csv and sweep.json are byte-identical to an unsharded sweep's.
 */

/** Name of the manifest in a sweep folder. */
export const SWEEP_MANIFEST = 'sweep.json';
/** Name of the summary in a sweep folder. */
export const SWEEP_SUMMARY = 'summary.csv';

/** How a run of a sweep ended. */
export type SweepRunStatus = 'done' | 'interrupted' | 'not-started' | 'failed';

/** A run of a sweep with how it ended. */
export interface SweepRunRecord extends SweepRun {
  status: SweepRunStatus;
  /** The run's stop reason (run.json `stop_reason`); null when it did not run. */
  stop_reason: string | null;
  /** The run's `complete` flag; false when it did not finish. */
  complete: boolean;
  /** Why it failed (status `failed`). */
  error?: string;
}

/** The content of `sweep.json`. */
export interface SweepManifest {
  /** Format marker and version of this file. */
  fabricsim_sweep: 1;
  /** fabricsim version that wrote it. */
  version: string;
  name: string;
  /** True when every run of this folder ended with status `done`. */
  complete: boolean;
  /** The shard this folder holds, or null for a whole (or merged) sweep. */
  shard: Shard | null;
  /** The whole sweep's plan (all runs, not only this folder's). */
  plan: SweepPlan;
  /** This folder's runs, in run order. */
  runs: SweepRunRecord[];
}

/** Writes `sweep.json` (atomically). */
export function writeManifest(dir: string, manifest: SweepManifest): void {
  writeFileAtomic(dir, SWEEP_MANIFEST, JSON.stringify(manifest, null, 2) + '\n');
}

/** Reads `dir/sweep.json`; a ConfigError when the folder is not a sweep. */
export function readManifest(dir: string): SweepManifest {
  const path = join(dir, SWEEP_MANIFEST);
  if (!existsSync(path)) throw new ConfigError(`${dir} is not a sweep folder (it has no ${SWEEP_MANIFEST})`);
  let m: SweepManifest;
  try {
    m = JSON.parse(readFileSync(path, 'utf8')) as SweepManifest;
  } catch (e) {
    throw new ConfigError(`${path}: not valid JSON (${(e as Error).message})`);
  }
  if (m === null || typeof m !== 'object' || m.fabricsim_sweep !== 1 || !Array.isArray(m.runs) || typeof m.plan !== 'object') {
    throw new ConfigError(`${path}: not a fabricsim sweep manifest`);
  }
  return m;
}

/** A swept value as a CSV cell: scalars as they are, lists and objects as compact JSON. */
function valueCell(v: unknown): Cell {
  if (typeof v === 'number' || typeof v === 'boolean' || typeof v === 'string') return v;
  return valueText(v);
}

/**
 * Writes `dir/summary.csv` for `runs` (in the order given): for each run whose folder holds a
 * summary.csv, one row of the run folder's name, the swept values (one column per axis, named by
 * its path; a `seed` axis is the run's own `seed` column) and the run's summary columns. Runs
 * without results have no row. Returns the number of rows.
 */
export function writeSweepSummary(dir: string, plan: SweepPlan, runs: readonly SweepRun[]): number {
  const axisCols = plan.axes.map((a, i) => ({ path: a.path, i })).filter((a) => a.path !== 'seed');
  let runCols: string[] | null = null;
  const rows: Cell[][] = [];
  for (const r of runs) {
    const path = join(dir, r.dir, 'summary.csv');
    if (!existsSync(path)) continue;
    const table = parseCsv(readFileSync(path, 'utf8'));
    const row = table.rows[0];
    if (row === undefined) continue;
    if (runCols === null) runCols = table.columns;
    const byName = new Map(table.columns.map((c, k) => [c, row[k] ?? '']));
    rows.push([r.dir, ...axisCols.map((a) => valueCell(r.values[a.i])), ...runCols.map((c) => byName.get(c) ?? '')]);
  }
  writeFileAtomic(dir, SWEEP_SUMMARY, toCsv(['run', ...axisCols.map((a) => a.path), ...(runCols ?? [])], rows));
  return rows.length;
}

/** A manifest for `runs` of `plan`. */
export function manifestFor(plan: SweepPlan, shard: Shard | null, runs: SweepRunRecord[]): SweepManifest {
  const sorted = runs.slice().sort((a, b) => a.run - b.run);
  return { fabricsim_sweep: 1, version: VERSION, name: plan.name, complete: sorted.every((r) => r.status === 'done'), shard, plan, runs: sorted };
}
