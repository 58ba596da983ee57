import { describe, expect, it } from 'vitest';
import { loadExperimentFile } from '../../src/experiment/load.js';
import { runExperiment, type RunResult } from '../../src/experiment/run.js';
import { PC_DROPS } from '../../src/metrics/port-counters.js';
import { ms } from '../../src/sim/time.js';
import { checkConservation } from '../helpers/run.js';

/**
 * experiments/tcp-incast-collapse.yaml and the `--set`s its header names: 16 synchronized
 * senders × 64 KB over 10 Gb/s into a 128 KB queue. Ideal goodput is the header arithmetic's
 * 10 × 1448/1538 = 9.41 Gb/s (1 MB in ~0.9 ms).
 *
 * - NewReno with Linux's 200 ms minimum RTO: the initial windows (16 × 10 segments) overflow the
 *   queue, flows that lose their tail time out, and the incast takes over 200 ms: goodput
 *   below 1 % of the ideal.
 * - A 200 µs minimum RTO: the same losses and timeouts, at 1/1000 the cost.
 * - DCTCP (starting at the path's BDP, marks at K = 20 KB): no drop, no timeout, near the ideal.
 */
const FILE = 'experiments/tcp-incast-collapse.yaml';
const IDEAL_GBPS = (10 * 1448) / 1538;

function incast(set: string[]): { r: RunResult; goodputGbps: number; timeouts: number; drops: number; endPs: number } {
  const { config } = loadExperimentFile(FILE, { set: [...set, 'outputs.samples_interval_ns=0'] });
  const r = runExperiment(config, { file: FILE });
  checkConservation(r);
  expect(r.stopReason).toBe('all-flows-ended');
  const fl = r.flows.records;
  for (const f of fl) {
    expect(f.status).toBe('done');
    expect(f.deliveredBytes).toBe(f.bytes);
  }
  const endPs = Math.max(...fl.map((f) => f.finish));
  const bytes = fl.reduce((s, f) => s + f.bytes, 0);
  return {
    r,
    goodputGbps: (bytes * 8) / (endPs / 1000),
    timeouts: fl.reduce((s, f) => s + f.timeouts, 0),
    drops: r.fabric.counters.total(PC_DROPS),
    endPs,
  };
}

describe('TCP incast collapse', () => {
  it('NewReno with a 200 ms minimum RTO collapses; a 200 µs minimum RTO or DCTCP avoids it', () => {
    const collapse = incast([]);
    expect(collapse.r.flows.records.length).toBe(16);
    expect(collapse.drops).toBeGreaterThan(0);
    expect(collapse.timeouts).toBeGreaterThan(0);
    expect(collapse.endPs).toBeGreaterThan(ms(200));
    expect(collapse.goodputGbps).toBeLessThan(0.01 * IDEAL_GBPS);

    const lowRto = incast(['transport.min_rto_ms=0.2']);
    expect(lowRto.timeouts).toBeGreaterThan(0);
    expect(lowRto.endPs).toBeLessThan(ms(2));
    expect(lowRto.goodputGbps).toBeGreaterThan(0.6 * IDEAL_GBPS);

    const dctcp = incast(['cc={kind: dctcp, min_window_packets: 2}']);
    expect(dctcp.drops).toBe(0);
    expect(dctcp.timeouts).toBe(0);
    expect(dctcp.goodputGbps).toBeGreaterThan(0.95 * IDEAL_GBPS);
    expect(dctcp.goodputGbps).toBeLessThan(IDEAL_GBPS);
  });
});
