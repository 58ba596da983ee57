import { describe, expect, it } from 'vitest';
import { runExperiment, type RunResult } from '../../src/experiment/run.js';
import { ENTITY_FLOW, ENTITY_PORT, SAMPLE_QUEUE_BYTES, SAMPLE_RATE_GBPS } from '../../src/metrics/sampler.js';
import { PC_MAX_QUEUE_BYTES } from '../../src/metrics/port-counters.js';
import { jainIndex } from '../../src/metrics/stats.js';
import { us, type Time } from '../../src/sim/time.js';
import { congestionControls } from '../../src/transport/cc/index.js';
import type { AckEvent, CcContext, CongestionControl } from '../../src/transport/cc/congestion-control.js';
import { checkConservation } from '../helpers/run.js';

/**
 * A conformance suite every congestion control runs (see cc.test.ts), on a star of 100 Gb/s
 * links with 1 µs of propagation each (base RTT ≈ 4.2 µs), MTU 1024, PFC on priority 3:
 *
 *   (a) fairness: 4 flows of 8 MB to one receiver, started 50 µs apart; Jain's index of their
 *       delivered rates, from the sampler, between 300 µs after the last start and the first
 *       finish, is above 0.95;
 *   (b) reaction: a 2 MB flow alone, then a second flow to the same receiver at 100 µs; the
 *       first flow's sending rate (the CC's pacing rate, or window / latest RTT sample for a
 *       window) drops to 3/4 of line rate within `reactionBoundPs`;
 *   (c) line rate: in every run, rateBps() is at most the line rate after every ACK, CNP and
 *       packet sent, and no flow is ever delivered faster than the line rate;
 *   (d) incast with PFC: 8 × 2 MB to one receiver at once; no drops; Jain's index of the
 *       flows' average rates above 0.95; the bottleneck's max_queue_bytes never above `none`'s;
 *       and 300 µs in (≈ 70 base RTTs, 6 DCQCN CNP intervals) the bottleneck queue stays below
 *       250 KB, which `none` (held at the PFC thresholds for the whole incast) exceeds.
 *
 * `extra` is merged into every experiment (the algorithm's parameters, the ECN marking it needs).
 */

/** What an algorithm's run must show beyond the common checks. */
export interface ConformanceBounds {
  /** Bound on the reaction time of (b), ps; absent: (b) does not apply (`none`). */
  reactionBoundPs?: Time;
  /** Whether the queue bounds of (d) apply (false for `none`, the reference). */
  boundsQueue?: boolean;
}

const LINE = 100e9;
const LATE_QUEUE_BOUND = 250_000;
const LATE_QUEUE_FROM = us(300);

/** What the probe saw of one connection's congestion control. */
interface Probe {
  ctx: CcContext;
  maxRateBps: number;
  /** (time, effective sending rate) after every ACK and CNP. */
  trace: number[];
  lastRttPs: Time;
}

/**
 * Runs `experiment` with every connection's congestion control wrapped by a probe that records
 * its rate after each call (the registry entry is restored afterwards).
 */
