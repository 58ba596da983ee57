import { afterEach, describe, expect, it, vi } from 'vitest';
import { PacketPool, type Packet } from '../../src/fabric/packet.js';
import { HostCpu } from '../../src/host/cpu.js';
import { kernelParams, kernelStack } from '../../src/host/stacks/kernel.js';
import type { StackModel } from '../../src/host/stack.js';
import { FlowRecord, FlowTable } from '../../src/metrics/flow-table.js';
import { TrafficCounters } from '../../src/metrics/traffic.js';
import type { Simulator } from '../../src/sim/simulator.js';
import { NewReno, newRenoParams } from '../../src/transport/cc/newreno.js';
import type { NicHandle, SendQueue } from '../../src/transport/endpoint.js';
import { TCP_ACK, TCP_DATA, TcpConnection } from '../../src/transport/tcp/connection.js';
import { TcpFraming } from '../../src/transport/tcp/framing.js';
import { tcpParams } from '../../src/transport/tcp/params.js';
import { ccContext } from '../transport/cc/helpers.js';
import { run } from '../helpers/run.js';

/**
 * Issues #6 / #7: Linux's TCP sees one skb per GRO super-packet and makes its ACK decision once
 * per skb (__tcp_ack_snd_check: more than one full-sized segment since the last ACK → ACK now).
 * The host's GRO (src/host/cpu.ts) delivers a segment whose super-packet is still held with
 * `rxMergeOpen`, and calls `onRxMergeEnd` when that super-packet is flushed; the TCP receiver
 * (src/transport/tcp/connection.ts) decides then.
 */

const MSS = 1448;
const kernel = (params: Record<string, unknown> = {}): StackModel => kernelStack.create(kernelParams.parse(params), 1);

class WireNic implements NicHandle {
  readonly rateBps = 100e9;
  readonly sent: Packet[] = [];
  q: SendQueue | null = null;
  activate(q: SendQueue): void {
    this.q = q;
  }
  sendPacket(p: Packet): void {
    this.sent.push(p);
  }
}

interface Delivery {
  psn: number;
  open: boolean;
  /** ACKs the receiver had sent before this segment reached it, and after. */
  acksBefore: number;
  acksAfter: number;
}

/**
 * One TCP connection sending `n` full segments at once (initial window n) as one message; its
 * data segments go to the receiver through one core of `stack` (all on the ring before the
 * coalesced interrupt, so one busy period; `lose`: never delivered), or straight to it with
 * `stack` null (the ideal host). Returns the receiver's ACKs and what each delivery saw.
 */
function transfer(stack: StackModel | null, n: number, opts: { lose?: number[]; ce?: number[] } = {}) {
  const ctx = ccContext({ mtu: MSS });
  const sim: Simulator = ctx.sim;
  const cc = new NewReno(newRenoParams.parse({ initial_window_packets: n }), ctx);
  const flows = new FlowTable();
  const flow = flows.add(new FlowRecord(0, 0, 1, n * MSS, 0, 'tcp', 'write'));
  const a = new WireNic();
  const b = new WireNic();
  const fr = new TcpFraming(1500, false, true);
  const conn = new TcpConnection(
    {
      sim, pool: new PacketPool(), traffic: new TrafficCounters(), flows, conn: 0, src: 0, dst: 1, srcNic: a, dstNic: b,
      params: tcpParams.parse({}), framing: { mtu: 1500, vlan: false }, frames: fr.framing(), cc,
      feedback: { cnp: false, cnpIntervalPs: 0, int: false }, flowHash: 0, baseRttPs: 10_000_000,
    },
    { fr },
  );
  conn.post(flow);
  const data: Packet[] = [];
  while (a.q !== null && a.q.hasData() && a.q.readyAt(0) <= 0) data.push(a.q.nextPacket());
  expect(data.length).toBe(n);
  // distinct send times (TSval), so that the echo can be checked; CE marks where asked
  for (const p of data) {
    p.sentAt = 1000 * (p.psn + 1);
    if (opts.ce?.includes(p.psn)) p.ecn = 3;
  }
  const arriving = data.filter((p) => !(opts.lose ?? []).includes(p.psn));
  const deliveries: Delivery[] = [];
  const deliver = (pkt: Packet): void => {
    const acksBefore = b.sent.length;
    conn.onPacket(pkt);
    deliveries.push({ psn: pkt.psn, open: pkt.rxMergeOpen, acksBefore, acksAfter: b.sent.length });
  };
  let cpu: HostCpu | null = null;
  if (stack === null) for (const p of arriving) deliver(p);
  else {
    cpu = new HostCpu(sim, stack, 1, 4096, deliver);
    cpu.streams = Uint8Array.of(1);
    cpu.onMergeEnd = () => conn.onRxMergeEnd();
    cpu.coalescePs = 1e9;
    cpu.coalesceFrames = arriving.length;
    for (const p of arriving) cpu.enqueue(p, 0);
    // the core's work (µs); well before the delayed-ACK timer (40 ms) and the RTO (200 ms)
    sim.run(1e9);
    expect(cpu.corePackets[0]).toBe(arriving.length);
  }
  const acks = b.sent;
  for (const p of acks) expect(p.type).toBe(TCP_ACK);
  for (const p of data) expect(p.type).toBe(TCP_DATA);
  return { acks, deliveries, cpu };
}

