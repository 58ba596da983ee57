/**
 * The event heap: a binary min-heap over parallel typed arrays, keyed by (time, sequence).
 *
 * An entry is (time, seq, actor, kind, arg): no object is allocated per event. The sequence number
 * is assigned at push time and breaks ties, so events scheduled for the same picosecond run in the
 * order they were scheduled (FIFO), which makes every run deterministic. Arrays grow by doubling.
 */
export class EventQueue {
  private time: Float64Array;
  private seq: Float64Array;
  private actor: Int32Array;
  private kind: Int32Array;
  private arg: Float64Array;
  private n = 0;
  private nextSeq = 0;

  constructor(initialCapacity = 1024) {
    const c = Math.max(2, initialCapacity);
    this.time = new Float64Array(c);
    this.seq = new Float64Array(c);
    this.actor = new Int32Array(c);
    this.kind = new Int32Array(c);
    this.arg = new Float64Array(c);
  }

  /** Number of pending entries (including lazily cancelled ones their owners will ignore). */
  get size(): number {
    return this.n;
  }

  /** Time of the earliest entry; `Infinity` when empty. */
  peekTime(): number {
    return this.n > 0 ? this.time[0]! : Infinity;
  }

  /** Adds an entry. `arg` is any number (an index, a priority, a packet slot). */
  push(time: number, actor: number, kind: number, arg: number): void {
    if (this.n === this.time.length) this.grow();
    let i = this.n++;
    const s = this.nextSeq++;
    // Sift up: move parents down until the slot for the new entry is found.
    while (i > 0) {
      const p = (i - 1) >> 1;
      const pt = this.time[p]!;
      if (pt < time || (pt === time && this.seq[p]! < s)) break;
      this.move(p, i);
      i = p;
    }
    this.time[i] = time;
    this.seq[i] = s;
    this.actor[i] = actor;
    this.kind[i] = kind;
    this.arg[i] = arg;
  }

  /** Fields of the entry last removed by {@link pop}. */
  poppedTime = 0;
  poppedActor = 0;
  poppedKind = 0;
  poppedArg = 0;

  /**
   * Removes the earliest entry and leaves its fields in `popped*` (no tuple allocated).
   * Returns false when the queue is empty.
   */
  pop(): boolean {
    if (this.n === 0) return false;
    this.poppedTime = this.time[0]!;
    this.poppedActor = this.actor[0]!;
    this.poppedKind = this.kind[0]!;
    this.poppedArg = this.arg[0]!;
    const last = --this.n;
    if (last === 0) return true;
    const t = this.time[last]!;
    const s = this.seq[last]!;
    const a = this.actor[last]!;
    const k = this.kind[last]!;
    const g = this.arg[last]!;
    let i = 0;
    const half = last >> 1;
    while (i < half) {
      let c = 2 * i + 1;
      const r = c + 1;
      if (r < last && (this.time[r]! < this.time[c]! || (this.time[r] === this.time[c] && this.seq[r]! < this.seq[c]!))) c = r;
      const ct = this.time[c]!;
      if (t < ct || (t === ct && s < this.seq[c]!)) break;
      this.move(c, i);
      i = c;
    }
    this.time[i] = t;
    this.seq[i] = s;
    this.actor[i] = a;
    this.kind[i] = k;
    this.arg[i] = g;
    return true;
  }

  /** Removes every entry. */
  clear(): void {
    this.n = 0;
  }

  private move(from: number, to: number): void {
    this.time[to] = this.time[from]!;
    this.seq[to] = this.seq[from]!;
    this.actor[to] = this.actor[from]!;
    this.kind[to] = this.kind[from]!;
    this.arg[to] = this.arg[from]!;
  }

  private grow(): void {
    const c = this.time.length * 2;
    const t = new Float64Array(c); t.set(this.time); this.time = t;
    const s = new Float64Array(c); s.set(this.seq); this.seq = s;
    const a = new Int32Array(c); a.set(this.actor); this.actor = a;
    const k = new Int32Array(c); k.set(this.kind); this.kind = k;
    const g = new Float64Array(c); g.set(this.arg); this.arg = g;
  }
}
