/**
 * A set of sequence numbers inside a sliding window [base, base + capacity), stored as a ring of
 * flags indexed by `seq & mask`. It grows (doubling) when a number beyond the window is added, so
 * its size follows the largest gap ever seen, not the sequence space.
 */
export class SeqBitmap {
  private bits: Uint8Array;
  private mask: number;

  constructor(initial = 64) {
    let c = 1;
    while (c < initial) c <<= 1;
    this.bits = new Uint8Array(c);
    this.mask = c - 1;
  }

  /** Adds `seq`; `base` is the lowest number that may still be in the set. */
  add(base: number, seq: number): void {
    if (seq - base >= this.bits.length) this.grow(base, seq);
    this.bits[seq & this.mask] = 1;
  }

  /** Whether `seq` is in the set; `base` as for {@link add}. */
  has(base: number, seq: number): boolean {
    return seq >= base && seq - base < this.bits.length && this.bits[seq & this.mask] === 1;
  }

  /** Removes `seq` (call for every number the window's base moves past). */
  delete(seq: number): void {
    this.bits[seq & this.mask] = 0;
  }

  private grow(base: number, seq: number): void {
    let c = this.bits.length;
    while (seq - base >= c) c <<= 1;
    const old = this.bits;
    const oldMask = this.mask;
    this.bits = new Uint8Array(c);
    this.mask = c - 1;
    for (let s = base; s < base + old.length; s++) if (old[s & oldMask] === 1) this.bits[s & this.mask] = 1;
  }
}
