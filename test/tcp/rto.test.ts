import { describe, expect, it } from 'vitest';
import { ms, us } from '../../src/sim/time.js';
import { RttEstimator } from '../../src/transport/reliability/rtt-estimator.js';
import { run } from '../helpers/run.js';

/** RFC 6298 with α = 1/8, β = 1/4, K = 4, by hand. */
describe('the retransmission timer (RFC 6298)', () => {
  const G = us(1);

  it('uses the initial RTO before any sample and the first sample as SRTT = R, RTTVAR = R/2', () => {
    const e = new RttEstimator(ms(1), ms(60_000), ms(1000), G);
    expect(e.rto).toBe(ms(1000)); // §2.1
    e.sample(us(100));
    expect(e.srtt).toBe(us(100));
    expect(e.rttvar).toBe(us(50));
    // RTO = SRTT + max(G, 4·RTTVAR) = 100 + 200 µs, above the 1 ms minimum? no: clamped up
    expect(e.rto).toBe(ms(1));
  });

  it('updates RTTVAR from the old SRTT, then SRTT, and RTO = SRTT + max(G, 4·RTTVAR)', () => {
    const e = new RttEstimator(0, ms(60_000), ms(1000), G);
    e.sample(us(100)); // SRTT 100, RTTVAR 50
    expect(e.rto).toBe(us(300));
    e.sample(us(200));
    // RTTVAR = 3/4·50 + 1/4·|100 − 200| = 62.5; SRTT = 7/8·100 + 1/8·200 = 112.5
    expect(e.rttvar).toBe(us(62.5));
    expect(e.srtt).toBe(us(112.5));
    expect(e.rto).toBe(us(112.5 + 250));
    e.sample(us(112.5));
    // RTTVAR = 3/4·62.5 + 0 = 46.875; SRTT unchanged
    expect(e.rttvar).toBe(us(46.875));
    expect(e.srtt).toBe(us(112.5));
    expect(e.rto).toBe(us(112.5 + 187.5));
  });

  it('uses the clock granularity when 4·RTTVAR is smaller', () => {
    const e = new RttEstimator(0, ms(60_000), ms(1000), us(10));
    for (let i = 0; i < 60; i++) e.sample(us(5)); // RTTVAR decays to ~0
    expect(e.rttvar).toBeLessThan(us(0.01));
    expect(e.rto).toBe(us(5 + 10));
  });

  it('clamps to the minimum (Linux 200 ms) and doubles on each expiry up to the maximum', () => {
    const e = new RttEstimator(ms(200), ms(1600), ms(1000), G);
    e.sample(us(10));
    expect(e.rto).toBe(ms(200));
    const seen: number[] = [];
    for (let i = 0; i < 5; i++) {
      e.backoff();
      seen.push(e.rto);
    }
    expect(seen).toEqual([ms(400), ms(800), ms(1600), ms(1600), ms(1600)]);
    expect(e.backoffs).toBe(5);
    // a new sample ends the backoff: RTO from SRTT and RTTVAR again
    e.sample(us(10));
    expect(e.rto).toBe(ms(200));
    expect(e.backoffs).toBe(0);
  });
});

describe('timeouts in a run', () => {
  it('a tail loss waits for the minimum RTO: an incast flow that times out finishes after min_rto', () => {
    for (const minRto of [200, 5]) {
      const r = run({
        name: 'tcp-rto',
        topology: { generator: 'star', params: { hosts: 17, rate_gbps: 10, delay_ns: 1000 } },
        fabric: { mtu: 1500, buffer: { policy: 'static', queue_bytes: 131072 } },
        transport: { kind: 'tcp', min_rto_ms: minRto },
        cc: { kind: 'newreno' },
        workload: { kind: 'incast', receiver: 'h0', senders: 16, bytes: 65536 },
      });
      const timedOut = r.flows.records.filter((f) => f.timeouts > 0);
      expect(timedOut.length).toBeGreaterThan(0);
      for (const f of timedOut) expect(f.finish - f.start).toBeGreaterThan(ms(minRto));
      for (const f of r.flows.records) if (f.timeouts === 0) expect(f.finish - f.start).toBeLessThan(ms(minRto));
    }
  });
});
