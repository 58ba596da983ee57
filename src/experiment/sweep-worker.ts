/**
 * The worker-thread entry of a sweep's pool (piscina): one call runs one run of the sweep.
 * The CLI runs from dist/, so the pool loads dist/experiment/sweep-worker.js.
 */
import { runSweepTask, type SweepTask, type SweepTaskResult } from './sweep-task.js';

export default function sweepWorker(task: SweepTask): SweepTaskResult {
  return runSweepTask(task);
}
