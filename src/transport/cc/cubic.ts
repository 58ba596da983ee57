import { z } from 'zod';
import { PS_PER_S, type Time } from '../../sim/time.js';
import type { AckEvent, CcContext, CongestionControlVariant } from './congestion-control.js';
import { TcpWindow } from './newreno.js';

/**
 * CUBIC (RFC 9438), on the shared seam; slow start as NewReno's (no HyStart). Windows in
 * segments in the formulas, bytes in the state; t in seconds.
 *
 * - Congestion event (loss or ECN-Echo, once per window): W_max = cwnd (with fast convergence,
 *   §4.7: W_max = cwnd·(1 + β)/2 when cwnd < the previous W_max), ssthresh = cwnd = max(cwnd·β,
 *   2 SMSS), β = 0.7; a new epoch begins.
 * - Epoch start (first ACK in congestion avoidance): K = ∛((W_max − cwnd)/C) (0 when cwnd ≥
 *   W_max, W_max = cwnd), W_est = cwnd (§4.2, §4.3).
 * - Each ACK in congestion avoidance: W_cubic(t) = C·(t − K)³ + W_max; target = W_cubic(t + RTT)
 *   clamped to [cwnd, 1.5·cwnd]; the Reno-friendly estimate W_est += α·acked/cwnd with α =
 *   3(1 − β)/(1 + β) (1 once W_est ≥ W_max); if W_cubic(t) < W_est, cwnd = W_est, else cwnd +=
 *   (target − cwnd)/cwnd per segment acknowledged. RTT: the smallest sample seen (a
 *   datacenter's µs RTTs keep CUBIC in its Reno-friendly region, as the RFC intends).
 * - Timeout (§4.8): the congestion-event update of W_max and ssthresh, then cwnd = 1 SMSS.
 */
export const cubicParams = z
  .object({
    c: z.number().positive().default(0.4).describe('C, segments/s^3 (RFC 9438: 0.4)'),
    beta: z.number().gt(0).lt(1).default(0.7).describe('multiplicative decrease factor beta_cubic (RFC 9438: 0.7)'),
    fast_convergence: z.boolean().default(true).describe('release bandwidth faster to new flows (RFC 9438 §4.7)'),
    initial_window_packets: z.int().min(1).default(10).describe('initial window in segments (RFC 6928: 10)'),
    abc_limit: z.int().min(1).default(2).describe('appropriate byte counting limit in slow start (RFC 3465: 2)'),
  })
  .strict();

export type CubicParams = z.infer<typeof cubicParams>;

/** CUBIC's sender state (see the module comment). */
export class Cubic extends TcpWindow {
  /** W_max, bytes (0: none yet). */
  wMax = 0;
  k = 0;
  /** Reno-friendly estimate, bytes. */
  wEst = 0;
  /** Start of the current epoch, ps (-1: none). */
  epochStart: Time = -1;
  private minRtt = Infinity;

  constructor(
    private readonly p: CubicParams,
    ctx: CcContext,
  ) {
    super(p.initial_window_packets, ctx);
  }

  protected abcLimit(): number {
    return this.p.abc_limit;
  }

  /** W_cubic(t), bytes, t in seconds. */
  wCubic(t: number): number {
    const d = t - this.k;
    return (this.p.c * d * d * d) * this.mss + this.wMax;
  }

  protected avoid(ev: AckEvent): void {
    if (ev.rttPs > 0 && ev.rttPs < this.minRtt) this.minRtt = ev.rttPs;
    const mss = this.mss;
    if (this.epochStart < 0) {
      this.epochStart = ev.now;
      if (this.cwnd < this.wMax) {
        this.k = Math.cbrt((this.wMax - this.cwnd) / mss / this.p.c);
      } else {
        this.k = 0;
        this.wMax = this.cwnd;
      }
      this.wEst = this.cwnd;
    }
    const t = (ev.now - this.epochStart) / PS_PER_S;
    const rtt = this.minRtt === Infinity ? 0 : this.minRtt / PS_PER_S;
    const target = Math.min(Math.max(this.wCubic(t + rtt), this.cwnd), 1.5 * this.cwnd);
    const beta = this.p.beta;
    const alpha = this.wEst >= this.wMax ? 1 : (3 * (1 - beta)) / (1 + beta);
    this.wEst += (alpha * mss * ev.ackedBytes) / this.cwnd;
    if (this.wCubic(t) < this.wEst) this.cwnd = this.wEst;
    else this.cwnd += ((target - this.cwnd) / this.cwnd) * ev.ackedBytes;
  }

  private event(): void {
    this.epochStart = -1;
    const beta = this.p.beta;
    this.wMax = this.p.fast_convergence && this.cwnd < this.wMax ? (this.cwnd * (1 + beta)) / 2 : this.cwnd;
    this.ssthresh = Math.max(this.cwnd * beta, 2 * this.mss);
  }

  protected cut(_now: Time, _flightBytes: number): void {
    this.event();
    this.cwnd = this.ssthresh;
  }

  protected cutOnTimeout(_now: Time): void {
    this.event();
  }
}

export const cubicCc: CongestionControlVariant<CubicParams> = {
  name: 'cubic',
  description: 'CUBIC (RFC 9438): cubic window growth around W_max with a Reno-friendly region, beta 0.7, fast convergence; for transport tcp',
  params: cubicParams,
  feedback: () => ({ cnp: false, cnpIntervalPs: 0, int: false }),
  create: (p, ctx) => new Cubic(p, ctx),
};
