import { summarize } from '../metrics/summary.js';
import { ConfigError } from '../sim/errors.js';
import { writeResults } from './output.js';
import { runExperimentAsync } from './run-async.js';
import { runExperiment, type RunOptions, type RunResult } from './run.js';
import type { ExperimentConfig } from './schema.js';

/**
 * One run of a sweep, as a worker thread (or the main thread, with `--jobs 1`) executes it: run
 * the validated experiment, write its results into its folder. The threads share one
 * SharedArrayBuffer, the {@link SweepControl}: an abort flag the main thread raises on Ctrl-C,
 * and one progress slot per run that the running thread fills and the main thread displays.
 */

/** Doubles per progress slot: state, sim time (ps), events, flows ended, flows, limit (ps, −1: none), wall ms. */
const SLOT = 7;
/** Slot states. */
export const SLOT_QUEUED = 0;
export const SLOT_RUNNING = 1;
export const SLOT_FINISHED = 2;

/** A view of the shared control buffer. */
export class SweepControl {
  readonly buffer: SharedArrayBuffer;
  private readonly flag: Int32Array;
  private readonly slots: Float64Array;

  /** A new buffer for `slots` runs, or a view of an existing one (in a worker). */
  constructor(slotsOrBuffer: number | SharedArrayBuffer) {
    this.buffer = typeof slotsOrBuffer === 'number' ? new SharedArrayBuffer(8 + 8 * SLOT * slotsOrBuffer) : slotsOrBuffer;
    this.flag = new Int32Array(this.buffer, 0, 2);
    this.slots = new Float64Array(this.buffer, 8);
  }

  /** Asks every running run to stop after its current slice of events, and queued ones not to start. */
  abort(): void {
    Atomics.store(this.flag, 0, 1);
  }

  get aborted(): boolean {
    return Atomics.load(this.flag, 0) === 1;
  }

  /** Records a run's progress. */
  set(slot: number, state: number, p: { simTimePs: number; events: number; flowsEnded: number; flows: number; limitPs: number } | null, wallMs: number): void {
    const o = slot * SLOT;
    if (p !== null) {
      this.slots[o + 1] = p.simTimePs;
      this.slots[o + 2] = p.events;
      this.slots[o + 3] = p.flowsEnded;
      this.slots[o + 4] = p.flows;
      this.slots[o + 5] = Number.isFinite(p.limitPs) ? p.limitPs : -1;
    }
    this.slots[o + 6] = wallMs;
    this.slots[o] = state;
  }

  /** A run's state and last progress. */
  get(slot: number): { state: number; simTimePs: number; events: number; flowsEnded: number; flows: number; limitPs: number; wallMs: number } {
    const o = slot * SLOT;
    const limit = this.slots[o + 5]!;
    return {
      state: this.slots[o]!,
      simTimePs: this.slots[o + 1]!,
      events: this.slots[o + 2]!,
      flowsEnded: this.slots[o + 3]!,
      flows: this.slots[o + 4]!,
      limitPs: limit < 0 ? Infinity : limit,
      wallMs: this.slots[o + 6]!,
    };
  }
}

/** What a thread needs to execute one run (structured-cloneable). */
export interface SweepTask {
  /** 1-based run number. */
  run: number;
  /** Progress slot of this run in the control buffer. */
  slot: number;
  /** The run's result folder (absolute). */
  dir: string;
  /** The run's validated experiment. */
  config: ExperimentConfig;
  /** The experiment file, for messages and relative paths. */
  file: string;
  /** The shared {@link SweepControl} buffer. */
  control: SharedArrayBuffer;
}

/** How one run ended (structured-cloneable, so errors are flattened to messages). */
export interface SweepTaskResult {
  run: number;
  status: 'done' | 'interrupted' | 'not-started' | 'failed';
  stopReason: string | null;
  complete: boolean;
  /** Why a pathology stopped the run, or null. */
  stopReport: string | null;
  /** The error message (status `failed`); `configError` when it is the user's input, not a bug. */
  error?: string;
  configError?: boolean;
  /** A few summary numbers for the log line. */
  flows?: number;
  flowsDone?: number;
  slowdownP99?: number;
  goodputGbps?: number;
  events?: number;
  wallMs?: number;
}

function outcome(task: SweepTask, r: RunResult): SweepTaskResult {
  const s = summarize(r.flows, r.fabric.counters, r.fabric.traffic, r.simTimePs, r.events);
  return {
    run: task.run,
    status: r.stopReason === 'interrupted' ? 'interrupted' : 'done',
    stopReason: r.stopReason,
    complete: r.complete,
    stopReport: r.stopReport,
    flows: s.flows,
    flowsDone: s.flows_done,
    slowdownP99: s.slowdown_p99,
    goodputGbps: s.goodput_gbps,
    events: r.events,
    wallMs: r.wallMs,
  };
}

function failure(task: SweepTask, e: unknown): SweepTaskResult {
  const err = e as Error;
  return {
    run: task.run,
    status: 'failed',
    stopReason: null,
    complete: false,
    stopReport: null,
    error: e instanceof ConfigError ? err.message : `${err?.message ?? String(e)}\n${err?.stack ?? ''}`,
    configError: e instanceof ConfigError,
  };
}

const notStarted = (task: SweepTask): SweepTaskResult => ({ run: task.run, status: 'not-started', stopReason: null, complete: false, stopReport: null });

function options(task: SweepTask, control: SweepControl, t0: number): RunOptions {
  return {
    file: task.file,
    signal: control,
    onProgress: (p) => control.set(task.slot, SLOT_RUNNING, p, performance.now() - t0),
  };
}

/** Executes a task synchronously (in a worker thread: its event loop has nothing else to do). */
export function runSweepTask(task: SweepTask): SweepTaskResult {
  const control = new SweepControl(task.control);
  if (control.aborted) return notStarted(task);
  const t0 = performance.now();
  control.set(task.slot, SLOT_RUNNING, null, 0);
  try {
    const result = runExperiment(task.config, options(task, control, t0));
    writeResults(result, task.dir, { file: task.file });
    return outcome(task, result);
  } catch (e) {
    return failure(task, e);
  } finally {
    control.set(task.slot, SLOT_FINISHED, null, performance.now() - t0);
  }
}

/** Executes a task in slices on the main thread, yielding to the event loop (Ctrl-C, progress display). */
export async function runSweepTaskAsync(task: SweepTask): Promise<SweepTaskResult> {
  const control = new SweepControl(task.control);
  if (control.aborted) return notStarted(task);
  const t0 = performance.now();
  control.set(task.slot, SLOT_RUNNING, null, 0);
  try {
    const result = await runExperimentAsync(task.config, options(task, control, t0));
    writeResults(result, task.dir, { file: task.file });
    return outcome(task, result);
  } catch (e) {
    return failure(task, e);
  } finally {
    control.set(task.slot, SLOT_FINISHED, null, performance.now() - t0);
  }
}
