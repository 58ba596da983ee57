import { describe, expect, it } from 'vitest';
import { Packet, FRAME_DATA } from '../../src/fabric/packet.js';
import { HostCpu } from '../../src/host/cpu.js';
import { TxPath } from '../../src/host/tx-path.js';
import { kernelParams, kernelStack } from '../../src/host/stacks/kernel.js';
import { xdpStack } from '../../src/host/stacks/xdp.js';
import { softIwarpStack } from '../../src/host/stacks/soft-iwarp.js';
import type { StackModel } from '../../src/host/stack.js';
import { Simulator } from '../../src/sim/simulator.js';
import { loadExperimentFile } from '../../src/experiment/load.js';
import { runExperiment } from '../../src/experiment/run.js';
import { checkConservation, run } from '../helpers/run.js';

/** The kernel stack model with `params` over its defaults, at the reference clock. */
const kernel = (params: Record<string, unknown> = {}): StackModel => kernelStack.create(kernelParams.parse(params), 1);

/** A data segment of connection `conn`: `frame` bytes on the wire, `payload` of TCP data, sequence `psn`. */
function segment(conn: number, psn = 0, frame = 1500, payload = 1448): Packet {
  const p = new Packet();
  p.frame = FRAME_DATA;
  p.conn = conn;
  p.psn = psn;
  p.frameBytes = frame;
  p.payload = payload;
  return p;
}

/**
 * One core of `stack`; the packets are all on its ring before the interrupt (coalescing holds it
 * until the last arrives), so they are served in one busy period. Returns the core once idle.
 */
function serve(stack: StackModel, packets: Packet[], streams = [1, 1]): HostCpu {
  const sim = new Simulator(1);
  const cpu = new HostCpu(sim, stack, 1, 4096, () => {});
  cpu.streams = Uint8Array.from(streams);
  cpu.coalescePs = 1e12;
  cpu.coalesceFrames = packets.length;
  for (const p of packets) cpu.enqueue(p, 0);
  sim.run();
  expect(cpu.corePackets[0]).toBe(packets.length);
  return cpu;
}

/** Per-packet work items (`packets` column of cpu.csv) of a stage of core 0. */
const items = (cpu: HostCpu, stage: string) => cpu.stagePackets[cpu.stageNames.indexOf(stage)]!;
const busyNs = (cpu: HostCpu, stage: string) => cpu.stageBusyPs[cpu.stageNames.indexOf(stage)]! / 1000;

// kernel defaults, ns: interrupt 1000 and napi_poll 100 per call, driver 28 + sk_buff 45 + gro 30
// per wire packet; netfilter 140 + ip 50 + tcp 300 + socket 50 per packet after GRO; wake-up 1500
// per interrupt; copy 0.152 per byte: 228 per 1500-byte frame
const PRE = 28 + 45 + 30;
const POST = 140 + 50 + 300 + 50;
const CALLS = 1000 + 100 + 1500;
const COPY_1500 = 228;

