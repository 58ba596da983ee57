import { describe, expect, it } from 'vitest';
import type { RunResult } from '../../src/experiment/run.js';
import { PC_DROPS, PC_MAX_QUEUE_BYTES } from '../../src/metrics/port-counters.js';
import { ENTITY_FLOW, ENTITY_PORT, SAMPLE_QUEUE_BYTES, SAMPLE_RATE_GBPS } from '../../src/metrics/sampler.js';
import { jainIndex } from '../../src/metrics/stats.js';
import { ms } from '../../src/sim/time.js';
import { run } from '../helpers/run.js';

/**
 * N = 4 long TCP flows into one receiver over 10 Gb/s links with 1 µs cables (base RTT ≈ 6.6
 * µs, C·RTT ≈ 8 KB), a 512 KB static queue per port on the lossy class.
 *
 * - DCTCP with threshold marking at K = 30 KB (> C·RTT/7, the paper's guideline §3.4) holds the
 *   bottleneck queue near K: each flow cuts by α/2 once per window while the queue is above K,
 *   so the queue oscillates around K with an amplitude of a few segments per flow (paper §3.3),
 *   never near the buffer, with no loss; the four flows share the link fairly.
 * - NewReno on the same bottleneck, without ECN marking, is loss-driven: it grows the queue
 *   until the 512 KB buffer overflows, halves, and fills it again.
 */
const K = 30_000;
const QUEUE = 524_288;
const BYTES = 10_000_000;
const FROM = ms(2); // after the start-up transient

function bottleneck(cc: Record<string, unknown>, ecn: boolean): { r: RunResult; port: number } {
  const r = run({
    name: 'tcp-dctcp-queue',
    topology: { generator: 'star', params: { hosts: 5, rate_gbps: 10, delay_ns: 1000 } },
    fabric: { mtu: 1500, buffer: { policy: 'static', queue_bytes: QUEUE }, ecn: ecn ? { kind: 'threshold', k_bytes: K } : { kind: 'none' } },
    transport: { kind: 'tcp', min_rto_ms: 1 },
    cc,
    workload: { kind: 'incast', receiver: 'h0', senders: 4, bytes: BYTES },
    outputs: { samples_interval_ns: 10_000 },
  });
  return { r, port: r.fabric.path(1, 0, 0)[1]!.index };
}

/** Queue samples of `port` at every sampler tick in [from, to) (the sampler records changes only). */
function queueSeries(r: RunResult, port: number, from: number, to: number): number[] {
  const rows = r.sampler!.rows;
  const interval = r.sampler!.interval;
  const out: number[] = [];
  let q = 0;
  let t = 0;
  for (let i = 0; i < rows.length; i++) {
    if (rows.get(i, 1) !== ENTITY_PORT || rows.get(i, 2) !== port || rows.get(i, 3) !== SAMPLE_QUEUE_BYTES) continue;
    const at = rows.get(i, 0);
    for (; t < at && t < to; t += interval) if (t >= from) out.push(q);
    q = rows.get(i, 4);
  }
  for (; t < to; t += interval) if (t >= from) out.push(q);
  return out;
}

/** Each flow's delivered bytes in [from, to], from the sampler's rate samples. */
function flowShares(r: RunResult, from: number, to: number): number[] {
  const rows = r.sampler!.rows;
  const sums = new Array<number>(r.flows.records.length).fill(0);
  for (let i = 0; i < rows.length; i++) {
    if (rows.get(i, 1) !== ENTITY_FLOW || rows.get(i, 3) !== SAMPLE_RATE_GBPS) continue;
    const t = rows.get(i, 0);
    if (t > from && t <= to) sums[rows.get(i, 2)]! += rows.get(i, 4);
  }
  return sums;
}

const mean = (xs: number[]) => xs.reduce((s, x) => s + x, 0) / xs.length;

describe('N DCTCP flows on one bottleneck', () => {
  it('keep the queue near the marking threshold K and share the link fairly; NewReno fills the buffer', () => {
    const d = bottleneck({ kind: 'dctcp', min_window_packets: 2 }, true);
    const firstFinish = Math.min(...d.r.flows.records.map((f) => f.finish));
    expect(firstFinish).toBeGreaterThan(FROM + ms(10));
    const dq = queueSeries(d.r, d.port, FROM, firstFinish);
    expect(dq.length).toBeGreaterThan(1000);
    const dMean = mean(dq);
    expect(dMean).toBeGreaterThan(0.5 * K);
    expect(dMean).toBeLessThan(1.5 * K);
    expect(Math.max(...dq)).toBeLessThan(3 * K);
    expect(d.r.fabric.counters.total(PC_DROPS)).toBe(0);
    expect(d.r.flows.records.every((f) => f.status === 'done' && f.timeouts === 0)).toBe(true);
    expect(jainIndex(flowShares(d.r, FROM, firstFinish))).toBeGreaterThan(0.99);
    // the link stays busy: the 40 MB take barely longer than at the goodput the headers allow
    const end = Math.max(...d.r.flows.records.map((f) => f.finish));
    const wireNs = (4 * BYTES * 8 * (1538 / 1448)) / 10; // 1448-byte segments in 1538 wire bytes at 10 Gb/s
    expect(end).toBeLessThan(1.03 * wireNs * 1000);

    const n = bottleneck({ kind: 'newreno' }, false);
    const nq = queueSeries(n.r, n.port, FROM, Math.min(...n.r.flows.records.map((f) => f.finish)));
    expect(n.r.fabric.counters.get(n.port, PC_MAX_QUEUE_BYTES)).toBeGreaterThan(QUEUE - 2 * 1518);
    expect(n.r.fabric.counters.total(PC_DROPS)).toBeGreaterThan(0);
    expect(mean(nq)).toBeGreaterThan(5 * dMean);
    expect(n.r.flows.records.every((f) => f.status === 'done' && f.deliveredBytes === BYTES)).toBe(true);
  });
});
