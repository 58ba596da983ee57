import type { Actor } from './actor.js';
import type { Simulator } from './simulator.js';
import type { Time } from './time.js';

/**
 * A one-shot timer with lazy cancel and push-back: moving the deadline later or cancelling costs
 * no heap operation; the pending event is simply recognised as stale when it comes due and, if
 * the timer is still armed, re-armed at the new deadline. Only moving a deadline *earlier*
 * pushes a new event. On expiry the owner gets `onEvent(kind, arg)`.
 */
export class Timer implements Actor {
  actorId = -1;
  /** When the timer should fire; `Infinity` when idle. */
  deadline: Time = Infinity;
  /** Time of the earliest live heap entry for this timer; `Infinity` when none. */
  private armedAt: Time = Infinity;

  constructor(
    private readonly sim: Simulator,
    private readonly owner: Actor,
    private readonly kind: number,
    private readonly arg = 0,
  ) {
    sim.register(this);
  }

  /** True while a deadline is set. */
  get armed(): boolean {
    return this.deadline !== Infinity;
  }

  /** Sets (or moves) the deadline to absolute time `t`. */
  set(t: Time): void {
    this.deadline = t;
    if (t < this.armedAt) {
      this.armedAt = t;
      this.sim.at(t, this, 0);
    }
  }

  /** Sets the deadline `delay` from now. */
  setAfter(delay: Time): void {
    this.set(this.sim.now + delay);
  }

  /** Disarms the timer (the pending event, if any, will be ignored). */
  cancel(): void {
    this.deadline = Infinity;
  }

  onEvent(): void {
    const now = this.sim.now;
    if (now !== this.armedAt) return; // superseded by an earlier re-arm
    this.armedAt = Infinity;
    if (this.deadline === Infinity) return; // cancelled
    if (this.deadline > now) {
      // pushed back: re-arm lazily at the new deadline
      this.armedAt = this.deadline;
      this.sim.at(this.deadline, this, 0);
      return;
    }
    this.deadline = Infinity;
    this.owner.onEvent(this.kind, this.arg);
  }
}
