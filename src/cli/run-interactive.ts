import { runExperimentAsync } from '../experiment/run-async.js';
import type { RunResult } from '../experiment/run.js';
import type { ExperimentConfig } from '../experiment/schema.js';
import { handleInterrupts } from './interrupt.js';
import { ProgressBoard, type ProgressStream } from './progress.js';

/** What {@link runInteractive} needs from the command line. */
export interface InteractiveOptions {
  /** The experiment file (messages, relative paths). */
  file: string;
  /** No progress display. */
  quiet?: boolean;
  /** The terminal stream for progress (stderr); none: no display. */
  errStream?: ProgressStream;
  /** Prints a message on stderr. */
  err: (text: string) => void;
}

/** A finished or interrupted run and the exit code an interruption calls for. */
export interface InteractiveRun {
  result: RunResult;
  /** 130 (SIGINT) or 143 (SIGTERM) when a signal stopped the run; else 0. */
  interruptCode: number;
}

/**
 * Runs an experiment the way the `run` command does: in slices that yield to the event loop, so
 * Ctrl-C stops it cleanly (the result says `stopReason: 'interrupted'`, `complete: false`), with
 * a progress line on stderr when it lasts over a second and stderr is a terminal.
 */
export async function runInteractive(config: ExperimentConfig, o: InteractiveOptions): Promise<InteractiveRun> {
  const board = new ProgressBoard(o.errStream ?? { write: () => true }, { enabled: !o.quiet });
  const interrupt = handleInterrupts((t) => board.log(t, o.err));
  const t0 = performance.now();
  try {
    const result = await runExperimentAsync(config, {
      file: o.file,
      signal: interrupt.signal,
      onProgress: (p) => board.update('run', config.name, { ...p, wallMs: performance.now() - t0 }),
    });
    return { result, interruptCode: result.stopReason === 'interrupted' ? interrupt.exitCode : 0 };
  } finally {
    board.close();
    interrupt.dispose();
  }
}