describe('GRO: the stages after gro run once per merged super-packet', () => {
  it('N back-to-back segments of one flow in one poll: pre-GRO stages N times, post-GRO ceil(N / segs) times', () => {
    const N = 10;
    const segs = 4;
    const cpu = serve(kernel({ gro_max_segs: segs }), Array.from({ length: N }, (_, i) => segment(0, i)));
    const supers = Math.ceil(N / segs); // 4 + 4 + 2
    expect(supers).toBe(3);
    for (const s of ['napi_poll', 'sk_buff_alloc', 'gro']) expect(items(cpu, s)).toBe(N);
    for (const s of ['netfilter', 'ip_routing', 'tcp', 'socket_queue']) expect(items(cpu, s)).toBe(supers);
    expect(busyNs(cpu, 'tcp')).toBe(supers * 300);
    // the copy stays per byte: every frame's 1500 bytes
    expect(busyNs(cpu, 'copy_to_user')).toBeCloseTo(N * COPY_1500, 6);
    expect(cpu.superPackets[0]).toBe(supers);
    expect(cpu.mergedSegments[0]).toBe(N);
    // the core's whole time, exactly
    expect(cpu.coreBusyPs[0]).toBe((CALLS + N * PRE + supers * POST + N * COPY_1500) * 1000);
  });

  it('gro_max_bytes (65536) and the NAPI budget (64) both close a super-packet', () => {
    // 1500-byte frames carrying 1448: the first frame and 44 more payloads stay below 64 KB
    // (1500 + 44 × 1448 = 65212; a 46th would make 66660), so a super-packet holds 45 segments
    expect(1500 + 44 * 1448).toBeLessThan(65536);
    expect(1500 + 45 * 1448).toBeGreaterThanOrEqual(65536);
    const N = 128;
    const packets = () => Array.from({ length: N }, (_, i) => segment(0, i));
    // HZ=1000 (jiffy_us 1000, the default): the whole busy period (~45 µs) is in one jiffy, so
    // the first poll's budget end flushes nothing (flush_old) and super-packets merge across
    // polls: 45 + 45 + 38, closed by the 64 KB limit and by the ring emptying
    const cpu = serve(kernel(), packets());
    expect(items(cpu, 'tcp')).toBe(Math.ceil(N / 45));
    expect(items(cpu, 'napi_poll')).toBe(N);
    expect(cpu.stageCalls[cpu.stageNames.indexOf('napi_poll')]).toBe(2);
    expect(cpu.coreBusyPs[0]).toBe((CALLS + 100 + N * PRE + 3 * POST + N * COPY_1500) * 1000);
    // HZ=250 (jiffy_us 4000): the budget end flushes everything: two polls of 64 packets, each
    // 45 + 19, 4 super-packets
    const hz250 = serve(kernel({ jiffy_us: 4000 }), packets());
    expect(items(hz250, 'tcp')).toBe(2 * Math.ceil(64 / 45));
    expect(hz250.coreBusyPs[0]).toBe((CALLS + 100 + N * PRE + 4 * POST + N * COPY_1500) * 1000);
  });

  it('a continuously busy core with two flows keeps its super-packets across budget ends (HZ=1000) up to 64 KB', () => {
    // 256 segments of two interleaved flows in one busy period: four polls of 64
    const N = 256;
    const packets = () => Array.from({ length: N }, (_, i) => segment(i % 2, i >> 1));
    const cpu = serve(kernel(), packets());
    expect(cpu.stageCalls[cpu.stageNames.indexOf('napi_poll')]).toBe(4);
    // each flow's 128 segments: 45 + 45 + 38, the first two closed by the 64 KB limit
    // (1500 + 44 × 1448 = 65212 bytes), the last by the ring emptying (flush all)
    expect(items(cpu, 'tcp')).toBe(2 * 3);
    expect(cpu.superPackets[0]).toBe(6);
    expect(cpu.mergedSegments[0]).toBe(N);
    expect(cpu.coreBusyPs[0]).toBe((CALLS + 3 * 100 + N * PRE + 6 * POST + N * COPY_1500) * 1000);
    // HZ=250: every budget end flushes both flows' 32-segment super-packets: 4 polls × 2
    const hz250 = serve(kernel({ jiffy_us: 4000 }), packets());
    expect(items(hz250, 'tcp')).toBe(8);
    expect(hz250.coreBusyPs[0]).toBe((CALLS + 3 * 100 + N * PRE + 8 * POST + N * COPY_1500) * 1000);
  });

  it('a budget end flushes exactly the super-packets started in an earlier jiffy; an empty ring flushes all', () => {
    // flow 0 × 30, flow 1 × 34 (the budget-th packet ends the first poll), then 10 of each.
    // Packet i starts at 2931 ns + (i - 1) × 331 (the first pays the interrupt, poll call and
    // wake-up: 2600 + 103 + 228; the others 103 + 228, merging): flow 0's super-packet starts
    // at 0, flow 1's at packet 30, 12.530 µs; the budget-th (packet 63) at 23.453 µs
    const seq = [
      ...Array.from({ length: 30 }, (_, i) => segment(0, i)),
      ...Array.from({ length: 34 }, (_, i) => segment(1, i)),
      ...Array.from({ length: 10 }, (_, i) => segment(1, 34 + i)),
      ...Array.from({ length: 10 }, (_, i) => segment(0, 30 + i)),
    ];
    const N = seq.length;
    expect(2931 + 29 * 331).toBe(12_530);
    expect(2931 + 62 * 331).toBe(23_453);
    // 12 µs jiffies: flow 0's started in jiffy 0, flow 1's in jiffy 1, the budget ends in jiffy 1:
    // flow 0's 30 segments go up, flow 1's stay held and grow to 44; flow 0's last 10 start a new
    // one; the empty ring flushes both: 3 super-packets
    const cpu = serve(kernel({ jiffy_us: 12 }), seq.map((p) => segment(p.conn, p.psn)));
    expect(items(cpu, 'tcp')).toBe(3);
    expect(cpu.coreBusyPs[0]).toBe((CALLS + 100 + N * PRE + 3 * POST + N * COPY_1500) * 1000);
    // one jiffy for all (1000 µs): nothing flushed at the budget end: flow 0's 40 and flow 1's 44
    expect(items(serve(kernel(), seq.map((p) => segment(p.conn, p.psn))), 'tcp')).toBe(2);
    // HZ < 1000 (4000 µs): everything flushed at the budget end: 30 | 34 | 10 | 10
    expect(items(serve(kernel({ jiffy_us: 4000 }), seq.map((p) => segment(p.conn, p.psn))), 'tcp')).toBe(4);
  });

  it('two interleaved flows merge each into its own super-packets, never across flows', () => {
    const N = 20;
    const interleaved = Array.from({ length: N }, (_, i) => segment(i % 2, i >> 1));
    const cpu = serve(kernel(), interleaved);
    // one super-packet per flow (8 may be held at once, MAX_GRO_SKBS): two, not one
    expect(items(cpu, 'tcp')).toBe(2);
    // with room for one held super-packet, each flow's segment flushes the other's: no merge at all
    const one = serve(kernel({ gro_flows: 1 }), interleaved);
    expect(items(one, 'tcp')).toBe(N);
    expect(one.coreBusyPs[0]).toBe((CALLS + N * (PRE + POST) + N * COPY_1500) * 1000);
  });

  it('a pure ACK of a flow flushes its held super-packet and goes up alone; datagrams never merge', () => {
    const ack = segment(0, 2, 64, 0);
    const cpu = serve(kernel(), [segment(0, 0), segment(0, 1), ack, segment(0, 2), segment(0, 3)]);
    // [2 segments] flushed by the ACK, the ACK itself, [2 segments] flushed at the poll's end
    expect(items(cpu, 'tcp')).toBe(3);
    // connection 1 is not a stream (UDP, RoCE): all five alone
    const udp = serve(kernel(), Array.from({ length: 5 }, (_, i) => segment(1, i)), [1, 0]);
    expect(items(udp, 'tcp')).toBe(5);
  });

  it('gro: false charges every stage per packet, as before GRO was modelled', () => {
    const N = 10;
    const cpu = serve(kernel({ gro: false }), Array.from({ length: N }, (_, i) => segment(0, i)));
    for (const s of ['napi_poll', 'sk_buff_alloc', 'gro', 'netfilter', 'tcp', 'socket_queue']) expect(items(cpu, s)).toBe(N);
    expect(cpu.coreBusyPs[0]).toBe((CALLS + N * (PRE + POST) + N * COPY_1500) * 1000);
  });

  it('without coalescing a packet that finds the ring empty ends its poll: GRO merges only a backlog', () => {
    const sim = new Simulator(1);
    const cpu = new HostCpu(sim, kernel(), 1, 64, () => {});
    cpu.streams = Uint8Array.of(1);
    // one packet every 10 µs, each finishing long before the next: nothing to merge
    const feeder = { actorId: -1, onEvent: (_kind: number, i: number) => cpu.enqueue(segment(0, i), 0) };
    sim.register(feeder);
    for (let i = 0; i < 5; i++) sim.at(i * 10_000_000, feeder, 0, i);
    sim.run();
    expect(items(cpu, 'tcp')).toBe(5);
    expect(cpu.mergedSegments[0]).toBe(5);
  });

  it('LRO merges in the NIC: the driver and sk_buff stages run per merged segment too', () => {
    const N = 10;
    const cpu = serve(kernel({ lro: true, gro_max_segs: 4 }), Array.from({ length: N }, (_, i) => segment(0, i)));
    for (const s of ['napi_poll', 'sk_buff_alloc', 'gro', 'tcp']) expect(items(cpu, s)).toBe(3);
    // the poll's per-call cost is still once per poll
    expect(cpu.coreBusyPs[0]).toBe((CALLS + 3 * (PRE + POST) + N * COPY_1500) * 1000);
  });

  it('XDP_PASS traffic merges after the program (the XDP stages stay per packet)', () => {
    const N = 8;
    const stack = xdpStack.create(xdpStack.params.parse({ gro_max_segs: 4 }), 1);
    const cpu = serve(stack, Array.from({ length: N }, (_, i) => segment(0, i)));
    expect(items(cpu, 'xdp_prog')).toBe(N);
    expect(items(cpu, 'gro')).toBe(N);
    expect(items(cpu, 'tcp')).toBe(2);
    expect(items(cpu, 'xdp_tx')).toBe(0);
  });
});

