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

  peek(): number {
    if (this.recovering) {
      const hole = this.nextHole();
      if (hole >= 0) return hole;
    }
    return this.next < this.end ? this.next : -1;
  }

  sent(psn: number, count = 1): void {
    if (psn === this.next) {
      this.next += count;
      if (this.next > this.maxSent) this.maxSent = this.next;
    } else {
      this.retxNext = psn + count;
    }
  }

  ack(psn: number): number {
    if (psn <= this.una) return 0;
    for (let s = this.una; s < psn; s++) this.sacked.delete(s);
    const n = psn - this.una;
    this.una = psn;
    if (this.next < psn) this.next = psn;
    if (this.recovering && this.una >= this.recoveryEnd) this.recovering = false;
    return n;
  }

  nak(psn: number, sack: number): boolean {
    this.ack(psn);
    if (sack >= this.una) {
      this.sacked.add(this.una, sack);
      if (sack + 1 > this.retxLimit) this.retxLimit = sack + 1;
    }
    if (this.recovering) return false;
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
    this.sacked.delete(this.una);
    this.recovering = true;
    this.recoveryEnd = this.maxSent;
    this.retxNext = this.una;
    this.retxLimit = this.maxSent;
  }

  resend(psn: number): void {
    // resend every hole from psn on (selectively acked PSNs stay acked)
    this.recovering = true;
    this.recoveryEnd = this.maxSent;
    this.retxNext = Math.max(psn, this.una);
    this.retxLimit = this.maxSent;
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
