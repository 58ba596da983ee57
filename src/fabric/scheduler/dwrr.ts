import type { Scheduler } from './scheduler.js';
import { TRAFFIC_CLASSES } from './scheduler.js';

/**
 * Deficit weighted round robin (Shreedhar & Varghese 1995): each visit adds `quantum × weight`
 * bytes of credit to a class, which then sends while its head packet fits in its deficit. Long-run
 * byte shares of backlogged classes are proportional to their weights. An emptied class forfeits
 * its deficit; a paused one keeps it.
 */
export class Dwrr implements Scheduler {
  private readonly deficit = new Float64Array(TRAFFIC_CLASSES);
  private readonly quantum: Float64Array;
  private current = 0;
  private fresh = true;

  constructor(weights: readonly number[], quantumBytes: number) {
    this.quantum = new Float64Array(TRAFFIC_CLASSES);
    for (let c = 0; c < TRAFFIC_CLASSES; c++) this.quantum[c] = Math.max(1, (weights[c] ?? 1) * quantumBytes);
  }

  /** An emptied class forfeits its deficit; if it was being served, the round moves on. */
  emptied(c: number): void {
    this.deficit[c] = 0;
    if (this.current === c) {
      this.current = (c + 1) & (TRAFFIC_CLASSES - 1);
      this.fresh = true;
    }
  }

  pick(eligible: number, headBytes: (c: number) => number, backlogged: number): number {
    if (eligible === 0) {
      // nothing to send: classes with nothing queued forfeit their deficits
      for (let c = 0; c < TRAFFIC_CLASSES; c++) if ((backlogged & (1 << c)) === 0) this.deficit[c] = 0;
      this.fresh = true;
      return -1;
    }
    for (;;) {
      const c = this.current;
      if ((eligible & (1 << c)) === 0) {
        if ((backlogged & (1 << c)) === 0) this.deficit[c] = 0;
        this.current = (c + 1) & (TRAFFIC_CLASSES - 1);
        this.fresh = true;
        continue;
      }
      if (this.fresh) {
        this.deficit[c]! += this.quantum[c]!;
        this.fresh = false;
      }
      const size = headBytes(c);
      if (this.deficit[c]! >= size) {
        this.deficit[c]! -= size;
        return c;
      }
      this.current = (c + 1) & (TRAFFIC_CLASSES - 1);
      this.fresh = true;
    }
  }
}
