import { z } from 'zod';
import { costNs, stage, type StackVariant } from '../stack.js';

/*
 * Sources of the default costs (ns at a 3 GHz reference clock; `clock_ghz` scales them):
 * [B15] J. D. Brouer, "Network stack challenges at increasing speeds: the 100 Gbit/s challenge",
 *       LinuxCon North America 2015: 67.2 ns per 64 B packet at 10 Gb/s; SLUB kmem_cache
 *       alloc+free fast path ~19 ns (more on a cache miss, ~30-40 ns with the sk_buff init);
 *       syscall round trip ~40-75 ns; FIB lookup tens of ns.
 * [X18] T. Høiland-Jørgensen et al., "The eXpress Data Path", CoNEXT 2018: the Linux stack drops
 *       ~4-5 Mpps per core in the iptables raw table (~200-250 ns per packet up to netfilter).
 * [L07] C. Li, C. Ding, K. Shen, "Quantifying the cost of context switch", ExpCS 2007:
 *       direct cost a few µs on the hardware of the time; ~1.5 µs used here.
 * Defaults WITHOUT a published source (order-of-magnitude estimates, override them): interrupt,
 * napi_poll, driver_rx, gro, netfilter per-rule, ebpf_policy, tcp, socket_queue, copy per byte,
 * all tx stages except syscall.
 */
export const kernelParams = z
  .object({
    interrupt_ns: costNs(1000, 'hard IRQ + softirq raise, per interrupt (no published source)'),
    napi_poll_ns: costNs(100, 'NAPI poll call overhead, per poll (no published source)'),
    budget: z.int().min(1).max(65536).default(64).describe('NAPI budget: packets per poll (default 64, the Linux default)'),
    driver_rx_ns: costNs(20, 'driver rx descriptor handling, per packet (no published source)'),
    skb_alloc_ns: costNs(40, 'sk_buff allocation + init + free, per packet [B15]'),
    gro_ns: costNs(30, 'GRO, per packet (no published source)'),
    netfilter_base_ns: costNs(20, 'traffic control + netfilter hooks with no rule, per packet (no published source)'),
    iptables_rules: z.int().min(0).max(1e6).default(0).describe('iptables rules each packet is matched against (linear scan; default 0)'),
    iptables_rule_ns: costNs(5, 'cost per iptables rule scanned (no published source)'),
    ebpf_policy: z.boolean().default(false).describe('filter with an eBPF hash-map policy (constant cost) instead of iptables rules'),
    ebpf_policy_ns: costNs(30, 'eBPF hash-map policy lookup, per packet (no published source)'),
    ip_ns: costNs(50, 'IP checks + routing lookup, per packet [B15]'),
    tcp_ns: costNs(300, 'TCP receive processing (incl. ACK generation), per packet (no published source)'),
    socket_queue_ns: costNs(50, 'socket receive-queue enqueue, per packet (no published source)'),
    wakeup_ns: costNs(1500, 'wake-up + context switch of the reader, per interrupt [L07]'),
    copy_ns_per_byte: costNs(0.1, 'copy to user per byte (~10 GB/s per core; no published source)'),
    syscall_ns: costNs(60, 'send() syscall entry/exit, per packet [B15]'),
    tx_copy_ns_per_byte: costNs(0.1, 'copy from user per byte (no published source)'),
    tso_ns: costNs(10, 'segmentation offload bookkeeping, per packet (no published source)'),
    qdisc_ns: costNs(50, 'qdisc enqueue/dequeue, per packet (no published source)'),
    driver_tx_ns: costNs(50, 'driver tx descriptor + doorbell, per packet (no published source)'),
    drop_flows: z.array(z.int().min(0)).default(() => []).describe('flow_ids (flows.csv) whose packets netfilter drops (after the sk_buff, GRO and the rule scan)'),
  })
  .strict();

/** The Linux kernel path: interrupt → NAPI → sk_buff → GRO → netfilter → IP → TCP → socket → wake-up → copy. */
export const kernelStack: StackVariant<z.output<typeof kernelParams>> = {
  name: 'kernel',
  description: 'Linux kernel network stack (interrupt, NAPI, sk_buff, GRO, netfilter, IP, TCP, socket, wake-up, copies)',
  params: kernelParams,
  create: (p, s) => ({
    name: 'kernel',
    pollMode: false,
    ideal: false,
    budget: p.budget,
    // netfilter (stage 5) drops the listed flows
    ...(p.drop_flows.length > 0 ? { drop: { flows: new Set(p.drop_flows), dropAfter: 5 } } : {}),
    rx: [
      stage('interrupt', { call: p.interrupt_ns, when: 'interrupt' }, 'no published source', s),
      stage('napi_poll', { call: p.napi_poll_ns, when: 'poll', packet: p.driver_rx_ns }, 'no published source', s),
      stage('sk_buff_alloc', { packet: p.skb_alloc_ns }, '[B15]', s),
      stage('gro', { packet: p.gro_ns }, 'no published source', s),
      p.ebpf_policy
        ? stage('netfilter', { packet: p.netfilter_base_ns + p.ebpf_policy_ns }, 'no published source (eBPF map: constant)', s)
        : stage('netfilter', { packet: p.netfilter_base_ns + p.iptables_rules * p.iptables_rule_ns }, 'no published source (linear in rules)', s),
      stage('ip_routing', { packet: p.ip_ns }, '[B15]', s),
      stage('tcp', { packet: p.tcp_ns }, 'no published source', s),
      stage('socket_queue', { packet: p.socket_queue_ns }, 'no published source', s),
      stage('wakeup', { call: p.wakeup_ns, when: 'interrupt' }, '[L07]', s),
      stage('copy_to_user', { byte: p.copy_ns_per_byte }, 'no published source', s),
    ],
    tx: [
      stage('syscall', { packet: p.syscall_ns }, '[B15]', s),
      stage('copy_from_user', { byte: p.tx_copy_ns_per_byte }, 'no published source', s),
      stage('tso', { packet: p.tso_ns }, 'no published source', s),
      stage('qdisc', { packet: p.qdisc_ns }, 'no published source', s),
      stage('driver_tx', { packet: p.driver_tx_ns }, 'no published source', s),
    ],
  }),
};
