import { z } from 'zod';

/** A dotted field path (`fabric.mtu`, `workload.senders`, `fabric.pfc.priorities.0`). */
export const SWEEP_PATH = /^[A-Za-z_][A-Za-z0-9_-]*(\.[A-Za-z0-9_-]+)*$/;

/** Fields a sweep cannot vary: the sweep itself and the experiment's name (it names the results). */
export const UNSWEEPABLE = ['sweep', 'name'] as const;

/**
 * The `sweep` block of an experiment file: a grid of dotted field paths, each with the list of
 * values it takes. `fabricsim sweep` runs the cartesian product (the last axis varies fastest);
 * `fabricsim run` ignores the block and runs the experiment as written.
 */
export const sweepSchema = z
  .record(
    // the pattern is for editors (JSON Schema); validation is the superRefine below, with clearer messages
    z.string().meta({ pattern: SWEEP_PATH.source, description: 'a dotted field path: fabric.mtu, workload.bytes, fabric.pfc.priorities.0' }),
    z
      .array(z.unknown(), { error: (iss) => (iss.code === 'invalid_type' ? 'expected a list of values, e.g. [1024, 4096]' : undefined) })
      .min(1, 'a sweep axis needs at least one value'),
    { error: (iss) => (iss.code === 'invalid_type' ? 'expected a mapping of dotted field paths to lists of values, e.g. { fabric.mtu: [1024, 4096] }' : undefined) },
  )
  .superRefine((grid, ctx) => {
    for (const path of Object.keys(grid)) {
      if (!SWEEP_PATH.test(path)) {
        ctx.addIssue({ code: 'custom', path: [path], message: `expected a dotted field path such as fabric.mtu or workload.bytes; found '${path}'`, input: path });
      } else if ((UNSWEEPABLE as readonly string[]).includes(path.split('.')[0]!)) {
        ctx.addIssue({ code: 'custom', path: [path], message: `the fields ${UNSWEEPABLE.join(' and ')} cannot be swept`, input: path });
      }
    }
  })
  .optional()
  .describe('a parameter sweep for `fabricsim sweep`: dotted field path → list of values; every combination is one run (the file as written is the base)');

/** A validated sweep block: path → values, in the file's order. */
export type SweepConfig = Record<string, unknown[]>;
