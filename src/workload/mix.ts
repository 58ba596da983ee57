import { z } from 'zod';
import { joinPath, parseWith } from '../sim/parse.js';
import { sortFlows } from './common.js';
import { workloads } from './index.js';
import type { FlowSpec, WorkloadContext, WorkloadVariant } from './workload.js';

/** One part of a mix: a workload block plus an optional traffic class for its flows. */
export const mixEntry = z
  .object({
    kind: z.string().min(1).describe('a workload, by its registered name (`fabricsim list workloads`)'),
    priority: z
      .int()
      .min(0)
      .max(7)
      .optional()
      .describe("traffic class (PFC priority) of this part's flows (default: the transport's `priority`)"),
    transport: z
      .object({ kind: z.string().min(1) })
      .loose()
      .optional()
      .describe("a transport block (kind + parameters) for this part's flows, e.g. { kind: tcp } beside RoCEv2 (default: the experiment's `transport`)"),
  })
  .loose()
  .describe("a workload and its parameters, flat next to `kind`, plus an optional `priority`");

/** Parameters of the mix workload. */
export const mixParams = z
  .object({
    workloads: z.array(mixEntry).min(1).describe('the workloads to run together'),
  })
  .strict()
  .superRefine((p, ctx) => {
    // check each part against its own workload's schema now, so errors come at validation time
    p.workloads.forEach((entry, i) => {
      const { kind, priority: _priority, transport: _transport, ...rest } = entry;
      if (!workloads.has(kind)) {
        ctx.addIssue({ code: 'custom', path: ['workloads', i, 'kind'], message: `unknown workload '${kind}'; expected one of: ${workloads.names().join(', ')}`, input: kind });
        return;
      }
      const r = workloads.get(kind).params.safeParse(rest);
      if (!r.success) {
        const issue = r.error.issues[0]!;
        ctx.addIssue({ code: 'custom', path: ['workloads', i, ...issue.path.map((k) => (typeof k === 'symbol' ? String(k) : k))], message: issue.message, input: undefined });
      }
    });
  });

/** Validated mix parameters. */
export type MixParams = z.output<typeof mixParams>;

/**
 * Several workloads at once, e.g. a background Poisson load on priority 1 plus an incast on
 * priority 3. Each part draws from its own random stream (`mix/<i>`), so adding a part never
 * changes the flows of another; a part's `priority` puts its flows in that traffic class (the
 * transport must have a `priority` parameter, as roce-v2 and roce-v1 do).
 */
export const mix: WorkloadVariant<MixParams> = {
  name: 'mix',
  description: 'several workloads together, each optionally in its own traffic class (`priority`)',
  params: mixParams,
  generate(p, ctx) {
    const all: FlowSpec[] = [];
    for (const part of parts(p, ctx)) {
      for (const f of part.variant.generate(part.params, part.ctx)) {
        if (part.priority !== undefined && f.priority === undefined) f.priority = part.priority;
        if (part.transport !== undefined && f.transport === undefined) f.transport = part.transport;
        all.push(f);
      }
    }
    return sortFlows(all);
  },
  apps(p, ctx) {
    // parts that are RDMA applications (perftest, rpc) run as they would alone, on the part's own stream
    return parts(p, ctx).flatMap((part) => part.variant.apps?.(part.params, part.ctx) ?? []);
  },
};

/** Each part of a mix: its workload, validated parameters, own context (stream `mix/<i>`, field) and priority. */
function parts(p: MixParams, ctx: WorkloadContext) {
  return p.workloads.map((entry, i) => {
    const { kind, priority, transport, ...rest } = entry;
    const field = joinPath(ctx.field, ['workloads', i]);
    const variant = workloads.get(kind, { file: ctx.file, field: `${field}.kind` });
    const params: unknown = parseWith(variant.params, rest, { file: ctx.file, field });
    return { variant, params, priority, transport, ctx: { ...ctx, rng: ctx.rng.fork(`mix/${i}`), field } };
  });
}
