/**
 * A growable FIFO ring buffer. Push at the tail, shift from the head, both O(1) amortised, no
 * allocation once the ring has reached its working size.
 */
export class Ring<T> {
  private buf: (T | undefined)[];
  private head = 0;
  private count = 0;

  constructor(capacity = 16) {
    let c = 1;
    while (c < capacity) c <<= 1;
    this.buf = new Array<T | undefined>(c);
  }

  get length(): number {
    return this.count;
  }

  push(v: T): void {
    if (this.count === this.buf.length) this.grow();
    this.buf[(this.head + this.count) & (this.buf.length - 1)] = v;
    this.count++;
  }

  /** The head element, or undefined when empty. */
  peek(): T | undefined {
    return this.count === 0 ? undefined : this.buf[this.head];
  }

  /** Element `i` positions from the head (0 = head); undefined when out of range. */
  at(i: number): T | undefined {
    return i < 0 || i >= this.count ? undefined : this.buf[(this.head + i) & (this.buf.length - 1)];
  }

  /** Replaces element `i` positions from the head (0 ≤ i < length). */
  set(i: number, v: T): void {
    if (i < 0 || i >= this.count) throw new RangeError(`ring index ${i} out of range 0..${this.count - 1}`);
    this.buf[(this.head + i) & (this.buf.length - 1)] = v;
  }

  shift(): T | undefined {
    if (this.count === 0) return undefined;
    const v = this.buf[this.head];
    this.buf[this.head] = undefined;
    this.head = (this.head + 1) & (this.buf.length - 1);
    this.count--;
    return v;
  }

  clear(): void {
    while (this.count > 0) this.shift();
  }

  private grow(): void {
    const old = this.buf;
    const n = new Array<T | undefined>(old.length * 2);
    for (let i = 0; i < this.count; i++) n[i] = old[(this.head + i) & (old.length - 1)];
    this.buf = n;
    this.head = 0;
  }
}
