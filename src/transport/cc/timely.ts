import { z } from 'zod';
import { us, type Time } from '../../sim/time.js';
import type { AckEvent, CcContext, CongestionControl, CongestionControlVariant } from './congestion-control.js';

/**
 * TIMELY — Mittal et al., "TIMELY: RTT-based Congestion Control for the Datacenter",
 * SIGCOMM 2015, Algorithm 1. Rate-based; no switch support (RTT is the only signal).
 *
 * On each RTT sample (new_rtt):
 *
 *     new_rtt_diff = new_rtt − prev_rtt;  prev_rtt = new_rtt
 *     rtt_diff = (1 − α)·rtt_diff + α·new_rtt_diff
 *     normalized_gradient = rtt_diff / minRTT
 *     if new_rtt < T_low:        rate += δ                               (additive increase)
 *     elif new_rtt > T_high:     rate *= 1 − β·(1 − T_high/new_rtt)      (decrease toward T_high)
 *     elif gradient ≤ 0:         rate += N·δ, N = 5 after five consecutive such samples (HAI), else 1
 *     else:                      rate *= 1 − β·normalized_gradient       (gradient decrease)
 *
 * The rate stays within [R_min, line rate]. minRTT is ctx.baseRttPs (the idle-path RTT of a
 * full packet and its ACK) unless `min_rtt_us` sets it (the paper uses 20 µs). A small minRTT
 * makes the gradient steep: once β·gradient ≥ 1 a single sample sends the rate to R_min.
 *
 * RTT samples: the paper takes one RTT per completion event of a 16–64 KB segment (the NIC's
 * completion timestamps). Here every ACK carries an RTT (the echoed send time of the packet that
 * triggered it, ACKs coalesced per `ack_every` packets); the rate is updated once per
 * `segment_bytes` of acknowledged data, with the RTT of the ACK that completes the segment
 * (default 16 KiB, the paper's smallest segment; 1 = every ACK). `segment_bytes: 0` updates once
 * per round trip instead, on the first ACK past the snd_nxt of the previous update (as the HPCC
 * artifact's TIMELY does) — the robust choice when one segment is much less than a window, since
 * every update applies a whole multiplicative decrease. The first sample only sets prev_rtt.
 * ACKs that acknowledge nothing new (duplicates) are ignored.
 *
 * Defaults: β = 0.8, T_low = 50 µs, T_high = 500 µs, δ = 10 Mb/s, N = 5 (the paper's §5
 * parameters); α = 0.875 (the HPCC artifact's TimelyAlpha; its TimelyBeta 0.8, TimelyTLow 50 µs,
 * TimelyTHigh 500 µs and HAI after 5 agree); R_min = 100 Mb/s. The paper's minRTT is 20 µs
 * (`min_rtt_us`); by default this model uses the path's base RTT. T_low and T_high are
 * absolute: on a fabric whose base RTT is a few µs they should be scaled down (e.g. T_low ≈ 2–3 ×
 * and T_high ≈ 3–5 × the base RTT), otherwise the queue grows to T_low × C before the gradient
 * region is reached.
 */
export const timelyParams = z
  .object({
    alpha: z.number().gt(0).max(1).default(0.875).describe('EWMA weight of a new RTT difference (default 0.875)'),
    beta: z.number().gt(0).max(1).default(0.8).describe('multiplicative decrease factor beta (paper: 0.8)'),
    t_low_us: z.number().min(0).default(50).describe('T_low: below this RTT always increase additively, microseconds (paper: 50)'),
    t_high_us: z.number().positive().default(500).describe('T_high: above this RTT always decrease, microseconds (paper: 500); > t_low_us'),
    delta_gbps: z.number().min(0).default(0.01).describe('additive increment delta, Gb/s (paper: 10 Mb/s)'),
    hai_after: z.int().min(1).max(1000).default(5).describe('N: consecutive negative-gradient updates before hyperactive increase (N x delta; paper: 5)'),
    segment_bytes: z
      .int()
      .min(0)
      .default(16384)
      .describe('acknowledged bytes per rate update (the paper: one per 16-64 KB completion; 1: every ACK; 0: once per round trip)'),
    min_rate_gbps: z.number().positive().default(0.1).describe('lowest rate, Gb/s (default 0.1)'),
    min_rtt_us: z
      .number()
      .positive()
      .optional()
      .describe('minRTT that normalizes the gradient, microseconds (absent: the path base RTT; paper: 20)'),
  })
  .strict()
  .refine((p) => p.t_high_us > p.t_low_us, { message: 't_high_us must be above t_low_us', path: ['t_high_us'] });

