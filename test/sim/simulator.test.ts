import { describe, expect, it } from 'vitest';
import type { Actor } from '../../src/sim/actor.js';
import { Simulator } from '../../src/sim/simulator.js';

/** Records (now, kind, arg) of every event it gets; `onFire` runs inside the event. */
class Recorder implements Actor {
  actorId = -1;
  log: [number, number, number][] = [];
  onFire: ((kind: number, arg: number) => void) | null = null;
  constructor(
    private readonly sim: Simulator,
    readonly name = '',
  ) {
    sim.register(this);
  }
  onEvent(kind: number, arg: number): void {
    this.log.push([this.sim.now, kind, arg]);
    this.onFire?.(kind, arg);
  }
}

describe('Simulator', () => {
  it('register assigns consecutive actor ids', () => {
    const sim = new Simulator();
    const a = new Recorder(sim);
    const b = new Recorder(sim);
    expect([a.actorId, b.actorId]).toEqual([0, 1]);
  });

  it('runs same-time events in the order they were scheduled (FIFO), across actors', () => {
    const sim = new Simulator();
    const order: string[] = [];
    const mk = (name: string): Actor => {
      const a: Actor = { actorId: -1, onEvent: (k, arg) => order.push(`${name}${k}:${arg}@${sim.now}`) };
      sim.register(a);
      return a;
    };
    const a = mk('a');
    const b = mk('b');
    sim.at(100, b, 1, 10);
    sim.at(100, a, 2, 20);
    sim.at(50, a, 3, 30);
    sim.after(100, b, 4, 40);
    sim.at(100, a, 5, 50);
    expect(sim.run()).toBe(5);
    expect(order).toEqual(['a3:30@50', 'b1:10@100', 'a2:20@100', 'b4:40@100', 'a5:50@100']);
  });

  it('events scheduled for "now" from inside an event run after those already queued for now', () => {
    const sim = new Simulator();
    const r = new Recorder(sim);
    r.onFire = (kind) => {
      if (kind === 1) sim.after(0, r, 9);
    };
    sim.at(10, r, 1);
    sim.at(10, r, 2);
    sim.run();
    expect(r.log).toEqual([
      [10, 1, 0],
      [10, 2, 0],
      [10, 9, 0],
    ]);
  });

  it('run(until) runs events at exactly `until`, stops before later ones, and advances now to until', () => {
    const sim = new Simulator();
    const r = new Recorder(sim);
    sim.at(100, r, 1);
    sim.at(200, r, 2);
    sim.at(201, r, 3);
    expect(sim.run(200)).toBe(2);
    expect(r.log.map((e) => e[1])).toEqual([1, 2]);
    expect(sim.now).toBe(200);
    expect(sim.nextTime()).toBe(201);
    expect(sim.pending).toBe(1);
    // nothing due before 250: the clock still moves to 250
    expect(sim.run(250)).toBe(1);
    expect(sim.now).toBe(250);
    expect(sim.run(1000)).toBe(0);
    expect(sim.now).toBe(1000);
    expect(sim.nextTime()).toBe(Infinity);
  });

  it('run(until) with an empty queue advances the clock; run() with no limit does not', () => {
    const sim = new Simulator();
    sim.run(12345);
    expect(sim.now).toBe(12345);
    sim.run();
    expect(sim.now).toBe(12345);
  });

  it('run(until) rejects a non-integer limit', () => {
    const sim = new Simulator();
    expect(() => sim.run(1.5)).toThrow(RangeError);
  });

  it('maxEvents bounds the events dispatched per call; the clock stays at the last event', () => {
    const sim = new Simulator();
    const r = new Recorder(sim);
    for (let i = 1; i <= 10; i++) sim.at(i * 10, r, i);
    expect(sim.run(Infinity, 3)).toBe(3);
    expect(sim.now).toBe(30);
    expect(sim.events).toBe(3);
    // with an `until` beyond the next event, hitting maxEvents must not jump the clock
    expect(sim.run(1000, 2)).toBe(2);
    expect(sim.now).toBe(50);
    expect(sim.events).toBe(5);
    expect(sim.run()).toBe(5);
    expect(sim.events).toBe(10);
    expect(r.log.map((e) => e[0])).toEqual([10, 20, 30, 40, 50, 60, 70, 80, 90, 100]);
  });

  it('stop() from inside an event returns after that event; a later run continues', () => {
    const sim = new Simulator();
    const r = new Recorder(sim);
    r.onFire = (kind) => {
      if (kind === 2) sim.stop();
    };
    sim.at(10, r, 1);
    sim.at(20, r, 2);
    sim.at(20, r, 3);
    sim.at(30, r, 4);
    expect(sim.run(1000)).toBe(2);
    expect(sim.wasStopped).toBe(true);
    expect(sim.now).toBe(20); // not advanced to `until` when stopped
    expect(r.log.map((e) => e[1])).toEqual([1, 2]);
    expect(sim.run()).toBe(2);
    expect(sim.wasStopped).toBe(false);
    expect(r.log.map((e) => e[1])).toEqual([1, 2, 3, 4]);
  });

  it('scheduling before now with at() throws and schedules nothing', () => {
    const sim = new Simulator();
    const r = new Recorder(sim);
    sim.at(100, r, 1);
    sim.run();
    expect(sim.now).toBe(100);
    expect(() => sim.at(99, r, 2)).toThrow(RangeError);
    expect(sim.pending).toBe(0);
    sim.at(100, r, 3); // exactly now is allowed
    sim.run();
    expect(r.log).toEqual([
      [100, 1, 0],
      [100, 3, 0],
    ]);
  });

  it('scheduling before now with after(negative delay) throws too', () => {
    const sim = new Simulator();
    const r = new Recorder(sim);
    sim.at(100, r, 1);
    sim.run();
    expect(() => sim.after(-1, r, 2)).toThrow(RangeError);
    expect(sim.pending).toBe(0);
  });

  it('events counts dispatched events over all run() calls', () => {
    const sim = new Simulator();
    const r = new Recorder(sim);
    let chain = 0;
    r.onFire = () => {
      if (++chain < 100) sim.after(7, r, 0);
    };
    sim.at(0, r, 0);
    expect(sim.run(350)).toBe(51); // t = 0, 7, ..., 350
    expect(sim.events).toBe(51);
    expect(sim.run()).toBe(49);
    expect(sim.events).toBe(100);
    expect(sim.now).toBe(99 * 7);
  });
});
