import { describe, expect, it } from 'vitest';
import { run } from '../helpers/run.js';

/**
 * One RoCEv2 WRITE alone on an idle store-and-forward path. With line-rate sending and the first
 * packet the largest (it carries the 16-byte RETH), every later packet waits behind its
 * predecessor at each hop, so the last byte reaches the receiver at
 *   Σ_k s_k  +  (H − 1)·s_0  +  H·D
 * where s_k is packet k's serialization time, H the number of hops and D the per-hop
 * propagation delay; the final ACK then takes H·(s_ack + D) to come back.
 */
const PREAMBLE_IFG = 20;
// Ethernet 14 + IPv4 20 + UDP 8 + BTH 12 + ICRC 4 + FCS 4
const ROCEV2_OVERHEAD = 62;
const RETH = 16;
const ACK_FRAME = ROCEV2_OVERHEAD + 4; // + AETH

function ser(frameBytes: number, gbps: number): number {
  return ((frameBytes + PREAMBLE_IFG) * 8 * 1000) / gbps; // ps
}

function expectedTimes(bytes: number, mtu: number, hops: number, gbps: number, delayNs: number) {
  const n = Math.ceil(bytes / mtu);
  let sum = 0;
  for (let k = 0; k < n; k++) {
    const payload = k === n - 1 ? bytes - k * mtu : mtu;
    sum += ser(ROCEV2_OVERHEAD + payload + (k === 0 ? RETH : 0), gbps);
  }
  const s0 = ser(ROCEV2_OVERHEAD + Math.min(mtu, bytes) + RETH, gbps);
  const d = delayNs * 1000;
  const lastByte = sum + (hops - 1) * s0 + hops * d;
  const ack = hops * (ser(ACK_FRAME, gbps) + d);
  return { lastByte, fct: lastByte + ack, sum };
}

describe('a single flow on an idle fabric', () => {
  it.each([
    { name: 'star, 2 hops, 100G', topology: { generator: 'star', params: { hosts: 2, rate_gbps: 100, delay_ns: 1000 } }, hops: 2, gbps: 100, delay: 1000, mtu: 1024, bytes: 64 * 1024 },
    { name: 'star, 2 hops, 25G, mtu 4096', topology: { generator: 'star', params: { hosts: 2, rate_gbps: 25, delay_ns: 500 } }, hops: 2, gbps: 25, delay: 500, mtu: 4096, bytes: 1_000_000 },
    { name: 'leaf-spine cross-leaf, 4 hops', topology: { generator: 'leaf-spine', params: { leaves: 2, spines: 2, hosts_per_leaf: 1, rate_gbps: 100, uplink_rate_gbps: 100, delay_ns: 1000 } }, hops: 4, gbps: 100, delay: 1000, mtu: 1024, bytes: 100_000 },
  ])('$name: FCT equals the store-and-forward formula to the picosecond', ({ topology, hops, gbps, delay, mtu, bytes }) => {
    const r = run({
      name: 'single',
      topology,
      fabric: { mtu },
      workload: { kind: 'flows', list: [{ src: 'h0', dst: 'h1', bytes }] },
    });
    const f = r.flows.records[0]!;
    const e = expectedTimes(bytes, mtu, hops, gbps, delay);
    expect(f.status).toBe('done');
    expect(f.recvDone).toBe(e.lastByte);
    expect(f.finish - f.start).toBe(e.fct);
    expect(f.idealFct).toBe(e.fct);
    expect(f.retxPackets).toBe(0);
    expect(r.fabric.traffic.droppedPackets).toBe(0);
  });

  it('goodput equals the header arithmetic: payload / (payload + 62 B headers + 20 B preamble/IFG)', () => {
    const mtu = 1024;
    const bytes = 1000 * mtu;
    const r = run({
      name: 'goodput',
      topology: { generator: 'star', params: { hosts: 2, rate_gbps: 100, delay_ns: 1000 } },
      fabric: { mtu },
      workload: { kind: 'flows', list: [{ src: 'h0', dst: 'h1', bytes }] },
    });
    const f = r.flows.records[0]!;
    // Time the sender's NIC spent serializing = last byte time minus the pipeline fill.
    const s0 = ser(ROCEV2_OVERHEAD + mtu + RETH, 100);
    const serializing = f.recvDone - s0 - 2 * 1_000_000;
    const goodputGbps = (bytes * 8) / (serializing / 1000);
    // 1000 packets of 1106 wire bytes, the first 16 bytes longer
    expect(serializing).toBe(((1000 * (mtu + ROCEV2_OVERHEAD + PREAMBLE_IFG) + RETH) * 8 * 1000) / 100);
    expect(goodputGbps).toBeCloseTo((100 * mtu) / (mtu + ROCEV2_OVERHEAD + PREAMBLE_IFG), 1);
    expect(goodputGbps).toBeGreaterThan(92.5);
    expect(goodputGbps).toBeLessThan(92.6);
  });

  it('a VLAN tag adds 4 bytes to every frame', () => {
    const base = { name: 'vlan', topology: { generator: 'star', params: { hosts: 2 } }, workload: { kind: 'flows', list: [{ src: 'h0', dst: 'h1', bytes: 10 * 1024 }] } };
    const plain = run(base).flows.records[0]!;
    const tagged = run({ ...base, fabric: { vlan_tag: true } }).flows.records[0]!;
    // The last byte waits for the 10 packets serialized back to back plus the first packet again
    // at the second hop (Σ s_k + s_0): 11 serializations, each 4 bytes (320 ps at 100 Gb/s) longer.
    const extraPerFrame = (4 * 8 * 1000) / 100;
    expect(tagged.recvDone - plain.recvDone).toBe((10 + 1) * extraPerFrame);
  });
});
