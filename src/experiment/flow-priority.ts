import { ConfigError } from '../sim/errors.js';
import type { FlowSpec } from '../workload/workload.js';

/**
 * The transport parameters of one flow: the experiment's, with `priority` replaced when the
 * workload put the flow in its own traffic class (`mix` parts, a trace's `priority` column).
 * ACKs follow the flow's class unless the transport sets `ack_priority`. A transport without a
 * `priority` parameter cannot honour a per-flow class: a ConfigError naming the workload.
 */
export function flowTransportParams(params: unknown, spec: FlowSpec, transport: string, file?: string): unknown {
  if (spec.priority === undefined) return params;
  if (params === null || typeof params !== 'object' || !('priority' in params)) {
    throw new ConfigError(`transport '${transport}' has no traffic classes (no \`priority\` parameter), so a workload's per-flow priority cannot be honoured`, {
      file,
      field: 'workload',
    });
  }
  if ((params as { priority: unknown }).priority === spec.priority) return params;
  return { ...params, priority: spec.priority };
}
