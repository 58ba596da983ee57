import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { EventQueue } from '../../src/sim/event-queue.js';

type Entry = { time: number; actor: number; kind: number; arg: number; seq: number };
type Op = { op: 'push'; time: number; actor: number; kind: number; arg: number } | { op: 'pop' };

/** Reference model: a list kept in stable (time, insertion order) order. */
class ModelQueue {
  private items: Entry[] = [];
  private seq = 0;
  push(time: number, actor: number, kind: number, arg: number): void {
    this.items.push({ time, actor, kind, arg, seq: this.seq++ });
  }
  pop(): Entry | undefined {
    if (this.items.length === 0) return undefined;
    let best = 0;
    for (let i = 1; i < this.items.length; i++) {
      const a = this.items[i]!;
      const b = this.items[best]!;
      if (a.time < b.time || (a.time === b.time && a.seq < b.seq)) best = i;
    }
    return this.items.splice(best, 1)[0];
  }
  get size(): number {
    return this.items.length;
  }
  peekTime(): number {
    let t = Infinity;
    for (const e of this.items) t = Math.min(t, e.time);
    return t;
  }
}

const opArb: fc.Arbitrary<Op> = fc.oneof(
  {
    weight: 3,
    arbitrary: fc.record({
      op: fc.constant('push' as const),
      time: fc.integer({ min: 0, max: 6 }), // small range: many ties
      actor: fc.integer({ min: 0, max: 1000 }),
      kind: fc.integer({ min: 0, max: 7 }),
      arg: fc.integer({ min: -1e6, max: 1e6 }),
    }),
  },
  { weight: 2, arbitrary: fc.constant({ op: 'pop' as const }) },
);

function popAll(q: EventQueue): [number, number, number, number][] {
  const out: [number, number, number, number][] = [];
  while (q.pop()) out.push([q.poppedTime, q.poppedActor, q.poppedKind, q.poppedArg]);
  return out;
}

/** Applies `ops` to `q` and to the model, checking every pop, size and head time, then the drain order. */
function replayAgainstModel(ops: readonly Op[], q: EventQueue): void {
  const m = new ModelQueue();
  for (const o of ops) {
    if (o.op === 'push') {
      q.push(o.time, o.actor, o.kind, o.arg);
      m.push(o.time, o.actor, o.kind, o.arg);
    } else {
      const e = m.pop();
      expect(q.pop()).toBe(e !== undefined);
      if (e !== undefined) expect([q.poppedTime, q.poppedActor, q.poppedKind, q.poppedArg]).toEqual([e.time, e.actor, e.kind, e.arg]);
    }
    expect(q.size).toBe(m.size);
    expect(q.peekTime()).toBe(m.peekTime());
  }
  // drain: the rest must come out in model order too
  const rest: [number, number, number, number][] = [];
  for (let e = m.pop(); e !== undefined; e = m.pop()) rest.push([e.time, e.actor, e.kind, e.arg]);
  expect(popAll(q)).toEqual(rest);
}

