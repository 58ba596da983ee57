import { z } from 'zod';
import { costNs, stage, type StackVariant } from '../stack.js';

/*
 * Sources of the default costs (ns at a 3 GHz reference clock; `clock_ghz` scales them):
 * [B15] J. D. Brouer, "Network stack challenges at increasing speeds: the 100 Gbit/s challenge",
 *       LinuxCon North America 2015: 67.2 ns per 64 B packet at 10 Gb/s; syscall round trip
 *       ~40-75 ns; FIB lookup tens of ns (unverified: from memory, not confirmed with the search
 *       tool; ip_ns and syscall_ns keep their earlier values).
 * [B14] J. D. Brouer, "[RFC PATCH 0/3] Faster than SLAB caching of SKBs with qmempool", LKML,
 *       10 Dec 2014: micro-benchmarking SLUB with 256-byte (sk_buff-sized) elements, the
 *       "fast-path" instant reuse costs 19 ns, a pattern closer to network use 45 ns:
 *       skb_alloc_ns 45 (alloc + free; the clock of that machine is not given).
 * [X18] T. Høiland-Jørgensen, J. D. Brouer, D. Borkmann, J. Fastabend, T. Herbert, D. Ahern,
 *       D. Miller, "The eXpress Data Path", CoNEXT 2018 (paper text and raw data in
 *       github.com/tohojo/xdp-paper), one core of a Xeon E5-1650 v4 at 3.6 GHz, 64-byte UDP:
 *       the Linux stack drops 4.8 Mpps in the iptables raw table (208.3 ns per packet = 250 ns
 *       at 3 GHz) and 1.8 Mpps with conntrack (555.6 ns = 667 ns at 3 GHz); XDP drops 24 Mpps
 *       (41.7 ns = 50 ns at 3 GHz). The kernel's path to a raw-table drop is napi_poll (call
 *       per 64 packets) + driver_rx + sk_buff_alloc + gro + netfilter with one rule:
 *       100/64 + 28 + 45 + 30 + (140 + 5) = 249.6 ns (4.81 Mpps at 3.6 GHz). driver_rx_ns 28 is
 *       XDP's 50 ns less its program (xdp_ns 20, src/host/stacks/xdp.ts) and the poll call;
 *       netfilter_base_ns 140 is what remains of the 250 ns (netif_receive_skb, tc, ip_rcv's
 *       checks, the hooks) once gro_ns (30) and iptables_rule_ns (5) are set, and those two
 *       have no published source: only the sum is calibrated. conntrack_ns 417 = 667 - 250.
 *       test/host/calibration.test.ts runs both paths at 3.6 GHz.
 * [C21] Q. Cai, S. Chaudhary, M. Vuppalapati, J. Hwang, R. Agarwal, "Understanding Host Network
 *       Stack Overheads", SIGCOMM 2021: a single long TCP flow with every optimization (TSO/GRO,
 *       jumbo frames, aRFS) reaches ~42 Gb/s per core, bound by the receiver core, where the data
 *       copy from kernel to application buffers is the bottleneck (the abstract says the copy is
 *       the bottleneck; the 42 Gb/s was confirmed through two summaries of the paper found with
 *       the search tool, not its own text; so was a ~49 % LLC miss rate on that flow despite
 *       DDIO, unverified). copy_ns_per_byte 0.152 is set so that the model's one receiving
 *       core reaches 42 Gb/s on that flow (test/host/calibration.test.ts; the fabric's largest
 *       MTU, 4096, stands in for their 9000-byte jumbo frames); the other stages keep their
 *       values, so the copy is ~80 % of the core there. The paper's per-category cycle fractions
 *       are not used (not confirmed with the search tool).
 * [L07] C. Li, C. Ding, K. Shen, "Quantifying the cost of context switch", ExpCS 2007:
 *       direct cost a few µs on the hardware of the time; ~1.5 µs used here (unverified: the
 *       paper's figure could not be confirmed with the search tool).
 * [L23] C. Li et al. (Google), "Analyze and Reorganize core Networking Structs to optimize
 *       cacheline consumption", Linux netdev patch series v8, 2023 (merged in 6.8; the analysis in
 *       Documentation/networking/net_cachelines): the TCP fast path touched 12 cache lines of
 *       tcp_sock (8 once its 396 hot bytes are packed) and 12 of net_device (4 packed); ~40 % more
 *       TCP throughput on an AMD host with a 100 Gb/s NIC and 256 MB of L3 (the reference notes,
 *       section 8).
 *       cache_lines_per_packet is the count before (e.g. 4) and after (2) such a change.
 * Offloads (README "Host stack models"; src/host/cpu.ts, src/host/tx-path.ts):
 * [GRO] Linux net/core/gro.c: dev_gro_receive holds at most MAX_GRO_SKBS (8) super-packets per
 *       NAPI instance, one per flow, flushing the oldest for a ninth; skb_gro_receive refuses a
 *       segment once `p->len + len >= 65536` (gro_max_size, GRO_LEGACY_MAX_SIZE); held packets
 *       are flushed when NAPI completes (napi_complete_done: the ring is empty; all of them, with
 *       the default gro_flush_timeout 0). A poll that spends its budget does not complete:
 *       napi_poll / __napi_poll (net/core/dev.c: `napi_gro_flush(n, HZ >= 1000)`, and since
 *       GRO was split from NAPI (struct gro_node, 2025 patch series) `gro_flush(&n->gro,
 *       HZ >= 1000)`, commented "Flush too old packets. If HZ < 1000, flush all packets")
 *       flushes with flush_old, which (__napi_gro_flush_chain / gro_flush, walking each list
 *       oldest first) stops at the first held packet whose NAPI_GRO_CB(skb)->age, the
 *       jiffy it was started in, is the current jiffy: so a busy core's super-packets outlive
 *       polls and grow to gro_max_bytes within the jiffy they started in. tcp_gro_receive
 *       (net/ipv4/tcp_offload.c) flushes on a segment without payload (a pure ACK) and UDP is
 *       merged only for sockets that ask (UDP_GRO), so only stream (TCP) data segments merge.
 *       TCP has no segment limit of its own; gro_max_segs 64 is UDP's UDP_GRO_CNT_MAX
 *       (net/ipv4/udp_offload.c), above what 64 KB holds of 1500-byte frames (44).
 * [HZ]  Linux kernel/Kconfig.hz: the timer frequency is a build choice of 100, 250, 300 or 1000
 *       Hz; the upstream default is HZ_250 (a 2024 patch by Q. Yousef to make HZ_1000 the default
 *       was opposed on LKML for its power cost), and the help text calls 1000 Hz "the preferred
 *       choice for desktop systems and other systems requiring fast interactive responses".
 *       jiffy_us defaults to 1000 (HZ=1000) so that GRO's flush_old applies, the case the model
 *       adds; distributions differ (which ship which HZ was not confirmed with the search tool),
 *       and `jiffy_us: 4000` (HZ=250) gives the flush-everything behaviour.
 * [SEG] Linux Documentation/networking/segmentation-offloads.rst: TSO (the NIC cuts a super-
 *       segment into MSS-sized packets), GSO (the same in software, in the driver's transmit
 *       path, when the NIC cannot), GRO, and LRO (the NIC merges before the driver); TSO depends
 *       on transmit checksum offload, and net/core/dev.c (netdev_fix_features) drops TSO when
 *       the device has no checksum feature. gso_max_size / TSO: 65536 bytes (GSO_LEGACY_MAX_SIZE,
 *       include/linux/netdevice.h).
 * [KP93] J. Kay, J. Pasquale, "The importance of non-data touching processing overheads in
 *       TCP/IP", SIGCOMM 1993, and D. Clark, V. Jacobson, J. Romkey, H. Salwen, "An analysis of
 *       TCP processing overhead", IEEE Communications 1989: per-packet (non-data-touching) costs
 *       dominate for the packets of real traffic, data-touching ones (copy, checksum) scale with
 *       bytes; the split of the stages below into per-packet and per-byte parts follows them.
 * Defaults WITHOUT a published source (order-of-magnitude estimates, override them): interrupt,
 * napi_poll, gro and iptables_rule (alone: their sum with driver_rx and netfilter is [X18]'s),
 * ebpf_policy, tcp, socket_queue, cache_line_miss, all tx stages except syscall (tx copy
 * included), gso_ns, csum_ns_per_byte.
 */
