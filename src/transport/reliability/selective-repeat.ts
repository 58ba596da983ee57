import type { Time } from '../../sim/time.js';
import type { RackLossDetection } from './rack.js';
import { SeqBitmap } from './seq-bitmap.js';
import { RX_DUPLICATE, RX_IN_ORDER, RX_OUT_OF_ORDER, type ReceiverRecovery, type SenderRecovery } from './reliability.js';

/**
 * Selective repeat in the style of IRN (Mittal et al., "Revisiting Network Support for RDMA",
 * SIGCOMM 2018, §3.1): the receiver places out-of-order packets and keeps a bitmap of them; every
 * out-of-order arrival is answered with a NACK carrying the cumulative ACK and the PSN that
 * triggered it (a selective ack). The sender keeps the selectively acked PSNs in a bitmap and, in
 * loss recovery, retransmits only the holes below the highest selectively acked PSN before
 * sending new data; recovery ends when the cumulative ACK passes the highest PSN sent when it
 * began. A timeout treats every unacknowledged, un-SACKed packet as lost, and the oldest one as
 * lost even if SACKed.
 *
 * Loss detection is one of two policies:
 *
 * - **immediate** (no `rack`; IRN's): the first NACK starts recovery and every hole below the
 *   highest SACKed PSN is resent — a reordered packet (adaptive routing) is resent too;
 * - **RACK** (a {@link RackLossDetection}): a NACK only records its selective ack; a hole is
 *   resent once a packet sent after it has been delivered and the reordering window has passed
 *   (RFC 8985), checked on every ACK/NACK ({@link feedback}) and when the earliest such deadline
 *   comes ({@link lossTimerAt}, {@link lossTimer}). A retransmission gets a new send time, so a
 *   lost retransmission is detected the same way. A timeout or a go-back request ({@link resend})
 *   marks every hole lost. The connection feeds RACK from ACKs and NACKs only: READ responses and
 *   atomic ACKs acknowledge without it, and a gap in them is re-requested at once, as before.
 */
export class SelectiveRepeatSender implements SenderRecovery {
  una = 0;
  next = 0;
  maxSent = 0;
  end = 0;
  private readonly sacked = new SeqBitmap();
  private recovering = false;
  /** Recovery ends when `una` reaches this. */
  private recoveryEnd = 0;
  /** Holes below this are retransmitted. */
  private retxLimit = 0;
  /** Scan position for the next hole to retransmit. */
  private retxNext = 0;
  /** RACK: holes deemed lost and not yet resent (below lostHigh). */
  private readonly lost = new SeqBitmap();
  private lostHigh = 0;
  /** RACK: 1 + the highest PSN ever retransmitted (above it, send times grow with the PSN). */
  private retxHigh = 0;
  /** RACK: PSNs SACKed above the cumulative ACK. */
  private sackedOut = 0;
  /** RACK: the earliest time a hole's reordering window ends (Infinity: none pending). */
  lossTimerAt: Time = Infinity;

  /** `rack`: RACK loss detection; null: immediate (IRN). */
  constructor(readonly rack: RackLossDetection | null = null) {}

  peek(): number {
    if (this.rack !== null) {
      const l = this.nextLost();
      if (l >= 0) return l;
    } else if (this.recovering) {
      const hole = this.nextHole();
      if (hole >= 0) return hole;
    }
    return this.next < this.end ? this.next : -1;
  }

  sent(psn: number, count = 1, now: Time = 0): void {
    const rack = this.rack;
    if (rack !== null) rack.sent(this.una, psn, count, now);
    if (psn === this.next) {
      this.next += count;
      if (this.next > this.maxSent) this.maxSent = this.next;
    } else {
      this.retxNext = psn + count;
      if (rack !== null) {
        for (let s = psn; s < psn + count; s++) this.lost.delete(s);
        if (psn + count > this.retxHigh) this.retxHigh = psn + count;
      }
    }
  }

  ack(psn: number): number {
    if (psn <= this.una) return 0;
    if (this.rack !== null) {
      for (let s = this.una; s < psn && this.sackedOut > 0; s++) if (this.sacked.has(this.una, s)) this.sackedOut--;
      for (let s = this.una; s < psn && s < this.lostHigh; s++) this.lost.delete(s);
    }
    for (let s = this.una; s < psn; s++) this.sacked.delete(s);
    const n = psn - this.una;
    this.una = psn;
    if (this.next < psn) this.next = psn;
    if (this.recovering && this.una >= this.recoveryEnd) {
      this.recovering = false;
      if (this.rack !== null) this.rack.recoveryEnded();
    }
    return n;
  }

  nak(psn: number, sack: number): boolean {
    this.ack(psn);
    if (sack >= this.una) {
      if (this.rack !== null && !this.sacked.has(this.una, sack)) this.sackedOut++;
      this.sacked.add(this.una, sack);
      if (sack + 1 > this.retxLimit) this.retxLimit = sack + 1;
    }
    if (this.rack !== null || this.recovering) return false; // RACK decides on the acknowledgement's time (feedback)
    this.recovering = true;
    this.recoveryEnd = this.maxSent;
    this.retxNext = this.una;
    if (this.retxLimit < this.una) this.retxLimit = this.una;
    return true;
  }

  timeout(): void {
    // the oldest unacknowledged PSN goes again even if it was selectively acked: when every
    // outstanding PSN is SACKed, only the final cumulative ACK was lost, and resending something
    // is the only way to get it (RFC 2018 §8: SACK information is advisory after a timeout)
    if (this.rack !== null && this.sacked.has(this.una, this.una)) this.sackedOut--;
    this.sacked.delete(this.una);
    this.recovering = true;
    this.recoveryEnd = this.maxSent;
    this.retxNext = this.una;
    this.retxLimit = this.maxSent;
    if (this.rack !== null) this.markLost(this.una);
  }