describe('soft-iwarp: the offloads of the TCP underneath', () => {
  const siw = (params: Record<string, unknown> = {}) => softIwarpStack.create(softIwarpStack.params.parse(params), 1);

  it('GRO merges up to TCP; siw still parses one FPDU per wire segment', () => {
    const N = 10;
    const cpu = serve(siw({ gro_max_segs: 4 }), Array.from({ length: N }, (_, i) => segment(0, i)));
    for (const st of ['netfilter', 'ip_routing', 'tcp']) expect(items(cpu, st)).toBe(3);
    expect(items(cpu, 'siw')).toBe(N);
    expect(busyNs(cpu, 'siw')).toBe(N * 200);
    // no socket queue: 140 + 50 + 300 per super-packet; siw 200 per segment; its copy (0.1) per byte
    expect(cpu.coreBusyPs[0]).toBe((CALLS + N * PRE + 3 * (140 + 50 + 300) + N * 200 + N * 1500 * 0.1) * 1000);
  });

  it('TSO: tso, qdisc and the driver per super-segment, siw_tx framing every FPDU', () => {
    const tx = send(siw(), Array.from({ length: 90 }, (_, i) => segment(0, i)));
    expect(txItems(tx, 'siw_tx')).toBe(90);
    for (const st of ['tso', 'qdisc', 'driver_tx']) expect(txItems(tx, st)).toBe(2);
    expect(tx.coreBusyPs[0]).toBe((90 * 200 + 2 * (10 + 50 + 50)) * 1000);
  });
});