describe('EventQueue', () => {
  it('pops in the order of a stable sort by (time, insertion order) under random push/pop', () => {
    fc.assert(
      fc.property(fc.array(opArb, { maxLength: 300 }), fc.integer({ min: 2, max: 8 }), (ops, cap) => {
        replayAgainstModel(ops, new EventQueue(cap)); // tiny capacity: growth happens during the run
      }),
      { numRuns: 300 },
    );
  });

  it('pops in (time, insertion order) when entries straddle the near/far split (2^24 ps past the last pop)', () => {
    // times near 0, just either side of 2^24 and far beyond, with ties: entries land in both
    // internal heaps, and which one depends on the time of the last pop, so pops are interleaved
    const timeArb = fc.tuple(fc.constantFrom(0, 16_777_215, 16_777_216, 16_777_217, 33_554_432, 1e12), fc.integer({ min: 0, max: 2 }));
    const farOpArb: fc.Arbitrary<Op> = fc.oneof(
      { weight: 3, arbitrary: fc.record({ op: fc.constant('push' as const), time: timeArb.map(([a, b]) => a + b), actor: fc.integer({ min: 0, max: 3_000_000 }), kind: fc.integer({ min: 0, max: 65_535 }), arg: fc.double({ noNaN: true }) }) },
      { weight: 2, arbitrary: fc.constant({ op: 'pop' as const }) },
    );
    fc.assert(
      fc.property(fc.array(farOpArb, { maxLength: 300 }), (ops) => {
        replayAgainstModel(ops, new EventQueue(2));
      }),
      { numRuns: 200 },
    );
  });

  it('a batch of pushes drains as a stable sort by time', () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 0, max: 4 }), { maxLength: 200 }), (times) => {
        const q = new EventQueue(2);
        times.forEach((t, i) => q.push(t, i, 0, i));
        const expected = times.map((t, i) => [t, i] as const).sort((a, b) => a[0] - b[0] || a[1] - b[1]);
        expect(popAll(q).map((e) => [e[0], e[1]])).toEqual(expected.map((e) => [e[0], e[1]]));
      }),
    );
  });

  it('grows beyond its initial capacity without losing or reordering entries', () => {
    const q = new EventQueue(4);
    const n = 10_000;
    // descending times force every push to sift to the root
    for (let i = 0; i < n; i++) q.push(n - i, i, i % 8, i * 0.5);
    expect(q.size).toBe(n);
    const out = popAll(q);
    expect(out.length).toBe(n);
    for (let k = 0; k < n; k++) {
      const i = n - 1 - k;
      expect(out[k]).toEqual([k + 1, i, i % 8, i * 0.5]);
    }
    expect(q.size).toBe(0);
  });

  it('keeps full float64 time and arg precision (picoseconds up to 2^53)', () => {
    const q = new EventQueue(2);
    const big = Number.MAX_SAFE_INTEGER;
    q.push(big, 1, 2, big - 1);
    q.push(big - 1, 3, 4, 0.25);
    expect(q.pop()).toBe(true);
    expect([q.poppedTime, q.poppedActor, q.poppedKind, q.poppedArg]).toEqual([big - 1, 3, 4, 0.25]);
    expect(q.pop()).toBe(true);
    expect([q.poppedTime, q.poppedActor, q.poppedKind, q.poppedArg]).toEqual([big, 1, 2, big - 1]);
  });

  it('refuses an event kind outside 0..65535 (it shares a number with the actor id)', () => {
    const q = new EventQueue(2);
    for (const kind of [-1, 65_536, 1.5, NaN]) expect(() => q.push(1, 0, kind, 0)).toThrow(RangeError);
    q.push(1, 2 ** 36, 65_535, 0);
    expect(q.pop()).toBe(true);
    expect([q.poppedActor, q.poppedKind]).toEqual([2 ** 36, 65_535]);
  });

  it('peekTime is Infinity and pop is false when empty', () => {
    const q = new EventQueue();
    expect(q.peekTime()).toBe(Infinity);
    expect(q.size).toBe(0);
    expect(q.pop()).toBe(false);
    q.push(5, 0, 0, 0);
    expect(q.peekTime()).toBe(5);
    expect(q.pop()).toBe(true);
    expect(q.peekTime()).toBe(Infinity);
    expect(q.pop()).toBe(false);
  });

  it('clear() empties the queue and it stays usable, FIFO across the clear', () => {
    const q = new EventQueue(2);
    for (let i = 0; i < 50; i++) q.push(i % 3, i, 0, 0);
    q.clear();
    expect(q.size).toBe(0);
    expect(q.peekTime()).toBe(Infinity);
    expect(q.pop()).toBe(false);
    q.push(7, 1, 0, 0);
    q.push(7, 2, 0, 0);
    q.push(3, 3, 0, 0);
    q.push(7, 4, 0, 0);
    expect(popAll(q).map((e) => e[1])).toEqual([3, 1, 2, 4]);
  });
});
