import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { Rng } from '../../src/sim/rng.js';
import { ConfigError } from '../../src/sim/errors.js';
import { parseWith } from '../../src/sim/parse.js';
import {
  loadSizeCdf,
  parseSizeCdf,
  poisson,
  sampleSize,
  SIZE_CDF_NAMES,
  workloads,
  type PoissonParams,
  type WorkloadContext,
} from '../../src/workload/index.js';
import { ctxFor, isSorted } from './helpers.js';

const params = (raw: Record<string, unknown>): PoissonParams => parseWith(poisson.params, raw, { field: 'workload' });
const withRates = (n: number, gbps: number | number[], seed: number | string = 1): WorkloadContext => ({
  ...ctxFor(n, seed),
  hostRatesGbps: Array.from({ length: n }, (_, i) => (Array.isArray(gbps) ? gbps[i]! : gbps)),
});

/** Offered load of `flows` over `durationPs` as a fraction of the hosts' total capacity. */
function offeredLoad(flows: readonly { bytes: number }[], durationPs: number, totalGbps: number): number {
  const bits = flows.reduce((s, f) => s + f.bytes * 8, 0);
  return bits / (durationPs / 1e12) / (totalGbps * 1e9);
}

describe('size distributions', () => {
  it('ship web-search, data-mining and hadoop with their sources and the means they state', () => {
    const means: Record<string, number> = { 'web-search': 1.71e6, 'data-mining': 5.04e6, hadoop: 0.12e6 };
    for (const name of SIZE_CDF_NAMES) {
      const text = readFileSync(new URL(`../../data/size-cdf/${name}.csv`, import.meta.url), 'utf8');
      expect(text).toMatch(/SIGCOMM 20\d\d/); // the paper it comes from
      const d = loadSizeCdf(name, ctxFor(2), 'size_cdf');
      expect(d.cdf[0]).toBe(0);
      expect(d.cdf[d.cdf.length - 1]).toBe(1);
      expect(d.meanBytes / means[name]!).toBeCloseTo(1, 2);
    }
  });

  it('sample by inverse transform: the empirical CDF matches the table at its points', () => {
    const d = loadSizeCdf('web-search', ctxFor(2), 'size_cdf');
    const rng = new Rng(9);
    const n = 200_000;
    const sizes = Array.from({ length: n }, () => sampleSize(d, rng)).sort((a, b) => a - b);
    d.bytes.forEach((b, i) => {
      const below = sizes.filter((s) => s <= b).length / n;
      expect(Math.abs(below - d.cdf[i]!)).toBeLessThan(0.006); // 3 sd of a binomial at n = 200k
    });
    expect(sizes[0]).toBeGreaterThanOrEqual(1);
    expect(sizes[n - 1]).toBeLessThanOrEqual(30_000_000);
  });

  it('parse percent or fraction CDFs, whitespace or commas, comments and a header; a first point above 0 is a point mass', () => {
    const a = parseSizeCdf('# from a paper\nsize cdf\n100 50\n1000 100\n', 'x');
    expect(a.bytes).toEqual([100, 100, 1000]);
    expect(a.cdf).toEqual([0, 0.5, 1]);
    expect(a.meanBytes).toBeCloseTo(0.5 * 100 + 0.5 * 550, 6);
    expect(() => parseSizeCdf('1,0\n2,0.7\n3,0.6\n4,1\n', 'x')).toThrow(/line 3: sizes and CDF values must not decrease/);
    expect(() => parseSizeCdf('1,0\n2,0.9\n', 'x')).toThrow(/last CDF value must be 1/);
    expect(() => parseSizeCdf('1,0\n2,x\n', 'x')).toThrow(/line 2: expected two numbers/);
  });

  it('a CDF file is resolved against the experiment folder; an unknown name lists the shipped ones', () => {
    const ctx = { ...ctxFor(4), file: 'test/workload/exp.yaml' };
    expect(() => loadSizeCdf('web-serch', ctx, 'size_cdf')).toThrow(/unknown size distribution 'web-serch'; expected one of web-search, data-mining, hadoop/);
    const e = (() => {
      try {
        loadSizeCdf('cdfs/missing.csv', ctx, 'size_cdf');
      } catch (err) {
        return err as ConfigError;
      }
      throw new Error('expected an error');
    })();
    expect(e.field).toBe('workload.size_cdf');
    expect(e.message).toMatch(/test\/workload\/cdfs\/missing\.csv.*no such file/);
  });
});

