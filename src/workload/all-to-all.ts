import { z } from 'zod';
import { ConfigError } from '../sim/errors.js';
import { at, bytesParam, hostRef, jitterNsParam, requireHosts, resolveHost, sortFlows, startNsParam, startTimes, verbParam } from './common.js';
import type { FlowSpec, WorkloadContext, WorkloadVariant } from './workload.js';

/** Parameters of the all-to-all workload. */
export const allToAllParams = z
  .object({
    bytes: bytesParam.describe('message size in bytes, per (sender, receiver) pair'),
    hosts: z
      .array(hostRef)
      .min(2)
      .optional()
      .describe('the hosts taking part, by node key or host index (default: every host)'),
    start_ns: startNsParam,
    jitter_ns: jitterNsParam,
    verb: verbParam,
  })
  .strict();

/** Validated all-to-all parameters. */
export type AllToAllParams = z.output<typeof allToAllParams>;

/** The host ids of an optional `hosts` list (every host when absent); duplicates are an error. */
export function participants(list: readonly (string | number)[] | undefined, ctx: WorkloadContext, field = 'hosts'): number[] {
  if (list === undefined) return ctx.hosts.map((_, i) => i);
  const ids = list.map((ref, i) => resolveHost(ref, ctx, field, i));
  const seen = new Set<number>();
  ids.forEach((id, i) => {
    if (seen.has(id)) throw new ConfigError(`host ${ctx.hosts[id]} is listed twice`, at(ctx, field, i));
    seen.add(id);
  });
  return ids;
}

/**
 * Every participating host writes `bytes` to every other one: n·(n−1) flows, all posted at
 * `start_ns` (plus jitter). The shuffle phase of MapReduce, or an MoE all-to-all.
 */
export const allToAll: WorkloadVariant<AllToAllParams> = {
  name: 'all-to-all',
  description: 'every host writes `bytes` to every other host (n·(n−1) flows), optionally among a subset of `hosts`',
  params: allToAllParams,
  generate(p, ctx) {
    requireHosts(ctx, 2, 'all-to-all');
    const ids = participants(p.hosts, ctx);
    const pairs: [number, number][] = [];
    for (const src of ids) for (const dst of ids) if (src !== dst) pairs.push([src, dst]);
    const starts = startTimes(p.start_ns, p.jitter_ns, pairs.length, ctx);
    const flows: FlowSpec[] = pairs.map(([src, dst], i) => ({ src, dst, bytes: p.bytes, start: starts[i]!, verb: p.verb }));
    return sortFlows(flows);
  },
};
