import { describe, expect, it } from 'vitest';
import { TcpFraming } from '../../src/transport/tcp/framing.js';
import { run } from '../helpers/run.js';

/**
 * One TCP flow alone on an idle store-and-forward path, with a window that never limits it
 * (`cc: none`, the default 6 MB receive window): its segments leave back to back, so the
 * arithmetic of the RoCE single-flow test applies with TCP's headers. With the fabric MTU as the
 * IP MTU (1500):
 *
 *   timestamps on:  MSS = 1500 − 20 (IPv4) − 20 (TCP) − 12 (timestamps) = 1448,
 *                   frame = 14 + 1500 + 4 = 1518, wire = 1538 (preamble/SFD + IFG 20)
 *   timestamps off: MSS = 1460, same frame
 *
 * goodput = MSS / 1538 × line rate: 94.148 % and 94.928 %. The last byte reaches the receiver
 * at Σ s_k + (H − 1)·s_0 + H·D (s_k: segment k's serialization, H hops, D propagation per hop)
 * and the final ACK — sent at once for the stream's last segment — is 14 + 20 + 20 (+12) + 4
 * bytes (70 with timestamps, 58 padded to the 64-byte minimum without), back over H hops.
 */
const PREAMBLE_IFG = 20;
const ser = (frameBytes: number, gbps: number): number => ((frameBytes + PREAMBLE_IFG) * 8 * 1000) / gbps; // ps

function expected(bytes: number, ts: boolean, mtu: number, hops: number, gbps: number, delayNs: number) {
  const hdr = 14 + 20 + 20 + (ts ? 12 : 0) + 4;
  const mss = mtu - 40 - (ts ? 12 : 0);
  const n = Math.ceil(bytes / mss);
  let sum = 0;
  for (let k = 0; k < n; k++) sum += ser(Math.max(64, hdr + Math.min(mss, bytes - k * mss)), gbps);
  const s0 = ser(hdr + Math.min(mss, bytes), gbps);
  const d = delayNs * 1000;
  const lastByte = sum + (hops - 1) * s0 + hops * d;
  const ack = Math.max(64, hdr);
  return { mss, n, sum, lastByte, fct: lastByte + hops * (ser(ack, gbps) + d) };
}

describe('TCP framing', () => {
  it('MSS and frame sizes follow the header arithmetic', () => {
    const on = new TcpFraming(1500, false, true);
    expect(on.mss).toBe(1448);
    expect(on.dataFrame(on.mss)).toBe(1518);
    expect(on.ackFrame(0)).toBe(70);
    expect(on.ackFrame(3)).toBe(70 + 4 + 24);
    expect(on.maxSackBlocks).toBe(3);
    const off = new TcpFraming(1500, false, false);
    expect(off.mss).toBe(1460);
    expect(off.dataFrame(off.mss)).toBe(1518);
    expect(off.ackFrame(0)).toBe(64); // 58 B padded to the Ethernet minimum
    expect(off.maxSackBlocks).toBe(4);
    expect(off.dataFrame(1)).toBe(64);
    expect(new TcpFraming(1500, true, true).dataFrame(1448)).toBe(1522); // + 802.1Q tag
  });
});

describe('a single TCP flow on an idle path', () => {
  it.each([true, false])('timestamps %s: FCT and goodput equal the header arithmetic to the picosecond', (timestamps) => {
    const bytes = 4_000_000;
    const r = run({
      name: 'tcp-goodput',
      topology: { generator: 'star', params: { hosts: 2, rate_gbps: 100, delay_ns: 1000 } },
      fabric: { mtu: 1500 },
      transport: { kind: 'tcp', timestamps },
      workload: { kind: 'flows', list: [{ src: 'h0', dst: 'h1', bytes }] },
    });
    const f = r.flows.records[0]!;
    const e = expected(bytes, timestamps, 1500, 2, 100, 1000);
    expect(f.status).toBe('done');
    expect(f.deliveredBytes).toBe(bytes);
    expect(f.packetsSent).toBe(e.n);
    expect(f.retxPackets).toBe(0);
    expect(f.recvDone - f.start).toBe(e.lastByte);
    expect(f.finish - f.start).toBe(e.fct);
    expect(f.idealFct).toBe(e.fct);
    // goodput while the sender serializes: every segment but the last is full
    const goodputGbps = (bytes * 8) / (e.sum / 1000);
    const full = (100 * e.mss) / (e.mss + (timestamps ? 70 : 58) + PREAMBLE_IFG);
    expect(full).toBeCloseTo(timestamps ? 94.148 : 94.928, 3);
    expect(Math.abs(goodputGbps - full)).toBeLessThan(0.01); // the short last segment
  });

  it('with NewReno (slow start from 10 segments) the flow finishes within a few round trips of the ideal', () => {
    const bytes = 20_000_000;
    const r = run({
      name: 'tcp-newreno',
      topology: { generator: 'star', params: { hosts: 2, rate_gbps: 100, delay_ns: 1000 } },
      fabric: { mtu: 1500 },
      transport: { kind: 'tcp' },
      cc: { kind: 'newreno' },
      workload: { kind: 'flows', list: [{ src: 'h0', dst: 'h1', bytes }] },
    });
    const f = r.flows.records[0]!;
    expect(f.status).toBe('done');
    expect(f.retxPackets).toBe(0);
    // slow start doubles the window per round trip from 10 segments (14.5 KB) to the path's
    // BDP (100 Gb/s × ~4.6 µs ≈ 58 KB): a handful of round trips of ~5 µs lost to the ideal
    expect(f.finish - f.idealFct).toBeGreaterThan(0);
    expect(f.finish - f.idealFct).toBeLessThan(10 * 5_000_000);
  });
});

describe('the three-way handshake (handshake: true)', () => {
  it('adds exactly the SYN / SYN-ACK round trip before the data', () => {
    const flow = (handshake: boolean) =>
      run({
        name: 'tcp-handshake',
        topology: { generator: 'star', params: { hosts: 2, rate_gbps: 100, delay_ns: 1000 } },
        fabric: { mtu: 1500 },
        transport: { kind: 'tcp', handshake },
        workload: { kind: 'flows', list: [{ src: 'h0', dst: 'h1', bytes: 100_000 }] },
      }).flows.records[0]!;
    const plain = flow(false);
    const hs = flow(true);
    expect(hs.status).toBe('done');
    // SYN and SYN-ACK: 14 + 20 + 20 + 20 (MSS, SACK-permitted, timestamps, window scale) + 4 = 78 B
    const synTrip = 2 * (ser(78, 100) + 1_000_000);
    expect(hs.finish - hs.start).toBe(plain.finish - plain.start + 2 * synTrip);
    expect(hs.timeouts).toBe(0);
  });
});
