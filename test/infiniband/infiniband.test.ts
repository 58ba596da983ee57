import { describe, expect, it } from 'vitest';
import { IB_SPEEDS, ibDataRateGbps } from '../../src/fabric/ib-speed.js';
import { PC_ECN_MARKS, PC_PAUSE_TX, PC_TX_BYTES, PC_TX_WIRE_BYTES } from '../../src/metrics/port-counters.js';
import { CREDIT_RESUME, CREDIT_STALL } from '../../src/metrics/pfc-log.js';
import { infiniband, infinibandBaseBytes, infinibandParams } from '../../src/transport/infiniband.js';
import { transports } from '../../src/transport/registry.js';
import { validateExperiment } from '../../src/experiment/schema.js';
import { run } from '../helpers/run.js';

/** LRH 8 + BTH 12 + ICRC 4 + VCRC 2. */
const IB_BASE = 26;
const RETH = 16;
const AETH = 4;
const GRH = 40;

function ser(bytes: number, gbps: number): number {
  return Math.ceil((bytes * 8 * 1000) / gbps);
}

describe('InfiniBand link speeds', () => {
  it('4x data rates: SDR 8, DDR 16, QDR 32 (8b/10b), FDR 54.55, EDR 100, HDR 200, NDR 400 Gb/s', () => {
    expect(ibDataRateGbps('SDR', 4)).toBe(8);
    expect(ibDataRateGbps('DDR', 4)).toBe(16);
    expect(ibDataRateGbps('QDR', 4)).toBe(32);
    expect(ibDataRateGbps('FDR', 4)).toBeCloseTo(54.545, 3);
    expect(ibDataRateGbps('EDR', 4)).toBe(100);
    expect(ibDataRateGbps('HDR', 4)).toBe(200);
    expect(ibDataRateGbps('NDR', 4)).toBe(400);
    expect(ibDataRateGbps('EDR', 1)).toBe(25);
    expect(ibDataRateGbps('HDR', 12)).toBe(600);
  });

  it('the data rate is the lane signalling rate times the code rate (8b/10b: 0.8; 64b/66b: 64/66 for FDR and EDR)', () => {
    for (const s of ['SDR', 'DDR', 'QDR'] as const) expect(IB_SPEEDS[s].laneDataGbps).toBeCloseTo(IB_SPEEDS[s].laneGbaud * 0.8, 12);
    for (const s of ['FDR', 'EDR'] as const) expect(IB_SPEEDS[s].laneDataGbps).toBeCloseTo((IB_SPEEDS[s].laneGbaud * 64) / 66, 12);
    // 4x signalling: 10 / 20 / 40 / 56.25 / 103.125 Gb/s
    expect([IB_SPEEDS.SDR, IB_SPEEDS.DDR, IB_SPEEDS.QDR, IB_SPEEDS.FDR, IB_SPEEDS.EDR].map((s) => s.laneGbaud * 4)).toEqual([10, 20, 40, 56.25, 103.125]);
  });

  it('fabric.ib_speed sets every link to the data rate of ib_speed × ib_width', () => {
    const r = run({
      name: 'speed',
      topology: { generator: 'star', params: { hosts: 2, rate_gbps: 25 } },
      fabric: { ib_speed: 'HDR', ib_width: 2 },
      transport: { kind: 'infiniband' },
      workload: { kind: 'flows', list: [{ src: 'h0', dst: 'h1', bytes: 1000 }] },
    });
    for (const p of r.fabric.ports) expect(p.rateBps).toBe(100e9);
  });

  it('rejects unknown speeds and widths with the field path', () => {
    const base = { name: 'x', workload: { kind: 'flows', list: [] } };
    expect(() => validateExperiment({ ...base, fabric: { ib_speed: 'XDR' } })).toThrow(/fabric\.ib_speed/);
    expect(() => validateExperiment({ ...base, fabric: { ib_width: 3 } })).toThrow(/fabric\.ib_width/);
  });
});

