import { RX_DUPLICATE, RX_IN_ORDER, RX_OUT_OF_ORDER, type ReceiverRecovery, type SenderRecovery } from './reliability.js';

/**
 * Go-back-N, as RoCE NICs implement it (IB spec §9.7): the receiver accepts only the expected
 * PSN and discards anything after a gap, answering the first out-of-order packet with one NAK
 * (sequence error); the sender, on that NAK or on a timeout, resends everything from the missing
 * PSN on.
 */
export class GoBackNSender implements SenderRecovery {
  una = 0;
  next = 0;
  maxSent = 0;
  end = 0;

  peek(): number {
    return this.next < this.end ? this.next : -1;
  }

  sent(psn: number, count = 1): void {
    this.next = psn + count;
    if (this.next > this.maxSent) this.maxSent = this.next;
  }

  ack(psn: number): number {
    if (psn <= this.una) return 0;
    const n = psn - this.una;
    this.una = psn;
    if (this.next < psn) this.next = psn;
    return n;
  }

  nak(psn: number): boolean {
    this.ack(psn);
    // a stale NAK (overtaken by a later ACK, e.g. under adaptive routing) asks for nothing still outstanding
    if (psn < this.una || psn >= this.next) return false;
    this.next = psn;
    return true;
  }

  timeout(): void {
    this.next = this.una;
  }

  resend(psn: number): void {
    if (psn < this.next) this.next = Math.max(psn, this.una);
  }

  /** Go-back-N decides on NAKs and timeouts only. */
  readonly lossTimerAt = Infinity;

  feedback(): boolean {
    return false;
  }

  lossTimer(): boolean {
    return false;
  }
}

/** Go-back-N receiver: in order or nothing. */
export class GoBackNReceiver implements ReceiverRecovery {
  expected = 0;
  readonly keepsOutOfOrder = false;
  readonly heldOutOfOrder = 0;
  private nakSent = false;

  arrive(psn: number, count = 1): number {
    if (psn === this.expected) {
      this.expected += count;
      this.nakSent = false;
      return RX_IN_ORDER;
    }
    return psn > this.expected ? RX_OUT_OF_ORDER : RX_DUPLICATE;
  }

  nakFor(): boolean {
    if (this.nakSent) return false;
    this.nakSent = true;
    return true;
  }
}
