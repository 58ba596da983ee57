import { z } from 'zod';
import { INT_FIELDS, INT_QLEN, INT_RATE, INT_TS, INT_TX_BYTES, MAX_INT_HOPS } from '../../fabric/telemetry/int.js';
import { PS_PER_S, type Time } from '../../sim/time.js';
import type { AckEvent, CcContext, CongestionControl, CongestionControlVariant } from './congestion-control.js';

/**
 * HPCC — Li et al., "HPCC: High Precision Congestion Control", SIGCOMM 2019, Algorithm 1.
 *
 * Every data packet collects INT at each switch egress (queue length, cumulative tx bytes,
 * timestamp, link rate B); the receiver echoes it in the ACK. Per ACK, for each hop i with
 * L[i] the previous record of the same hop (kept per connection) and T the base RTT:
 *
 *     txRate = (ack.L[i].txBytes − L[i].txBytes) / (ack.L[i].ts − L[i].ts)
 *     u'     = min(ack.L[i].qlen, L[i].qlen) / (ack.L[i].B·T) + txRate / ack.L[i].B
 *     u = max over hops of u', τ = ack.L[i].ts − L[i].ts of that hop, τ = min(τ, T)
 *     U = (1 − τ/T)·U + (τ/T)·u                                  (MeasureInflight)
 *
 *     if U ≥ η or incStage ≥ maxStage:  W = W_c / (U/η) + W_AI   (and, once per RTT, incStage = 0)
 *     else:                             W = W_c + W_AI           (and, once per RTT, incStage++)
 *                                                                (ComputeWind)
 * W_c, the reference window, is set to W only by the first ACK of each round trip: an ACK that
 * acknowledges past `lastUpdateSeq`, which is then set to the current snd_nxt (the paper's
 * per-ACK "reference window" scheme: every ACK reacts, only one per RTT moves the reference).
 * The sender keeps both a window W and a pacing rate R = W/T.
 *
 * Units: the window is in the connection's own units (payload bytes, packets × MTU, as the QP
 * counts in-flight data); W_init = line rate × T (ctx.baseRttPs), so R = W·8/T equals the line
 * rate at W_init. W is kept within [W_init·R_min/C, W_init]: HPCC never sends above line rate.
 *
 * Defaults: η = 0.95, maxStage = 5 (§3.3 / §5; the artifact's TargetUtil 0.95, MiThresh 5).
 * W_AI = W_init·(1 − η)/N (§3.3: the N flows' additive increases together stay within the
 * (1 − η) headroom) with N the expected number of concurrent flows on a link; N = 125 by default,
 * which reproduces the HPCC artifact (simulation/run.py: RATE_AI = 10 Mb/s per 25 Gb/s of line
 * rate, i.e. W_AI/W_init = 1/2500 = 0.05/125). Smaller N converges to fairness faster at the
 * price of a larger standing queue. R_min = 100 Mb/s (the artifact's RdmaHw MinRate default).
 * U starts at 1, as in the artifact (HPCC's ns-3 code, RdmaQueuePair: hp.u = 1).
 *
 * INT records whose timestamp did not advance (a duplicate echo) are skipped; a hop whose byte
 * counter went backwards (the path changed, e.g. packet spraying) is skipped too, and when the
 * number of hops changes the stored records are replaced without an update.
 */
export const hpccParams = z
  .object({
    eta: z.number().gt(0).max(1).default(0.95).describe('target utilization eta (paper: 0.95)'),
    max_stage: z.int().min(0).max(1000).default(5).describe('additive-increase rounds before a multiplicative increase (paper: 5)'),
    expected_flows: z
      .number()
      .min(1)
      .default(125)
      .describe('N in W_AI = W_init (1 - eta) / N: the expected concurrent flows per link (default 125, the HPCC artifact)'),
    w_ai_bytes: z.number().positive().optional().describe('W_AI in bytes; overrides the value derived from expected_flows'),
    min_rate_gbps: z.number().positive().default(0.1).describe('lowest pacing rate (sets the minimum window), Gb/s (default 0.1)'),
  })
  .strict();

/** Validated HPCC parameters. */
export type HpccParams = z.infer<typeof hpccParams>;

