/**
 * The event heap, keyed by (time, sequence): two 4-ary min-heaps in typed arrays, one for the
 * events due soon and one for those due later than {@link FAR_PS} after the last event popped
 * (pause expiries, PFC refreshes, retransmission timers — mostly stale by the time they come due).
 * A pop takes the smaller of the two roots, so the order is exactly that of a single heap, while
 * the busy near heap stays small and shallow.
 *
 * An entry is (time, seq, actor, kind, arg): no object is allocated per event. Entries are
 * interleaved in one Float64Array per heap, 4 numbers each (time, seq, arg, and actor and kind
 * packed as actor × 2^16 + kind, exact for the 2^37 actors an array can index), so a sift step compares and moves 32-byte records instead of
 * touching five arrays. The sequence number is assigned at push time and breaks ties, so events
 * scheduled for the same picosecond run in the order they were scheduled (FIFO), which makes every
 * run deterministic. The arrays grow by doubling.
 */
export class EventQueue {
  private readonly near: Heap4;
  private readonly far: Heap4;
  private nextSeq = 0;

  constructor(initialCapacity = 1024) {
    this.near = new Heap4(initialCapacity);
    this.far = new Heap4(initialCapacity);
  }

  /** Number of pending entries (including lazily cancelled ones their owners will ignore). */
  get size(): number {
    return this.near.n + this.far.n;
  }

  /** Time of the earliest entry; `Infinity` when empty. */
  peekTime(): number {
    const a = this.near.n > 0 ? this.near.h[0]! : Infinity;
    const b = this.far.n > 0 ? this.far.h[0]! : Infinity;
    return a < b ? a : b;
  }

  /**
   * Adds an entry. `arg` is any number (an index, a priority, a packet slot); `actor` is an actor
   * id (≥ 0) and `kind` an event code 0..65535 (a RangeError otherwise).
   */
  push(time: number, actor: number, kind: number, arg: number): void {
    if ((kind & KIND_MASK) !== kind) throw new RangeError(`event kind ${kind} is not an integer in 0..${KIND_MASK}`);
    const heap = time - this.poppedTime > FAR_PS ? this.far : this.near;
    heap.push(time, this.nextSeq++, arg, actor * KIND_SPAN + kind);
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
    let heap = this.near;
    const far = this.far;
    if (far.n > 0) {
      if (heap.n === 0) heap = far;
      else {
        const nt = heap.h[0]!;
        const ft = far.h[0]!;
        if (ft < nt || (ft === nt && far.h[1]! < heap.h[1]!)) heap = far;
      }
    } else if (heap.n === 0) return false;
    const h = heap.h;
    this.poppedTime = h[0]!;
    this.poppedArg = h[2]!;
    const ak = h[3]!;
    const actor = Math.floor(ak / KIND_SPAN);
    this.poppedActor = actor;
    this.poppedKind = ak - actor * KIND_SPAN;
    heap.removeRoot();
    return true;
  }

  /** Removes every entry. */
  clear(): void {
    this.near.n = 0;
    this.far.n = 0;
  }
}

/** Numbers per heap entry. */
const STRIDE = 4;
/** The actor/kind packing base (kinds are 0..KIND_MASK). */
const KIND_SPAN = 65536;
const KIND_MASK = KIND_SPAN - 1;
/**
 * Entries due more than this after the last event popped go to the far heap, ps (2^24, about
 * 16.8 µs: beyond a few link delays and serializations, well short of pause and timer periods).
 */
const FAR_PS = 16_777_216;

/** A 4-ary min-heap of (time, seq, arg, actor/kind) records keyed by (time, seq). */
class Heap4 {
  /** Entry i at [4i, 4i + 4). */
  h: Float64Array;
  n = 0;

  constructor(initialCapacity: number) {
    this.h = new Float64Array(Math.max(2, initialCapacity) * STRIDE);
  }

  push(time: number, s: number, arg: number, ak: number): void {
    if (this.n * STRIDE === this.h.length) this.grow();
    const h = this.h;
    let i = this.n++;
    // Sift up: move parents down until the slot for the new entry is found.
    while (i > 0) {
      const p = (i - 1) >> 2;
      const po = p * STRIDE;
      const pt = h[po]!;
      if (pt < time || (pt === time && h[po + 1]! < s)) break;
      const io = i * STRIDE;
      h[io] = pt;
      h[io + 1] = h[po + 1]!;
      h[io + 2] = h[po + 2]!;
      h[io + 3] = h[po + 3]!;
      i = p;
    }
    const o = i * STRIDE;
    h[o] = time;
    h[o + 1] = s;
    h[o + 2] = arg;
    h[o + 3] = ak;
  }

  /** Removes the root (n > 0): the last entry sifts down from the top. */
  removeRoot(): void {
    const last = --this.n;
    if (last === 0) return;
    const h = this.h;
    const lo = last * STRIDE;
    const t = h[lo]!;
    const s = h[lo + 1]!;
    const g = h[lo + 2]!;
    const a = h[lo + 3]!;
    let i = 0;
    for (;;) {
      // the smallest of up to 4 children (4i + 1 .. 4i + 4); the (time, seq) keys are all distinct
      const first = 4 * i + 1;
      if (first >= last) break;
      const end = Math.min(first + 4, last);
      let c = first;
      let co = c * STRIDE;
      let ct = h[co]!;
      let cs = h[co + 1]!;
      for (let j = first + 1; j < end; j++) {
        const jo = j * STRIDE;
        const jt = h[jo]!;
        if (jt < ct || (jt === ct && h[jo + 1]! < cs)) {
          c = j;
          co = jo;
          ct = jt;
          cs = h[jo + 1]!;
        }
      }
      if (t < ct || (t === ct && s < cs)) break;
      const io = i * STRIDE;
      h[io] = ct;
      h[io + 1] = cs;
      h[io + 2] = h[co + 2]!;
      h[io + 3] = h[co + 3]!;
      i = c;
    }
    const io = i * STRIDE;
    h[io] = t;
    h[io + 1] = s;
    h[io + 2] = g;
    h[io + 3] = a;
  }

  private grow(): void {
    const h = new Float64Array(this.h.length * 2);
    h.set(this.h);
    this.h = h;
  }
}
