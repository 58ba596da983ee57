import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ConfigError } from '../../src/sim/errors.js';
import { parseWith } from '../../src/sim/parse.js';
import { Rng } from '../../src/sim/rng.js';
import { permutation, randomDerangement, workloads, type PermutationParams } from '../../src/workload/index.js';
import { ctxFor, isSorted } from './helpers.js';

const params = (raw: Record<string, unknown>): PermutationParams => parseWith(permutation.params, raw, { field: 'workload' });

describe('permutation', () => {
  it('is registered as "permutation"', () => {
    expect(workloads.get('permutation')).toBe(permutation);
  });

  it('is a derangement: every host sends once and receives once, never to itself', () => {
    fc.assert(
      fc.property(fc.integer({ min: 2, max: 200 }), fc.integer({ min: 0, max: 2 ** 31 }), (n, seed) => {
        const flows = permutation.generate(params({ bytes: 777 }), ctxFor(n, seed));
        expect(flows).toHaveLength(n);
        expect(new Set(flows.map((f) => f.src)).size).toBe(n);
        expect(new Set(flows.map((f) => f.dst)).size).toBe(n);
        const bad = flows.filter((f) => f.src === f.dst || f.dst < 0 || f.dst >= n || f.bytes !== 777 || f.start !== 0);
        expect(bad).toEqual([]);
        expect(isSorted(flows)).toBe(true);
      }),
      { numRuns: 300 },
    );
  });

  it('draws derangements uniformly (n = 4 has 9, each about 1/9 of the time)', () => {
    // 9000 draws: each derangement expected 1000 times (sd ≈ 31); ±15% is about 5 sd.
    const seen = new Map<string, number>();
    const rng = new Rng('uniform');
    for (let i = 0; i < 9000; i++) {
      const key = randomDerangement(4, rng).join('');
      seen.set(key, (seen.get(key) ?? 0) + 1);
    }
    expect(seen.size).toBe(9);
    for (const count of seen.values()) {
      expect(count).toBeGreaterThan(850);
      expect(count).toBeLessThan(1150);
    }
  });

  it('is deterministic per seed and differs across seeds', () => {
    const p = params({ bytes: 1 });
    expect(permutation.generate(p, ctxFor(32, 5))).toEqual(permutation.generate(p, ctxFor(32, 5)));
    expect(permutation.generate(p, ctxFor(32, 6))).not.toEqual(permutation.generate(p, ctxFor(32, 5)));
  });

  it('applies start and jitter', () => {
    const flows = permutation.generate(params({ bytes: 1, start_ns: 10, jitter_ns: 5 }), ctxFor(50, 3));
    for (const f of flows) {
      expect(f.start).toBeGreaterThanOrEqual(10_000);
      expect(f.start).toBeLessThan(15_000);
      expect(Number.isInteger(f.start)).toBe(true);
    }
    expect(isSorted(flows)).toBe(true);
  });

  it('needs at least two hosts', () => {
    expect(() => permutation.generate(params({ bytes: 1 }), ctxFor(1))).toThrow(ConfigError);
  });
});
