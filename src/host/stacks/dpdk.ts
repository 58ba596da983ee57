import { z } from 'zod';
import { costNs, stage, type StackVariant } from '../stack.js';

/*
 * [X18] T. Høiland-Jørgensen et al., "The eXpress Data Path", CoNEXT 2018 (github.com/tohojo/
 *       xdp-paper): DPDK drops 43.5 Mpps on one core of a Xeon E5-1650 v4 at 3.6 GHz, 22.9 ns per
 *       packet, 27.6 ns at the 3 GHz reference clock. rx_ns 26 + burst_ns 50 / burst 32 = 27.56 ns
 *       (43.5 Mpps at 3.6 GHz, test/host/calibration.test.ts); the split between the per-packet
 *       and the per-burst part has no published source, only their sum is calibrated.
 * [M19] M. Marty et al., "Snap: a Microkernel Approach to Host Networking", SOSP 2019: a
 *       user-space transport on kernel bypass gets over 3x the Gbps/core of the kernel stack for
 *       RPCs. user_tcp's tcp_ns default (100) is a third of the kernel model's tcp stage (300):
 *       derived from that ratio, not a measured per-packet cost. mTCP (E. Jeong et al., NSDI 2014)
 *       is the same design on DPDK-style packet I/O.
 */
const params = z
  .object({
    rx_ns: costNs(26, 'poll-mode driver rx, per packet [X18]'),
    burst: z.int().min(1).max(4096).default(32).describe('packets per rx burst (default 32, the DPDK examples)'),
    burst_ns: costNs(50, 'rte_eth_rx_burst call overhead, per burst ([X18] with rx_ns; the split has no published source)'),
    app_ns: costNs(0, 'application work per packet (default 0)'),
    tx_ns: costNs(20, 'poll-mode driver tx, per packet (no published source)'),
    user_tcp: z.boolean().default(false).describe('run a user-space TCP on the poll-mode cores (Snap/mTCP-like): a tcp stage on receive and transmit'),
    tcp_ns: costNs(100, 'user-space TCP processing, per packet, rx and tx [M19]'),
  })
  .strict();

/**
 * Kernel bypass: poll-mode cores, 100 % busy whatever the load, tens of ns per packet, zero copy,
 * no interrupts; with `user_tcp`, a user-space TCP (Snap/mTCP-like) on the same cores.
 */
export const dpdkStack: StackVariant<z.output<typeof params>> = {
  name: 'dpdk',
  description: 'DPDK kernel bypass: poll-mode cores (always 100 % busy), ~28 ns per packet, zero copy, no interrupts; optional user-space TCP (user_tcp)',
  params,
  create: (p, s) => ({
    name: 'dpdk',
    pollMode: true,
    ideal: false,
    budget: p.burst,
    rx: [
      stage('rx_burst', { call: p.burst_ns, when: 'poll', packet: p.rx_ns }, '[X18]', s),
      ...(p.user_tcp ? [stage('user_tcp', { packet: p.tcp_ns }, '[M19]', s)] : []),
      stage('app', { packet: p.app_ns }, 'user setting', s),
    ],
    tx: [...(p.user_tcp ? [stage('user_tcp', { packet: p.tcp_ns }, '[M19]', s)] : []), stage('tx_burst', { packet: p.tx_ns }, 'no published source', s)],
  }),
};