describe('poisson', () => {
  it('is registered as "poisson" and needs a duration or a flow count', () => {
    expect(workloads.get('poisson')).toBe(poisson);
    expect(() => params({ load: 0.5 })).toThrow(/give `duration_us` or `flows`/);
    expect(() => params({ load: 0, flows: 1 })).toThrow(ConfigError);
  });

  it.each([
    ['web-search', 0.5, 2_000_000, 0.03],
    ['hadoop', 0.3, 200_000, 0.03],
    ['data-mining', 0.7, 20_000_000, 0.05],
  ] as const)('%s at load %s: the offered load over a long run is within a few percent of the target', (cdf, load, durationUs, tolerance) => {
    const n = 16;
    const flows = poisson.generate(params({ load, size_cdf: cdf, duration_us: durationUs }), withRates(n, 100, 4));
    expect(flows.length).toBeGreaterThan(50_000);
    const measured = offeredLoad(flows, durationUs * 1e6, n * 100);
    expect(Math.abs(measured / load - 1)).toBeLessThan(tolerance);
  });

  it('arrivals are Poisson: exponential gaps (mean 1/Λ, coefficient of variation 1), uniform sources and destinations', () => {
    const n = 8;
    const load = 0.4;
    const flows = poisson.generate(params({ load, size_cdf: 'hadoop', flows: 100_000 }), withRates(n, 25, 2));
    expect(flows).toHaveLength(100_000);
    expect(isSorted(flows)).toBe(true);
    const mean = loadSizeCdf('hadoop', ctxFor(2), 'size_cdf').meanBytes;
    const lambda = (n * load * 25e9) / (8 * mean); // flows per second, all hosts
    const gaps = flows.slice(1).map((f, i) => (f.start - flows[i]!.start) / 1e12);
    const m = gaps.reduce((a, b) => a + b, 0) / gaps.length;
    const sd = Math.sqrt(gaps.reduce((a, g) => a + (g - m) ** 2, 0) / gaps.length);
    expect(m * lambda).toBeCloseTo(1, 1);
    expect(sd / m).toBeCloseTo(1, 1);
    const bySrc = new Array<number>(n).fill(0);
    for (const f of flows) {
      expect(f.dst).not.toBe(f.src);
      bySrc[f.src]!++;
    }
    for (const c of bySrc) expect(Math.abs(c / (100_000 / n) - 1)).toBeLessThan(0.05);
  });

  it('scales each host to its own link rate, and to rate_gbps when given', () => {
    const flows = poisson.generate(params({ load: 0.5, size_cdf: 'hadoop', duration_us: 200_000 }), withRates(4, [100, 100, 25, 25], 3));
    const bytesBy = [0, 1, 2, 3].map((h) => flows.filter((f) => f.src === h).reduce((s, f) => s + f.bytes, 0));
    expect(bytesBy[0]! / bytesBy[2]!).toBeGreaterThan(3.5);
    expect(bytesBy[0]! / bytesBy[2]!).toBeLessThan(4.5);
    expect(() => poisson.generate(params({ load: 0.5, flows: 10 }), ctxFor(4))).toThrow(/link rate of host h0 is unknown; set rate_gbps/);
    expect(poisson.generate(params({ load: 0.5, flows: 10, rate_gbps: 10 }), ctxFor(4))).toHaveLength(10);
  });

  it('starts no flow before start_ns or after the duration; restricts to `hosts`; is deterministic per seed', () => {
    const p = params({ load: 0.2, size_cdf: 'hadoop', flows: 2000, duration_us: 2000, start_ns: 1000, hosts: ['h1', 'h3', 'h5'] });
    const a = poisson.generate(p, withRates(8, 100, 1));
    expect(a.length).toBeGreaterThan(60); // about 125 expected
    expect(a.length).toBeLessThan(2000);
    for (const f of a) {
      expect(f.start).toBeGreaterThanOrEqual(1_000_000);
      expect(f.start).toBeLessThan(1_000_000 + 2_000_000_000);
      expect([1, 3, 5]).toContain(f.src);
      expect([1, 3, 5]).toContain(f.dst);
    }
    expect(poisson.generate(p, withRates(8, 100, 1))).toEqual(a);
    expect(poisson.generate(p, withRates(8, 100, 2))).not.toEqual(a);
  });

  it('refuses a run that would generate millions of flows', () => {
    expect(() => poisson.generate(params({ load: 1, size_cdf: 'hadoop', duration_us: 1e8 }), withRates(64, 400))).toThrow(/flows would be generated/);
  });
});
