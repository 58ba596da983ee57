import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import type { Actor } from '../../src/sim/actor.js';
import { Simulator } from '../../src/sim/simulator.js';
import { Timer } from '../../src/sim/timer.js';

/** The owner of several timers: records (timer arg, kind, now) for every expiry. */
class Owner implements Actor {
  actorId = -1;
  fired: { kind: number; arg: number; at: number }[] = [];
  constructor(private readonly sim: Simulator) {}
  onEvent(kind: number, arg: number): void {
    this.fired.push({ kind, arg, at: this.sim.now });
  }
}

type Op =
  | { op: 'set'; timer: number; delta: number } // set(now + delta)
  | { op: 'setAfter'; timer: number; delta: number }
  | { op: 'cancel'; timer: number }
  | { op: 'advance'; dt: number };

const TIMERS = 3;
const opArb: fc.Arbitrary<Op> = fc.oneof(
  fc.record({ op: fc.constant('set' as const), timer: fc.nat(TIMERS - 1), delta: fc.integer({ min: 0, max: 40 }) }),
  fc.record({ op: fc.constant('setAfter' as const), timer: fc.nat(TIMERS - 1), delta: fc.integer({ min: 0, max: 40 }) }),
  fc.record({ op: fc.constant('cancel' as const), timer: fc.nat(TIMERS - 1) }),
  fc.record({ op: fc.constant('advance' as const), dt: fc.integer({ min: 0, max: 25 }) }),
);

describe('Timer', () => {
  it('model: fires exactly once per expiry, at exactly the deadline in force, never when cancelled', () => {
    fc.assert(
      fc.property(fc.array(opArb, { maxLength: 120 }), (ops) => {
        const sim = new Simulator();
        const owner = new Owner(sim);
        sim.register(owner);
        const timers = Array.from({ length: TIMERS }, (_, i) => new Timer(sim, owner, 40 + i, 100 + i));
        const model: number[] = new Array<number>(TIMERS).fill(Infinity); // deadline in force
        const expected: { kind: number; arg: number; at: number }[] = [];

        const advanceTo = (until: number): void => {
          // every deadline <= until expires exactly once, at that deadline
          for (let i = 0; i < TIMERS; i++) {
            if (model[i]! <= until) {
              expected.push({ kind: 40 + i, arg: 100 + i, at: model[i]! });
              model[i] = Infinity;
            }
          }
          sim.run(until);
          expect(sim.now).toBe(until);
        };

        for (const o of ops) {
          if (o.op === 'advance') {
            advanceTo(sim.now + o.dt);
          } else {
            const t = timers[o.timer]!;
            const before = sim.pending;
            const wasArmed = model[o.timer] !== Infinity;
            const old = model[o.timer]!;
            if (o.op === 'cancel') {
              t.cancel();
              model[o.timer] = Infinity;
              expect(sim.pending).toBe(before); // lazy cancel: no heap operation
            } else {
              const at = sim.now + o.delta;
              if (o.op === 'set') t.set(at);
              else t.setAfter(o.delta);
              model[o.timer] = at;
              // pushing an armed deadline later (or keeping it) adds no heap entry
              if (wasArmed && at >= old) expect(sim.pending).toBe(before);
              else expect(sim.pending - before).toBeLessThanOrEqual(1);
            }
          }
          for (let i = 0; i < TIMERS; i++) {
            expect(timers[i]!.deadline).toBe(model[i]);
            expect(timers[i]!.armed).toBe(model[i] !== Infinity);
          }
        }
        advanceTo(sim.now + 100); // every remaining deadline (all within now+40) expires
        sim.run(); // drain stale entries: nothing more may fire
        const key = (e: { kind: number; at: number }): number => e.at * 100 + e.kind;
        expect([...owner.fired].sort((a, b) => key(a) - key(b))).toEqual([...expected].sort((a, b) => key(a) - key(b)));
        expect(sim.pending).toBe(0);
      }),
      { numRuns: 400 },
    );
  });

  it('pushing the deadline back repeatedly costs no heap entries and fires once at the last deadline', () => {
    const sim = new Simulator();
    const owner = new Owner(sim);
    const t = new Timer(sim, owner, 7, 3);
    t.set(1000);
    expect(sim.pending).toBe(1);
    for (let d = 1001; d <= 2000; d++) t.set(d);
    expect(sim.pending).toBe(1);
    sim.run();
    expect(owner.fired).toEqual([{ kind: 7, arg: 3, at: 2000 }]);
    expect(t.armed).toBe(false);
    expect(t.deadline).toBe(Infinity);
  });

  it('pulling a deadline earlier fires at the earlier time only; the superseded entry is ignored', () => {
    const sim = new Simulator();
    const owner = new Owner(sim);
    const t = new Timer(sim, owner, 1);
    t.set(500);
    t.set(200);
    expect(sim.pending).toBe(2);
    sim.run();
    expect(owner.fired.map((e) => e.at)).toEqual([200]);
    expect(sim.now).toBe(500); // the stale entry was popped and ignored
  });

  it('re-arming from inside the expiry callback works, also at the same time', () => {
    const sim = new Simulator();
    const fired: number[] = [];
    let t!: Timer;
    const owner: Actor = {
      actorId: -1,
      onEvent: () => {
        fired.push(sim.now);
        if (fired.length === 1) t.set(sim.now); // again right now
        else if (fired.length === 2) t.setAfter(10);
      },
    };
    t = new Timer(sim, owner, 0);
    t.set(300);
    t.set(100); // leaves a stale entry at 300
    sim.run();
    expect(fired).toEqual([100, 100, 110]);
  });

  it('a cancelled timer never fires, and can be set again later', () => {
    const sim = new Simulator();
    const owner = new Owner(sim);
    const t = new Timer(sim, owner, 0);
    t.setAfter(50);
    t.cancel();
    sim.run(60);
    expect(owner.fired).toEqual([]);
    t.setAfter(50);
    sim.run();
    expect(owner.fired.map((e) => e.at)).toEqual([110]);
  });
});
