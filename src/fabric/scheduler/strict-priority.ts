import type { Scheduler } from './scheduler.js';

/** Strict priority: the highest-numbered eligible class always goes first (7 highest). */
export class StrictPriority implements Scheduler {
  pick(eligible: number): number {
    return eligible === 0 ? -1 : 31 - Math.clz32(eligible);
  }
}
