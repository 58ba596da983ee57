import { describe, expect, it } from 'vitest';
import type { RunResult } from '../../src/experiment/run.js';
import { configError } from '../helpers/config-error.js';
import { run } from '../helpers/run.js';

const BYTES = 1_000_000;
const HOSTS = 16;

/**
 * Adaptive routing reorders the packets of a QP: every host of a k = 4 fat tree writes 1 MB to
 * another (seed 1's permutation), IB, no CC, selective repeat, under each loss detection.
 */
function permutation(lossDetection: 'immediate' | 'rack'): RunResult {
  const r = run({
    name: 'ar-rack',
    seed: 1,
    topology: { generator: 'fat-tree', params: { k: 4, rate_gbps: 100, delay_ns: 1000 } },
    fabric: { mtu: 4096, routing: { algorithm: 'minhop', adaptive: true } },
    transport: { kind: 'infiniband', loss_recovery: 'selective-repeat', loss_detection: lossDetection },
    workload: { kind: 'permutation', bytes: BYTES },
  });
  expect(r.flows.records).toHaveLength(HOSTS);
  for (const f of r.flows.records) {
    expect(f.status).toBe('done');
    expect(f.deliveredBytes).toBe(BYTES);
    expect(f.timeouts).toBe(0);
  }
  expect(r.fabric.traffic.droppedPackets).toBe(0);
  return r;
}

const total = (r: RunResult, k: 'retxPackets' | 'spuriousRetx' | 'packetsSent') => r.flows.records.reduce((s, f) => s + f[k], 0);
const goodputGbps = (r: RunResult) => (HOSTS * BYTES * 8) / (r.simTimePs / 1000);

describe('selective repeat under adaptive routing: immediate vs RACK loss detection', () => {
  const immediate = permutation('immediate');
  const rack = permutation('rack');

  it('nothing is lost, so every retransmission is spurious and the responder counts it (flows.csv spurious_retx)', () => {
    for (const r of [immediate, rack]) {
      for (const f of r.flows.records) expect(f.spuriousRetx).toBeLessThanOrEqual(f.retxPackets);
      // all but the retransmissions still in flight when the last flow completes arrived as duplicates
      expect(total(r, 'spuriousRetx')).toBeGreaterThanOrEqual(0.97 * total(r, 'retxPackets'));
    }
    // immediate resends a large share of the data: every reordered packet that a NACK reports missing
    const packets = HOSTS * Math.ceil(BYTES / 4096);
    expect(total(immediate, 'spuriousRetx')).toBeGreaterThan(0.2 * packets);
  });

  it('RACK resends under a tenth of what immediate resends, and finishes no later', () => {
    expect(total(rack, 'spuriousRetx')).toBeLessThan(0.1 * total(immediate, 'spuriousRetx'));
    expect(total(rack, 'packetsSent')).toBeLessThan(total(immediate, 'packetsSent'));
    expect(goodputGbps(rack)).toBeGreaterThanOrEqual(goodputGbps(immediate));
  });

  it("go-back-N's refusal recommends RACK loss detection", () => {
    const e = configError(() =>
      run({
        name: 'ar-gbn',
        topology: { generator: 'fat-tree', params: { k: 4 } },
        fabric: { routing: { adaptive: true } },
        transport: { kind: 'infiniband', loss_recovery: 'go-back-n' },
        workload: { kind: 'permutation', bytes: 4096 },
      }),
    );
    expect(e.field).toBe('fabric.routing.adaptive');
    expect(e.message).toContain('transport.loss_detection: rack');
  });
});
