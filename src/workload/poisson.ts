import { z } from 'zod';
import { ConfigError } from '../sim/errors.js';
import { ns, us, type Time } from '../sim/time.js';
import { participants } from './all-to-all.js';
import { at, hostRef, requireHosts, sortFlows, startNsParam, verbParam } from './common.js';
import { loadSizeCdf, sampleSize, SIZE_CDF_NAMES } from './size-cdf.js';
import type { FlowSpec, WorkloadVariant } from './workload.js';

/** More flows than this is a mistake (memory), not an experiment. */
export const MAX_POISSON_FLOWS = 5_000_000;

/** Parameters of the Poisson workload. */
export const poissonParams = z
  .object({
    load: z
      .number()
      .positive()
      .max(2)
      .describe('offered load per host as a fraction of its link rate (0.5 = each host starts flows at half its line rate on average)'),
    size_cdf: z
      .string()
      .min(1)
      .default('web-search')
      .describe(`flow sizes: ${SIZE_CDF_NAMES.join(', ')} (shipped in data/size-cdf/), or the path of a CSV file of "bytes,cdf" points`),
    duration_us: z.number().positive().max(1e9).optional().describe('generate arrivals in [start_ns, start_ns + duration_us)'),
    flows: z.int().positive().max(MAX_POISSON_FLOWS).optional().describe('stop after this many flows'),
    hosts: z.array(hostRef).min(2).optional().describe('the hosts that send and receive (default: every host)'),
    rate_gbps: z
      .number()
      .positive()
      .optional()
      .describe("the link rate the load is a fraction of, in Gb/s (default: each host's own link rate in the topology)"),
    start_ns: startNsParam.describe('time of the first possible arrival, in nanoseconds'),
    verb: verbParam,
  })
  .strict()
  .refine((p) => p.duration_us !== undefined || p.flows !== undefined, {
    message: 'give `duration_us` or `flows` (or both): when to stop generating arrivals',
  });

/** Validated Poisson parameters. */
export type PoissonParams = z.output<typeof poissonParams>;

/**
 * Open-loop traffic at a target load: each participating host starts flows as a Poisson process
 * of rate λ_h = load · C_h / (8 · E[size]) (C_h its link rate in bit/s, E[size] the mean of the
 * size distribution), to a destination drawn uniformly among the other participants, with a size
 * drawn from the empirical CDF. The superposition is generated as one process of rate Σλ_h whose
 * arrivals pick their source in proportion to λ_h. Arrival times, sources, destinations and sizes
 * come from separate random streams.
 */
export const poisson: WorkloadVariant<PoissonParams> = {
  name: 'poisson',
  description: 'Poisson flow arrivals at a target load of the link rate, sizes from an empirical CDF (web-search, data-mining, hadoop or a file)',
  params: poissonParams,
  generate(p, ctx) {
    requireHosts(ctx, 2, 'poisson');
    const ids = participants(p.hosts, ctx);
    const dist = loadSizeCdf(p.size_cdf, ctx, 'size_cdf');
    const rates = ids.map((h) => {
      const r = p.rate_gbps ?? ctx.hostRatesGbps?.[h];
      if (r === undefined || !(r > 0)) {
        throw new ConfigError(`the link rate of host ${ctx.hosts[h]} is unknown; set rate_gbps`, at(ctx, 'rate_gbps'));
      }
      return r;
    });
    // flows per second of each host, and their running sum for picking the source
    const lambda = rates.map((gbps) => (p.load * gbps * 1e9) / (8 * dist.meanBytes));
    const total = lambda.reduce((a, b) => a + b, 0);
    const cumulative: number[] = [];
    lambda.reduce((acc, l) => (cumulative.push(acc + l), acc + l), 0);

    const start = ns(p.start_ns);
    const end = p.duration_us !== undefined ? start + us(p.duration_us) : Infinity;
    const maxFlows = p.flows ?? MAX_POISSON_FLOWS;
    if (p.flows === undefined && total * (p.duration_us! / 1e6) > MAX_POISSON_FLOWS) {
      throw new ConfigError(
        `about ${Math.round(total * (p.duration_us! / 1e6))} flows would be generated (more than ${MAX_POISSON_FLOWS}); shorten duration_us, lower load or set flows`,
        at(ctx, 'duration_us'),
      );
    }
    const arrivals = ctx.rng.fork('arrivals');
    const sources = ctx.rng.fork('sources');
    const destinations = ctx.rng.fork('destinations');
    const sizes = ctx.rng.fork('sizes');
    const meanGapPs = 1e12 / total;
    const flows: FlowSpec[] = [];
    let t = start;
    for (;;) {
      t += arrivals.exponential(meanGapPs);
      const when: Time = Math.floor(t);
      if (when >= end || flows.length >= maxFlows) break;
      // the source: the first host whose cumulative rate exceeds u (binary search)
      const u = sources.next() * total;
      let k = 0;
      let hi = cumulative.length - 1;
      while (k < hi) {
        const mid = (k + hi) >> 1;
        if (cumulative[mid]! > u) hi = mid;
        else k = mid + 1;
      }
      const src = ids[k]!;
      let d = destinations.int(ids.length - 1);
      if (d >= k) d++;
      flows.push({ src, dst: ids[d]!, bytes: sampleSize(dist, sizes), start: when, verb: p.verb });
    }
    return sortFlows(flows);
  },
};