describe('the seam: rxMergeOpen on delivery, onMergeEnd when a super-packet is flushed', () => {
  /** One core of the kernel stack serving `pkts` in one busy period; the log of deliveries ("c:psn", "+" while open) and ends ("end c"). */
  function log(params: Record<string, unknown>, pkts: Array<[conn: number, psn: number, payload: number]>): string[] {
    const sim = ccContext().sim;
    const out: string[] = [];
    const cpu = new HostCpu(sim, kernel(params), 1, 64, (p) => out.push(`${p.conn}:${p.psn}${p.rxMergeOpen ? '+' : ''}`));
    cpu.streams = Uint8Array.of(1, 1);
    cpu.onMergeEnd = (conn) => out.push(`end ${conn}`);
    cpu.coalescePs = 1e9;
    cpu.coalesceFrames = pkts.length;
    const pool = new PacketPool();
    for (const [conn, psn, payload] of pkts) {
      const p = pool.acquire();
      Object.assign(p, { conn, psn, payload, frameBytes: payload > 0 ? 1500 : 64 });
      cpu.enqueue(p, 0);
    }
    sim.run(1e9);
    return out;
  }

  it('a full super-packet ends when the next segment is done, before it is delivered; the last one with the poll', () => {
    expect(log({ gro_max_segs: 2 }, [[0, 0, 1448], [0, 1, 1448], [0, 2, 1448], [0, 3, 1448], [0, 4, 1448]])).toEqual(['0:0+', '0:1+', 'end 0', '0:2+', '0:3+', 'end 0', '0:4']);
  });

  it('eviction (gro_flows 1) and a pure ACK end the held super-packet of their connection', () => {
    expect(log({ gro_flows: 1 }, [[0, 0, 1448], [1, 0, 1448], [0, 1, 1448], [0, 2, 1448], [0, 9, 0], [1, 1, 1448]])).toEqual([
      '0:0+', 'end 0', '1:0+', 'end 1', '0:1+', '0:2+', 'end 0', '0:9', '1:1',
    ]);
    // without GRO nothing is flagged and nothing ends
    expect(log({ gro: false }, [[0, 0, 1448], [0, 1, 1448]])).toEqual(['0:0', '0:1']);
  });

  it('a budget end within the jiffy keeps the super-packet open (HZ=1000); with HZ=250 it ends it', () => {
    // budget 2: the second packet ends the first poll with the third still on the ring
    const pkts: Array<[number, number, number]> = [[0, 0, 1448], [0, 1, 1448], [0, 2, 1448]];
    expect(log({ budget: 2 }, pkts)).toEqual(['0:0+', '0:1+', '0:2']);
    expect(log({ budget: 2, jiffy_us: 4000 }, pkts)).toEqual(['0:0+', '0:1', '0:2']);
  });
});

