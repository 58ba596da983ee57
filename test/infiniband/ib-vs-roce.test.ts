import { describe, expect, it } from 'vitest';
import { runExperiment, type RunResult } from '../../src/experiment/run.js';
import { planSweep } from '../../src/experiment/sweep.js';
import { PC_PAUSE_TX } from '../../src/metrics/port-counters.js';
import { summarize } from '../../src/metrics/summary.js';
import { checkConservation } from '../helpers/run.js';

/** Every point of an experiment's sweep, run with smaller flows (same seed), keyed `transport/cc`. */
function points(file: string, bytes: number): Map<string, RunResult> {
  const { configs } = planSweep(file, { set: [`workload.bytes=${bytes}`, 'outputs.samples_interval_ns=0'], sameSeed: true });
  expect(configs.map((c) => `${c.transport.kind}/${c.cc.kind}`)).toEqual(['infiniband/none', 'infiniband/dcqcn', 'roce-v2/none', 'roce-v2/dcqcn']);
  const out = new Map<string, RunResult>();
  for (const c of configs) {
    const r = runExperiment(c, { file });
    checkConservation(r);
    expect(r.flows.records.every((f) => f.status === 'done')).toBe(true);
    out.set(`${c.transport.kind}/${c.cc.kind}`, r);
  }
  return out;
}

const goodputGbps = (r: RunResult) => summarize(r.flows, r.fabric.counters, r.fabric.traffic, r.simTimePs, r.events).goodput_gbps;
const pauses = (r: RunResult) => r.fabric.counters.total(PC_PAUSE_TX);

describe('experiments/ib-vs-roce-incast.yaml: every sweep point runs, lossless', () => {
  const runs = points('experiments/ib-vs-roce-incast.yaml', 250_000);

  it('no run drops a packet; IB sends no PAUSE frame (credits), RoCEv2 under PFC does', () => {
    for (const r of runs.values()) expect(r.fabric.traffic.droppedPackets).toBe(0);
    expect(pauses(runs.get('infiniband/none')!)).toBe(0);
    expect(pauses(runs.get('infiniband/dcqcn')!)).toBe(0);
    expect(pauses(runs.get('roce-v2/none')!)).toBeGreaterThan(0);
  });

  it("goodput stays under each link layer's framing limit at h0's 100 Gb/s port, and IB's lighter framing puts it ahead of RoCEv2", () => {
    const ib = goodputGbps(runs.get('infiniband/none')!);
    const roce = goodputGbps(runs.get('roce-v2/none')!);
    expect(ib).toBeLessThanOrEqual((100 * 4096) / (4096 + 26));
    expect(roce).toBeLessThanOrEqual((100 * 4096) / (4096 + 62 + 20));
    expect(ib).toBeGreaterThan(roce);
    expect(ib).toBeGreaterThan(0.9 * 100);
  });
});

describe('experiments/ib-vs-roce-permutation.yaml: every sweep point runs, lossless', () => {
  const runs = points('experiments/ib-vs-roce-permutation.yaml', 250_000);

  it('no run drops a packet and IB never pauses; every flow finishes no faster than alone on its path', () => {
    for (const [key, r] of runs) {
      expect(r.fabric.traffic.droppedPackets, key).toBe(0);
      for (const f of r.flows.records) expect(f.finish - f.start, key).toBeGreaterThanOrEqual(f.idealFct);
      if (key.startsWith('infiniband')) expect(pauses(r), key).toBe(0);
    }
  });
});
