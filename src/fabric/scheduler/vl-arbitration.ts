import type { Scheduler } from './scheduler.js';
import { TRAFFIC_CLASSES } from './scheduler.js';

/** One entry of a VL arbitration table: a virtual lane and its weight in 64-byte units (0: skipped). */
export interface VlArbEntry {
  readonly vl: number;
  readonly weight: number;
}

/** Units of the high-priority limit: 4096 bytes (IBA §7.6.9). */
export const HIGH_LIMIT_UNIT_BYTES = 4096;
/** A high-priority limit of 255 means no limit. */
export const HIGH_LIMIT_UNLIMITED = 255;

class Table {
  idx = 0;
  /** Bytes the current entry may still send in this turn (≤ 0: its turn is over). */
  remaining = 0;
  /** Bit v set when VL v has an entry of positive weight. */
  readonly mask: number;
  constructor(readonly entries: readonly VlArbEntry[]) {
    let m = 0;
    for (const e of entries) if (e.weight > 0) m |= 1 << e.vl;
    this.mask = m;
  }

  /** The next VL to serve among `eligible` (which must intersect `mask`). */
  serve(eligible: number, headBytes: (c: number) => number): number {
    const n = this.entries.length;
    for (let i = 0; i <= n; i++) {
      const e = this.entries[this.idx]!;
      if (e.weight > 0 && (eligible & (1 << e.vl)) !== 0) {
        if (this.remaining <= 0) this.remaining = e.weight * 64;
        this.remaining -= Math.ceil(headBytes(e.vl) / 64) * 64;
        if (this.remaining <= 0) this.next();
        return e.vl;
      }
      this.next(); // nothing to send on this entry's VL: its turn passes
    }
    throw new Error('fabricsim internal error: VL arbitration found no eligible entry');
  }

  private next(): void {
    this.idx = (this.idx + 1) % this.entries.length;
    this.remaining = 0;
  }
}

/**
 * InfiniBand VL arbitration (IBA §7.6.9) as an egress scheduler over the 8 data VLs (the traffic
 * classes): a high-priority and a low-priority table of (VL, weight) entries, each served
 * weighted round robin — an entry sends packets while it has weight left (each packet uses
 * ceil(bytes / 64) units; the packet that exhausts the weight still goes), then the next entry;
 * an entry whose VL has nothing to send passes its turn. The high table goes first, but once it
 * has sent `highLimit` × 4096 bytes (0: one packet) while a low-priority VL was waiting, one
 * low-priority packet goes before it may continue (255: no limit). VLs without an entry of
 * positive weight are served only when neither table has anything to send (a fallback, so a
 * misconfigured table cannot stall a run; IB would never send them).
 */
export class VlArbitration implements Scheduler {
  private readonly high: Table;
  private readonly low: Table;
  private highSent = 0;
  private readonly limitBytes: number;

  constructor(high: readonly VlArbEntry[], low: readonly VlArbEntry[], highLimit: number) {
    this.high = new Table(high);
    this.low = new Table(low);
    this.limitBytes = highLimit === HIGH_LIMIT_UNLIMITED ? Infinity : highLimit * HIGH_LIMIT_UNIT_BYTES;
  }

  pick(eligible: number, headBytes: (c: number) => number): number {
    if (eligible === 0) return -1;
    const hi = eligible & this.high.mask;
    const lo = eligible & this.low.mask;
    const limited = lo !== 0 && (this.limitBytes === 0 ? this.highSent > 0 : this.highSent >= this.limitBytes);
    if (hi !== 0 && !limited) {
      const vl = this.high.serve(hi, headBytes);
      this.highSent += headBytes(vl);
      return vl;
    }
    if (lo !== 0) {
      this.highSent = 0;
      return this.low.serve(lo, headBytes);
    }
    const rest = eligible & ~(this.high.mask | this.low.mask);
    return rest === 0 ? -1 : 31 - Math.clz32(rest);
  }
}

/** The default tables: no high-priority entries; every VL once in the low table with weight 64 (4 KiB). */
export function defaultLowTable(): VlArbEntry[] {
  return Array.from({ length: TRAFFIC_CLASSES }, (_, vl) => ({ vl, weight: 64 }));
}
