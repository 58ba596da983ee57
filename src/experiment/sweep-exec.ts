import { existsSync, mkdirSync, readdirSync, rmSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Piscina } from 'piscina';
import { ConfigError } from '../sim/errors.js';
import { manifestFor, readManifest, SWEEP_MANIFEST, SWEEP_SUMMARY, writeManifest, writeSweepSummary, type SweepRunRecord } from './sweep-results.js';
import { runSweepTaskAsync, SweepControl, type SweepTask, type SweepTaskResult } from './sweep-task.js';
import { planKey, shardRuns, type PlannedSweep, type Shard, type SweepRun } from './sweep.js';

/** Options of {@link runSweep}. */
export interface RunSweepOptions {
  /** The sweep folder: one sub-folder per run, summary.csv and sweep.json. */
  out: string;
  /** Runs at once, each in a worker thread; 1 runs them one after another on this thread. Default: the number of CPUs. */
  jobs?: number;
  /** Run only this shard's runs (round robin by run number). */
  shard?: Shard;
  /** When it aborts (Ctrl-C), running runs stop after their current slice and write `complete: false`; queued ones do not start. */
  signal?: AbortSignal;
  /** Called once the runs are about to start: the shared control buffer (progress slot `i` is `runs[i]`). */
  onStart?: (control: SweepControl, runs: readonly SweepRun[]) => void;
  /** Called as each run ends. */
  onRunEnd?: (run: SweepRun, result: SweepTaskResult, ended: number, total: number) => void;
  /** The worker entry (a file URL); default: the compiled `experiment/sweep-worker.js`. */
  workerFile?: string;
}

/** What a sweep did. */
export interface SweepReport {
  /** The sweep folder (absolute). */
  dir: string;
  /** This folder's runs with their status. */
  runs: SweepRunRecord[];
  /** Each run's outcome, in run order. */
  results: SweepTaskResult[];
  /** True when a signal stopped it. */
  interrupted: boolean;
  /** The first run that failed (a bad value only a run reveals, or a bug); the others were stopped. */
  failed: SweepTaskResult | null;
  /** Rows written to summary.csv. */
  summaryRows: number;
}

/**
 * The worker entry: `sweep-worker.js` beside this module when it is compiled (dist/), else the
 * package's dist/ (when this module runs from TypeScript sources, e.g. under a test runner).
 */
export function defaultWorkerFile(): string {
  const candidates = [new URL('./sweep-worker.js', import.meta.url), new URL('../../dist/experiment/sweep-worker.js', import.meta.url)];
  const found = candidates.find((u) => existsSync(fileURLToPath(u)));
  if (found === undefined) {
    throw new Error('parallel sweeps run the compiled code in worker threads, and dist/experiment/sweep-worker.js is missing: run `npm run build` (or use --jobs 1)');
  }
  return found.href;
}

/** Refuses a folder that holds another sweep (or other runs), so results are never mixed. */
function checkOutDir(dir: string, key: string): void {
  if (!existsSync(dir)) return;
  if (existsSync(join(dir, SWEEP_MANIFEST))) {
    const m = readManifest(dir);
    if (planKey(m.plan) !== key) {
      throw new ConfigError(`${dir} already holds a different sweep (${m.name}, ${m.plan.runs.length} runs); choose another --out or remove it`);
    }
    return;
  }
  const runs = readdirSync(dir).filter((n) => /^run-\d+/.test(n));
  if (runs.length > 0) throw new ConfigError(`${dir} already holds run folders (${runs[0]}, ...) but no ${SWEEP_MANIFEST}; choose another --out or remove them`);
}

/**
 * Runs a planned sweep (or one shard of it) into `options.out`: each run writes its own folder
 * (`run-0001-...`), then summary.csv and sweep.json are written. Results do not depend on
 * `jobs`: each run is a pure function of its experiment and seed. The first failing run stops
 * the others (reported in `failed`); an aborted signal stops the sweep with `interrupted` set and
 * every unfinished run marked in sweep.json.
 */
export async function runSweep(planned: PlannedSweep, options: RunSweepOptions): Promise<SweepReport> {
  const { plan, configs } = planned;
  const dir = resolve(options.out);
  const runs = shardRuns(plan.runs, options.shard);
  checkOutDir(dir, planKey(plan));
  mkdirSync(dir, { recursive: true });
  // no summary that looks finished while the sweep runs
  rmSync(join(dir, SWEEP_SUMMARY), { force: true });
  const pending = (r: SweepRun): SweepRunRecord => ({ ...r, status: 'not-started', stop_reason: null, complete: false });
  writeManifest(dir, manifestFor(plan, options.shard ?? null, runs.map(pending)));

  const control = new SweepControl(Math.max(1, runs.length));
  const abort = () => control.abort();
  if (options.signal?.aborted) abort();
  options.signal?.addEventListener('abort', abort);
  const file = plan.file;
  const tasks: SweepTask[] = runs.map((r, slot) => ({ run: r.run, slot, dir: join(dir, r.dir), config: configs[r.run - 1]!, file, control: control.buffer }));
  const results = new Map<number, SweepTaskResult>();
  let failed: SweepTaskResult | null = null;
  let ended = 0;
  const settle = (task: SweepTask, result: SweepTaskResult): void => {
    results.set(task.run, result);
    ended++;
    if (result.status === 'failed' && failed === null) {
      failed = result;
      control.abort();
    }
    options.onRunEnd?.(runs[task.slot]!, result, ended, runs.length);
  };

  options.onStart?.(control, runs);
  const jobs = Math.max(1, Math.min(options.jobs ?? availableParallelism(), runs.length));
  try {
    if (jobs === 1) {
      for (const task of tasks) settle(task, await runSweepTaskAsync(task));
    } else {
      const pool = new Piscina<SweepTask, SweepTaskResult>({
        filename: options.workerFile ?? defaultWorkerFile(),
        minThreads: jobs,
        maxThreads: jobs,
        concurrentTasksPerWorker: 1,
        idleTimeout: 60_000,
      });
      try {
        await Promise.all(
          tasks.map((task) =>
            pool.run(task).then(
              (result) => settle(task, result),
              (e: unknown) =>
                settle(task, {
                  run: task.run,
                  status: 'failed',
                  stopReason: null,
                  complete: false,
                  stopReport: null,
                  error: `worker thread failed: ${(e as Error)?.message ?? String(e)}`,
                }),
            ),
          ),
        );
      } finally {
        await pool.destroy();
      }
    }
  } finally {
    options.signal?.removeEventListener('abort', abort);
  }

  const records: SweepRunRecord[] = runs.map((r) => {
    const res = results.get(r.run);
    if (res === undefined) return pending(r);
    return { ...r, status: res.status, stop_reason: res.stopReason, complete: res.complete, ...(res.status === 'failed' ? { error: res.error!.split('\n')[0]! } : {}) };
  });
  const summaryRows = writeSweepSummary(dir, plan, runs);
  writeManifest(dir, manifestFor(plan, options.shard ?? null, records));
  return {
    dir,
    runs: records,
    results: runs.map((r) => results.get(r.run) ?? { run: r.run, status: 'not-started', stopReason: null, complete: false, stopReport: null }),
    interrupted: options.signal?.aborted === true,
    failed,
    summaryRows,
  };
}