describe('InfiniBand packets', () => {
  const frames = (p: object, mtu = 4096) => infiniband.framing(infinibandParams.parse(p), { mtu, vlan: false });

  it('LRH 8 + BTH 12 + ext headers + payload + ICRC 4 + VCRC 2; the GRH (40) only when asked for', () => {
    expect(infinibandBaseBytes(false)).toBe(IB_BASE);
    expect(infinibandBaseBytes(true)).toBe(IB_BASE + GRH);
    const f = frames({});
    expect(f.frameBytes(3 * 4096, 0)).toBe(IB_BASE + RETH + 4096); // WRITE First
    expect(f.frameBytes(3 * 4096, 1)).toBe(IB_BASE + 4096); // WRITE Middle
    expect(f.frameBytes(3 * 4096 - 1000, 2)).toBe(IB_BASE + 3096); // WRITE Last
    expect(f.ackFrameBytes).toBe(IB_BASE + AETH);
    expect(f.maxFrameBytes).toBe(IB_BASE + RETH + 4096);
    // no Ethernet 64-byte minimum; the payload is padded to 4 bytes (BTH PadCnt)
    expect(f.frameBytes(1, 0)).toBe(IB_BASE + RETH + 4);
    expect(frames({ grh: true }).frameBytes(3 * 4096, 1)).toBe(IB_BASE + GRH + 4096);
    expect(frames({}, 256).packets(1024)).toBe(4);
  });

  it('is registered, and IB links carry no preamble or inter-frame gap', () => {
    expect(transports.get('infiniband')).toBe(infiniband);
    const r = run({
      name: 'wire',
      topology: { generator: 'star', params: { hosts: 2 } },
      transport: { kind: 'infiniband' },
      workload: { kind: 'flows', list: [{ src: 'h0', dst: 'h1', bytes: 10_000 }] },
    });
    const p = r.fabric.hostPort(0).index;
    expect(r.fabric.counters.get(p, PC_TX_WIRE_BYTES)).toBe(r.fabric.counters.get(p, PC_TX_BYTES));
  });
});

/**
 * A long WRITE alone on an idle 2-hop path, as in test/scenarios/single-flow.test.ts but on IB:
 * the sender's NIC serializes 1000 frames of 26 + 4096 bytes (the first 16 bytes longer) at the
 * link's data rate; the last byte arrives after that plus the first packet again at the second
 * hop plus two propagations. Goodput = 4096 / 4122 of the data rate: the encoding is already in
 * the data rate (EDR 4x: 103.125 Gb/s signalling → 100 Gb/s data → 99.37 Gb/s goodput).
 */
describe('goodput of a long WRITE matches the header and encoding arithmetic', () => {
  it.each([
    { speed: 'EDR', gbps: 100, expected: 99.369 },
    { speed: 'HDR', gbps: 200, expected: 198.739 },
  ])('$speed 4x: $expected Gb/s', ({ speed, gbps, expected }) => {
    const mtu = 4096;
    const n = 1000;
    const r = run({
      name: 'goodput',
      topology: { generator: 'star', params: { hosts: 2, delay_ns: 1000 } },
      fabric: { mtu, ib_speed: speed, credit: { vl_buffer_bytes: 1 << 20 } },
      // one ACK, at the end: no ACKs (and no credit updates for them) share the sender's link
      transport: { kind: 'infiniband', ack_every: 1024, rto_us: 100000 },
      workload: { kind: 'flows', list: [{ src: 'h0', dst: 'h1', bytes: n * mtu }] },
    });
    const f = r.flows.records[0]!;
    expect(f.status).toBe('done');
    const s0 = ser(IB_BASE + RETH + mtu, gbps);
    const serializing = f.recvDone - s0 - 2 * 1_000_000;
    expect(serializing).toBe(((n * (IB_BASE + mtu) + RETH) * 8 * 1000) / gbps);
    const goodput = (n * mtu * 8) / (serializing / 1000);
    expect(goodput).toBeCloseTo((gbps * mtu) / (mtu + IB_BASE), 2);
    expect(goodput).toBeCloseTo(expected, 2);
    // vs RoCEv2 on a link of the same data rate: 62 B of headers + 20 B preamble/IFG per packet
    expect(goodput / gbps).toBeGreaterThan(mtu / (mtu + 62 + 20));
  });
});

/** An 8-to-1 incast of 200 KB WRITEs on a leaf-spine fabric (the quickstart's shape). */
const incast = (transport: Record<string, unknown>, fabric: Record<string, unknown> = {}) => ({
  name: 'ib-incast',
  seed: 1,
  topology: { generator: 'leaf-spine', params: { leaves: 4, spines: 2, hosts_per_leaf: 4, rate_gbps: 100, delay_ns: 1000 } },
  fabric: { mtu: 1024, buffer_bytes: 4194304, ...fabric },
  transport,
  cc: { kind: 'none' },
  workload: { kind: 'incast', receiver: 'h0', senders: ['h4', 'h5', 'h6', 'h7', 'h8', 'h9', 'h10', 'h11'], bytes: 200_000 },
});

