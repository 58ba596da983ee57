import { afterAll, describe, expect, it } from 'vitest';
import { us } from '../../src/sim/time.js';
import { congestionControls } from '../../src/transport/cc/index.js';
import { conformance, type ConformanceBounds, type ConformanceFigures } from './cc-conformance.js';

/**
 * Every registered congestion control through the conformance suite (cc-conformance.ts), each
 * with the switch marking it needs and, where the published defaults are tuned for another
 * scale, the parameters this small 100 Gb/s star calls for (base RTT ≈ 4.2 µs, 2–8 MB flows,
 * a few ms of simulated time):
 *
 * - `none` is the reference: no reaction, PFC alone holds its queue.
 * - `dcqcn`: RED with the paper's kmin 5 KB, kmax 200 KB, pmax 1 %. The published R_AI = 40 Mb/s
 *   per 55 µs recovers 0.7 Gb/s per ms, so four flows that start 50 µs apart stay unequal for tens
 *   of ms (Jain ≈ 0.8 after 6 ms); R_AI = 2 Gb/s, R_HAI = 10 Gb/s let them meet within the 2 ms the
 *   test runs. Reaction: the first CNP waits for a marked packet (pmax 1 %) and then the NP's
 *   50 µs interval paces the cuts: bounded by 2 CNP intervals.
 * - `hpcc`: no marking; expected_flows = 8 (W_AI = W_init·0.05/8), the most flows sharing a link
 *   here; the default N = 125 converges to fairness too slowly for a 2 ms test. Reaction within
 *   5 base RTTs (one INT round trip plus the EWMA).
 * - `timely`: no marking; the paper's T_low = 50 µs / T_high = 500 µs are ten times this fabric's
 *   RTT scale, and its minRTT = 20 µs (not the 4.2 µs base RTT) keeps the gradient from sending
 *   the rate to the floor on every queue change. T_low = 8 µs and T_high = 12 µs put the
 *   operating point at 40–90 KB of queue, where the T_low/T_high rules act as an AIMD around a
 *   delay target (TIMELY's gradient rule alone has no unique fair fixed point — Zhu et al.,
 *   CoNEXT 2016). One update per round trip (segment_bytes 0: with 4 KB between ACKs, per-ACK or
 *   per-16 KB updates compound several multiplicative decreases per RTT), so δ = 1 Gb/s per RTT.
 *   Reaction within 15 base RTTs: the queue must first push the RTT past T_high or raise it
 *   over one update interval.
 * - `dctcp`: threshold marking K = 20 KB (> C·RTT/7 ≈ 7.5 KB, the paper's guideline); defaults.
 *   Reaction within 5 base RTTs (a marked window's ACKs cut the window; W/RTT falls as the
 *   queue adds to the RTT).
 */
const BASE_RTT = us(4.2);

const configs: Record<string, { extra: Record<string, unknown>; bounds: ConformanceBounds }> = {
  none: { extra: {}, bounds: { boundsQueue: false } },
  dcqcn: {
    extra: {
      fabric: { ecn: { kind: 'red', kmin_bytes: 5_000, kmax_bytes: 200_000, pmax: 0.01 } },
      cc: { rate_ai_gbps: 2, rate_hai_gbps: 10 },
    },
    bounds: { reactionBoundPs: 2 * us(50) },
  },
  hpcc: { extra: { cc: { expected_flows: 8 } }, bounds: { reactionBoundPs: 5 * BASE_RTT } },
  timely: {
    extra: { cc: { t_low_us: 8, t_high_us: 12, min_rtt_us: 20, delta_gbps: 1, segment_bytes: 0 } },
    bounds: { reactionBoundPs: 15 * BASE_RTT },
  },
  dctcp: { extra: { fabric: { ecn: { kind: 'threshold', k_bytes: 20_000 } } }, bounds: { reactionBoundPs: 5 * BASE_RTT } },
  // the TCP algorithms on a RoCE QP, reacting to ECN-Echo as RFC 3168 has them: halve (NewReno)
  // or × 0.7 (CUBIC) once per window; same marking as DCTCP
  newreno: { extra: { fabric: { ecn: { kind: 'threshold', k_bytes: 20_000 } } }, bounds: { reactionBoundPs: 5 * BASE_RTT } },
  cubic: { extra: { fabric: { ecn: { kind: 'threshold', k_bytes: 20_000 } } }, bounds: { reactionBoundPs: 5 * BASE_RTT } },
  // IB CC (here over RoCE's CNP path): FECN = threshold marking, a BECN per marked packet; the
  // default CCTI_Timer (153.6 µs) recovers one CCT step per 150 µs, too slow for a 2 ms test, so
  // 10 µs. Reaction: the first marked packet's BECN, one base RTT after the queue passes K
  'ib-cc': {
    extra: { fabric: { ecn: { kind: 'threshold', k_bytes: 20_000 } }, cc: { ccti_timer_us: 10 } },
    bounds: { reactionBoundPs: 5 * BASE_RTT },
  },
};

describe('the conformance suite covers every registered congestion control', () => {
  it('has a configuration for each', () => {
    expect(Object.keys(configs).sort()).toEqual(congestionControls.names().sort());
  });
});

const figures: Record<string, ConformanceFigures> = {};
for (const name of congestionControls.names()) {
  const c = configs[name];
  if (c === undefined) continue;
  figures[name] = {};
  conformance(name, c.extra, c.bounds, figures[name]);
}

afterAll(() => {
  if (process.env.CC_CONFORMANCE_REPORT === undefined) return;
  const rows = Object.entries(figures).map(([name, f]) => ({
    cc: name,
    fairness_jain: f.fairnessJain?.toFixed(4),
    reaction_us: f.reactionPs === undefined ? '' : (f.reactionPs / 1e6).toFixed(2),
    incast_jain: f.incastJain?.toFixed(4),
    incast_max_queue_bytes: f.incastMaxQueueBytes,
    incast_queue_after_300us_bytes: f.incastLateQueueBytes,
    incast_duration_us: f.incastDurationPs === undefined ? '' : (f.incastDurationPs / 1e6).toFixed(0),
  }));
  console.table(rows);
});
