import { describe, expect, it } from 'vitest';
import { Simulator } from '../../src/sim/simulator.js';
import { Packet } from '../../src/fabric/packet.js';
import { PcieLink, PcieModel, pcieSchema, defaultDllpOverhead } from '../../src/host/pcie.js';
import { validateExperiment } from '../../src/experiment/schema.js';
import { ConfigError } from '../../src/sim/errors.js';
import { runExperiment, type RunResult } from '../../src/experiment/run.js';
import { run } from '../helpers/run.js';

const gen3x16 = pcieSchema.parse({ gen: 3, lanes: 16 });

/** Feeds `n` frames of `bytes` into a fresh link at t = 0; returns when the last one lands, ps. */
function drain(cfg: ReturnType<typeof pcieSchema.parse>, n: number, bytes: number): { last: number; link: PcieLink } {
  const sim = new Simulator(1);
  let last = -1;
  let landed = 0;
  const link = new PcieLink(sim, cfg, 1, n, () => {
    last = sim.now;
    landed++;
  });
  for (let i = 0; i < n; i++) {
    const p = new Packet();
    p.frameBytes = bytes;
    link.rx(p, 0);
  }
  sim.run();
  expect(landed).toBe(n);
  return { last, link };
}

describe('PCIe: the TLP arithmetic', () => {
  it('Gen3 x16, MPS 256: rates after encoding and DLLPs', () => {
    const m = new PcieModel(gen3x16);
    // 8 GT/s × 128/130 × 16 lanes
    expect(m.rawBps).toBeCloseTo(8e9 * (128 / 130) * 16, 0);
    // one Ack + one UpdateFC DLLP (8 B each) per 168-symbol AckNak latency limit, SKP 4 per 1538
    expect(m.dllpOverhead).toBeCloseTo(16 / 168 + 4 / 1538, 12);
    expect(m.tlpBps / 1e9).toBeCloseTo(113.7, 1);
    // Gen1/2 use 8b/10b: Gen2 x8 = 5 × 0.8 × 8 = 32 Gb/s raw
    expect(new PcieModel(pcieSchema.parse({ gen: 2, lanes: 8 })).rawBps).toBeCloseTo(32e9, 0);
    expect(defaultDllpOverhead(1, 1, 128)).toBeCloseTo(16 / 237 + 4 / 1538, 12);
  });

  it('a received 1500 B frame costs 1708 B upstream, a 64 B frame 152 B; the link drains at exactly that rate', () => {
    const m = new PcieModel(gen3x16);
    // 1500 B: ceil(1500 / 256) = 6 memory writes × (8 framing+seq+LCRC + 4 + 12 header) + 1500
    //         + descriptor write-back (24 + 16) + descriptor read request (24)
    expect(m.rxUpBytes(1500)).toBe(6 * 24 + 1500 + 40 + 24);
    // 64 B: one memory write: 24 + 64, + 40 + 24
    expect(m.rxUpBytes(64)).toBe(24 + 64 + 40 + 24);
    // downstream per received frame: the descriptor's completion (20 + 16) and the doorbell (24 + 4)
    expect(m.rxDownBytes()).toBe(36 + 28);
    for (const [bytes, up] of [
      [1500, 1708],
      [64, 152],
    ] as const) {
      const n = 2000;
      const { last, link } = drain(gen3x16, n, bytes);
      const perPacketPs = (up * 8e12) / m.tlpBps;
      // n back-to-back DMA writes, then the DMA latency (500 ns); the link keeps exact busy time
      expect(Math.abs(last - (n * perPacketPs + 500_000))).toBeLessThanOrEqual(1);
      expect(link.upBytes).toBe(n * up);
      // the cap: frames/s = TLP rate / (8 × upstream bytes per frame)
      const pps = n / ((last - 500_000) / 1e12);
      expect(pps / (m.tlpBps / (8 * up))).toBeCloseTo(1, 5);
    }
    // 1500 B frames: 113.7 × 1500 / 1708 = 99.9 Gb/s of frames; 64 B frames: 93.5 Mpps
    expect((m.tlpBps * 1500) / 1708 / 1e9).toBeCloseTo(99.9, 1);
    expect(m.tlpBps / (8 * 152) / 1e6).toBeCloseTo(93.5, 1);
  });

  it('transmit reads: read requests upstream, completions (20 B header each) downstream', () => {
    const m = new PcieModel(gen3x16);
    // 1500 B: ceil(1500/512) = 3 read requests + descriptor read + write-back
    expect(m.txUpBytes(1500)).toBe(3 * 24 + 24 + 40);
    // 6 completions × 20 + 1500, descriptor completion 36, doorbell 28
    expect(m.txDownBytes(1500)).toBe(6 * 20 + 1500 + 36 + 28);
    // the NIC may take the next packet only once the previous one's completions have crossed
    // (reads are prefetched: no latency per packet)
    const sim = new Simulator(1);
    const link = new PcieLink(sim, gen3x16, 1, 1, () => {});
    const p = new Packet();
    p.frameBytes = 1500;
    const per = ((6 * 20 + 1500 + 64) * 8e12) / m.tlpBps;
    expect(link.txReadyAt()).toBe(0);
    link.tx(p, 0);
    expect(link.txReadyAt()).toBe(Math.ceil(per));
    link.tx(p, 0);
    expect(link.txReadyAt()).toBe(Math.ceil(2 * per));
  });

  it('a descriptor batch amortizes descriptor reads and doorbells; MPS and addressing change the TLP count and header', () => {
    const b = new PcieModel(pcieSchema.parse({ descriptor_batch: 8 }));
    // 8 descriptors of 16 B: one read request (24 B) and one 128-B completion (20 + 128) per 8 frames,
    // one doorbell (24 + 4) per 8 refills
    expect(b.rxUpBytes(1500)).toBe(6 * 24 + 1500 + 40 + 24 / 8);
    expect(b.rxDownBytes()).toBe((20 + 128 + 28) / 8);
    const big = new PcieModel(pcieSchema.parse({ max_payload_bytes: 512, address_bits: 32 }));
    // ceil(1500 / 512) = 3 writes of 8 + 4 + 8 = 20 B overhead
    expect(big.write(1500)).toBe(3 * 20 + 1500);
  });
});

