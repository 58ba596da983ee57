import { describe, expect, it } from 'vitest';
import { loadExperimentFile } from '../../src/experiment/load.js';
import { runExperiment, type RunResult } from '../../src/experiment/run.js';
import { PC_ECN_MARKS, PC_PAUSE_TX } from '../../src/metrics/port-counters.js';
import { CREDIT_STALL } from '../../src/metrics/pfc-log.js';
import { Rng } from '../../src/sim/rng.js';
import { Simulator } from '../../src/sim/simulator.js';
import { us } from '../../src/sim/time.js';
import { congestionControls } from '../../src/transport/cc/index.js';
import { buildCct, IbCc, ibCc, ibCcParams } from '../../src/transport/cc/ib-cc.js';
import { checkConservation } from '../helpers/run.js';

function reactionPoint(params: Record<string, unknown> = {}) {
  const sim = new Simulator(1);
  const cc = new IbCc(ibCcParams.parse(params), { sim, lineRateBps: 100e9, mtu: 4096, baseRttPs: us(5), rng: new Rng(1) });
  return { sim, cc };
}

describe('IB CC reaction point: the CCT arithmetic', () => {
  it('is registered as ib-cc and asks for BECNs (the CNP path) on every FECN', () => {
    expect(congestionControls.get('ib-cc')).toBe(ibCc);
    expect(ibCc.feedback(ibCcParams.parse({}))).toEqual({ cnp: true, cnpIntervalPs: 0, int: false });
  });

  it('defaults: linear CCT of 128 entries, 0.1 packet times per index, CCTI_Timer 150 × 1.024 µs', () => {
    const p = ibCcParams.parse({});
    expect(p).toMatchObject({ ccti_increase: 1, ccti_min: 0, ccti_limit: 127, ccti_timer_us: 153.6 });
    const cct = buildCct(p);
    expect(cct).toHaveLength(128);
    expect(cct[10]).toBeCloseTo(1, 12);
    expect(cct[127]).toBeCloseTo(12.7, 12);
    expect(buildCct(ibCcParams.parse({ cct: [0, 1, 3, 7], ccti_limit: 2 }))).toEqual([0, 1, 3]);
  });

  it('a BECN raises the index by CCTI_Increase up to CCTI_Limit; the rate is line / (1 + IPD)', () => {
    const { cc } = reactionPoint({ ccti_increase: 3, ccti_limit: 20 });
    expect(cc.ccti).toBe(0);
    expect(cc.rateBps()).toBe(100e9);
    for (let i = 0; i < 4; i++) cc.onCnp(0);
    expect(cc.ccti).toBe(12);
    expect(cc.rateBps()).toBeCloseTo(100e9 / (1 + 1.2), 0);
    for (let i = 0; i < 10; i++) cc.onCnp(0);
    expect(cc.ccti).toBe(20); // capped
    expect(cc.rateBps()).toBeCloseTo(100e9 / 3, 0);
    expect(cc.becns).toBe(14);
  });

  it('every CCTI_Timer the index falls by 1, not below CCTI_Min', () => {
    const { sim, cc } = reactionPoint({ ccti_timer_us: 10, ccti_min: 2 });
    expect(cc.ccti).toBe(2);
    for (let i = 0; i < 5; i++) cc.onCnp(0);
    expect(cc.ccti).toBe(7);
    sim.run(us(10) - 1);
    expect(cc.ccti).toBe(7);
    sim.run(us(10));
    expect(cc.ccti).toBe(6);
    sim.run(us(35));
    expect(cc.ccti).toBe(4);
    sim.run(us(1000));
    expect(cc.ccti).toBe(2);
  });
});

const FILE = 'experiments/ib-congestion-tree.yaml';

function tree(...set: string[]): RunResult {
  const { config } = loadExperimentFile(FILE, { set: ['outputs.samples_interval_ns=0', ...set] });
  const r = runExperiment(config, { file: FILE });
  checkConservation(r);
  expect(r.flows.records.every((f) => f.status === 'done')).toBe(true);
  expect(r.fabric.traffic.droppedPackets).toBe(0);
  expect(r.fabric.counters.total(PC_PAUSE_TX)).toBe(0);
  return r;
}

describe('congestion tree on credits (experiments/ib-congestion-tree.yaml)', () => {
  const none = tree();
  const ib = tree('cc.kind=ib-cc');
  // flows.csv order: the four incast flows (h4, h5, h8, h9 → h0), then the victim h7 → h11
  const victim = (r: RunResult) => r.flows.records[4]!;
  const slowdown = (f: RunResult['flows']['records'][number]) => (f.finish - f.start) / f.idealFct;

  it('without CC the credit stalls spread from the hot spot to the spine and the senders’ leaves, and the victim is slowed', () => {
    const log = none.fabric.pfcLog;
    const stalled = new Set<string>();
    for (let i = 0; i < log.length; i++) {
      if (log.cols.get(i, 3) === CREDIT_STALL) stalled.add(none.fabric.portName(log.cols.get(i, 1)));
    }
    expect(stalled).toContain('spine0:0>leaf0');
    expect(stalled).toContain('leaf1:4>spine0'); // the victim's uplink, stalled behind the hot spot
    expect(slowdown(victim(none))).toBeGreaterThan(3);
  });

  it('ib-cc gives the victim its throughput back: FECN only at the root port, BECNs throttle the incast', () => {
    expect(slowdown(victim(ib))).toBeLessThan(1.01);
    expect(victim(ib).ecnMarked).toBe(0);
    // marks only where the queue is the root of the congestion (a credit-starved port is a victim and does not mark)
    const marking = ib.fabric.ports.filter((p) => ib.fabric.counters.get(p.index, PC_ECN_MARKS) > 0).map((p) => ib.fabric.portName(p.index));
    expect(marking).toEqual(['leaf0:0>h0']);
    // the incast still delivers everything, at most its fair share of h0's port each
    for (const f of ib.flows.records.slice(0, 4)) {
      expect(f.ecnMarked).toBeGreaterThan(0);
      expect(slowdown(f)).toBeGreaterThanOrEqual(4 * 0.99);
    }
  });
});
