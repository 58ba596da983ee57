import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { Rng } from '../../src/sim/rng.js';

const draw = (r: Rng, n: number): number[] => Array.from({ length: n }, () => r.next());

describe('Rng', () => {
  it('same seed gives the same sequence; different seeds differ', () => {
    expect(draw(new Rng(42), 50)).toEqual(draw(new Rng(42), 50));
    expect(draw(new Rng('exp'), 50)).toEqual(draw(new Rng('exp'), 50));
    expect(draw(new Rng(42), 50)).not.toEqual(draw(new Rng(43), 50));
    const a = new Rng(7);
    const b = new Rng(7);
    for (let i = 0; i < 100; i++) {
      expect(a.uint32()).toBe(b.uint32());
      expect(a.int(1000)).toBe(b.int(1000));
      expect(a.exponential(3)).toBe(b.exponential(3));
    }
  });

  it('next() is in [0, 1) and uint32() is an unsigned 32-bit integer', () => {
    const r = new Rng(1);
    let bad = 0;
    let sum = 0;
    for (let i = 0; i < 10_000; i++) {
      const x = r.next();
      if (!(x >= 0 && x < 1)) bad++;
      sum += x;
      const u = r.uint32();
      if (!(Number.isInteger(u) && u >= 0 && u <= 0xffffffff)) bad++;
    }
    expect(bad).toBe(0);
    expect(Math.abs(sum / 10_000 - 0.5)).toBeLessThan(0.02); // sd of the mean ≈ 0.0029
  });

  it('fork(label) depends only on the parent seed and the label', () => {
    const p1 = new Rng(99);
    const p2 = new Rng(99);
    // different fork order and draws on the parent in between
    const a1 = p1.fork('a');
    const b1 = p1.fork('b');
    draw(p2, 1000);
    const b2 = p2.fork('b');
    p2.uint32();
    const a2 = p2.fork('a');
    expect(draw(a1, 20)).toEqual(draw(a2, 20));
    expect(draw(b1, 20)).toEqual(draw(b2, 20));
    // draws on a fork do not move the parent
    const q1 = new Rng(5);
    const q2 = new Rng(5);
    draw(q1.fork('x'), 100);
    expect(draw(q1, 10)).toEqual(draw(q2, 10));
  });

  it('forks with different labels, and a fork vs. its parent, give different streams', () => {
    const p = new Rng(3);
    const a = draw(p.fork('a'), 20);
    expect(a).not.toEqual(draw(p.fork('b'), 20));
    expect(a).not.toEqual(draw(new Rng(3), 20));
    expect(draw(p.fork('a').fork('b'), 20)).not.toEqual(draw(p.fork('b').fork('a'), 20));
  });

  it('int(n) is an integer in [0, n) and covers the range', () => {
    fc.assert(
      fc.property(fc.integer(), fc.integer({ min: 1, max: 50 }), (seed, n) => {
        const r = new Rng(seed);
        const seen = new Set<number>();
        let bad = 0;
        for (let i = 0; i < 40 * n; i++) {
          const k = r.int(n);
          if (!Number.isInteger(k) || k < 0 || k >= n) bad++;
          seen.add(k);
        }
        expect(bad).toBe(0);
        expect(seen.size).toBe(n); // P(miss one of n in 40n draws) < n·e^-40
      }),
      { numRuns: 50 },
    );
  });

  it('shuffle returns the same array holding a permutation of its input', () => {
    fc.assert(
      fc.property(fc.integer(), fc.array(fc.integer({ min: -5, max: 5 }), { maxLength: 60 }), (seed, xs) => {
        const a = [...xs];
        const out = new Rng(seed).shuffle(a);
        expect(out).toBe(a);
        expect([...out].sort((x, y) => x - y)).toEqual([...xs].sort((x, y) => x - y));
      }),
    );
  });

  it('shuffle is uniform over the 6 permutations of 3 elements (chi-square)', () => {
    const r = new Rng('shuffle');
    const counts = new Map<string, number>();
    const n = 60_000;
    for (let i = 0; i < n; i++) {
      const k = r.shuffle([0, 1, 2]).join('');
      counts.set(k, (counts.get(k) ?? 0) + 1);
    }
    expect(counts.size).toBe(6);
    const e = n / 6;
    let chi2 = 0;
    for (const c of counts.values()) chi2 += (c - e) ** 2 / e;
    expect(chi2).toBeLessThan(20.5); // 5 d.o.f., p ≈ 0.001
  });

  it('exponential(mean) has the right mean (within 2 %) and is never negative', () => {
    const r = new Rng(2024);
    const n = 100_000;
    const mean = 250;
    let sum = 0;
    let sumSq = 0;
    let negative = 0;
    for (let i = 0; i < n; i++) {
      const x = r.exponential(mean);
      if (!(x >= 0)) negative++;
      sum += x;
      sumSq += x * x;
    }
    expect(negative).toBe(0);
    const m = sum / n;
    // standard error of the mean is mean/sqrt(n) ≈ 0.32 %: 2 % is > 6 sigma
    expect(Math.abs(m - mean) / mean).toBeLessThan(0.02);
    // exponential: variance = mean²
    const v = sumSq / n - m * m;
    expect(Math.abs(Math.sqrt(v) - mean) / mean).toBeLessThan(0.03);
  });
});
