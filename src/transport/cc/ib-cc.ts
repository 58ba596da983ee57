import { z } from 'zod';
import type { Actor } from '../../sim/actor.js';
import { Timer } from '../../sim/timer.js';
import { ns, type Time } from '../../sim/time.js';
import type { AckEvent, CcContext, CongestionControl, CongestionControlVariant } from './congestion-control.js';

/**
 * InfiniBand congestion control (IBA Vol. 1, Annex A10, "Congestion Control"):
 *
 * - **Switch (congestion point)**: a port whose queue for a VL exceeds a threshold sets the FECN
 *   bit in the BTH of packets it forwards. The fabric's ECN marker plays that role (a CE mark is
 *   an FECN): `fabric.ecn: { kind: ib-fecn, threshold, marking_rate, packet_size }` is the spec's
 *   SwitchCongestionSetting (src/fabric/marking/ib-fecn.ts), and `{ kind: threshold, k_bytes }`
 *   an explicit byte threshold that marks every packet above it.
 * - **Destination CA**: for every FECN-marked packet it returns a BECN to the source QP (an
 *   explicit congestion notification packet, or the BECN bit on an ACK). Here it is the RoCEv2
 *   CNP path: `feedback().cnp`, one notification per marked packet unless `becn_interval_us` > 0.
 * - **Source CA (reaction point)**, this class: a congestion control table (CCT) of inter-packet
 *   delays (IPD) and an index CCTI into it per QP. On a BECN, CCTI += `CCTI_Increase`, capped at
 *   `CCTI_Limit`; every `CCTI_Timer` the index falls by 1, not below `CCTI_Min`. The QP then
 *   waits IPD = CCT[CCTI] between packets.
 *
 * The IPD is expressed here in units of one packet's own serialization time, so a flow at index i
 * sends at `line / (1 + CCT[i])` (the convention of Pfister et al., "Solving hot spot contention
 * using InfiniBand Architecture congestion control", HP-IDC 2005, and of Gran et al., "First
 * experiences with congestion control in InfiniBand hardware", IPDPS 2010). In the spec a CCT
 * entry is a 16-bit (CCT_Shift, CCT_Multiplier) pair giving the injection rate delay; the table
 * contents are the subnet manager's choice. The default table is linear, CCT[i] = i ×
 * `ipd_step` for i = 0 … `ccti_limit`.
 *
 * Defaults and their sources. OpenSM has none to offer: `osm_subn_set_default_opt` zeroes every
 * `cc_*` option (congestion control off, CCTI_Timer 0, CCTI_Increase 0), so the values come from
 * a published OpenSM CC configuration, LLNL's opensm-cc-optimizer (P. Huang, LLNL), which writes
 * CCTI_Increase = 1 and CCTI_Min = 0 for every SL and a 128-entry CCT (CCTI_Limit = 127; the
 * spec's CCTI_Limit is 16 bits and the table is read and written in blocks of 64 entries), and
 * searches CCTI_Timer over 50 … 2400 units of 1.024 µs (300 while it tunes the threshold).
 * CCTI_Timer = 150 units = 153.6 µs here is this model's choice inside that range (no published
 * default). `ipd_step` = 0.1 packet times is this model's choice too (the CCT's contents are the
 * subnet manager's; no standard table exists): index 10 halves the rate, index 127 leaves 1/13.7
 * of it. CACongestionSetting holds CCTI_Timer, CCTI_Increase and CCTI_Min per SL (16 entries;
 * OpenSM's `cc_ca_cong_setting_* <SL> <value>`): `sl: { "<SL>": { ccti_timer_us, ccti_increase,
 * ccti_min } }` overrides them for the QPs of one SL (the transport's `priority`); `ccti_limit`
 * there caps the index of that SL below the port's CCTI_Limit (not in the spec, whose CCT and
 * CCTI_Limit are per port: a convenience for giving one SL a shallower throttle).
 *
 * The timer runs only while CCTI > CCTI_Min, so an idle or unthrottled QP schedules no events.
 */
