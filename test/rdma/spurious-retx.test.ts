import { describe, expect, it } from 'vitest';
import { PC_LINK_LOSSES } from '../../src/metrics/port-counters.js';
import { run } from '../helpers/run.js';

/**
 * flows.csv `spurious_retx` for RoCE/IB RC: a retransmitted packet the other side already had
 * (a SEND/WRITE packet the responder received twice, counted there; a READ response the
 * requester had, counted there). Two senders into one host over lossy links.
 */
function lossy(verb: 'write' | 'read', lossRecovery: 'go-back-n' | 'selective-repeat', lossRate: number) {
  return run({
    name: 'spurious',
    seed: 1,
    topology: { generator: 'star', params: { hosts: 3, rate_gbps: 100, delay_ns: 2000 } },
    fabric: { mtu: 1024, link_loss_rate: lossRate },
    transport: { kind: 'roce-v2', loss_recovery: lossRecovery, rto_us: 50 },
    workload: { kind: 'flows', list: [{ src: 'h1', dst: 'h0', bytes: 1_000_000, verb }, { src: 'h2', dst: 'h0', bytes: 1_000_000, verb }] },
  });
}

type R = ReturnType<typeof lossy>;
const total = (r: R, k: 'retxPackets' | 'spuriousRetx') => r.flows.records.reduce((s, f) => s + f[k], 0);

describe('spurious retransmissions of RC queue pairs (flows.csv spurious_retx)', () => {
  it('without loss nothing is resent and nothing is spurious', () => {
    const r = lossy('write', 'selective-repeat', 0);
    expect(total(r, 'retxPackets')).toBe(0);
    expect(total(r, 'spuriousRetx')).toBe(0);
  });

  it.each(['go-back-n', 'selective-repeat'] as const)('%s WRITEs under 1 %% loss: never more spurious than resent', (lossRecovery) => {
    const r = lossy('write', lossRecovery, 0.01);
    expect(r.fabric.counters.total(PC_LINK_LOSSES)).toBeGreaterThan(0);
    for (const f of r.flows.records) {
      expect(f.status).toBe('done');
      expect(f.spuriousRetx).toBeLessThanOrEqual(f.retxPackets);
    }
    if (lossRecovery === 'go-back-n') {
      // the responder discarded everything after a gap, so the packets resent after a hole were
      // never kept: only a resend whose ACK was lost arrives twice
      expect(total(r, 'retxPackets')).toBeGreaterThan(1000);
      expect(total(r, 'spuriousRetx')).toBeLessThan(0.01 * total(r, 'retxPackets'));
    } else {
      // selective repeat keeps out-of-order packets: a hole resent because its NACK was lost, or
      // resent again by a timeout, arrives twice
      expect(total(r, 'spuriousRetx')).toBeGreaterThan(0);
    }
  });

  it('re-sent READ responses the requester already had are counted at the requester', () => {
    // no loss, but a retransmission timeout (3 µs) shorter than the round trip (> 4 µs): the
    // requester asks again before the first response is back, the responder restarts the stream
    // from PSN 0, and the responses it had already sent arrive a second time
    const r = run({
      name: 'spurious-read',
      seed: 1,
      topology: { generator: 'star', params: { hosts: 3, rate_gbps: 100, delay_ns: 2000 } },
      fabric: { mtu: 1024 },
      transport: { kind: 'roce-v2', rto_us: 3 },
      workload: { kind: 'flows', list: [{ src: 'h1', dst: 'h0', bytes: 1_000_000, verb: 'read' }] },
    });
    const f = r.flows.records[0]!;
    expect(f.status).toBe('done');
    expect(f.timeouts).toBeGreaterThan(0);
    expect(f.spuriousRetx).toBeGreaterThan(0);
    expect(f.spuriousRetx).toBeLessThanOrEqual(f.retxPackets);
  });

  it('a duplicate READ request restarts the response stream instead of queueing a second one', () => {
    // before: every re-request queued the rest of the READ behind the stream still being sent,
    // so at 1 % loss 2 × 1 MB of READs resent ~58,000 responses with ~150 timeouts; restarted in
    // place, a READ resends about what go-back-N WRITEs do on the same links
    const read = lossy('read', 'go-back-n', 0.01);
    const write = lossy('write', 'go-back-n', 0.01);
    for (const f of read.flows.records) {
      expect(f.status).toBe('done');
      expect(f.deliveredBytes).toBe(1_000_000);
    }
    expect(total(read, 'retxPackets')).toBeLessThan(1.5 * total(write, 'retxPackets'));
    expect(read.flows.records.reduce((s, f) => s + f.timeouts, 0)).toBeLessThanOrEqual(write.flows.records.reduce((s, f) => s + f.timeouts, 0) + 2);
  });
});
