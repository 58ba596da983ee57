import type { Actor } from './actor.js';
import { EventQueue } from './event-queue.js';
import { Rng } from './rng.js';
import { assertTime, type Time } from './time.js';

/**
 * The discrete-event kernel: a clock, an actor table and an event heap. It knows nothing about
 * networks. One instance per run, passed explicitly (no global state).
 */
export class Simulator {
  /** Current simulated time in picoseconds. */
  now: Time = 0;
  /** Events dispatched so far. */
  events = 0;
  /** The run's root random stream; fork it per consumer. */
  readonly rng: Rng;
  private readonly queue = new EventQueue(4096);
  private readonly actors: Actor[] = [];
  private stopped = false;

  constructor(seed: string | number = 1) {
    this.rng = new Rng(seed);
  }

  /** Adds an actor to the table and returns its id (also stored in `actor.actorId`). */
  register(actor: Actor): number {
    actor.actorId = this.actors.length;
    this.actors.push(actor);
    return actor.actorId;
  }

  /** Schedules `actor.onEvent(kind, arg)` at absolute time `at` (not before now). */
  at(at: Time, actor: Actor, kind: number, arg = 0): void {
    if (!(at >= this.now)) throw new RangeError(`cannot schedule at ${at} ps, before now (${this.now} ps)`);
    this.queue.push(at, actor.actorId, kind, arg);
  }

  /** Schedules `actor.onEvent(kind, arg)` `delay` picoseconds from now. */
  after(delay: Time, actor: Actor, kind: number, arg = 0): void {
    if (!(delay >= 0)) throw new RangeError(`cannot schedule ${delay} ps from now: a delay must be >= 0`);
    this.queue.push(this.now + delay, actor.actorId, kind, arg);
  }

  /** Pending events (including ones their owners will ignore as stale). */
  get pending(): number {
    return this.queue.size;
  }

  /** Time of the next event; `Infinity` if none. */
  nextTime(): Time {
    return this.queue.peekTime();
  }

  /** Makes {@link run} return after the current event. */
  stop(): void {
    this.stopped = true;
  }

  /** True once {@link stop} was called during the current {@link run}. */
  get wasStopped(): boolean {
    return this.stopped;
  }

  /**
   * Runs events in (time, sequence) order until the queue is empty, the next event is later than
   * `until`, {@link stop} is called, or `maxEvents` have been dispatched in this call.
   * Returns the number of events dispatched.
   */
  run(until: Time = Infinity, maxEvents = Infinity): number {
    if (until !== Infinity) assertTime(until, 'run limit');
    this.stopped = false;
    const q = this.queue;
    const actors = this.actors;
    let n = 0;
    const limited = until !== Infinity;
    while (!this.stopped && n < maxEvents) {
      if (limited && q.peekTime() > until) break;
      if (!q.pop()) break;
      this.now = q.poppedTime;
      actors[q.poppedActor]!.onEvent(q.poppedKind, q.poppedArg);
      n++;
    }
    this.events += n;
    if (until !== Infinity && q.peekTime() > until && !this.stopped && this.now < until) this.now = until;
    return n;
  }
}
