/**
 * Picks the traffic class an egress port serves next. `eligible` is a bitmask of classes that
 * have a packet queued and are not paused; `headBytes(c)` the size of class c's head packet.
 */
export interface Scheduler {
  /**
   * The class to dequeue from, or -1 if `eligible` is 0. `backlogged` has a bit for every class
   * with a packet queued, paused or not.
   */
  pick(eligible: number, headBytes: (c: number) => number, backlogged: number): number;
  /** Class `c`'s queue has just become empty (a dequeue took its last packet). */
  emptied?(c: number): void;
}

/** Number of traffic classes (IEEE 802.1p priorities). */
export const TRAFFIC_CLASSES = 8;