export const ibCcParams = z
  .object({
    ccti_increase: z.int().min(1).max(255).default(1).describe('CCTI_Increase: CCT index step per BECN (default 1, LLNL opensm-cc-optimizer)'),
    ccti_timer_us: z
      .number()
      .positive()
      .max(1e6)
      .default(153.6)
      .describe('CCTI_Timer: the index falls by 1 each period, µs (default 150 × 1.024 µs = 153.6, a model choice; no published default)'),
    ccti_limit: z.int().min(0).max(16383).default(127).describe('CCTI_Limit: highest CCT index (default 127: a 128-entry CCT, LLNL opensm-cc-optimizer)'),
    ccti_min: z.int().min(0).max(255).default(0).describe('CCTI_Min: lowest CCT index, a floor on the throttling (default 0, LLNL opensm-cc-optimizer)'),
    sl: z
      .record(
        z.string().regex(/^(1[0-5]|[0-9])$/, 'expected a service level 0..15'),
        z
          .object({
            ccti_timer_us: z.number().positive().max(1e6).optional().describe('CCTI_Timer of this SL, µs'),
            ccti_increase: z.int().min(1).max(255).optional().describe('CCTI_Increase of this SL'),
            ccti_min: z.int().min(0).max(255).optional().describe('CCTI_Min of this SL'),
            ccti_limit: z.int().min(0).max(16383).optional().describe("a lower CCTI_Limit for this SL's QPs (the spec has one per port's CCT; a model convenience)"),
          })
          .strict(),
      )
      .default({})
      .describe('per-SL CACongestionSetting overrides by service level (the transport priority), e.g. { "3": { ccti_min: 2 } }'),
    ipd_step: z
      .number()
      .min(0)
      .default(0.1)
      .describe('linear CCT: CCT[i] = i × ipd_step inter-packet delays, in packet serialization times (model default 0.1)'),
    cct: z
      .array(z.number().min(0))
      .optional()
      .describe('explicit CCT of inter-packet delays in packet times (overrides ipd_step; its length − 1 caps ccti_limit)'),
    becn_interval_us: z.number().min(0).max(1e6).default(0).describe('receiver: at most one BECN per QP per this many µs (default 0: one per FECN)'),
  })
  .strict();

export type IbCcParams = z.infer<typeof ibCcParams>;

/** The CCT of `p`: IPD per index, in packet serialization times. */
export function buildCct(p: IbCcParams): number[] {
  if (p.cct !== undefined && p.cct.length > 0) return p.cct.slice(0, p.ccti_limit + 1);
  return Array.from({ length: p.ccti_limit + 1 }, (_, i) => i * p.ipd_step);
}

/** The IB CC reaction point of one QP (see the module comment). */
export class IbCc implements CongestionControl, Actor {
  actorId = -1;
  /** Current CCT index. */
  ccti: number;
  /** BECNs received. */
  becns = 0;
  readonly cct: number[];
  private readonly limit: number;
  private readonly min: number;
  private readonly inc: number;
  private readonly timerPs: Time;
  private readonly timer: Timer;

  constructor(p: IbCcParams, private readonly ctx: CcContext) {
    this.cct = buildCct(p);
    const sl = ctx.sl === undefined ? undefined : p.sl[String(ctx.sl)];
    this.limit = Math.min(this.cct.length - 1, sl?.ccti_limit ?? Infinity);
    this.min = Math.min(sl?.ccti_min ?? p.ccti_min, this.limit);
    this.inc = sl?.ccti_increase ?? p.ccti_increase;
    this.ccti = this.min;
    this.timerPs = Math.max(1, ns((sl?.ccti_timer_us ?? p.ccti_timer_us) * 1000));
    this.timer = new Timer(ctx.sim, this, 0);
  }

  /** BECN: move up the table. */
  onCnp(now: Time): void {
    this.becns++;
    this.ccti = Math.min(this.limit, this.ccti + this.inc);
    if (!this.timer.armed && this.ccti > this.min) this.timer.set(now + this.timerPs);
  }

  /** CCTI_Timer expiry: one step back down. */
  onEvent(): void {
    if (this.ccti > this.min) this.ccti--;
    if (this.ccti > this.min) this.timer.set(this.ctx.sim.now + this.timerPs);
  }

  /** Inter-packet delay at the current index, packet times. */
  ipd(): number {
    return this.cct[this.ccti]!;
  }

  rateBps(): number {
    return this.ctx.lineRateBps / (1 + this.ipd());
  }

  onAck(_ev: AckEvent): void {}
  onLoss(_now: Time): void {}
  onTimeout(_now: Time): void {}
  onSend(_bytes: number, _now: Time): void {}
  windowBytes(): number {
    return Infinity;
  }
}

/** InfiniBand CC (IBA Annex A10): FECN at switches (ECN threshold), BECN from receivers, CCT of inter-packet delays at senders. */
export const ibCc: CongestionControlVariant<IbCcParams> = {
  name: 'ib-cc',
  description: 'InfiniBand CC (IBA Annex A10): FECN marking (fabric.ecn kind ib-fecn, or threshold), BECN per marked packet, CCT index up per BECN, down 1 per CCTI_Timer',
  params: ibCcParams,
  feedback: (p) => ({ cnp: true, cnpIntervalPs: ns(p.becn_interval_us * 1000), int: false }),
  create: (p, ctx) => new IbCc(p, ctx),
};
