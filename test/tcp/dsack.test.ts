import { describe, expect, it } from 'vitest';
import { PC_LINK_LOSSES } from '../../src/metrics/port-counters.js';
import { run } from '../helpers/run.js';

/**
 * D-SACK (RFC 2883): a receiver that gets a segment twice reports it as the first SACK block of
 * its ACK (below the cumulative ACK, or inside the second block); the sender counts each as a
 * spurious retransmission (flows.csv `spurious_retx`).
 */
/** A long flow elsewhere keeps the run going until every D-SACK in flight has arrived. */
const KEEPALIVE = { src: 'h5', dst: 'h6', bytes: 20_000_000 };

describe('TCP D-SACK', () => {
  const incast = (extra: Record<string, unknown>) =>
    run({
      name: 'dsack',
      topology: { generator: 'star', params: { hosts: 7, rate_gbps: 100, delay_ns: 1000 } },
      fabric: { mtu: 1500, buffer_bytes: 64 * 1024 * 1024, buffer: { policy: 'static', queue_bytes: 64 * 1024 * 1024 } },
      transport: { kind: 'tcp', min_rto_ms: 0.003, clock_granularity_us: 0, ...extra },
      workload: { kind: 'flows', list: [...[1, 2, 3].map((h) => ({ src: `h${h}`, dst: 'h0', bytes: 300_000 })), { src: 'h4', dst: 'h0', bytes: 100_000, start_ns: 10_000 }, KEEPALIVE] },
    });

  it('every retransmission of a segment that was only delayed comes back as a D-SACK', () => {
    // 3 senders at line rate into one port build a queue (+2 × the rate); a fourth starts 10 µs
    // later with its RTO seeded from the idle path (~13 µs) and meets ~25 µs of queue: its timer
    // fires while its segments wait in the queue, and it resends them — nothing is lost (a 64 MB
    // buffer), so every resend is spurious
    const r = incast({});
    expect(r.fabric.traffic.droppedPackets).toBe(0);
    const retx = r.flows.records.reduce((s, f) => s + f.retxPackets, 0);
    const spurious = r.flows.records.reduce((s, f) => s + f.spuriousRetx, 0);
    expect(retx).toBeGreaterThan(0);
    expect(spurious).toBe(retx);
    for (const f of r.flows.records) expect(f.spuriousRetx).toBe(f.retxPackets);
  });

  it('without SACK there is no D-SACK; with real losses only the needless resends are reported', () => {
    const noSack = incast({ sack: false });
    expect(noSack.flows.records.reduce((s, f) => s + f.retxPackets, 0)).toBeGreaterThan(0);
    expect(noSack.flows.records.reduce((s, f) => s + f.spuriousRetx, 0)).toBe(0);
    const lossy = run({
      name: 'dsack-loss',
      seed: 2,
      topology: { generator: 'star', params: { hosts: 3, rate_gbps: 100, delay_ns: 2000 } },
      fabric: { mtu: 1500, link_loss_rate: 0.01, pfc: { enabled: false } },
      transport: { kind: 'tcp', min_rto_ms: 1 },
      cc: { kind: 'dctcp', min_window_packets: 2 },
      workload: { kind: 'flows', list: [{ src: 'h1', dst: 'h0', bytes: 2_000_000 }, { src: 'h2', dst: 'h0', bytes: 2_000_000 }] },
    });
    expect(lossy.fabric.counters.total(PC_LINK_LOSSES)).toBeGreaterThan(0);
    const retx = lossy.flows.records.reduce((s, f) => s + f.retxPackets, 0);
    const spurious = lossy.flows.records.reduce((s, f) => s + f.spuriousRetx, 0);
    expect(spurious).toBeLessThan(retx);
  });
});