export const kernelParams = z
  .object({
    interrupt_ns: costNs(1000, 'hard IRQ + softirq raise, per interrupt (no published source)'),
    napi_poll_ns: costNs(100, 'NAPI poll call overhead, per poll (no published source)'),
    budget: z.int().min(1).max(65536).default(64).describe('NAPI budget: packets per poll (default 64, the Linux default)'),
    driver_rx_ns: costNs(28, 'driver rx: descriptor, DMA unmap, buffer refill, per packet [X18] (XDP drop path less the program)'),
    skb_alloc_ns: costNs(45, 'sk_buff allocation + init + free, per packet [B14]'),
    gro_ns: costNs(30, 'GRO, per packet (no published source)'),
    netfilter_base_ns: costNs(140, 'netif_receive_skb, tc, ip_rcv checks and the netfilter hooks with no rule, per packet [X18] (the raw-table drop path less the other stages)'),
    iptables_rules: z.int().min(0).max(1e6).default(0).describe('iptables rules each packet is matched against (linear scan; default 0)'),
    iptables_rule_ns: costNs(5, 'cost per iptables rule scanned (no published source)'),
    conntrack: z.boolean().default(false).describe('connection tracking (nf_conntrack) on every packet, as most distributions enable it: conntrack_ns more in netfilter (default false)'),
    conntrack_ns: costNs(417, 'nf_conntrack lookup/creation, per packet [X18] (1.8 Mpps with conntrack vs 4.8 raw)'),
    ebpf_policy: z.boolean().default(false).describe('filter with an eBPF hash-map policy (constant cost) instead of iptables rules'),
    ebpf_policy_ns: costNs(30, 'eBPF hash-map policy lookup, per packet (no published source)'),
    ip_ns: costNs(50, 'IP routing lookup + local delivery, per packet [B15] (unverified)'),
    tcp_ns: costNs(300, 'TCP receive processing (incl. ACK generation), per packet (no published source)'),
    socket_queue_ns: costNs(50, 'socket receive-queue enqueue, per packet (no published source)'),
    wakeup_ns: costNs(1500, 'wake-up + context switch of the reader, per interrupt [L07]'),
    copy_ns_per_byte: costNs(0.152, 'copy to user per byte (~6.5 GB/s per core, cache misses included) [C21]'),
    syscall_ns: costNs(60, 'send() syscall entry/exit, per packet [B15] (unverified)'),
    tx_copy_ns_per_byte: costNs(0.1, 'copy from user per byte (no published source)'),
    tso_ns: costNs(10, 'segmentation offload bookkeeping, per packet (no published source)'),
    qdisc_ns: costNs(50, 'qdisc enqueue/dequeue, per packet (no published source)'),
    driver_tx_ns: costNs(50, 'driver tx descriptor + doorbell, per packet (no published source)'),
    drop_flows: z.array(z.int().min(0)).default(() => []).describe('flow_ids (flows.csv) whose packets netfilter drops (after the sk_buff, GRO and the rule scan)'),
    cache_lines_per_packet: z.int().min(0).max(1024).default(0).describe("cache lines of connection state (struct sock / tcp_sock hot fields) a packet touches that miss in the cache, charged as the stage conn_cache_lines (default 0: not charged; e.g. 4 → 2 after packing the hot fields [L23])"),
    cache_line_miss_ns: costNs(80, 'cost of one cache line of connection state missing in the cache (no published source; an LLC miss to DRAM)'),
    gro: z.boolean().default(true).describe('GRO: merge the TCP segments of one connection received in one NAPI poll; the stages after `gro` run once per merged packet (default true, as Linux [GRO])'),
    gro_max_bytes: z.int().min(1).max(1 << 20).default(65536).describe('a merged packet stays below this many bytes (default 65536: gro_max_size [GRO])'),
    gro_max_segs: z.int().min(1).max(65535).default(64).describe('most segments merged into one packet (default 64 [GRO]; TCP itself is limited by gro_max_bytes)'),
    gro_flows: z.int().min(1).max(64).default(8).describe('merged packets held at once per core, one per connection (default 8: MAX_GRO_SKBS [GRO])'),
    jiffy_us: z.number().positive().max(1e6).default(1000).describe('one jiffy, 1e6 / CONFIG_HZ µs (default 1000: HZ=1000 [HZ]); a NAPI poll that spends its budget flushes only the merged packets held since an earlier jiffy, and with HZ < 1000 (jiffy_us > 1000, e.g. 4000 for HZ=250) all of them, as __napi_poll does [GRO]'),
    lro: z.boolean().default(false).describe('LRO: the NIC merges (before the driver), so even the driver and sk_buff stages run once per merged packet (default false: Linux turns LRO off on a forwarding host, dev_disable_lro in net/core/dev.c, and drivers mostly ship with it off)'),
    tso: z.boolean().default(true).describe('TSO: the tx stages above the NIC run once per super-segment of up to tso_max_bytes; the NIC cuts it into packets (default true, as Linux [SEG]; needs tx_csum_offload)'),
    tso_max_bytes: z.int().min(1).max(1 << 20).default(65536).describe('bytes of one TSO/GSO super-segment (default 65536: gso_max_size [SEG])'),
    gso: z.boolean().default(true).describe('GSO: with TSO off, segment in software in the driver (stage gso_segment per packet); the stages above still run per super-segment (default true, as Linux [SEG])'),
    gso_ns: costNs(50, 'GSO software segmentation, per packet: an sk_buff and a header copy per segment (no published source; the sk_buff alone is ~45 ns [B14])'),
    rx_csum_offload: z.boolean().default(true).describe('the NIC verifies receive checksums (default true); false: stage rx_csum, csum_ns_per_byte per byte, before GRO'),
    tx_csum_offload: z.boolean().default(true).describe('the NIC computes transmit checksums (default true); false: stage tx_csum per byte, and no TSO (Linux drops TSO without checksum offload [SEG])'),
    csum_ns_per_byte: costNs(0.05, 'Internet checksum in software, per byte (no published source; ~20 GB/s per core)'),
  })
  .strict();

