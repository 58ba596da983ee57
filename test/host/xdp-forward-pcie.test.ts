import { describe, expect, it } from 'vitest';
import type { RunResult } from '../../src/experiment/run.js';
import type { Packet } from '../../src/fabric/packet.js';
import { run } from '../helpers/run.js';

const FLOWS = 6;

/** h0 bounces (XDP_TX, IP-in-IP) flows from h1/h2 to backends h3/h4, over the PCIe link `pcie`. */
function lb(pcie: Record<string, unknown> | undefined, more: Record<string, unknown> = {}): RunResult {
  return run({
    name: 'xdp-lb-pcie',
    topology: { generator: 'star', params: { hosts: 5, rate_gbps: 100, delay_ns: 1000 } },
    fabric: { buffer_bytes: 8 * 1024 * 1024 },
    transport: { kind: 'roce-v2', rto_us: 200 },
    workload: { kind: 'flows', list: Array.from({ length: FLOWS }, (_, i) => ({ src: i % 2 === 0 ? 'h1' : 'h2', dst: 'h0', bytes: 20_000 })) },
    hosts: {
      stack: 'ideal',
      per_host: {
        h0: {
          stack: 'xdp',
          cores: 2,
          params: { tx_flows: Array.from({ length: FLOWS }, (_, i) => i), backends: ['h3', 'h4'], encap: 'ipip' },
          ...(pcie !== undefined ? { pcie } : {}),
        },
      },
    },
    ...more,
  });
}

describe('XDP_TX / XDP_REDIRECT frames cross PCIe twice', () => {
  it('NIC → memory on receive and memory → NIC on transmit, counted in pcie.csv', () => {
    const r = lb({ gen: 3, lanes: 16 });
    for (const f of r.flows.records) expect(f.status).toBe('done');
    const link = r.hostStacks!.hardware[0]!.pcie!;
    const forwarded = r.hostStacks!.rx[0]!.cpu.stackForwards.reduce((a, b) => a + b, 0);
    expect(forwarded).toBeGreaterThan(0);
    // every received frame went back out: read over the link once each, 20 bytes longer
    expect(link.rxPackets).toBe(forwarded);
    expect(link.txPackets).toBe(forwarded);
    expect(link.txFrameBytes).toBe(link.rxFrameBytes + 20 * forwarded);
    // memory → NIC: per frame, the receive side's descriptors and doorbell, then its transmit read:
    // the frame in completions of at most MPS (256) bytes, 20 B of header each, and descriptors
    // and doorbell again (src/host/pcie.ts txDownBytes)
    const m = link.model;
    const completionHeaders = link.downBytes - 2 * forwarded * m.rxDownBytes() - link.txFrameBytes;
    const tlps = completionHeaders / m.cplHdr;
    expect(m.cplHdr).toBe(20);
    expect(Math.abs(tlps - Math.round(tlps))).toBeLessThan(1e-6);
    // each frame (under 1280 bytes here) takes 1 to 5 completions
    expect(Math.round(tlps)).toBeGreaterThanOrEqual(forwarded);
    expect(Math.round(tlps)).toBeLessThanOrEqual(5 * forwarded);
    // the same run without a PCIe model sends the frames at once: the link only delays them
    const plain = lb(undefined);
    expect(plain.flows.records.map((f) => f.packetsSent)).toEqual(r.flows.records.map((f) => f.packetsSent));
  });

  it('frames waiting for their PCIe read are held on the tx ring, and conservation counts them', () => {
    // a Gen1 x1 link (2 Gb/s of TLPs) cannot read back what 100 Gb/s brings: frames wait, and
    // the run stops while they do (run() checks packet and byte conservation, visiting them)
    const r = lb({ gen: 1, lanes: 1 }, { stop: { time_us: 30 } });
    const fwd = r.hostStacks!.forwarders[0]!;
    let held = 0;
    let bytes = 0;
    fwd.forEachHeld((p: Packet) => {
      held++;
      bytes += p.frameBytes;
    });
    expect(fwd.waiting).toBeGreaterThan(0);
    expect(held).toBe(fwd.waiting);
    // they are data frames in no port and on no cable: without them the pool's live frames would
    // not add up (the check in test/helpers/run.ts would throw)
    expect(bytes).toBeGreaterThan(0);
  });
});