/** Validated TIMELY parameters. */
export type TimelyParams = z.infer<typeof timelyParams>;

/** TIMELY's sender state for one connection (see the module comment). */
export class Timely implements CongestionControl {
  /** Current rate, bit/s. */
  rate: number;
  /** EWMA of RTT differences, ps. */
  rttDiff = 0;
  /** The previous RTT sample, ps (NaN before the first). */
  prevRtt = NaN;
  /** Consecutive updates with a non-positive gradient. */
  negStreak = 0;
  private segment = 0;
  /** Bytes acknowledged so far, and the snd_nxt recorded at the last update (segment_bytes 0). */
  private acked = 0;
  private lastUpdateSeq = 0;
  private readonly line: number;
  private readonly minRtt: Time;
  private readonly tLow: Time;
  private readonly tHigh: Time;
  private readonly delta: number;
  private readonly minRate: number;

  constructor(private readonly p: TimelyParams, ctx: CcContext) {
    this.line = ctx.lineRateBps;
    this.rate = this.line;
    this.minRtt = p.min_rtt_us !== undefined ? us(p.min_rtt_us) : ctx.baseRttPs;
    this.tLow = us(p.t_low_us);
    this.tHigh = us(p.t_high_us);
    this.delta = p.delta_gbps * 1e9;
    this.minRate = Math.min(p.min_rate_gbps * 1e9, this.line);
  }

  onAck(ev: AckEvent): void {
    if (ev.ackedBytes === 0) return;
    if (this.p.segment_bytes === 0) {
      // once per round trip: the first ACK past the snd_nxt of the previous update
      this.acked += ev.ackedBytes;
      if (this.acked <= this.lastUpdateSeq) return;
      this.lastUpdateSeq = this.acked + ev.inflightBytes;
    } else {
      this.segment += ev.ackedBytes;
      if (this.segment < this.p.segment_bytes) return;
      this.segment = 0;
    }
    this.onRtt(ev.rttPs);
  }

  /** Algorithm 1 for one RTT sample, ps. */
  onRtt(rtt: Time): void {
    if (Number.isNaN(this.prevRtt)) {
      this.prevRtt = rtt;
      return;
    }
    const p = this.p;
    const newDiff = rtt - this.prevRtt;
    this.prevRtt = rtt;
    this.rttDiff = (1 - p.alpha) * this.rttDiff + p.alpha * newDiff;
    const gradient = this.rttDiff / this.minRtt;
    let rate = this.rate;
    if (rtt < this.tLow) {
      rate += this.delta;
    } else if (rtt > this.tHigh) {
      rate *= 1 - p.beta * (1 - this.tHigh / rtt);
      this.negStreak = 0;
    } else if (gradient <= 0) {
      this.negStreak++;
      rate += (this.negStreak >= p.hai_after ? p.hai_after : 1) * this.delta;
    } else {
      rate *= 1 - p.beta * gradient;
      this.negStreak = 0;
    }
    this.rate = rate > this.line ? this.line : rate < this.minRate ? this.minRate : rate;
  }

  onCnp(_now: Time): void {}
  onLoss(_now: Time): void {}
  onTimeout(_now: Time): void {}
  onSend(_bytes: number, _now: Time): void {}
  rateBps(): number {
    return this.rate;
  }
  windowBytes(): number {
    return Infinity;
  }
}

/** TIMELY (Mittal et al., SIGCOMM 2015): RTT-gradient rate control. */
export const timelyCc: CongestionControlVariant<TimelyParams> = {
  name: 'timely',
  description: 'TIMELY (Mittal et al., SIGCOMM 2015): rate control from the RTT gradient between T_low and T_high; needs no ECN',
  params: timelyParams,
  feedback: () => ({ cnp: false, cnpIntervalPs: 0, int: false }),
  create: (p, ctx) => new Timely(p, ctx),
};
