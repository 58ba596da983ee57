import { z } from 'zod';
import type { WorkloadVariant } from './workload.js';

/**
 * No traffic of its own: for runs driven by applications a library user passes to
 * `runExperiment(config, { apps })`, or by faults alone.
 */
export const idle: WorkloadVariant<Record<string, never>> = {
  name: 'idle',
  description: 'no flows (for runs driven by library applications, RunOptions.apps)',
  params: z.object({}).strict(),
  generate() {
    return [];
  },
};
