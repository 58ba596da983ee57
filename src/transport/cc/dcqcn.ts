import { z } from 'zod';
import type { Actor } from '../../sim/actor.js';
import { Timer } from '../../sim/timer.js';
import { us, type Time } from '../../sim/time.js';
import type { AckEvent, CcContext, CongestionControl, CongestionControlVariant } from './congestion-control.js';

/**
 * DCQCN — Zhu et al., "Congestion Control for Large-Scale RDMA Deployments", SIGCOMM 2015.
 *
 * Three parts (§3.1 of the paper):
 * - **Congestion point (CP)**: switches mark ECN with RED on the egress queue — configure
 *   `fabric.ecn: { kind: red, kmin_bytes, kmax_bytes, pmax }`. The paper's deployment values
 *   (§5, for 40 Gb/s) are kmin = 5 KB, kmax = 200 KB, pmax = 1 %; the HPCC artifact's DCQCN
 *   profile (alibaba-edu/High-Precision-Congestion-Control, simulation/run.py) scales them with
 *   the link rate: kmin = 100 KB × (C / 25 Gb/s), kmax = 400 KB × (C / 25 Gb/s), pmax = 0.2.
 * - **Notification point (NP)**: the receiver answers CE-marked packets with a CNP, at most one
 *   per `cnp_interval_us` (N = 50 µs) per QP — implemented by the RoCEv2 QP from `feedback()`.
 * - **Reaction point (RP)**, this class. With Rc the current rate, Rt the target rate, α the
 *   congestion estimate:
 *   - on a CNP: Rt = Rc; Rc = max(Rc·(1 − α/2), R_min); α = (1 − g)·α + g; the timer and byte
 *     counter stages are reset and both timers restarted;
 *   - every K (`alpha_timer_us`) without a CNP: α = (1 − g)·α;
 *   - a rate-increase event each time the timer T (`rate_timer_us`) expires and each time the
 *     byte counter has counted B bytes (`byte_counter_bytes`) sent. With t and b the number of
 *     timer and byte-counter events since the last CNP (this one included):
 *       max(t, b) ≤ F            fast recovery:   Rc = (Rt + Rc)/2
 *       min(t, b) > F            hyper increase:  Rt += i·R_HAI, i = min(t, b) − F;  Rc = (Rt + Rc)/2
 *       otherwise                additive incr.:  Rt += R_AI;                       Rc = (Rt + Rc)/2
 *     (as in QCN, 802.1Qau, which DCQCN's increase follows). Rt and Rc never exceed the line
 *     rate. With the byte counter disabled (B = 0, a timer-only RP like NVIDIA's) b stays 0, so
 *     fast recovery is followed by additive increase only (hyper increase needs both counters
 *     past F).
 *
 * Defaults: g = 1/256, K = 55 µs, N = 50 µs, F = 5 (paper §3.1 and the authors' ns-3 simulator,
 * bobzhuyb/ns3-rdma: DCTCP_GAIN 1/256, ALPHA_RESUME_INTERVAL 55, CNP_INTERVAL 50,
 * FAST_RECOVERY_TIMES 5); T = 55 µs and B = 10 MB (paper §5, the timer-dominated increase it
 * recommends; also the HPCC artifact's `dcqcn_paper` profile, RP_TIMER 55); R_AI = 40 Mb/s and
 * R_HAI = 200 Mb/s (the authors' ns-3 config, RATE_AI / RATE_HAI); R_min = 100 Mb/s (the
 * authors' ns-3 default MinRate); initial α = 1 (as the HPCC artifact sets it on the first CNP).
 * The HPCC artifact's DCQCN (its "Mellanox version", modelled on NVIDIA's firmware) runs another
 * operating point — K = 1 µs, T = 300 µs, no byte counter, F = 1, R_AI = 5 Mb/s × (C / 25 Gb/s),
 * R_HAI = 50 Mb/s × (C / 25 Gb/s), R_min = 1 Gb/s, cuts at most every 4 µs — with an RP that also
 * differs (no Rt = Rc clamp unless an increase happened since the last cut; hyper increase from
 * the timer alone), so setting those fields here does not reproduce it exactly.
 *
 * With these defaults a cut flow recovers slowly: after fast recovery, Rt grows by 40 Mb/s per
 * 55 µs (0.7 Gb/s per ms) until the byte counter has also passed F — 50 MB later. Flows that
 * start unequal stay unequal for tens of ms on a 100 Gb/s link; raise `rate_ai_gbps` for faster
 * convergence (the conformance tests use 2 Gb/s).
 *
 * Timers are {@link Timer}s: the rate timer runs while the rate is below the line rate (it stops
 * once Rc = Rt = line rate, when an increase could change nothing), and the α timer runs while
 * the rate timer does. After it stops, the K-periods that elapse without a CNP are applied at the
 * next CNP in one step, α·(1 − g)^n — the same value the free-running timer would have produced —
 * so an idle or finished connection schedules no events.
 */
