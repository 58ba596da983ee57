import { z } from 'zod';
import { ConfigError } from '../sim/errors.js';
import { at, bytesParam, hostRef, jitterNsParam, requireHosts, resolveHost, sortFlows, startNsParam, startTimes, verbParam } from './common.js';
import type { FlowSpec, WorkloadContext, WorkloadVariant } from './workload.js';

/** Parameters of the incast workload. */
export const incastParams = z
  .object({
    receiver: hostRef.optional().describe('the host every sender writes to: node key or host index (default: the last host)'),
    senders: z
      .union(
        [
          z.int().min(1).describe('how many senders, chosen uniformly at random among the other hosts'),
          z.array(hostRef).min(1).describe('the senders, by node key or host index'),
        ],
        { error: 'expected a number of senders (integer ≥ 1) or a list of hosts' },
      )
      .describe('a count of randomly chosen senders, or a list of hosts'),
    bytes: bytesParam,
    start_ns: startNsParam,
    jitter_ns: jitterNsParam,
    verb: verbParam,
  })
  .strict();

/** Validated incast parameters. */
export type IncastParams = z.output<typeof incastParams>;

/** Sender ids: `count` distinct hosts other than `receiver`, drawn without replacement. */
function pickSenders(count: number, receiver: number, ctx: WorkloadContext): number[] {
  const others = ctx.hosts.map((_, i) => i).filter((i) => i !== receiver);
  if (count > others.length) {
    throw new ConfigError(
      `${count} senders requested but only ${others.length} hosts besides the receiver exist`,
      at(ctx, 'senders'),
    );
  }
  return ctx.rng.fork('senders').shuffle(others).slice(0, count);
}

/** Many senders write `bytes` each to one receiver at (about) the same time: the PFC/ECN stress test. */
export const incast: WorkloadVariant<IncastParams> = {
  name: 'incast',
  description: 'N senders each write `bytes` to one receiver at the same time (optionally jittered)',
  params: incastParams,
  generate(p, ctx) {
    requireHosts(ctx, 2, 'incast');
    const dst = p.receiver === undefined ? ctx.hosts.length - 1 : resolveHost(p.receiver, ctx, 'receiver');
    let senders: number[];
    if (typeof p.senders === 'number') {
      senders = pickSenders(p.senders, dst, ctx);
    } else {
      senders = p.senders.map((ref, i) => {
        const src = resolveHost(ref, ctx, 'senders', i);
        if (src === dst) throw new ConfigError(`sender ${String(ref)} is the receiver; a host cannot write to itself`, at(ctx, 'senders', i));
        return src;
      });
    }
    const starts = startTimes(p.start_ns, p.jitter_ns, senders.length, ctx);
    const flows: FlowSpec[] = senders.map((src, i) => ({ src, dst, bytes: p.bytes, start: starts[i]!, verb: p.verb }));
    return sortFlows(flows);
  },
};
