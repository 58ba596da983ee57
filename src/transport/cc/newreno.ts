import { z } from 'zod';
import type { Time } from '../../sim/time.js';
import type { AckEvent, CcContext, CongestionControl, CongestionControlVariant } from './congestion-control.js';

/**
 * TCP NewReno's window (RFC 5681, RFC 6582; RFC 6675 when the transport recovers with SACK), on
 * the shared seam. Sizes in bytes; SMSS = ctx.mtu (the MSS under TCP).
 *
 * - Start: cwnd = `initial_window_packets` SMSS (RFC 6928: 10), ssthresh = ∞.
 * - Slow start (cwnd < ssthresh): cwnd += min(acked, L·SMSS) per ACK, L = 2 (appropriate byte
 *   counting, RFC 3465: the delayed ACKs of two segments grow cwnd by two).
 * - Congestion avoidance: cwnd += SMSS·acked/cwnd (one SMSS per window of data).
 * - Growth only when the window limits the sender (RFC 7661) and never during loss recovery.
 * - Loss (fast retransmit, `onLoss`): ssthresh = max(FlightSize/2, 2·SMSS) (RFC 5681 eq. 4),
 *   cwnd = ssthresh for the recovery (RFC 6675 pipe-based; no window inflation needed).
 * - ECN-Echo (RFC 3168 §6.1.2): the same halving, at most once per window of data.
 * - Timeout: ssthresh = max(FlightSize/2, 2·SMSS), cwnd = 1 SMSS (the loss window).
 */
export const newRenoParams = z
  .object({
    initial_window_packets: z.int().min(1).default(10).describe('initial window in segments (RFC 6928: 10)'),
    abc_limit: z.int().min(1).default(2).describe('appropriate byte counting limit L: at most L segments of growth per ACK in slow start (RFC 3465: 2)'),
  })
  .strict();

export type NewRenoParams = z.infer<typeof newRenoParams>;

/** Slow start, congestion avoidance and the once-per-window cut guard shared by NewReno and CUBIC. */
export abstract class TcpWindow implements CongestionControl {
  cwnd: number;
  ssthresh = Infinity;
  /** Bytes acknowledged so far (cumulatively and by SACK). */
  protected delivered = 0;
  /** Bytes outstanding after the last ACK. */
  protected flight = 0;
  /** No second cut until `delivered` passes this (delivered + flight at the last cut). */
  protected cutGuard = -1;
  protected readonly mss: number;

  constructor(
    initialWindowPackets: number,
    protected readonly ctx: CcContext,
  ) {
    this.mss = ctx.mtu;
    this.cwnd = initialWindowPackets * ctx.mtu;
  }

  onAck(ev: AckEvent): void {
    const flightBefore = ev.inflightBytes + ev.ackedBytes;
    this.delivered += ev.ackedBytes;
    this.flight = ev.inflightBytes;
    if (ev.markedPackets > 0) {
      this.congestion(ev.now, Math.max(flightBefore, ev.inflightBytes));
      return;
    }
    if (ev.ackedBytes === 0 || ev.inRecovery === true) return;
    if (flightBefore + this.mss <= this.cwnd) return; // not window-limited
    if (this.cwnd < this.ssthresh) this.slowStart(ev.ackedBytes);
    else this.avoid(ev);
  }

  onLoss(now: Time, flightBytes?: number): void {
    this.congestion(now, flightBytes ?? this.flight);
  }

  onTimeout(now: Time): void {
    this.cutOnTimeout(now);
    this.cwnd = this.mss;
    this.cutGuard = this.delivered + this.flight;
  }

  /** A congestion signal (loss or ECN-Echo), acted on at most once per window of data. */
  private congestion(now: Time, flightBytes: number): void {
    if (this.delivered <= this.cutGuard) return;
    this.cut(now, flightBytes);
    this.cutGuard = this.delivered + this.flight;
  }

  protected slowStart(acked: number): void {
    this.cwnd = Math.min(this.cwnd + Math.min(acked, this.abcLimit() * this.mss), Math.max(this.ssthresh, this.cwnd));
  }

  protected abstract abcLimit(): number;
  /** Congestion avoidance for one ACK. */
  protected abstract avoid(ev: AckEvent): void;
  /** Multiplicative decrease on loss or ECN-Echo. */
  protected abstract cut(now: Time, flightBytes: number): void;
  /** ssthresh (and algorithm state) on a retransmission timeout; cwnd becomes 1 SMSS after. */
  protected abstract cutOnTimeout(now: Time): void;

  onCnp(_now: Time): void {}
  onSend(_bytes: number, _now: Time): void {}
  rateBps(): number {
    return this.ctx.lineRateBps;
  }
  windowBytes(): number {
    return this.cwnd;
  }
}

/** NewReno (see the module comment). */
export class NewReno extends TcpWindow {
  constructor(
    private readonly p: NewRenoParams,
    ctx: CcContext,
  ) {
    super(p.initial_window_packets, ctx);
  }

  protected abcLimit(): number {
    return this.p.abc_limit;
  }

  protected avoid(ev: AckEvent): void {
    this.cwnd += (this.mss * ev.ackedBytes) / this.cwnd;
  }

  protected cut(_now: Time, flightBytes: number): void {
    this.ssthresh = Math.max(flightBytes / 2, 2 * this.mss);
    this.cwnd = this.ssthresh;
  }

  protected cutOnTimeout(_now: Time): void {
    this.ssthresh = Math.max(this.flight / 2, 2 * this.mss);
  }
}

export const newRenoCc: CongestionControlVariant<NewRenoParams> = {
  name: 'newreno',
  description: 'TCP NewReno (RFC 5681/6582): slow start, AIMD, halve on loss or ECN-Echo once per window, 1 segment after a timeout; for transport tcp',
  params: newRenoParams,
  feedback: () => ({ cnp: false, cnpIntervalPs: 0, int: false }),
  create: (p, ctx) => new NewReno(p, ctx),
};
