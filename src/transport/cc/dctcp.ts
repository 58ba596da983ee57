import { z } from 'zod';
import { PS_PER_S, type Time } from '../../sim/time.js';
import type { AckEvent, CcContext, CongestionControl, CongestionControlVariant } from './congestion-control.js';

/**
 * DCTCP over RoCE — Alizadeh et al., "Data Center TCP (DCTCP)", SIGCOMM 2010, §3.1, run as a
 * window on a RoCEv2 QP (as the HPCC artifact's DCTCP mode does). Window-based; the pacing rate
 * stays at the line rate.
 *
 * - **Switches** mark CE when the instantaneous queue exceeds K (`fabric.ecn: { kind: threshold,
 *   k_bytes }`). The paper's guideline (§3.4) is K > C × RTT / 7 (it used K = 20 packets at
 *   1 Gb/s and 65 packets at 10 Gb/s); e.g. K > 9 KB for 100 Gb/s and a 5 µs RTT. The HPCC
 *   artifact runs DCTCP with K = 30 KB × C / 10 Gb/s (75 KB at 25 Gb/s, 300 KB at 100 Gb/s).
 * - **Receiver**: every ACK echoes how many of the packets it acknowledges were CE-marked
 *   (AckEvent.markedPackets) — no CNPs.
 * - **Sender**, this class. Once per window of data (when the cumulative ACK passes the snd_nxt
 *   recorded at the previous update), with F the fraction of packets marked in that window:
 *   α = (1 − g)·α + g·F. When an ACK reports marks, the window is cut, at most once per window
 *   of data: W = W·(1 − α/2) (α updated first when both happen on the same ACK). Otherwise,
 *   when the window limits the sender, additive increase of one MTU per window
 *   (W += MTU·acked/W, congestion avoidance) — or, below ssthresh, slow start (W += acked).
 *   A NAK (loss) halves the window, as TCP's fast recovery does; a retransmission timeout sets
 *   ssthresh = W/2 and W = 1 MTU, and slow start climbs back to ssthresh.
 *
 * Start: RDMA NICs start at line rate, so by default W starts at the bandwidth-delay product
 * (line rate × ctx.baseRttPs) with no slow start. With `slow_start: true` the connection starts
 * from `initial_window_packets` MTUs (default 10, RFC 6928's initial window) and doubles per RTT
 * until the first mark, as TCP does.
 *
 * Defaults: g = 1/16 (paper §3.4: "g = 1/16" in all experiments); initial α = 1 (Linux
 * tcp_dctcp.c, dctcp_alpha_on_init = DCTCP_MAX_ALPHA: the first marks halve the window).
 * The window never drops below `min_window_packets` MTUs (default 1, as on an RDMA QP; Linux TCP
 * DCTCP and RFC 8257 keep 2). Under transport `tcp` the MTU is the MSS, ACKs count bytes, and
 * the window holds during TCP loss recovery.
 */
export const dctcpParams = z
  .object({
    g: z.number().gt(0).max(1).default(1 / 16).describe('gain of the alpha EWMA (paper: 1/16)'),
    initial_alpha: z.number().min(0).max(1).default(1).describe('alpha before the first window is measured (Linux: 1)'),
    slow_start: z.boolean().default(false).describe('start from initial_window_packets with slow start (false: start at line rate x base RTT)'),
    initial_window_packets: z.int().min(1).default(10).describe('initial window in MTUs when slow_start is on (RFC 6928: 10)'),
    min_window_packets: z.int().min(1).max(64).default(1).describe('smallest window after an ECN cut or a loss, in MTUs (RDMA: 1; Linux TCP and RFC 8257: 2, so delayed ACKs cannot stall it)'),
  })
  .strict();

/** Validated DCTCP parameters. */
export type DctcpParams = z.infer<typeof dctcpParams>;