/** One host pair on a star; `hosts` for both. */
function pair(hosts: Record<string, unknown>, more: Record<string, unknown> = {}): RunResult {
  return run({
    name: 'pcie',
    topology: { generator: 'star', params: { hosts: 2, rate_gbps: 100, delay_ns: 1000 } },
    workload: { kind: 'incast', receiver: 'h0', senders: 1, bytes: 512 },
    hosts,
    ...more,
  });
}
const zeroCost = { stack: 'dpdk', params: { rx_ns: 0, burst_ns: 0, tx_ns: 0 } };

describe('PCIe in a run', () => {
  it('a single packet is delivered later by its DMA time plus exactly the DMA latency', () => {
    const base = pair(zeroCost);
    const at = (ns: number) => pair({ ...zeroCost, pcie: { gen: 3, lanes: 16, dma_latency_ns: ns } });
    const l0 = at(0);
    const l500 = at(500);
    const f = (r: RunResult) => r.flows.records[0]!;
    const link = l0.hostStacks!.hardware[0]!.pcie!;
    expect(link.rxPackets).toBe(1);
    const m = link.model;
    const dma = Math.round((m.rxUpBytes(link.rxFrameBytes) * 8e12) / m.tlpBps);
    expect(f(l0).recvDone - f(base).recvDone).toBe(dma);
    expect(f(l500).recvDone - f(l0).recvDone).toBe(500_000);
    // the ACK crosses h1's PCIe too: the completion is 2 × 500 ns later
    expect(f(l500).finish - f(l0).finish).toBe(1_000_000);
  });

  it('a Gen3 x4 link caps a 100 Gb/s RoCE stream at its TLP rate, and PFC from the host NIC keeps it lossless', () => {
    const r = run({
      name: 'pcie-cap',
      topology: { generator: 'star', params: { hosts: 2, rate_gbps: 100, delay_ns: 1000 } },
      fabric: { mtu: 4096, buffer_bytes: 8 * 1024 * 1024 },
      workload: { kind: 'incast', receiver: 'h0', senders: 1, bytes: 4_000_000 },
      hosts: { ...zeroCost, rx_ring: 256, rx_pfc_headroom: 64, pcie: { gen: 3, lanes: 4 } },
    });
    const f = r.flows.records[0]!;
    expect(f.status).toBe('done');
    const link = r.hostStacks!.hardware[0]!.pcie!;
    const m = link.model;
    // every data frame is 4158 B (4096 + 62; the first +16 for the RETH): 17 writes × 24 + frame + 64
    const frames = link.rxPackets;
    const perFrame = m.rxUpBytes(4158);
    expect(perFrame).toBe(17 * 24 + 4158 + 64);
    // Gen3 x4 ≈ 28.9 Gb/s of TLPs < 100 Gb/s: the receive takes frames × per-frame DMA time
    const expectPs = (frames * perFrame * 8e12) / m.tlpBps;
    const took = f.recvDone - f.start;
    expect(took / expectPs).toBeGreaterThan(1);
    expect(took / expectPs).toBeLessThan(1.005);
    expect(r.fabric.traffic.droppedPackets).toBe(0);
    expect(r.hostStacks!.rx[0]!.drops).toBe(0);
  });

  it('64-byte frames at 100 Gb/s: a Gen3 x4 receiver takes exactly one frame per 152 B of TLPs', () => {
    // h1 sends 64-byte UDP frames at line rate (148.8 Mpps); only h0 has a PCIe link, Gen3 x4:
    // 8 GT/s × 128/130 × 4 lanes × (1 − 16/214 − 4/1538) = 29.07 Gb/s of TLPs, and each frame costs
    // 24 + 64 (one memory write) + 40 (write-back) + 24 (descriptor read request) = 152 B: 23.9 Mpps
    const until = (us: number) =>
      runExperiment({
        name: 'pcie-small',
        outputs: { samples_interval_ns: 0 },
        topology: { generator: 'star', params: { hosts: 2, rate_gbps: 100, delay_ns: 1000 } },
        fabric: { pfc: { enabled: false } },
        transport: { kind: 'udp', frame_bytes: 64 },
        workload: { kind: 'flows', list: [{ src: 'h1', dst: 'h0', bytes: 10_000_000 }] },
        hosts: { ...zeroCost, per_host: { h0: { pcie: { gen: 3, lanes: 4 } } } },
        stop: { time_us: us },
      });
    const a = until(100);
    const b = until(200);
    const link = b.hostStacks!.hardware[0]!.pcie!;
    const m = link.model;
    expect(m.rxUpBytes(64)).toBe(152);
    expect(m.tlpBps / 1e9).toBeCloseTo(8 * (128 / 130) * 4 * (1 - 16 / 214 - 4 / 1538), 9);
    const landed = (r: RunResult) => r.hostStacks!.rx[0]!.cpu.corePackets[0]!;
    const perFramePs = (152 * 8e12) / m.tlpBps;
    // the link is busy all along: 100 µs more lands 100 µs / 41.8 ns frames more (± 1)
    expect(Math.abs(landed(b) - landed(a) - 100e6 / perFramePs)).toBeLessThanOrEqual(1);
    // the rest of the 148.8 Mpps found the ring full
    expect(b.hostStacks!.rx[0]!.drops).toBeGreaterThan(0);
  });

  it('per_host gives one host its own link; the others keep the block\'s (or none)', () => {
    const r = pair({ ...zeroCost, per_host: { h0: { pcie: { gen: 4, lanes: 8 } } } });
    const hw = r.hostStacks!.hardware;
    expect(hw[0]!.pcie!.model.cfg).toMatchObject({ gen: 4, lanes: 8 });
    expect(hw[1]!.pcie).toBeNull();
    expect(() => validateExperiment({ name: 'x', workload: { kind: 'idle' }, hosts: { stack: 'kernel', per_host: { h0: { pcie: { lanes: 3 } } } } })).toThrow(/hosts\.per_host\.h0\.pcie\.lanes/);
  });

  it('no pcie block: nothing changes; bad input names hosts.pcie.<field>', () => {
    const base = { name: 'x', workload: { kind: 'idle' } };
    const err = (pcie: unknown, field: string) => {
      expect(() => validateExperiment({ ...base, hosts: { stack: 'kernel', pcie } })).toThrow(ConfigError);
      expect(() => validateExperiment({ ...base, hosts: { stack: 'kernel', pcie } })).toThrow(new RegExp(field.replace(/\./g, '\\.')));
    };
    err({ lanes: 3 }, 'hosts.pcie.lanes');
    err({ max_payload_bytes: 100 }, 'hosts.pcie.max_payload_bytes');
    err({ gen: 7 }, 'hosts.pcie.gen');
    expect(() => validateExperiment({ ...base, hosts: { stack: 'ideal', pcie: {} } })).toThrow(/hosts\.pcie/);
    const v = validateExperiment({ ...base, hosts: { stack: 'kernel', pcie: {} } });
    expect(v.hosts!.pcie).toMatchObject({ gen: 3, lanes: 16, max_payload_bytes: 256, dma_latency_ns: 500 });
    const plain = pair(zeroCost);
    expect(plain.hostStacks!.hardware.every((h) => h!.pcie === null)).toBe(true);
  });
});