describe('GRO super-packets: one ACK decision per super-packet', () => {
  it('N back-to-back segments merged into ceil(N / segs) super-packets get exactly one ACK each', () => {
    const N = 40;
    const segs = 6;
    const supers = Math.ceil(N / segs); // 6 × 6 + 4
    expect(supers).toBe(7);
    // CE marks on segments 3 (first super-packet) and 7, 8 (second)
    const { acks, deliveries, cpu } = transfer(kernel({ gro_max_segs: segs }), N, { ce: [3, 7, 8] });
    expect(cpu!.superPackets[0]).toBe(supers);
    expect(acks.length).toBe(supers);
    // each acknowledges its whole super-packet: 6, 12, ..., 36, then the message's end
    expect(acks.map((p) => p.psn)).toEqual([6, 12, 18, 24, 30, 36, 40]);
    // TSecr: the earliest segment the ACK covers (RFC 7323 §4.3; one header per GRO skb in Linux)
    expect(acks.map((p) => p.echoTs)).toEqual([0, 6, 12, 18, 24, 30, 36].map((s) => 1000 * (s + 1)));
    // ECN echo: the CE marks of the super-packet it covers, none lost or counted twice
    expect(acks.map((p) => p.ecnEcho)).toEqual([1, 2, 0, 0, 0, 0, 0]);
    // a super-packet closed because the next segment does not fit ends when that segment's work
    // is done: its ACK goes before that segment reaches TCP; the last one ends with the poll
    for (const d of deliveries) expect(d.acksBefore).toBe(Math.floor(d.psn / segs));
    // every segment but the last is delivered while its super-packet is open
    expect(deliveries.filter((d) => !d.open).map((d) => d.psn)).toEqual([N - 1]);
  });

  it('a hole is never deferred: the segment past it gets a duplicate ACK with SACK at once, inside its super-packet', () => {
    const N = 40;
    const segs = 6;
    const { acks, deliveries } = transfer(kernel({ gro_max_segs: segs }), N, { lose: [8] });
    // 0-5 end a super-packet: ACK 6. 6, 7 (in order) and 9.. merge in the next (the model's GRO
    // keys on the connection); 9 is out of order: ACKed when it arrives, although still open
    const nine = deliveries.find((d) => d.psn === 9)!;
    expect(nine.open).toBe(true);
    expect(nine.acksAfter).toBe(nine.acksBefore + 1);
    const dup = acks[nine.acksBefore]!;
    expect(dup.psn).toBe(8);
    expect(dup.sackBlocks).toBe(1);
    expect([dup.sack![0], dup.sack![1]]).toEqual([9, 10]);
    // every later segment is out of order too: one ACK each, its SACK block growing
    for (const d of deliveries.filter((x) => x.psn > 9)) {
      expect(d.acksAfter).toBe(d.acksBefore + 1);
      const p = acks[d.acksBefore]!;
      expect([p.psn, p.sack![0], p.sack![1]]).toEqual([8, 9, d.psn + 1]);
    }
    // ACK 6, then one per segment from 9 to 39; 6 and 7 ride on 9's duplicate ACK
    expect(acks.length).toBe(1 + (N - 9));
  });

  it('GRO off (and the ideal host): the per-segment delayed ACKs of before, 16 quick ACKs then one per 2 segments', () => {
    const N = 40;
    const off = transfer(kernel({ gro: false }), N);
    const ideal = transfer(null, N);
    const expected = 16 + (N - 16) / 2;
    expect(off.acks.length).toBe(expected);
    expect(off.acks.map((p) => p.psn)).toEqual([...Array.from({ length: 16 }, (_, i) => i + 1), ...Array.from({ length: (N - 16) / 2 }, (_, i) => 18 + 2 * i)]);
    for (const d of off.deliveries) expect(d.open).toBe(false);
    // byte for byte what the ideal host's receiver sends
    const fields = (p: Packet) => [p.psn, p.echoTs, p.ecnEcho, p.window, p.sackBlocks, p.frameBytes];
    expect(off.acks.map(fields)).toEqual(ideal.acks.map(fields));
  });

  it('a super-packet of one segment keeps the delayed-ACK rule: ACKed with the next, not alone', () => {
    // segs 1: every segment is its own super-packet, flushed when the next arrives; once the 16
    // quick ACKs are spent, one ACK per 2 — as without GRO
    const N = 40;
    const { acks } = transfer(kernel({ gro_max_segs: 1 }), N);
    expect(acks.length).toBe(16 + (N - 16) / 2);
  });
});