/** DCTCP's sender state for one connection (see the module comment). */
export class Dctcp implements CongestionControl {
  /** Congestion window, bytes. */
  w: number;
  ssthresh: number;
  alpha: number;
  /** Packets acknowledged and marked in the current observation window. */
  ackedInWindow = 0;
  markedInWindow = 0;
  /** Cumulative bytes acknowledged (the ACK sequence, in bytes). */
  private acked = 0;
  /** snd_nxt after the last ACK (bytes). */
  private sndNxt = 0;
  /** The observation window for α ends when the ACK sequence passes this. */
  private alphaWindowEnd = 0;
  /** No second cut until the ACK sequence passes this (snd_nxt at the last cut). */
  private cutGuard = -1;
  private readonly mtu: number;
  private readonly g: number;
  /** Smallest window after a cut, bytes. */
  private readonly minW: number;

  constructor(p: DctcpParams, private readonly ctx: CcContext) {
    this.mtu = ctx.mtu;
    this.g = p.g;
    this.minW = p.min_window_packets * ctx.mtu;
    this.alpha = p.initial_alpha;
    const bdp = (ctx.lineRateBps * ctx.baseRttPs) / (8 * PS_PER_S);
    if (p.slow_start) {
      this.w = p.initial_window_packets * ctx.mtu;
      this.ssthresh = Infinity;
    } else {
      this.w = Math.max(bdp, ctx.mtu);
      this.ssthresh = 0;
    }
  }

  onAck(ev: AckEvent): void {
    const inflightBefore = ev.inflightBytes + ev.ackedBytes;
    this.acked += ev.ackedBytes;
    this.sndNxt = this.acked + ev.inflightBytes;
    this.ackedInWindow += ev.ackedPackets;
    this.markedInWindow += ev.markedPackets;
    if (this.acked > this.alphaWindowEnd) {
      // one window of data has been acknowledged: fold its marked fraction into α
      if (this.ackedInWindow > 0) {
        const f = Math.min(1, this.markedInWindow / this.ackedInWindow);
        this.alpha = (1 - this.g) * this.alpha + this.g * f;
      }
      this.ackedInWindow = 0;
      this.markedInWindow = 0;
      this.alphaWindowEnd = this.sndNxt;
    }
    if (ev.markedPackets > 0) {
      if (this.acked > this.cutGuard) {
        this.w = Math.max(this.w * (1 - this.alpha / 2), this.minW);
        this.ssthresh = this.w;
        this.cutGuard = this.sndNxt;
      }
      return;
    }
    if (ev.ackedBytes === 0 || ev.inRecovery === true) return; // (TCP holds the window in loss recovery)
    if (inflightBefore + this.mtu <= this.w) return; // not window-limited
    if (this.w < this.ssthresh) this.w = Math.min(this.w + ev.ackedBytes, Math.max(this.ssthresh, this.w));
    else this.w += (this.mtu * ev.ackedBytes) / this.w;
  }

  onLoss(_now: Time): void {
    if (this.acked <= this.cutGuard) return; // already cut in this window
    this.w = Math.max(this.w / 2, this.minW);
    this.ssthresh = this.w;
    this.cutGuard = this.sndNxt;
  }

  onTimeout(_now: Time): void {
    this.ssthresh = Math.max(this.w / 2, 2 * this.mtu);
    this.w = this.mtu;
    this.cutGuard = this.sndNxt;
  }

  onCnp(_now: Time): void {}
  onSend(_bytes: number, _now: Time): void {}
  rateBps(): number {
    return this.ctx.lineRateBps;
  }
  windowBytes(): number {
    return this.w;
  }
}

/** DCTCP (Alizadeh et al., SIGCOMM 2010) as a window on a RoCE QP. */
export const dctcpCc: CongestionControlVariant<DctcpParams> = {
  name: 'dctcp',
  description: 'DCTCP (Alizadeh et al., SIGCOMM 2010) as a window on the QP: alpha from the ECN-echo fraction per window, W·(1 - alpha/2); use fabric.ecn kind threshold',
  params: dctcpParams,
  feedback: () => ({ cnp: false, cnpIntervalPs: 0, int: false }),
  create: (p, ctx) => new Dctcp(p, ctx),
};
