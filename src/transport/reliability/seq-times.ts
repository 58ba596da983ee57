import type { Time } from '../../sim/time.js';

/**
 * A time per sequence number inside a sliding window [base, base + capacity), stored as a ring of
 * float64 indexed by `seq & mask` (the send time of each outstanding PSN, for time-based loss
 * detection). It grows (doubling) when a number beyond the window is written, as
 * {@link SeqBitmap} does, so its size follows the largest window ever outstanding and writes
 * allocate nothing once it has grown.
 */
export class SeqTimes {
  private times: Float64Array;
  private mask: number;

  constructor(initial = 64) {
    let c = 1;
    while (c < initial) c <<= 1;
    this.times = new Float64Array(c);
    this.mask = c - 1;
  }

  /** Records `t` for `seq`; `base` is the lowest number whose time is still needed. */
  set(base: number, seq: number, t: Time): void {
    if (seq - base >= this.times.length) this.grow(base, seq);
    this.times[seq & this.mask] = t;
  }

  /** The time recorded for `seq` (which must lie in the window of the last {@link set}). */
  get(seq: number): Time {
    return this.times[seq & this.mask]!;
  }

  private grow(base: number, seq: number): void {
    let c = this.times.length;
    while (seq - base >= c) c <<= 1;
    const old = this.times;
    const oldMask = this.mask;
    this.times = new Float64Array(c);
    this.mask = c - 1;
    for (let s = base; s < base + old.length; s++) this.times[s & this.mask] = old[s & oldMask]!;
  }
}
