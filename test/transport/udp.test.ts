import { describe, expect, it } from 'vitest';
import { PC_TX_PACKETS } from '../../src/metrics/port-counters.js';
import { configError } from '../helpers/config-error.js';
import { run } from '../helpers/run.js';

/** h1 → h0 on a 10 Gb/s star, one UDP flow of `bytes`. */
const udp = (transport: Record<string, unknown>, bytes: number, more: Record<string, unknown> = {}) =>
  run({
    name: 'udp',
    topology: { generator: 'star', params: { hosts: 2, rate_gbps: 10, delay_ns: 1000 } },
    fabric: { pfc: { enabled: false } },
    transport: { kind: 'udp', ...transport },
    workload: { kind: 'flows', list: [{ src: 'h1', dst: 'h0', bytes }] },
    ...more,
  });

describe('udp: datagram streams of a fixed frame size', () => {
  it('64-byte frames leave at the 10 Gb/s line rate: 14.88 Mpps, 67.2 ns each', () => {
    // 18 payload bytes per 64-byte frame (14 + 20 + 8 + 4 = 46 bytes of headers)
    const n = 1000;
    const r = udp({ frame_bytes: 64 }, 18 * n);
    const f = r.flows.records[0]!;
    expect(f.status).toBe('done');
    expect(f.packetsSent).toBe(n);
    expect(f.deliveredPackets).toBe(n);
    // (64 + 20) × 8 bits at 10 Gb/s = 67.2 ns per frame, two hops store-and-forward, 2 × 1 µs cables
    const frame = 67_200;
    expect(f.finish - f.start).toBe(n * frame + frame + 2 * 1_000_000);
    expect(1e12 / frame / 1e6).toBeCloseTo(14.88, 2);
    // no acknowledgement: the ideal FCT is the last frame's arrival, slowdown 1
    expect(f.finish - f.start).toBe(f.idealFct);
    expect(r.fabric.counters.get(r.fabric.hostPort(0).index, PC_TX_PACKETS)).toBe(0);
  });

  it('rate_gbps paces the stream; full-MTU datagrams carry MTU − 28 bytes', () => {
    const n = 100;
    const r = udp({ rate_gbps: 5 }, 1000 * 4 * n, { fabric: { pfc: { enabled: false }, mtu: 4028 } });
    const f = r.flows.records[0]!;
    expect(f.packetsSent).toBe(n);
    // each 4046-byte frame + 20 takes 2 × 3252.8 ns at 5 Gb/s: packet n−1 leaves (n−1) gaps after the first
    const gap = Math.round((4046 + 20) * 8 * 1000 / 5) ;
    const frame10 = Math.ceil((4066 * 8 * 1e12) / 10e9);
    expect(f.finish - f.start).toBe((n - 1) * gap + 2 * frame10 + 2_000_000);
  });

  it('a frame larger than the MTU allows is refused, naming transport.frame_bytes', () => {
    expect(configError(() => udp({ frame_bytes: 2000 }, 1000)).field).toBe('transport.frame_bytes');
  });
});

describe('udp: a lossy stream', () => {
  it('ends once sent and drained: done, with what arrived in delivered_bytes and finish at the last arrival', () => {
    // a 1 µs-per-packet core with a 64-descriptor ring behind a 10 Gb/s stream of 64-byte frames
    const n = 2000;
    const r = udp({ frame_bytes: 64 }, 18 * n, { hosts: { stack: 'dpdk', params: { rx_ns: 1000, burst_ns: 0 }, rx_ring: 64 } });
    const f = r.flows.records[0]!;
    expect(f.status).toBe('done');
    expect(r.complete).toBe(true);
    const cpu = r.hostStacks!.rx[0]!.cpu;
    // every datagram was taken by the core or dropped at its ring
    expect(f.deliveredPackets).toBe(cpu.corePackets[0]);
    expect(f.deliveredPackets + cpu.ringDrops[0]!).toBe(n);
    expect(f.deliveredBytes).toBe(18 * f.deliveredPackets);
    expect(f.deliveredBytes).toBeLessThan(f.bytes);
    // the core ran back to back from the first arrival: one packet per µs
    const first = 2 * 67_200 + 2_000_000;
    expect(f.finish).toBe(first + f.deliveredPackets * 1_000_000);
    expect(f.recvDone).toBe(-1);
  });
});
