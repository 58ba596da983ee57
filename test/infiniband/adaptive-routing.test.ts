import { describe, expect, it } from 'vitest';
import { runExperiment, type RunResult } from '../../src/experiment/run.js';
import { PC_TX_BYTES } from '../../src/metrics/port-counters.js';
import { configError } from '../helpers/config-error.js';
import { checkConservation } from '../helpers/run.js';

/** Every host of a k = 4 fat tree writes 500 KB to another (seed 1's permutation), IB, LMC 0. */
function permutation(adaptive: boolean, transport: Record<string, unknown> = { loss_recovery: 'selective-repeat' }): RunResult {
  const r = runExperiment({
    name: 'ar',
    seed: 1,
    topology: { generator: 'fat-tree', params: { k: 4, rate_gbps: 100, delay_ns: 1000 } },
    fabric: { mtu: 4096, routing: { algorithm: 'minhop', adaptive } },
    transport: { kind: 'infiniband', ...transport },
    workload: { kind: 'permutation', bytes: 500_000 },
    outputs: { samples_interval_ns: 0 },
  });
  checkConservation(r);
  expect(r.flows.records.every((f) => f.status === 'done')).toBe(true);
  expect(r.fabric.traffic.droppedPackets).toBe(0);
  return r;
}

const maxFct = (r: RunResult) => Math.max(...r.flows.records.map((f) => f.finish - f.start));

describe('adaptive routing (fabric.routing.adaptive)', () => {
  const fixed = permutation(false);
  const adaptive = permutation(true);

  it('the static LFT puts two flows of the permutation on one link (the hot spot): the slowest flow takes about twice its ideal', () => {
    const load = new Map<number, number>();
    for (const f of fixed.flows.records) for (const p of fixed.fabric.path(f.src, f.dst, 0)) load.set(p.index, (load.get(p.index) ?? 0) + 1);
    expect(Math.max(...load.values())).toBeGreaterThanOrEqual(2);
    const slowest = fixed.flows.records.reduce((a, b) => (b.finish - b.start > a.finish - a.start ? b : a));
    expect((slowest.finish - slowest.start) / slowest.idealFct).toBeGreaterThan(1.8);
  });

  it('per packet, the least-loaded candidate port: the hot spot spreads over the idle up-links and the slowest flow finishes sooner', () => {
    expect(maxFct(adaptive)).toBeLessThan(0.8 * maxFct(fixed));
    // more up-links carry data than under the static tables
    const busy = (r: RunResult) => r.fabric.ports.filter((p) => /^(edge|agg)/.test(r.fabric.nodeKeys[p.node]!) && /^(agg|core)/.test(r.fabric.nodeKeys[r.fabric.adjPeer[p.index]!]!) && r.fabric.counters.get(p.index, PC_TX_BYTES) > 100_000).length;
    expect(busy(adaptive)).toBeGreaterThan(busy(fixed));
  });

  it('on an idle fabric ties keep the static choice: the paths the run computes (ideal FCTs) are the static ones', () => {
    expect(adaptive.flows.records.map((f) => f.idealFct)).toEqual(fixed.flows.records.map((f) => f.idealFct));
  });

  it('is refused with go-back-N (the responder would NAK every reordered packet) and with UC, naming the field and the fix', () => {
    const e = configError(() => permutation(true, { loss_recovery: 'go-back-n' }));
    expect(e.field).toBe('fabric.routing.adaptive');
    expect(e.message).toContain('selective-repeat');
    expect(configError(() => permutation(true, { loss_recovery: 'selective-repeat', qp_type: 'uc' })).field).toBe('fabric.routing.adaptive');
  });
});
