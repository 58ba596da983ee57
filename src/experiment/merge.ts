import { cpSync, existsSync, mkdirSync, renameSync, rmSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { ConfigError } from '../sim/errors.js';
import { VERSION } from '../version.js';
import { manifestFor, readManifest, writeManifest, writeSweepSummary, type SweepRunRecord } from './sweep-results.js';
import { planKey, type SweepPlan } from './sweep.js';

/** Options of {@link mergeSweeps}. */
export interface MergeOptions {
  /** Merge even when runs are missing or unfinished (the result's sweep.json says `complete: false`). */
  partial?: boolean;
}

/** What a merge did. */
export interface MergeReport {
  dir: string;
  plan: SweepPlan;
  /** Runs copied into the merged folder. */
  merged: number;
  /** Run numbers of the plan that no folder had finished. */
  missing: number[];
  complete: boolean;
}

/** Run numbers as a short list: `3, 7, 11, … (12 in all)`. */
function someRuns(runs: readonly number[]): string {
  return runs.length <= 8 ? runs.join(', ') : `${runs.slice(0, 8).join(', ')}, … (${runs.length} in all)`;
}

/**
 * Merges sweep folders (shards of one sweep: `fabricsim sweep --shard i/N`) into `out`: every
 * run folder is copied in (to a temporary name, then renamed), and summary.csv and sweep.json
 * are written as an unsharded sweep writes them, so the merged summary.csv is byte-identical to
 * the one a single `fabricsim sweep` would have made. The folders must come from the same sweep
 * (same file content, overrides, grid and seeds) and the same fabricsim version; a run found in
 * two folders, or a run of the plan found in none, is a ConfigError (unless `partial`).
 * `out` may be one of `dirs`, or a folder that holds them.
 */
export function mergeSweeps(out: string, dirs: readonly string[], options: MergeOptions = {}): MergeReport {
  if (dirs.length === 0) throw new ConfigError('merge needs at least one sweep folder to read');
  const outDir = resolve(out);
  const manifests = dirs.map((d) => ({ dir: resolve(d), m: readManifest(d) }));
  const first = manifests[0]!;
  const key = planKey(first.m.plan);
  for (const { dir, m } of manifests) {
    if (m.version !== VERSION) throw new ConfigError(`${dir} was written by fabricsim ${m.version}; this is ${VERSION}: rerun that shard with this version`);
    if (planKey(m.plan) !== key) {
      const what =
        m.plan.file !== first.m.plan.file ? `experiment files (${m.plan.file} vs ${first.m.plan.file})`
        : JSON.stringify(m.plan.axes) !== JSON.stringify(first.m.plan.axes) ? 'grids'
        : 'experiments (the file or a --set/--seed override changed between shards)';
      throw new ConfigError(`${dir} and ${first.dir} are parts of different sweeps: different ${what}`);
    }
  }
  if (existsSync(join(outDir, 'sweep.json')) && !manifests.some((x) => x.dir === outDir)) {
    const existing = readManifest(outDir);
    if (planKey(existing.plan) !== key) throw new ConfigError(`${outDir} already holds a different sweep (${existing.name}); choose another output folder`);
  }

  const plan = first.m.plan;
  // which folder holds each run (finished runs win over unfinished ones; two finished copies are an error)
  const source = new Map<number, { dir: string; rec: SweepRunRecord }>();
  for (const { dir, m } of manifests) {
    for (const rec of m.runs) {
      if (rec.status === 'not-started' || !existsSync(join(dir, rec.dir, 'run.json'))) continue;
      const seen = source.get(rec.run);
      if (seen !== undefined && seen.dir !== dir) {
        if (seen.rec.status === 'done' && rec.status === 'done') {
          throw new ConfigError(`run ${rec.run} (${rec.dir}) is in both ${seen.dir} and ${dir}; merge shards of one sweep, each once`);
        }
        if (seen.rec.status === 'done') continue;
      }
      source.set(rec.run, { dir, rec });
    }
  }
  const missing = plan.runs.filter((r) => source.get(r.run)?.rec.status !== 'done').map((r) => r.run);
  if (missing.length > 0 && !options.partial) {
    throw new ConfigError(
      `runs ${someRuns(missing)} of ${plan.runs.length} are missing or unfinished in ${dirs.join(', ')}; rerun their shards (or pass --partial to merge what is there)`,
    );
  }

  mkdirSync(outDir, { recursive: true });
  const records: SweepRunRecord[] = [];
  for (const r of plan.runs) {
    const src = source.get(r.run);
    if (src === undefined) {
      records.push({ ...r, status: 'not-started', stop_reason: null, complete: false });
      continue;
    }
    const from = join(src.dir, r.dir);
    const to = join(outDir, r.dir);
    if (from !== to) {
      const tmp = join(outDir, `.${r.dir}.tmp-${process.pid}`);
      rmSync(tmp, { recursive: true, force: true });
      cpSync(from, tmp, { recursive: true });
      rmSync(to, { recursive: true, force: true });
      renameSync(tmp, to);
    }
    records.push({ ...src.rec });
  }
  writeSweepSummary(outDir, plan, plan.runs.filter((r) => source.has(r.run)));
  const manifest = manifestFor(plan, null, records);
  writeManifest(outDir, manifest);
  return { dir: outDir, plan, merged: source.size, missing, complete: manifest.complete };
}
