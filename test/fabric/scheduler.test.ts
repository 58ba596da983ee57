import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { Dwrr } from '../../src/fabric/scheduler/dwrr.js';
import { StrictPriority } from '../../src/fabric/scheduler/strict-priority.js';
import { TRAFFIC_CLASSES } from '../../src/fabric/scheduler/scheduler.js';

const ALL = (1 << TRAFFIC_CLASSES) - 1;

/** Runs `n` picks with a fixed eligible/backlogged mask and per-class head sizes. */
function picks(s: Dwrr, n: number, eligible: number, size: (c: number) => number, backlogged = eligible): number[] {
  const out: number[] = [];
  for (let i = 0; i < n; i++) out.push(s.pick(eligible, size, backlogged));
  return out;
}

/** Lengths of the maximal runs of `c` in `xs`. */
function runsOf(xs: number[], c: number): number[] {
  const runs: number[] = [];
  let k = 0;
  for (const x of xs) {
    if (x === c) k++;
    else if (k > 0) {
      runs.push(k);
      k = 0;
    }
  }
  if (k > 0) runs.push(k);
  return runs;
}

describe('StrictPriority', () => {
  it('picks the highest set bit for every mask, -1 for none', () => {
    const sp = new StrictPriority();
    expect(sp.pick(0)).toBe(-1);
    for (let m = 1; m <= ALL; m++) {
      let hi = -1;
      for (let c = 0; c < TRAFFIC_CLASSES; c++) if (m & (1 << c)) hi = c;
      expect(sp.pick(m)).toBe(hi);
    }
  });
});