describe('end to end: kernel TCP on a 2-host star with coalescing', () => {
  afterEach(() => {
    vi.restoreAllMocks();
  });

  /** h1 sends 2 MB to h0 over kernel TCP (or soft-iWARP: one WRITE), one core each, coalescing on. */
  const transferRun = (iwarp = false, stack = iwarp ? 'soft-iwarp' : 'kernel') =>
    run({
      name: 'gro-acks',
      topology: { generator: 'star', params: { hosts: 2, rate_gbps: 100, delay_ns: 1000 } },
      fabric: { mtu: 1500, pfc: { enabled: true, priorities: [0] } },
      transport: { kind: iwarp ? 'iwarp' : 'tcp' },
      workload: { kind: 'flows', list: [{ src: 'h1', dst: 'h0', bytes: 2_000_000 }] },
      hosts: { stack, coalescing: {} },
    });

  /** The run, and the same run with the seam disconnected (the receiver ACKs per wire segment, as before). */
  const both = (iwarp = false) => {
    const now = transferRun(iwarp);
    const onPacket = TcpConnection.prototype.onPacket;
    vi.spyOn(TcpConnection.prototype, 'onPacket').mockImplementation(function (this: TcpConnection, pkt: Packet) {
      pkt.rxMergeOpen = false;
      onPacket.call(this, pkt);
    });
    vi.spyOn(TcpConnection.prototype, 'onRxMergeEnd').mockImplementation(() => {});
    const before = transferRun(iwarp);
    vi.restoreAllMocks();
    return { now, before };
  };

  it('the sender receives fewer ACKs and spends less CPU; goodput within 2 %', () => {
    const { now, before } = both();
    const segments = Math.ceil(2_000_000 / MSS);
    const stats = (r: typeof now) => {
      const f = r.flows.records[0]!;
      expect(f.status).toBe('done');
      expect(f.retxPackets).toBe(0);
      const rx = r.hostStacks!.rx;
      const sum = (a: Float64Array) => a.reduce((x, y) => x + y, 0);
      return {
        // everything h1 receives is an ACK of its flow
        acks: sum(rx[1]!.cpu.corePackets),
        supers: sum(rx[0]!.cpu.superPackets),
        senderPs: sum(rx[1]!.cpu.coreBusyPs) + sum(r.hostStacks!.tx[1]!.coreBusyPs),
        gbps: (f.bytes * 8) / ((f.finish - f.start) / 1e12) / 1e9,
      };
    };
    const a = stats(before);
    const b = stats(now);
    // before: 16 quick ACKs, then one per 2 segments (the last, odd one ends the message)
    expect(a.acks).toBe(16 + Math.ceil((segments - 16) / 2));
    // now: at most one per super-packet, far fewer
    expect(b.acks).toBeLessThanOrEqual(b.supers);
    expect(b.acks).toBeLessThan(a.acks / 2);
    expect(b.senderPs).toBeLessThan(a.senderPs);
    expect(Math.abs(b.gbps - a.gbps) / a.gbps).toBeLessThan(0.02);
  });

  it('soft-iWARP: its kernel TCP ACKs per super-packet too (one stream per direction behind one endpoint)', () => {
    const { now, before } = both(true);
    const acks = (r: typeof now) => r.hostStacks!.rx[1]!.cpu.corePackets.reduce((x, y) => x + y, 0);
    const supers = now.hostStacks!.rx[0]!.cpu.superPackets.reduce((x, y) => x + y, 0);
    for (const r of [now, before]) expect(r.flows.records[0]!.status).toBe('done');
    // before: per 2 wire segments (1428-byte FPDUs, 16 quick ACKs first); now: per super-packet
    const segments = now.hostStacks!.rx[0]!.cpu.corePackets.reduce((x, y) => x + y, 0);
    expect(acks(before)).toBe(16 + Math.ceil((segments - 16) / 2));
    expect(acks(now)).toBeLessThanOrEqual(supers);
    expect(acks(now)).toBeLessThan(acks(before) / 2);
    // hardware iWARP (the transport in the NIC, rdma-offload): nothing merges, one ACK per 2 segments
    const hw = transferRun(true, 'rdma-offload');
    expect(hw.hostStacks!.rx[0]!.cpu.superPackets[0]).toBe(0);
    expect(acks(hw)).toBe(16 + Math.ceil((segments - 16) / 2));
  });
});
