import { describe, expect, it } from 'vitest';
import { buildFabric } from '../../src/fabric/build-fabric.js';
import { creditBlocks } from '../../src/fabric/flow-control/credit.js';
import { PC_TX_PACKETS } from '../../src/metrics/port-counters.js';
import { CREDIT_RESUME, CREDIT_STALL } from '../../src/metrics/pfc-log.js';
import { fabricOptions } from '../../src/experiment/fabric-options.js';
import { fabricSchema } from '../../src/experiment/fabric-schema.js';
import { Simulator } from '../../src/sim/simulator.js';
import { ns, us } from '../../src/sim/time.js';
import { buildTopology } from '../../src/topology/generators/index.js';
import type { Packet } from '../../src/fabric/packet.js';
import { Driver } from '../fabric/helpers.js';
import { run } from '../helpers/run.js';

/** Frame bytes of an IB RC WRITE packet: LRH 8 + BTH 12 + ICRC 4 + VCRC 2 (+ RETH 16 on the first) + payload. */
const IB_BASE = 26;
const RETH = 16;
/** An IB flow-control packet: 6 bytes. */
const CREDIT_FRAME = 6;

/** Serialization of `bytes` at `gbps` on an IB link (no preamble or IFG), ps. */
function ser(bytes: number, gbps: number): number {
  return Math.ceil((bytes * 8 * 1000) / gbps);
}

describe('credit-based link flow control', () => {
  /** Two hosts on a switch with credit flow control; host 1 counts what it receives. */
  function star() {
    const sim = new Simulator(1);
    const f = buildFabric(
      sim,
      buildTopology('star', { hosts: 2, rate_gbps: 100, delay_ns: 1000 }),
      fabricOptions(fabricSchema.parse({ flow_control: 'credit', credit: { vl_buffer_bytes: 4096 } }), 1100, 'infiniband'),
    );
    const got: number[] = [];
    f.hostIngress(1).handler = { receiveFrom: (pkt: Packet) => (got.push(sim.now), f.pool.release(pkt)) };
    f.hostIngress(0).handler = { receiveFrom: (pkt: Packet) => f.pool.release(pkt) };
    const send = (bytes: number) => {
      const p = f.pool.acquire();
      p.priority = 3;
      p.src = 0;
      p.dst = 1;
      p.frameBytes = bytes;
      f.hostPort(0).enqueue(p);
    };
    return { sim, f, got, send, driver: new Driver(sim) };
  }

  it('a sender without enough credits for its head packet does not transmit, and does once credits arrive', () => {
    const { sim, f, got, send, driver } = star();
    const port = f.hostPort(0);
    const gate = port.credits!;
    expect(gate.limit).toBe(4096 / 64);
    // take all but 15 credits: a 1000-byte packet needs ceil(1000 / 64) = 16
    gate.credits[3] = 15;
    expect(creditBlocks(1000)).toBe(16);
    driver.at(0, () => send(1000));
    sim.run(us(50));
    expect(f.counters.get(port.index, PC_TX_PACKETS)).toBe(0);
    expect(port.queueLength(3)).toBe(1);
    expect(got).toEqual([]);
    // one more credit (as an update from the switch would give) releases it
    driver.at(us(60), () => gate.grant(3, 1));
    sim.run(us(100));
    expect(f.counters.get(port.index, PC_TX_PACKETS)).toBe(1);
    expect(got).toHaveLength(1);
    // other VLs were never blocked: the credits are per VL
    expect(gate.credits[0]).toBe(64);
    // pfc.csv: the stall from t = 0 and its end when the credit arrived
    const log = f.pfcLog.cols;
    const rows = Array.from({ length: log.length }, (_, i) => [log.get(i, 0), log.get(i, 1), log.get(i, 2), log.get(i, 3), log.get(i, 4)]);
    expect(rows.filter((r) => r[1] === port.index)).toEqual([
      [0, port.index, 3, CREDIT_STALL, 15],
      [us(60), port.index, 3, CREDIT_RESUME, 16],
    ]);
  });

  it('credits come back in flow-control packets that take wire time, and a VL never exceeds its buffer', () => {
    const { sim, f, got, send, driver } = star();
    // 10 packets of 1000 B: 16 credits each; 64 credits = 4 packets in flight per hop at most
    driver.at(0, () => {
      for (let i = 0; i < 10; i++) send(1000);
    });
    sim.run(us(100));
    expect(got).toHaveLength(10);
    const s = ser(1000, 100);
    const d = ns(1000);
    const c = ser(CREDIT_FRAME, 100);
    // packets 0..3 go back to back; packet 4 waits for packet 0's credits: packet 0 leaves the
    // switch at 2s + d, whose update reaches host 0 after c + d: 2s + 2d + c
    const start4 = 2 * s + 2 * d + c;
    expect(got[3]).toBe(4 * s + s + 2 * d); // store-and-forward: last of the burst
    expect(got[4]).toBe(start4 + 2 * s + 2 * d);
    // all credits are back at the end
    expect(f.hostPort(0).credits!.credits[3]).toBe(64);
    expect(f.traffic.droppedPackets).toBe(0);
  });
});