/** The Linux kernel path: interrupt → NAPI → sk_buff → GRO → netfilter → IP → TCP → socket → wake-up → copy. */
export const kernelStack: StackVariant<z.output<typeof kernelParams>> = {
  name: 'kernel',
  description: 'Linux kernel network stack (interrupt, NAPI, sk_buff, GRO, netfilter, IP, TCP, socket, wake-up, copies)',
  params: kernelParams,
  create: (p, s) => {
    const ct = p.conntrack ? p.conntrack_ns : 0;
    const rx = [
      stage('interrupt', { call: p.interrupt_ns, when: 'interrupt' }, 'no published source', s),
      stage('napi_poll', { call: p.napi_poll_ns, when: 'poll', packet: p.driver_rx_ns }, '[X18] (driver); no published source (poll call)', s),
      stage('sk_buff_alloc', { packet: p.skb_alloc_ns }, '[B14]', s),
      // without receive checksum offload, GRO (and, without GRO, TCP) verifies it in software
      ...(p.rx_csum_offload ? [] : [stage('rx_csum', { byte: p.csum_ns_per_byte }, 'no published source', s)]),
      stage('gro', { packet: p.gro_ns }, 'no published source', s),
      p.ebpf_policy
        ? stage('netfilter', { packet: p.netfilter_base_ns + ct + p.ebpf_policy_ns }, '[X18] (base); no published source (eBPF map: constant)', s)
        : stage('netfilter', { packet: p.netfilter_base_ns + ct + p.iptables_rules * p.iptables_rule_ns }, '[X18] (base); no published source (linear in rules)', s),
      stage('ip_routing', { packet: p.ip_ns }, '[B15]', s),
      stage('tcp', { packet: p.tcp_ns }, 'no published source', s),
      ...(p.cache_lines_per_packet > 0 ? [stage('conn_cache_lines', { packet: p.cache_lines_per_packet * p.cache_line_miss_ns }, '[L23] (lines); no published source (miss cost)', s)] : []),
      stage('socket_queue', { packet: p.socket_queue_ns }, 'no published source', s),
      stage('wakeup', { call: p.wakeup_ns, when: 'interrupt' }, '[L07]', s),
      stage('copy_to_user', { byte: p.copy_ns_per_byte }, '[C21]', s),
    ];
    const groAt = rx.findIndex((x) => x.name === 'gro');
    const tso = p.tso && p.tx_csum_offload;
    const gso = !tso && p.gso;
    const tx = [
      stage('syscall', { packet: p.syscall_ns }, '[B15]', s),
      stage('copy_from_user', { byte: p.tx_copy_ns_per_byte }, 'no published source', s),
      ...(p.tx_csum_offload ? [] : [stage('tx_csum', { byte: p.csum_ns_per_byte }, 'no published source', s)]),
      stage('tso', { packet: p.tso_ns }, 'no published source', s),
      stage('qdisc', { packet: p.qdisc_ns }, 'no published source', s),
      ...(gso ? [stage('gso_segment', { packet: p.gso_ns }, 'no published source', s)] : []),
      stage('driver_tx', { packet: p.driver_tx_ns }, 'no published source', s),
    ];
    return {
      name: 'kernel',
      pollMode: false,
      ideal: false,
      budget: p.budget,
      // netfilter (the stage after GRO) drops the listed flows
      ...(p.drop_flows.length > 0 ? { drop: { flows: new Set(p.drop_flows), dropAfter: groAt + 2 } } : {}),
      rx,
      tx,
      // LRO: the NIC merges, so from the driver's stage on; GRO: after the gro stage
      ...(p.gro || p.lro
        ? { rxMerge: { kind: p.lro ? 'lro' : 'gro', from: p.lro ? rx.findIndex((x) => x.name === 'napi_poll') : groAt + 1, maxBytes: p.gro_max_bytes, maxSegs: p.gro_max_segs, flows: p.gro_flows, flushOldJiffyUs: p.jiffy_us <= 1000 ? p.jiffy_us : 0 } as const }
        : {}),
      // TSO: every stage above the NIC once per super-segment (the driver posts one descriptor
      // chain for it); GSO: the stages above the driver, then segmentation and the driver per packet
      ...(tso || gso ? { txSegmentation: { kind: tso ? 'tso' : 'gso', perSegment: tx.map((x) => tso || (x.name !== 'gso_segment' && x.name !== 'driver_tx')), maxBytes: p.tso_max_bytes } as const } : {}),
    };
  },
};
