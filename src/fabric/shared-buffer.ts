/**
 * A switch's shared packet buffer. Lossy traffic is admitted to an egress queue under a static
 * per-queue cap or a dynamic threshold (Choudhury & Hahne 1998: a queue may grow to
 * alpha × the free buffer); lossless traffic is limited by PFC instead (see flow-control/pfc).
 * Drop-tail: a packet that does not fit is dropped on arrival.
 */
export type BufferPolicy =
  | { readonly policy: 'dynamic'; readonly alpha: number }
  | { readonly policy: 'static'; readonly queueBytes: number };

export class SharedBuffer {
  /** Bytes in use. */
  used = 0;
  /** Highest `used` seen. */
  peak = 0;
  private readonly alpha: number;
  private readonly staticCap: number;

  constructor(
    /** Capacity in bytes. */
    readonly capacity: number,
    policy: BufferPolicy,
  ) {
    this.alpha = policy.policy === 'dynamic' ? policy.alpha : 0;
    this.staticCap = policy.policy === 'static' ? policy.queueBytes : 0;
  }

  /** The current per-queue limit for lossy traffic, bytes. */
  queueLimit(): number {
    return this.alpha > 0 ? this.alpha * (this.capacity - this.used) : this.staticCap;
  }

  /** Whether a lossy packet of `size` may join a queue holding `queueBytes`. */
  admitsLossy(queueBytes: number, size: number): boolean {
    return this.used + size <= this.capacity && queueBytes + size <= this.queueLimit();
  }

  /** Whether `size` more bytes fit at all (lossless traffic). */
  fits(size: number): boolean {
    return this.used + size <= this.capacity;
  }

  take(size: number): void {
    this.used += size;
    if (this.used > this.peak) this.peak = this.used;
  }

  free(size: number): void {
    this.used -= size;
  }
}