export const dcqcnParams = z
  .object({
    g: z.number().gt(0).max(1).default(1 / 256).describe('gain of the alpha EWMA (paper: 1/256)'),
    initial_alpha: z.number().min(0).max(1).default(1).describe('alpha before the first CNP (default 1: the first CNP halves the rate)'),
    alpha_timer_us: z.number().positive().max(1e6).default(55).describe('K: alpha decays by (1 - g) every K microseconds without a CNP (paper: 55)'),
    rate_timer_us: z.number().positive().max(1e6).default(55).describe('T: a rate-increase event every T microseconds after a cut (paper: 55)'),
    byte_counter_bytes: z
      .int()
      .min(0)
      .default(10_000_000)
      .describe('B: a rate-increase event every B bytes sent after a cut (paper: 10 MB; 0 disables the byte counter)'),
    fast_recovery_stages: z.int().min(0).max(1000).default(5).describe('F: increase events of fast recovery before additive increase (paper: 5)'),
    rate_ai_gbps: z.number().min(0).default(0.04).describe('R_AI: additive increase of the target rate per event, Gb/s (default 0.04 = 40 Mb/s)'),
    rate_hai_gbps: z.number().min(0).default(0.2).describe('R_HAI: hyper increase step of the target rate, Gb/s (default 0.2 = 200 Mb/s)'),
    min_rate_gbps: z.number().positive().default(0.1).describe('lowest rate a cut can reach, Gb/s (default 0.1)'),
    cnp_interval_us: z.number().min(0).max(1e6).default(50).describe('notification point: at most one CNP per QP per this many microseconds (paper: 50)'),
  })
  .strict();

/** Validated DCQCN parameters. */
export type DcqcnParams = z.infer<typeof dcqcnParams>;

const ALPHA_TIMER = 0;
const RATE_TIMER = 1;

/** The DCQCN reaction point of one connection (see the module comment). */
export class Dcqcn implements CongestionControl, Actor {
  actorId = -1;
  /** Current rate Rc, bit/s. */
  rc: number;
  /** Target rate Rt, bit/s. */
  rt: number;
  /** Congestion estimate α (as of the last α update; see {@link alphaNow}). */
  alpha: number;
  /** Rate-increase events from the timer (t) and the byte counter (b) since the last CNP. */
  timeStage = 0;
  byteStage = 0;
  /** Bytes sent since the last byte-counter event. */
  private bytes = 0;
  /** When α was last updated (a CNP or an α-timer expiry): the phase of the K-periodic decay. */
  private alphaAt: Time = 0;
  private readonly alphaTimer: Timer;
  private readonly rateTimer: Timer;
  private readonly line: number;
  private readonly g: number;
  private readonly kPs: Time;
  private readonly tPs: Time;
  private readonly b: number;
  private readonly f: number;
  private readonly rai: number;
  private readonly rhai: number;
  private readonly minRate: number;