  resend(psn: number): void {
    // resend every hole from psn on (selectively acked PSNs stay acked)
    this.recovering = true;
    this.recoveryEnd = this.maxSent;
    this.retxNext = Math.max(psn, this.una);
    this.retxLimit = this.maxSent;
    if (this.rack !== null) this.markLost(this.retxNext);
  }

  /**
   * An ACK or NACK arrived at `now`, echoing the send time `echoTs` of the packet that triggered
   * it; `dsack` ≥ 0 when it reports that PSN as a duplicate (a spurious retransmission). RACK:
   * updates the delivered packet's time and RTT, grows the reordering window on a duplicate, and
   * marks the holes whose window has passed; returns true when that starts a loss-recovery
   * episode. Immediate: nothing (returns false).
   */
  feedback(echoTs: Time, now: Time, dsack: number): boolean {
    const rack = this.rack;
    if (rack === null) return false;
    rack.delivered(echoTs, now);
    if (dsack >= 0) rack.dsack(this.una, this.next);
    return this.detect(now);
  }

  /** The reordering-window deadline ({@link lossTimerAt}) came: marks the holes now deemed lost. */
  lossTimer(now: Time): boolean {
    return this.rack !== null ? this.detect(now) : false;
  }

  /**
   * RACK (RFC 8985 §6.2 step 5): every outstanding, un-SACKed hole not already marked that was
   * sent before the most recently sent delivered packet is lost once its window has passed;
   * {@link lossTimerAt} becomes the earliest deadline still ahead. PSNs at or above `retxHigh`
   * were sent once, in PSN order, so the scan stops at the first of them sent too late to count.
   */
  private detect(now: Time): boolean {
    const rack = this.rack!;
    const una = this.una;
    const wnd = rack.window(this.recovering, this.sackedOut);
    let at = Infinity;
    let marked = false;
    for (let s = una; s < this.maxSent; s++) {
      if (this.sacked.has(una, s) || this.lost.has(una, s)) continue;
      const xmit = rack.sentAt(s);
      const t = rack.lostAt(xmit, wnd);
      if (t === Infinity) {
        if (s >= this.retxHigh) break;
        continue;
      }
      if (t <= now) {
        this.lost.add(una, s);
        marked = true;
        if (s < this.retxNext) this.retxNext = s;
        if (s >= this.lostHigh) this.lostHigh = s + 1;
      } else if (t < at) {
        at = t;
      }
    }
    this.lossTimerAt = at;
    if (!marked || this.recovering) return false;
    this.recovering = true;
    this.recoveryEnd = this.maxSent;
    return true;
  }

  /**
   * Tail loss probe (RFC 8985 §7.2): whether a probe may be scheduled now — RACK, data
   * outstanding, nothing SACKed above the cumulative ACK, not in loss recovery.
   */
  get probeAllowed(): boolean {
    return this.rack !== null && this.una < this.maxSent && this.sackedOut === 0 && !this.recovering;
  }

  /**
   * Tail loss probe (RFC 8985 §7.3), no new data to send: the highest-PSN outstanding packet goes
   * again — it is marked for retransmission, so {@link peek} returns it next. Returns its PSN.
   */
  probeTail(): number {
    const una = this.una;
    const s = this.maxSent - 1;
    this.lost.add(una, s);
    if (s >= this.lostHigh) this.lostHigh = s + 1;
    if (s < this.retxNext) this.retxNext = s;
    return s;
  }

  /** RACK: every un-SACKed PSN in [from, maxSent) is lost (a timeout or a go-back request). */
  private markLost(from: number): void {
    const una = this.una;
    for (let s = Math.max(from, una); s < this.maxSent; s++) if (!this.sacked.has(una, s)) this.lost.add(una, s);
    if (this.maxSent > this.lostHigh) this.lostHigh = this.maxSent;
    this.retxNext = Math.max(from, una);
    this.lossTimerAt = Infinity;
  }

  /** RACK: the lowest PSN deemed lost, not SACKed since, not yet resent, or -1. */
  private nextLost(): number {
    const una = this.una;
    let s = Math.max(this.retxNext, una);
    while (s < this.lostHigh && !(this.lost.has(una, s) && !this.sacked.has(una, s))) s++;
    this.retxNext = s;
    return s < this.lostHigh ? s : -1;
  }

  /** The lowest unacknowledged, un-SACKed PSN in [retxNext, retxLimit), or -1. */
  private nextHole(): number {
    let s = Math.max(this.retxNext, this.una);
    while (s < this.retxLimit && s < this.maxSent && this.sacked.has(this.una, s)) s++;
    this.retxNext = s;
    return s < this.retxLimit && s < this.maxSent ? s : -1;
  }
}

/** Selective-repeat receiver: places out-of-order packets, delivers in order from the bitmap. */
export class SelectiveRepeatReceiver implements ReceiverRecovery {
  expected = 0;
  readonly keepsOutOfOrder = true;
  heldOutOfOrder = 0;
  private readonly received = new SeqBitmap();

  arrive(psn: number, count = 1): number {
    if (psn < this.expected || (psn > this.expected && this.received.has(this.expected, psn))) return RX_DUPLICATE;
    if (psn > this.expected) {
      for (let s = psn; s < psn + count; s++) {
        if (this.received.has(this.expected, s)) continue;
        this.received.add(this.expected, s);
        this.heldOutOfOrder++;
      }
      return RX_OUT_OF_ORDER;
    }
    this.expected += count;
    while (this.received.has(this.expected, this.expected)) {
      this.received.delete(this.expected++);
      this.heldOutOfOrder--;
    }
    return RX_IN_ORDER;
  }

  nakFor(): boolean {
    return true;
  }
}