/** Charges `packets` (sent back to back unless `ends(i)`) to a one-core TxPath of `stack`. */
function send(stack: StackModel, packets: Packet[], ends: (i: number) => boolean = (i) => i === packets.length - 1): TxPath {
  const tx = new TxPath(stack, 1);
  tx.setStreams(Uint8Array.of(1, 0));
  packets.forEach((p, i) => tx.charge(p, 0, ends(i)));
  return tx;
}
const txItems = (tx: TxPath, stage: string) => tx.stagePackets[tx.stageNames.indexOf(stage)]!;

describe('TSO / GSO: the stages above the NIC run once per super-segment', () => {
  // a 64 KB super-segment of 1500-byte frames (1448 bytes of payload): 1500 + 44 × 1448 = 65212
  // ≤ 65536, so 45 frames each
  const N = 90;
  const stream = () => Array.from({ length: N }, (_, i) => segment(0, i));

  it('TSO: syscall, tso, qdisc and driver once per 64 KB; the copy per byte', () => {
    const tx = send(kernel(), stream());
    for (const s of ['syscall', 'tso', 'qdisc', 'driver_tx']) expect(txItems(tx, s)).toBe(2);
    expect(tx.superSegments[0]).toBe(2);
    expect(tx.coreBusyPs[0]).toBe((2 * (60 + 10 + 50 + 50) + N * 1500 * 0.1) * 1000);
  });

  it('a burst that ends (window, pacing) or a retransmission starts a new super-segment', () => {
    // the window lets 10 go, then 10 more: two super-segments of 10
    expect(txItems(send(kernel(), stream().slice(0, 20), (i) => i % 10 === 9), 'syscall')).toBe(2);
    // segment 5 is sent again after 9: it starts one, and 10 starts another
    const retx = [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 5, 10, 11].map((s) => segment(0, s));
    expect(txItems(send(kernel(), retx), 'syscall')).toBe(3);
    // a datagram connection's packets are never merged
    expect(txItems(send(kernel(), Array.from({ length: 10 }, (_, i) => segment(1, i))), 'syscall')).toBe(10);
  });

  it('GSO (TSO off): the stages above the driver per super-segment, segmentation and the driver per packet', () => {
    const tx = send(kernel({ tso: false }), stream());
    for (const s of ['syscall', 'tso', 'qdisc']) expect(txItems(tx, s)).toBe(2);
    for (const s of ['gso_segment', 'driver_tx']) expect(txItems(tx, s)).toBe(N);
    expect(tx.coreBusyPs[0]).toBe((2 * (60 + 10 + 50) + N * (50 + 50) + N * 1500 * 0.1) * 1000);
  });

  it('tso and gso off: every stage per packet, as before', () => {
    const tx = send(kernel({ tso: false, gso: false }), stream());
    expect(tx.stageNames).toEqual(['syscall', 'copy_from_user', 'tso', 'qdisc', 'driver_tx']);
    for (const s of ['syscall', 'tso', 'qdisc', 'driver_tx']) expect(txItems(tx, s)).toBe(N);
    expect(tx.coreBusyPs[0]).toBe(N * (60 + 10 + 50 + 50 + 1500 * 0.1) * 1000);
  });
});