describe('Dwrr', () => {
  it('returns -1 when nothing is eligible, and only ever eligible classes', () => {
    const d = new Dwrr([1, 2, 3, 4, 5, 6, 7, 8], 500);
    expect(d.pick(0, () => 100, 0)).toBe(-1);
    expect(d.pick(0, () => 100, ALL)).toBe(-1); // all backlogged but all paused
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 1, max: ALL }), { minLength: 1, maxLength: 200 }), (masks) => {
        const s = new Dwrr([1, 3, 2, 1, 5, 1, 1, 2], 700);
        for (const m of masks) {
          const c = s.pick(m, (k) => 64 + 97 * k, ALL);
          expect(c).toBeGreaterThanOrEqual(0);
          expect(m & (1 << c)).not.toBe(0);
        }
      }),
    );
  });

  it('equal-size packets, all backlogged: pick counts are proportional to the weights (within 1 %)', () => {
    const weights = [1, 2, 3, 4, 5, 6, 7, 8];
    const d = new Dwrr(weights, 1500);
    const n = 72_000;
    const count = new Array<number>(8).fill(0);
    for (const c of picks(d, n, ALL, () => 1000)) count[c]!++;
    const wsum = weights.reduce((a, b) => a + b, 0);
    for (let c = 0; c < 8; c++) {
      const expected = (n * weights[c]!) / wsum;
      expect(Math.abs(count[c]! - expected) / expected).toBeLessThan(0.01);
    }
  });

  it('unequal packet sizes: BYTE shares follow the weights, not packet counts (within 1 %)', () => {
    const weights = [1, 2, 3, 4];
    const sizes = [64, 1500, 9000, 300];
    const d = new Dwrr(weights, 1000);
    const bytes = [0, 0, 0, 0];
    const count = [0, 0, 0, 0];
    for (const c of picks(d, 100_000, 0b1111, (k) => sizes[k]!)) {
      bytes[c]! += sizes[c]!;
      count[c]!++;
    }
    const total = bytes.reduce((a, b) => a + b, 0);
    for (let c = 0; c < 4; c++) {
      const expected = (total * weights[c]!) / 10;
      expect(Math.abs(bytes[c]! - expected) / expected).toBeLessThan(0.01);
    }
    // sanity: packet counts are very different from byte shares
    expect(count[0]!).toBeGreaterThan(count[2]! * 10);
  });

  it('with two of three classes backlogged, they share in proportion to their weights', () => {
    const d = new Dwrr([5, 1, 3], 1000);
    const count = [0, 0, 0];
    for (const c of picks(d, 40_000, 0b101, () => 500)) count[c]!++;
    expect(count[1]).toBe(0);
    expect(Math.abs(count[0]! / count[2]! - 5 / 3)).toBeLessThan(0.01 * (5 / 3));
  });

  it('a backlogged class gets exactly quantum × weight bytes per turn when sizes divide it', () => {
    const d = new Dwrr([4, 1], 1000);
    const seq = picks(d, 50, 0b11, () => 1000);
    expect(seq.slice(0, 10)).toEqual([0, 0, 0, 0, 1, 0, 0, 0, 0, 1]);
  });

  it('a class that empties (round robin passes it while empty) forfeits its deficit', () => {
    // class 0: weight 4, quantum 1000 → 4000 B per turn; packets 1000 B
    const d = new Dwrr([4, 1], 1000);
    const size = (): number => 1000;
    expect(d.pick(0b11, size, 0b11)).toBe(0); // deficit 4000 - 1000 = 3000 left
    // class 0 is now empty: class 1 is served, passing over class 0
    expect(d.pick(0b10, size, 0b10)).toBe(1);
    // class 0 refills: its next turn is a fresh 4000 B (4 packets), not 3000 + 4000 (7)
    const seq = picks(d, 30, 0b11, size);
    expect(runsOf(seq, 0)).toEqual([4, 4, 4, 4, 4, 4]);
  });

  // Known src bug when written: Dwrr.pick returns -1 on eligible === 0 before visiting any class,
  // so an emptied class's leftover deficit survives an idle port (first run below is 3, not 4).
  it('a class that empties when the whole port goes idle forfeits its deficit too', () => {
    const d = new Dwrr([4, 1], 1000);
    const size = (): number => 1000;
    expect(d.pick(0b01, size, 0b01)).toBe(0); // class 0 alone: deficit 3000 left, and it empties
    expect(d.pick(0, size, 0)).toBe(-1); // nothing queued anywhere: the port goes idle
    // both classes backlogged again: every turn of class 0 is its quantum, 4 packets;
    // keeping the stale 3000 B deficit would give a first run of 3.
    const seq = picks(d, 30, 0b11, size);
    expect(runsOf(seq, 0)).toEqual([4, 4, 4, 4, 4, 4]);
  });

  it('a paused class (backlogged but not eligible) keeps its deficit', () => {
    const d = new Dwrr([1, 1], 1000);
    const size = (c: number): number => (c === 0 ? 600 : 1000);
    expect(d.pick(0b11, size, 0b11)).toBe(0); // class 0: 1000 - 600 = 400 left
    expect(d.pick(0b11, size, 0b11)).toBe(1); // 400 < 600: turn passes to class 1
    // class 0 paused for a while; class 1 served every time
    expect(picks(d, 5, 0b10, size, 0b11)).toEqual([1, 1, 1, 1, 1]);
    // resumed: 400 kept + 1000 fresh = 1400 → two 600 B packets, then class 1
    expect(picks(d, 3, 0b11, size)).toEqual([0, 0, 1]);
  });

  it('contrast: the same class not backlogged during the gap gets only a fresh quantum', () => {
    const d = new Dwrr([1, 1], 1000);
    const size = (c: number): number => (c === 0 ? 600 : 1000);
    expect(d.pick(0b11, size, 0b11)).toBe(0);
    expect(d.pick(0b11, size, 0b11)).toBe(1);
    expect(picks(d, 5, 0b10, size, 0b10)).toEqual([1, 1, 1, 1, 1]); // class 0 empty
    expect(picks(d, 3, 0b11, size)).toEqual([0, 1, 0]); // 1000 fresh → one 600 B packet
  });

  it('a head packet larger than one quantum is sent after enough turns', () => {
    const d = new Dwrr([1, 1], 1000);
    const seq = picks(d, 30, 0b11, (c) => (c === 0 ? 4000 : 1000));
    // class 0 accumulates 1000 per turn: sends one 4000 B packet every 4 turns of class 1
    const c0 = seq.filter((c) => c === 0).length;
    const c1 = seq.filter((c) => c === 1).length;
    expect(c0).toBeGreaterThan(0);
    expect(Math.abs(c1 - 4 * c0)).toBeLessThanOrEqual(4);
  });
});
