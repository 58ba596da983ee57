import { z } from 'zod';
import { costNs, stage, type StackVariant } from '../stack.js';

/*
 * [X18] T. Høiland-Jørgensen et al., "The eXpress Data Path", CoNEXT 2018: DPDK drops ~40 Mpps
 *       on one core (~25 ns per packet, rx burst + drop). Default rx_ns 20 + app_ns 0 + burst
 *       overhead; the per-burst cost has no published source.
 */
const params = z
  .object({
    rx_ns: costNs(20, 'poll-mode driver rx, per packet [X18]'),
    burst: z.int().min(1).max(4096).default(32).describe('packets per rx burst (default 32, the DPDK examples)'),
    burst_ns: costNs(30, 'rte_eth_rx_burst call overhead, per burst (no published source)'),
    app_ns: costNs(0, 'application work per packet (default 0)'),
    tx_ns: costNs(20, 'poll-mode driver tx, per packet (no published source)'),
  })
  .strict();

/** Kernel bypass: poll-mode cores, 100 % busy whatever the load, tens of ns per packet, zero copy, no interrupts. */
export const dpdkStack: StackVariant<z.output<typeof params>> = {
  name: 'dpdk',
  description: 'DPDK kernel bypass: poll-mode cores (always 100 % busy), ~20 ns per packet, zero copy, no interrupts',
  params,
  create: (p, s) => ({
    name: 'dpdk',
    pollMode: true,
    ideal: false,
    budget: p.burst,
    rx: [
      stage('rx_burst', { call: p.burst_ns, when: 'poll', packet: p.rx_ns }, '[X18]', s),
      stage('app', { packet: p.app_ns }, 'user setting', s),
    ],
    tx: [stage('tx_burst', { packet: p.tx_ns }, 'no published source', s)],
  }),
};