describe('checksum offload', () => {
  const N = 10;
  const frames = () => Array.from({ length: N }, (_, i) => segment(0, i));

  it('rx_csum_offload: false adds exactly bytes × csum_ns_per_byte, before GRO', () => {
    const on = serve(kernel(), frames());
    const off = serve(kernel({ rx_csum_offload: false }), frames());
    expect(off.stageNames.indexOf('rx_csum')).toBe(off.stageNames.indexOf('gro') - 1);
    expect(off.coreBusyPs[0]! - on.coreBusyPs[0]!).toBe(N * 1500 * 0.05 * 1000);
    expect(items(off, 'tcp')).toBe(items(on, 'tcp'));
  });

  it('tx_csum_offload: false adds bytes × csum_ns_per_byte and turns TSO off (GSO instead), as Linux does', () => {
    const gso = send(kernel({ tso: false }), frames());
    const off = send(kernel({ tx_csum_offload: false }), frames());
    expect(txItems(off, 'gso_segment')).toBe(N);
    expect(off.coreBusyPs[0]! - gso.coreBusyPs[0]!).toBe(N * 1500 * 0.05 * 1000);
  });
});

describe('offloads in a run', () => {
  /** h1 sends `bytes` over kernel TCP to h0 (one core each, coalescing on), with `params`. */
  const tcp = (params: Record<string, unknown>, bytes = 2_000_000) =>
    run({
      name: 'offloads',
      topology: { generator: 'star', params: { hosts: 2, rate_gbps: 100, delay_ns: 1000 } },
      fabric: { mtu: 1500, pfc: { enabled: true, priorities: [0] } },
      transport: { kind: 'tcp' },
      workload: { kind: 'flows', list: [{ src: 'h1', dst: 'h0', bytes }] },
      hosts: { stack: 'kernel', params, coalescing: {} },
    });

  it('GRO and TSO cut the per-packet work of a TCP transfer; off, every packet pays every stage', () => {
    const on = tcp({});
    const off = tcp({ gro: false, tso: false, gso: false });
    for (const r of [on, off]) expect(r.flows.records[0]!.status).toBe('done');
    const rx = (r: typeof on) => r.hostStacks!.rx[0]!.cpu;
    const tx = (r: typeof on) => r.hostStacks!.tx[1]!;
    const data = rx(off).corePackets[0]!;
    expect(items(rx(off), 'tcp')).toBe(data);
    // the receiver's coalesced backlog merges: several segments per super-packet
    expect(items(rx(on), 'tcp')).toBeLessThan(data / 4);
    expect(items(rx(on), 'sk_buff_alloc')).toBe(rx(on).corePackets[0]);
    // the sender: one syscall per super-segment, the copy per byte either way
    const sent = txItems(tx(off), 'syscall');
    expect(txItems(tx(on), 'syscall')).toBeLessThan(sent / 2);
    const copy = (t: TxPath) => t.stageBusyPs[t.stageNames.indexOf('copy_from_user')]!;
    expect(copy(tx(on))).toBeCloseTo(copy(tx(off)), 0);
  });
});