function probeRun(kind: string, experiment: Record<string, unknown>): { r: RunResult; probes: Probe[] } {
  const variant = congestionControls.get(kind);
  const create = variant.create;
  const probes: Probe[] = [];
  variant.create = (params, ctx) => {
    const cc = create.call(variant, params, ctx);
    const probe: Probe = { ctx, maxRateBps: 0, trace: [], lastRttPs: ctx.baseRttPs };
    probes.push(probe);
    const record = (now: Time, traced: boolean): void => {
      const rate = cc.rateBps();
      if (rate > probe.maxRateBps) probe.maxRateBps = rate;
      if (!traced) return;
      const w = cc.windowBytes();
      const effective = Math.min(rate, w === Infinity ? Infinity : (w * 8e12) / probe.lastRttPs);
      probe.trace.push(now, effective);
    };
    const wrapped: CongestionControl = {
      onAck(ev: AckEvent) {
        cc.onAck(ev);
        if (ev.ackedBytes > 0) probe.lastRttPs = ev.rttPs;
        record(ev.now, true);
      },
      onCnp(now) {
        cc.onCnp(now);
        record(now, true);
      },
      onLoss: (now) => cc.onLoss(now),
      onTimeout: (now) => cc.onTimeout(now),
      onSend(bytes, now) {
        cc.onSend(bytes, now);
        record(now, false);
      },
      rateBps: () => cc.rateBps(),
      windowBytes: () => cc.windowBytes(),
    };
    return wrapped;
  };
  try {
    const r = runExperiment(experiment);
    checkConservation(r);
    return { r, probes };
  } finally {
    variant.create = create;
  }
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** `extra` merged into `base`, objects recursively. */
export function merge(base: Record<string, unknown>, extra: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = { ...base };
  for (const [k, v] of Object.entries(extra)) out[k] = isObject(v) && isObject(out[k]) ? merge(out[k] as Record<string, unknown>, v) : v;
  return out;
}

const star = (hosts: number) => ({ generator: 'star', params: { hosts, rate_gbps: LINE / 1e9, delay_ns: 1000 } });

function experiment(kind: string, extra: Record<string, unknown>, base: Record<string, unknown>): Record<string, unknown> {
  return merge({ ...base, cc: { kind }, fabric: { buffer_bytes: 16 * 1024 * 1024 } }, extra);
}

/** The scenarios of the suite. */
export const scenarios = {
  fairness: {
    name: 'cc-fairness',
    topology: star(5),
    workload: { kind: 'flows', list: [0, 1, 2, 3].map((i) => ({ src: `h${i + 1}`, dst: 'h0', bytes: 8_000_000, start_ns: i * 50_000 })) },
    outputs: { samples_interval_ns: 10_000 },
  },
  reaction: {
    name: 'cc-reaction',
    topology: star(3),
    workload: {
      kind: 'flows',
      list: [
        { src: 'h1', dst: 'h0', bytes: 2_000_000, start_ns: 0 },
        { src: 'h2', dst: 'h0', bytes: 1_000_000, start_ns: 100_000 },
      ],
    },
    outputs: { samples_interval_ns: 10_000 },
  },
  incast: {
    name: 'cc-incast',
    topology: star(9),
    workload: { kind: 'incast', receiver: 'h0', senders: 8, bytes: 2_000_000 },
    outputs: { samples_interval_ns: 1_000 },
  },
} satisfies Record<string, Record<string, unknown>>;

/** The figures a conformance run measured, for the report. */
export interface ConformanceFigures {
  fairnessJain?: number;
  reactionPs?: number;
  incastJain?: number;
  incastMaxQueueBytes?: number;
  incastLateQueueBytes?: number;
  incastDurationPs?: number;
}

/** Largest delivered rate sample and per-flow sums of rate samples in [from, to], Gb/s. */
function flowSamples(r: RunResult, from: Time, to: Time, flows: number): { max: number; sums: number[] } {
  const rows = r.sampler!.rows;
  const sums = new Array<number>(flows).fill(0);
  let max = 0;
  for (let i = 0; i < rows.length; i++) {
    if (rows.get(i, 1) !== ENTITY_FLOW || rows.get(i, 3) !== SAMPLE_RATE_GBPS) continue;
    const v = rows.get(i, 4);
    if (v > max) max = v;
    const t = rows.get(i, 0);
    if (t > from && t <= to) sums[rows.get(i, 2)]! += v;
  }
  return { max, sums };
}

/** The largest queue any switch port held (ports.csv max_queue_bytes). */
function maxSwitchQueue(r: RunResult): number {
  const f = r.fabric;
  let m = 0;
  for (const p of f.ports) if (f.switchOf[p.node]! >= 0) m = Math.max(m, f.counters.get(p.index, PC_MAX_QUEUE_BYTES));
  return m;
}

/** The largest sampled switch queue from `from` on. */
function lateQueue(r: RunResult, from: Time): number {
  const rows = r.sampler!.rows;
  let m = 0;
  for (let i = 0; i < rows.length; i++) {
    if (rows.get(i, 1) === ENTITY_PORT && rows.get(i, 3) === SAMPLE_QUEUE_BYTES && rows.get(i, 0) >= from) m = Math.max(m, rows.get(i, 4));
  }
  return m;
}

/** Common checks of every run: (c) and a clean finish. */
function checkRun(r: RunResult, probes: Probe[]): void {
  expect(r.complete).toBe(true);
  expect(r.flows.records.every((f) => f.status === 'done')).toBe(true);
  expect(r.fabric.traffic.droppedPackets).toBe(0);
  for (const p of probes) expect(p.maxRateBps).toBeLessThanOrEqual(p.ctx.lineRateBps);
  if (r.sampler !== null) expect(flowSamples(r, 0, Infinity, r.flows.records.length).max).toBeLessThanOrEqual(LINE / 1e9);
}

/** Memoized `none` incast, the reference the queue bounds are checked against. */
let noneIncast: { maxQueue: number; lateQueue: number } | undefined;
function noneReference(): { maxQueue: number; lateQueue: number } {
  if (noneIncast === undefined) {
    const { r } = probeRun('none', experiment('none', {}, scenarios.incast));
    noneIncast = { maxQueue: maxSwitchQueue(r), lateQueue: lateQueue(r, LATE_QUEUE_FROM) };
  }
  return noneIncast;
}

/**
 * Registers the conformance suite for congestion control `ccName` with `extra` merged into every
 * experiment. `figures` receives what was measured.
 */
export function conformance(
  ccName: string,
  extra: Record<string, unknown> = {},
  bounds: ConformanceBounds = {},
  figures: ConformanceFigures = {},
): void {
  describe(`congestion control '${ccName}' conformance`, () => {
    it('(a) four staggered flows on one bottleneck reach a fair share, never above line rate', () => {
      const { r, probes } = probeRun(ccName, experiment(ccName, extra, scenarios.fairness));
      checkRun(r, probes);
      const recs = r.flows.records;
      const lastStart = Math.max(...recs.map((f) => f.start));
      const firstEnd = Math.min(...recs.map((f) => f.recvDone));
      expect(firstEnd - lastStart).toBeGreaterThan(us(500)); // a long enough common period
      const { sums } = flowSamples(r, lastStart + us(300), firstEnd, recs.length);
      figures.fairnessJain = jainIndex(sums);
      expect(figures.fairnessJain).toBeGreaterThan(0.95);
    });

    // an algorithm without a reaction bound (`none`) gets no reaction test at all (not a skipped one)
    const itReacts = bounds.reactionBoundPs !== undefined ? it : ((): void => undefined) as unknown as typeof it;
    itReacts('(b) the first flow slows down soon after a second one starts', () => {
      const { r, probes } = probeRun(ccName, experiment(ccName, extra, scenarios.reaction));
      checkRun(r, probes);
      const start = r.flows.records[1]!.start;
      const tr = probes[0]!.trace;
      let reaction = Infinity;
      // until then it ran at (nearly) line rate
      for (let i = 0; i < tr.length; i += 2) {
        if (tr[i]! >= start && tr[i + 1]! <= 0.75 * LINE) {
          reaction = tr[i]! - start;
          break;
        }
      }
      figures.reactionPs = reaction;
      expect(reaction).toBeLessThanOrEqual(bounds.reactionBoundPs!);
    });

    it('(c)+(d) an 8-to-1 incast with PFC: no drops, fair, a bounded queue', () => {
      const { r, probes } = probeRun(ccName, experiment(ccName, extra, scenarios.incast));
      checkRun(r, probes);
      expect(r.fabric.traffic.losslessDrops).toBe(0);
      const rates = r.flows.records.map((f) => f.bytes / (f.recvDone - f.start));
      figures.incastJain = jainIndex(rates);
      figures.incastMaxQueueBytes = maxSwitchQueue(r);
      figures.incastLateQueueBytes = lateQueue(r, LATE_QUEUE_FROM);
      figures.incastDurationPs = r.simTimePs;
      expect(figures.incastJain).toBeGreaterThan(0.95);
      if (bounds.boundsQueue !== false) {
        const ref = noneReference();
        expect(ref.lateQueue).toBeGreaterThan(LATE_QUEUE_BOUND);
        expect(figures.incastMaxQueueBytes).toBeLessThanOrEqual(ref.maxQueue);
        expect(figures.incastLateQueueBytes).toBeLessThan(LATE_QUEUE_BOUND);
      }
    });
  });
}
