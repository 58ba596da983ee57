import { describe, expect, it } from 'vitest';
import { PC_LINK_LOSSES } from '../../src/metrics/port-counters.js';
import { configError } from '../helpers/config-error.js';
import { run } from '../helpers/run.js';

const BYTES = 2_000_000;

/** The two-sender star of loss-recovery.test.ts: selective repeat, under each loss detection. */
function lossy(lossDetection: 'immediate' | 'rack', lossRate: number, lossRecovery = 'selective-repeat', seed = 1) {
  return run({
    name: 'loss-rack',
    seed,
    topology: { generator: 'star', params: { hosts: 3, rate_gbps: 100, delay_ns: 2000 } },
    fabric: { mtu: 1024, link_loss_rate: lossRate },
    transport: { kind: 'roce-v2', loss_recovery: lossRecovery, loss_detection: lossDetection, rto_us: 50 },
    workload: { kind: 'flows', list: [{ src: 'h1', dst: 'h0', bytes: BYTES }, { src: 'h2', dst: 'h0', bytes: BYTES }] },
  });
}

type R = ReturnType<typeof lossy>;
const goodputGbps = (r: R) => (2 * BYTES * 8) / (r.simTimePs / 1000);
const retx = (r: R) => r.flows.records.reduce((s, f) => s + f.retxPackets, 0);
const lost = (r: R) => r.fabric.counters.total(PC_LINK_LOSSES);

describe('RACK loss detection under random loss (one path: nothing is reordered)', () => {
  // one seed's goodput swings with how the two flows happen to share the link; four seeds each
  it.each([0.001, 0.01])('at a %s loss rate it delivers every byte, resends about one packet per loss and keeps the goodput', (rate) => {
    const seeds = [1, 2, 3, 4];
    const imm = seeds.map((seed) => lossy('immediate', rate, 'selective-repeat', seed));
    const rack = seeds.map((seed) => lossy('rack', rate, 'selective-repeat', seed));
    for (const r of rack) {
      for (const f of r.flows.records) {
        expect(f.status).toBe('done');
        expect(f.deliveredBytes).toBe(BYTES);
      }
    }
    const sum = (rs: R[], f: (r: R) => number) => rs.reduce((s, r) => s + f(r), 0);
    expect(sum(rack, lost)).toBeGreaterThan(0);
    // losses include ACKs and NACKs, and a lost NACK leaves its PSN un-SACKed: about one per loss
    expect(sum(rack, retx)).toBeGreaterThanOrEqual(0.5 * sum(rack, lost));
    expect(sum(rack, retx)).toBeLessThan(1.5 * sum(rack, lost));
    expect(sum(rack, goodputGbps)).toBeGreaterThan(0.97 * sum(imm, goodputGbps));
  });

  it('without loss or reordering RACK never fires: the run is the immediate one, event for event', () => {
    const imm = lossy('immediate', 0);
    const rack = lossy('rack', 0);
    expect(retx(rack)).toBe(0);
    expect(rack.simTimePs).toBe(imm.simTimePs);
    expect(rack.flows.records.map((f) => f.finish)).toEqual(imm.flows.records.map((f) => f.finish));
  });

  it('is refused with go-back-N, naming the field and the fix', () => {
    const e = configError(() => lossy('rack', 0, 'go-back-n'));
    expect(e.field).toBe('transport.loss_detection');
    expect(e.message).toContain('selective-repeat');
  });
});
