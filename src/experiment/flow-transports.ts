import { ConfigError } from '../sim/errors.js';
import { parseWith } from '../sim/parse.js';
import { transports } from '../transport/registry.js';
import type { Framing, FramingOptions, TransportVariant } from '../transport/transport.js';
import type { FlowSpec } from '../workload/workload.js';

/** The transport one flow runs on. */
export interface FlowTransport {
  transport: TransportVariant<any>;
  transportParams: unknown;
  framing: Framing;
  /** True when it is the experiment's own transport (with its RDMA runtime). */
  main: boolean;
}

/**
 * The transport of every flow: the experiment's, or the `transport` block a `mix` part gave its
 * flows (e.g. TCP on a lossy class beside RoCEv2 on a lossless one, in one switch buffer). Flow
 * transports must share the experiment transport's link layer. Also the largest frame of any of
 * them (buffer and PFC headroom sizing).
 */
export function resolveFlowTransports(
  flows: readonly FlowSpec[],
  main: { transport: TransportVariant<any>; transportParams: unknown; framing: Framing },
  framingOptions: FramingOptions,
  file?: string,
): { perFlow: FlowTransport[]; maxFrameBytes: number } {
  const own: FlowTransport = { ...main, main: true };
  const byBlock = new Map<string, FlowTransport>();
  let maxFrameBytes = main.framing.maxFrameBytes;
  const perFlow = flows.map((f) => {
    if (f.transport === undefined) return own;
    const key = JSON.stringify(f.transport);
    let ft = byBlock.get(key);
    if (ft === undefined) {
      const { kind, ...raw } = f.transport;
      const transport = transports.get(kind, { file, field: 'workload.workloads.transport.kind' });
      if ((transport.linkLayer ?? 'ethernet') !== (main.transport.linkLayer ?? 'ethernet')) {
        throw new ConfigError(`a flow's transport '${kind}' runs on ${transport.linkLayer ?? 'ethernet'}, the experiment's '${main.transport.name}' on ${main.transport.linkLayer ?? 'ethernet'}; one fabric has one link layer`, {
          file,
          field: 'workload.workloads.transport',
        });
      }
      const transportParams: unknown = parseWith(transport.params, raw, { file, field: 'workload.workloads.transport' });
      const framing = transport.framing(transportParams, framingOptions);
      ft = { transport, transportParams, framing, main: false };
      byBlock.set(key, ft);
      if (framing.maxFrameBytes > maxFrameBytes) maxFrameBytes = framing.maxFrameBytes;
    }
    return ft;
  });
  return { perFlow, maxFrameBytes };
}
