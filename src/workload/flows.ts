import { z } from 'zod';
import { ns } from '../sim/time.js';
import { ConfigError } from '../sim/errors.js';
import { at, bytesParam, hostRef, resolveHost, sortFlows, startNsParam, verbParam } from './common.js';
import type { FlowSpec, WorkloadVariant } from './workload.js';

/** One explicitly listed flow. */
export const flowEntry = z
  .object({
    src: hostRef.describe('sending host: node key or host index'),
    dst: hostRef.describe('receiving host: node key or host index (not the sender)'),
    bytes: bytesParam,
    start_ns: startNsParam,
    verb: verbParam,
    recv_delay_ns: z
      .number()
      .min(0)
      .max(1e12)
      .nullable()
      .optional()
      .describe('a send flow: when the receiver posts its RECV, ns after the send is posted (absent: pre-posted; null: never, so the send meets RNR NAKs)'),
  })
  .strict();

/** Parameters of the explicit flow-list workload. */
export const flowsParams = z
  .object({
    list: z.array(flowEntry).min(1).describe('the flows, in any order'),
  })
  .strict();

/** Validated flow-list parameters. */
export type FlowsParams = z.output<typeof flowsParams>;

/** An explicit list of flows, for hand-built scenarios and analytic tests. */
export const flowList: WorkloadVariant<FlowsParams> = {
  name: 'flows',
  description: 'an explicit list of flows (src, dst, bytes, start_ns)',
  params: flowsParams,
  generate(p, ctx) {
    const out: FlowSpec[] = p.list.map((f, i) => {
      const src = resolveHost(f.src, ctx, 'list', i, 'src');
      const dst = resolveHost(f.dst, ctx, 'list', i, 'dst');
      if (src === dst) throw new ConfigError(`src and dst are the same host (${ctx.hosts[src]}); a host cannot write to itself`, at(ctx, 'list', i, 'dst'));
      const flow: FlowSpec = { src, dst, bytes: f.bytes, start: ns(f.start_ns), verb: f.verb };
      if (f.recv_delay_ns !== undefined) flow.recvDelay = f.recv_delay_ns === null ? null : ns(f.recv_delay_ns);
      return flow;
    });
    return sortFlows(out);
  },
};
