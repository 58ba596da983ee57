import { z } from 'zod';
import type { Rng } from '../sim/rng.js';
import { bytesParam, jitterNsParam, requireHosts, sortFlows, startNsParam, startTimes, verbParam } from './common.js';
import type { FlowSpec, WorkloadVariant } from './workload.js';

/** Parameters of the permutation workload. */
export const permutationParams = z
  .object({
    bytes: bytesParam,
    start_ns: startNsParam,
    jitter_ns: jitterNsParam,
    verb: verbParam,
  })
  .strict();

/** Validated permutation parameters. */
export type PermutationParams = z.output<typeof permutationParams>;

/**
 * A uniformly random derangement of 0..n-1 (n >= 2): `d[i] !== i` for every i. Rejection
 * sampling of Fisher-Yates shuffles: at least a third of all permutations are derangements, so
 * this takes under three shuffles on average; the cyclic fallback (Sattolo) is only a guard.
 */
export function randomDerangement(n: number, rng: Rng): number[] {
  const d = Array.from({ length: n }, (_, i) => i);
  for (let attempt = 0; attempt < 200; attempt++) {
    rng.shuffle(d);
    if (d.every((v, i) => v !== i)) return d;
  }
  // Sattolo's algorithm: a uniformly random single n-cycle, which has no fixed point.
  d.forEach((_, i) => (d[i] = i));
  for (let i = n - 1; i > 0; i--) {
    const j = rng.int(i);
    [d[i], d[j]] = [d[j]!, d[i]!];
  }
  return d;
}

/** Every host writes `bytes` to one other host, every host receives one flow: a random derangement. */
export const permutation: WorkloadVariant<PermutationParams> = {
  name: 'permutation',
  description: 'every host writes `bytes` to one other host and receives from one (a random derangement)',
  params: permutationParams,
  generate(p, ctx) {
    requireHosts(ctx, 2, 'permutation');
    const dsts = randomDerangement(ctx.hosts.length, ctx.rng.fork('derangement'));
    const starts = startTimes(p.start_ns, p.jitter_ns, dsts.length, ctx);
    const flows: FlowSpec[] = dsts.map((dst, src) => ({ src, dst, bytes: p.bytes, start: starts[src]!, verb: p.verb }));
    return sortFlows(flows);
  },
};