/**
 * One long InfiniBand WRITE across a switch (2 hops, EDR 4x = 100 Gb/s, delay D per cable). Each
 * packet's credits at the switch ingress come back when it has left the switch: a packet started
 * at t frees its credits at host 0 at t + 2s + 2D + c (its serialization at host 0 and at the
 * switch, two propagations, the 6-byte update). With a buffer of k packets per VL host 0 may start
 * packet i + k only then, so throughput is k × frame / (2s + 2D + c) until that reaches line rate.
 */
describe('throughput on a long link is bounded by credits × 64 B / RTT', () => {
  const mtu = 4096;
  const bytes = 400 * mtu;
  const D = 5000; // ns
  const frame = (k: number) => IB_BASE + mtu + (k === 0 ? RETH : 0);

  function runWithBuffer(vlBufferBytes: number) {
    return run({
      name: 'credit-rtt',
      topology: { generator: 'star', params: { hosts: 2, delay_ns: D } },
      fabric: { mtu, ib_speed: 'EDR', credit: { vl_buffer_bytes: vlBufferBytes } },
      transport: { kind: 'infiniband', ack_every: 1024, rto_us: 100000 }, // one ACK, at the end
      workload: { kind: 'flows', list: [{ src: 'h0', dst: 'h1', bytes }] },
    });
  }

  /**
   * Last-byte arrival predicted packet by packet: packet i starts at host 0 when the NIC is free
   * and packet i − k's credits are back; it leaves the switch (store-and-forward, in order) at
   * end2[i], and its credits reach host 0 one 6-byte update and one propagation later.
   */
  function predictLastByte(k: number): number {
    const n = bytes / mtu;
    const d = ns(D);
    const c = ser(CREDIT_FRAME, 100);
    const start: number[] = [];
    const end2: number[] = [];
    for (let i = 0; i < n; i++) {
      const s = ser(frame(i), 100);
      const free = i === 0 ? 0 : start[i - 1]! + ser(frame(i - 1), 100);
      const credits = i < k ? 0 : end2[i - k]! + c + d;
      start.push(Math.max(free, credits));
      end2.push(Math.max(start[i]! + s + d, i === 0 ? 0 : end2[i - 1]!) + s);
    }
    return end2[n - 1]! + d;
  }

  it('8 packets of credits: the run matches the credit-loop arithmetic to the picosecond, ~8 × 4122 B per 10.66 µs', () => {
    const k = 8;
    // 4122- and 4138-byte frames both take 65 credits of 64 B
    expect(creditBlocks(frame(0))).toBe(65);
    expect(creditBlocks(frame(1))).toBe(65);
    const r = runWithBuffer(k * 65 * 64);
    const f = r.flows.records[0]!;
    expect(f.status).toBe('done');
    expect(f.recvDone).toBe(predictLastByte(k));
    const rtt = 2 * ser(frame(1), 100) + 2 * ns(D) + ser(CREDIT_FRAME, 100);
    expect(rtt).toBe(10_660_000);
    const boundGbps = (k * frame(1) * 8) / (rtt / 1000);
    const measuredGbps = (bytes / mtu) * frame(1) * 8 / (f.recvDone / 1000);
    expect(measuredGbps).toBeLessThanOrEqual(boundGbps);
    expect(measuredGbps / boundGbps).toBeGreaterThan(0.97); // the first burst's fill and the tail
    expect(boundGbps).toBeCloseTo(24.747, 3);
    expect(r.fabric.traffic.droppedPackets).toBe(0);
  });

  it('a buffer covering the bandwidth-delay product (33 packets) reaches line rate: the idle-fabric FCT', () => {
    const rtt = 10_660_000;
    const bdpPackets = Math.ceil((rtt * 100) / 8 / 1000 / frame(1)); // 100 Gb/s × RTT in frames
    expect(bdpPackets).toBe(33);
    const r = runWithBuffer(bdpPackets * 65 * 64);
    const f = r.flows.records[0]!;
    expect(f.recvDone).toBe(predictLastByte(bdpPackets));
    // never credit-limited: back-to-back packets, exactly the store-and-forward formula
    let sum = 0;
    for (let i = 0; i < bytes / mtu; i++) sum += ser(frame(i), 100);
    expect(f.recvDone).toBe(sum + ser(frame(0), 100) + 2 * ns(D));
    // the final ACK leaves host 1 right behind the 6-byte credit update for the last packet
    expect(f.finish - f.start).toBe(f.idealFct + ser(CREDIT_FRAME, 100));
    // one packet fewer and the credit loop shows
    const short = runWithBuffer((bdpPackets - 1) * 65 * 64).flows.records[0]!;
    expect(short.recvDone).toBeGreaterThan(f.recvDone);
  });
});

describe('credits and corruption loss', () => {
  it('a packet lost on a cable does not leak its credits (IB resynchronizes absolute credit counts)', () => {
    const r = run({
      name: 'credit-loss',
      topology: { generator: 'star', params: { hosts: 2 } },
      fabric: { link_loss_rate: 0.02, credit: { vl_buffer_bytes: 8192 } },
      transport: { kind: 'infiniband' },
      workload: { kind: 'flows', list: [{ src: 'h0', dst: 'h1', bytes: 2_000_000 }] },
    });
    const f = r.flows.records[0]!;
    expect(f.status).toBe('done');
    expect(f.retxPackets).toBeGreaterThan(0);
    expect(r.fabric.traffic.droppedPackets).toBeGreaterThan(0);
  });
});
