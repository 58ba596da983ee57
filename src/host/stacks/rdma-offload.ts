import { z } from 'zod';
import { costNs, stage, type StackVariant } from '../stack.js';

/*
 * The transport runs in the RNIC: the host CPU does not touch data packets. It pays for
 * completions: interrupt-driven (a completion event: interrupt + wake-up per busy period) or busy
 * polling (the polling core spins: 100 % busy, a CQ poll per burst). Every default here has no
 * published source (order of magnitude: ibv_poll_cq ~ 50-100 ns; a completion event ~ µs).
 * Posting: the core pays post_send_ns per send work request (writing the WQE and the MMIO
 * doorbell; the verbs layer calls the host through src/transport/rdma/posting.ts), charged as the
 * post_send stage of cpu.csv. Its default (100 ns) has no published source either.
 */
const params = z
  .object({
    completions: z.enum(['busy-poll', 'interrupt']).default('busy-poll').describe("'busy-poll' (a core spins on the CQ) or 'interrupt' (completion events)"),
    poll_cq_ns: costNs(60, 'ibv_poll_cq call, per poll (no published source)'),
    event_ns: costNs(2500, 'completion event: interrupt + wake-up, per event (no published source)'),
    per_packet_ns: costNs(0, 'host work per received packet (default 0: the NIC does it)'),
    post_send_ns: costNs(100, 'ibv_post_send: write the WQE + ring the doorbell, per send work request (no published source)'),
  })
  .strict();

export const rdmaOffloadStack: StackVariant<z.output<typeof params>> = {
  name: 'rdma-offload',
  description: 'RDMA: transport in the NIC; the host pays per completion (busy polling or interrupt-driven events)',
  params,
  create: (p, s) => ({
    name: 'rdma-offload',
    pollMode: p.completions === 'busy-poll',
    ideal: false,
    budget: 16,
    postSendNs: p.post_send_ns * s,
    rx:
      p.completions === 'busy-poll'
        ? [stage('poll_cq', { call: p.poll_cq_ns, when: 'poll', packet: p.per_packet_ns }, 'no published source', s)]
        : [stage('completion_event', { call: p.event_ns, when: 'interrupt', packet: p.per_packet_ns }, 'no published source', s)],
    tx: [],
  }),
};
