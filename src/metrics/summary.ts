import type { Time } from '../sim/time.js';
import type { FlowTable } from './flow-table.js';
import { PC_ECN_MARKS, PC_PAUSE_TX, PC_RESUME_TX, type PortCounters } from './port-counters.js';
import { mean, percentile } from './stats.js';
import type { TrafficCounters } from './traffic.js';

/** The one-row summary of a run (summary.csv). Times in ns, rates in Gb/s. */
export interface RunSummary {
  flows: number;
  flows_done: number;
  flows_failed: number;
  duration_ns: number;
  delivered_bytes: number;
  goodput_gbps: number;
  /** Data packets delivered to receivers per second, millions (over the same span as goodput). */
  delivered_mpps: number;
  fct_mean_ns: number;
  fct_p50_ns: number;
  fct_p95_ns: number;
  fct_p99_ns: number;
  fct_max_ns: number;
  slowdown_mean: number;
  slowdown_p50: number;
  slowdown_p95: number;
  slowdown_p99: number;
  drops: number;
  lossless_drops: number;
  pause_frames: number;
  resume_frames: number;
  ecn_marks: number;
  retx_packets: number;
  timeouts: number;
  events: number;
}

/**
 * Summarises a run. Goodput is payload delivered in order to receivers divided by the time from
 * the first flow's start to the end of the run.
 */
export function summarize(flows: FlowTable, counters: PortCounters, traffic: TrafficCounters, endPs: Time, events: number): RunSummary {
  const fct: number[] = [];
  const slow: number[] = [];
  let delivered = 0;
  let deliveredPackets = 0;
  let retx = 0;
  let timeouts = 0;
  let done = 0;
  let failed = 0;
  let firstStart = Infinity;
  for (const r of flows.records) {
    delivered += r.deliveredBytes;
    deliveredPackets += r.deliveredPackets;
    retx += r.retxPackets;
    timeouts += r.timeouts;
    if (r.start < firstStart) firstStart = r.start;
    if (r.status === 'done') {
      done++;
      fct.push((r.finish - r.start) / 1000);
      if (r.idealFct > 0) slow.push((r.finish - r.start) / r.idealFct); // applications have no ideal (NaN)
    } else if (r.status === 'failed') failed++;
  }
  fct.sort((a, b) => a - b);
  slow.sort((a, b) => a - b);
  const span = firstStart === Infinity ? 0 : Math.max(0, endPs - firstStart);
  return {
    flows: flows.records.length,
    flows_done: done,
    flows_failed: failed,
    duration_ns: endPs / 1000,
    delivered_bytes: delivered,
    goodput_gbps: span > 0 ? (delivered * 8) / (span / 1000) : 0,
    delivered_mpps: span > 0 ? deliveredPackets / (span / 1e6) : 0,
    fct_mean_ns: mean(fct),
    fct_p50_ns: percentile(fct, 50),
    fct_p95_ns: percentile(fct, 95),
    fct_p99_ns: percentile(fct, 99),
    fct_max_ns: fct.length > 0 ? fct[fct.length - 1]! : NaN,
    slowdown_mean: mean(slow),
    slowdown_p50: percentile(slow, 50),
    slowdown_p95: percentile(slow, 95),
    slowdown_p99: percentile(slow, 99),
    drops: traffic.droppedPackets,
    lossless_drops: traffic.losslessDrops,
    pause_frames: counters.total(PC_PAUSE_TX),
    resume_frames: counters.total(PC_RESUME_TX),
    ecn_marks: counters.total(PC_ECN_MARKS),
    retx_packets: retx,
    timeouts,
    events,
  };
}