describe('lossless by construction', () => {
  it('zero drops under incast with credits, even with 4 KiB per VL; the same fabric without flow control drops', () => {
    const ib = run(incast({ kind: 'infiniband' }, { credit: { vl_buffer_bytes: 4096 } }));
    expect(ib.flows.records.every((f) => f.status === 'done')).toBe(true);
    expect(ib.fabric.traffic.droppedPackets).toBe(0);
    expect(ib.flows.records.reduce((a, f) => a + f.retxPackets, 0)).toBe(0);
    // credits, not PFC: no PAUSE frames, and every switch port has a credit gate
    expect(ib.fabric.counters.total(PC_PAUSE_TX)).toBe(0);
    expect(ib.fabric.ports.every((p) => p.credits !== null)).toBe(true);
    // the backpressure is visible in pfc.csv: VLs stall for credits at the senders and in the
    // fabric, and every stall but those still open at the end is resolved
    const log = ib.fabric.pfcLog;
    const stalls = log.count(CREDIT_STALL);
    expect(stalls).toBeGreaterThan(0);
    expect(stalls - log.count(CREDIT_RESUME)).toBeGreaterThanOrEqual(0);
    expect(stalls - log.count(CREDIT_RESUME)).toBeLessThanOrEqual(ib.fabric.ports.length);
    const stalledNodes = new Set<string>();
    for (let i = 0; i < log.length; i++) {
      if (log.cols.get(i, 3) === CREDIT_STALL) stalledNodes.add(ib.fabric.nodeKeys[ib.fabric.ports[log.cols.get(i, 1)]!.node]!);
    }
    expect(stalledNodes.has('h4')).toBe(true); // a sender
    expect([...stalledNodes].some((n) => n.startsWith('spine'))).toBe(true); // the tree reaches the spines
    // a queue never holds more than the credits that let it in: ingress buffers of 4 KiB per port
    for (const s of ib.fabric.switches) expect(s.buffer.peak).toBeLessThanOrEqual(s.ports.length * 4096);
    // the same incast on a lossy fabric with that little buffer drops
    const lossy = run(incast({ kind: 'infiniband' }, { flow_control: 'pfc', pfc: { enabled: false }, buffer_bytes: 16384 }));
    expect(lossy.fabric.traffic.droppedPackets).toBeGreaterThan(0);
  });

  it('with credits, ECN marking and DCQCN still work (CNPs over IB)', () => {
    const r = run({ ...incast({ kind: 'infiniband' }), fabric: { mtu: 1024, ecn: { kind: 'threshold', k_bytes: 20000 } }, cc: { kind: 'dcqcn' } });
    expect(r.flows.records.every((f) => f.status === 'done')).toBe(true);
    expect(r.fabric.traffic.droppedPackets).toBe(0);
    expect(r.fabric.counters.total(PC_ECN_MARKS)).toBeGreaterThan(0);
  });
});

describe('the same experiment runs over infiniband or roce-v2 by changing transport.kind', () => {
  it('both complete without drops; each uses its own link layer, and IB is faster by its smaller headers', () => {
    const ib = run(incast({ kind: 'infiniband' }));
    const roce = run(incast({ kind: 'roce-v2' }));
    for (const r of [ib, roce]) {
      expect(r.flows.records.every((f) => f.status === 'done')).toBe(true);
      expect(r.fabric.traffic.droppedPackets).toBe(0);
    }
    expect(ib.flows.records[0]!.transport).toBe('infiniband');
    expect(roce.flows.records[0]!.transport).toBe('roce-v2');
    expect(roce.fabric.ports.every((p) => p.credits === null)).toBe(true);
    expect(roce.fabric.counters.total(PC_PAUSE_TX)).toBeGreaterThan(0);
    // the incast drains at the bottleneck's rate: 8 × 200 KB in 1024-byte packets, 26 + 0 wire
    // bytes of overhead per packet on IB against 62 + 20 on RoCEv2 (the first packets add a RETH)
    const last = (r: typeof ib) => Math.max(...r.flows.records.map((f) => f.recvDone));
    const ratio = last(roce) / last(ib);
    expect(ratio).toBeGreaterThan(1.04);
    expect(ratio).toBeLessThan((1024 + 82) / (1024 + 26) + 0.01);
    // an idle-fabric flow (one ACK, at the end): FCT equals its ideal on either transport
    for (const kind of ['infiniband', 'roce-v2']) {
      const one = run({ ...incast({ kind, ack_every: 1024, rto_us: 100000 }), workload: { kind: 'flows', list: [{ src: 'h4', dst: 'h0', bytes: 100_000 }] } });
      const f = one.flows.records[0]!;
      const creditUpdate = kind === 'infiniband' ? ser(6, 100) : 0; // the final ACK waits behind it
      expect(f.finish - f.start).toBe(f.idealFct + creditUpdate);
    }
  });
});