describe('host-rdma-vs-tcp.yaml, as its header says', () => {
  /** The kernel TCP pair (h3 → h2): goodput and the cores of each host (core time ÷ the pair's transfer time). */
  function tcpPair(set: string[]): { gbps: number; rx: number; tx: number } {
    const { config } = loadExperimentFile('experiments/host-rdma-vs-tcp.yaml', { set });
    const r = runExperiment({ ...config, outputs: { ...config.outputs, samples_interval_ns: 0 } });
    checkConservation(r);
    const flows = r.flows.records.filter((f) => f.dst === 2);
    // the FCT of flows.csv: first send to the last completion at the sender
    const t = Math.max(...flows.map((f) => f.finish - f.start));
    const bytes = flows.reduce((a, f) => a + f.bytes, 0);
    const cores = (h: number) => {
      const rx = r.hostStacks!.rx[h]!.cpu.coreBusyPs.reduce((a, b) => a + b, 0);
      const tx = r.hostStacks!.tx[h]!.coreBusyPs.reduce((a, b) => a + b, 0);
      return (rx + tx) / t;
    };
    return { gbps: (bytes * 8) / (t / 1e12) / 1e9, rx: cores(2), tx: cores(3) };
  }

  it('GRO and TSO take the kernel TCP pair from 4.22 / 3.19 cores to 3.08 / 2.22 at ~94 Gb/s', () => {
    const on = tcpPair([]);
    const off = tcpPair(['hosts.per_host.h2.params.gro=false', 'hosts.per_host.h3.params.tso=false', 'hosts.per_host.h3.params.gso=false']);
    expect(off.rx).toBeCloseTo(4.22, 1);
    expect(off.tx).toBeCloseTo(3.19, 1);
    expect(on.rx).toBeCloseTo(3.08, 1);
    expect(on.tx).toBeCloseTo(2.22, 1);
    expect(on.gbps).toBeGreaterThan(93.5);
    expect(off.gbps).toBeGreaterThan(93.5);
  });
});