/** HPCC's sender state for one connection (see the module comment). */
export class Hpcc implements CongestionControl {
  /** Current window W, bytes. */
  w: number;
  /** Reference window W_c, bytes. */
  wc: number;
  /** Normalized inflight bytes U (EWMA). */
  u = 1;
  incStage = 0;
  readonly wInit: number;
  readonly wAi: number;
  private readonly wMin: number;
  private readonly eta: number;
  private readonly maxStage: number;
  private readonly baseRtt: Time;
  /** Bytes cumulatively acknowledged (the ACK sequence, in bytes). */
  private acked = 0;
  private lastUpdateSeq = 0;
  /** The previous INT record of each hop. */
  private readonly prev = new Float64Array(MAX_INT_HOPS * INT_FIELDS);
  private prevHops = 0;

  constructor(p: HpccParams, private readonly ctx: CcContext) {
    this.baseRtt = ctx.baseRttPs;
    this.wInit = (ctx.lineRateBps * ctx.baseRttPs) / (8 * PS_PER_S);
    this.wAi = p.w_ai_bytes ?? (this.wInit * (1 - p.eta)) / p.expected_flows;
    this.wMin = Math.min((this.wInit * p.min_rate_gbps * 1e9) / ctx.lineRateBps, this.wInit);
    this.eta = p.eta;
    this.maxStage = p.max_stage;
    this.w = this.wc = this.wInit;
  }

  onAck(ev: AckEvent): void {
    this.acked += ev.ackedBytes;
    const hops = ev.intHops;
    const int = ev.int;
    if (hops === 0 || int === null) return;
    const updateWc = this.acked > this.lastUpdateSeq;
    if (updateWc) this.lastUpdateSeq = this.acked + ev.inflightBytes; // snd_nxt
    if (hops !== this.prevHops) {
      this.store(int, hops);
      return;
    }
    this.w = this.computeWind(this.measureInflight(int, hops), updateWc);
    this.store(int, hops);
  }

  /** MeasureInflight: the EWMA of the most utilized hop's normalized inflight bytes. */
  private measureInflight(int: Float64Array, hops: number): number {
    const prev = this.prev;
    const t = this.baseRtt;
    let u = 0;
    let tau = 0;
    for (let i = 0; i < hops; i++) {
      const o = i * INT_FIELDS;
      const dt = int[o + INT_TS]! - prev[o + INT_TS]!;
      const dBytes = int[o + INT_TX_BYTES]! - prev[o + INT_TX_BYTES]!;
      if (dt <= 0 || dBytes < 0) continue;
      const b = int[o + INT_RATE]!; // bit/s
      const txRate = (dBytes * 8 * PS_PER_S) / dt; // bit/s
      const qlen = Math.min(int[o + INT_QLEN]!, prev[o + INT_QLEN]!);
      const ui = (qlen * 8 * PS_PER_S) / (b * t) + txRate / b;
      if (ui > u) {
        u = ui;
        tau = dt;
      }
    }
    if (tau > t) tau = t;
    this.u = (1 - tau / t) * this.u + (tau / t) * u;
    return this.u;
  }

  /** ComputeWind; moves the reference window W_c when `updateWc`. */
  private computeWind(u: number, updateWc: boolean): number {
    let w: number;
    if (u >= this.eta || this.incStage >= this.maxStage) {
      w = u > 0 ? this.wc / (u / this.eta) + this.wAi : this.wInit;
      if (updateWc) this.incStage = 0;
    } else {
      w = this.wc + this.wAi;
      if (updateWc) this.incStage++;
    }
    if (w > this.wInit) w = this.wInit;
    if (w < this.wMin) w = this.wMin;
    if (updateWc) this.wc = w;
    return w;
  }

  private store(int: Float64Array, hops: number): void {
    const prev = this.prev;
    for (let i = 0, n = hops * INT_FIELDS; i < n; i++) prev[i] = int[i]!;
    this.prevHops = hops;
  }

  onCnp(_now: Time): void {}
  onLoss(_now: Time): void {}
  onTimeout(_now: Time): void {}
  onSend(_bytes: number, _now: Time): void {}
  rateBps(): number {
    const r = (this.w * 8 * PS_PER_S) / this.baseRtt;
    return r < this.ctx.lineRateBps ? r : this.ctx.lineRateBps;
  }
  windowBytes(): number {
    return this.w;
  }
}

/** HPCC (Li et al., SIGCOMM 2019): INT-based window and pacing rate. */
export const hpccCc: CongestionControlVariant<HpccParams> = {
  name: 'hpcc',
  description: 'HPCC (Li et al., SIGCOMM 2019): per-ACK window from INT link utilization, paced at W/T; needs no ECN',
  params: hpccParams,
  feedback: () => ({ cnp: false, cnpIntervalPs: 0, int: true }),
  create: (p, ctx) => new Hpcc(p, ctx),
};
