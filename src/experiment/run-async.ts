import { runExperimentSteps, type RunOptions, type RunResult } from './run.js';

/** Yields to the Node event loop: pending I/O, timers and signal handlers run. */
function yieldToEventLoop(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}

/**
 * {@link runExperiment} for interactive use: the same setup and the same event loop (so the same
 * results, byte for byte), run in slices of about 200k events with a yield to the Node event loop
 * between slices. Signal handlers (Ctrl-C), timers (a progress display) and I/O run between
 * slices; when `options.signal.aborted` becomes true the run stops after the current slice with
 * `stopReason: 'interrupted'` and `complete: false`, and the result holds what was measured so
 * far (write it with `writeResults`).
 */
export async function runExperimentAsync(experiment: unknown, options: RunOptions = {}): Promise<RunResult> {
  const steps = runExperimentSteps(experiment, options);
  for (;;) {
    const step = steps.next();
    if (step.done === true) return step.value;
    await yieldToEventLoop();
  }
}