  constructor(p: DcqcnParams, private readonly ctx: CcContext) {
    this.line = ctx.lineRateBps;
    this.rc = this.rt = this.line;
    this.alpha = p.initial_alpha;
    this.g = p.g;
    this.kPs = us(p.alpha_timer_us);
    this.tPs = us(p.rate_timer_us);
    this.b = p.byte_counter_bytes;
    this.f = p.fast_recovery_stages;
    this.rai = p.rate_ai_gbps * 1e9;
    this.rhai = p.rate_hai_gbps * 1e9;
    this.minRate = Math.min(p.min_rate_gbps * 1e9, this.line);
    this.alphaTimer = new Timer(ctx.sim, this, ALPHA_TIMER);
    this.rateTimer = new Timer(ctx.sim, this, RATE_TIMER);
  }

  /** α as the free-running K timer would have it at `now` (applies decays owed while it was stopped). */
  alphaNow(now: Time): number {
    if (!this.alphaTimer.armed && now - this.alphaAt >= this.kPs) {
      const n = Math.floor((now - this.alphaAt) / this.kPs);
      this.alpha *= Math.pow(1 - this.g, n);
      this.alphaAt += n * this.kPs;
    }
    return this.alpha;
  }

  onCnp(now: Time): void {
    const alpha = this.alphaNow(now);
    this.rt = this.rc;
    this.rc = Math.max(this.rc * (1 - alpha / 2), this.minRate);
    this.alpha = (1 - this.g) * alpha + this.g;
    this.alphaAt = now;
    this.timeStage = 0;
    this.byteStage = 0;
    this.bytes = 0;
    this.alphaTimer.set(now + this.kPs);
    this.rateTimer.set(now + this.tPs);
  }

  onEvent(kind: number): void {
    const now = this.ctx.sim.now;
    if (kind === ALPHA_TIMER) {
      this.alpha *= 1 - this.g;
      this.alphaAt = now;
      if (this.rateTimer.armed) this.alphaTimer.set(now + this.kPs);
    } else {
      this.timeStage++;
      this.increase();
      if (this.recovering()) this.rateTimer.set(now + this.tPs);
    }
  }

  onSend(bytes: number, _now: Time): void {
    if (this.b === 0 || !this.rateTimer.armed) return;
    this.bytes += bytes;
    if (this.bytes >= this.b) {
      this.bytes -= this.b;
      this.byteStage++;
      this.increase();
      if (!this.recovering()) this.rateTimer.cancel();
    }
  }

  /** One rate-increase event (the stage counters already count it). */
  private increase(): void {
    const t = this.timeStage;
    const b = this.byteStage;
    const f = this.f;
    if (Math.max(t, b) > f) {
      const lo = Math.min(t, b);
      this.rt += lo > f ? (lo - f) * this.rhai : this.rai;
      if (this.rt > this.line) this.rt = this.line;
    }
    this.rc = (this.rt + this.rc) / 2;
    // (Rt + Rc)/2 approaches the line rate geometrically; snap the last bit so recovery ends
    if (this.rt === this.line && this.line - this.rc < 1) this.rc = this.line;
  }

  /** True while an increase event could still change the rate. */
  private recovering(): boolean {
    return this.rc < this.line || this.rt < this.line;
  }

  onAck(_ev: AckEvent): void {}
  onLoss(_now: Time): void {}
  onTimeout(_now: Time): void {}
  rateBps(): number {
    return this.rc;
  }
  windowBytes(): number {
    return Infinity;
  }
}

/** DCQCN (Zhu et al., SIGCOMM 2015): ECN/RED at switches, CNPs from receivers, rate-based RP. */
export const dcqcnCc: CongestionControlVariant<DcqcnParams> = {
  name: 'dcqcn',
  description: 'DCQCN (Zhu et al., SIGCOMM 2015): RED/ECN marking, CNPs, rate cut by alpha, timer/byte-counter recovery; use fabric.ecn kind red',
  params: dcqcnParams,
  feedback: (p) => ({ cnp: true, cnpIntervalPs: us(p.cnp_interval_us), int: false }),
  create: (p, ctx) => new Dcqcn(p, ctx),
};
