import { describe, expect, it } from 'vitest';
import { ConfigError } from '../../src/sim/errors.js';
import { parseWith } from '../../src/sim/parse.js';
import { allToAll, workloads, type AllToAllParams } from '../../src/workload/index.js';
import { ctxFor, isSorted } from './helpers.js';

const params = (raw: Record<string, unknown>): AllToAllParams => parseWith(allToAll.params, raw, { field: 'workload' });

describe('all-to-all', () => {
  it('is registered as "all-to-all"', () => {
    expect(workloads.get('all-to-all')).toBe(allToAll);
  });

  it('gives n·(n−1) flows, every ordered pair once, all of `bytes`, at start_ns', () => {
    const flows = allToAll.generate(params({ bytes: 4096, start_ns: 3 }), ctxFor(6));
    expect(flows).toHaveLength(30);
    const pairs = new Set(flows.map((f) => `${f.src}>${f.dst}`));
    expect(pairs.size).toBe(30);
    for (const f of flows) {
      expect(f.src).not.toBe(f.dst);
      expect(f.bytes).toBe(4096);
      expect(f.start).toBe(3000);
      expect(f.verb).toBe('write');
    }
    expect(isSorted(flows)).toBe(true);
  });

  it('takes a subset of hosts by name or index', () => {
    const flows = allToAll.generate(params({ bytes: 1, hosts: ['h7', 2, 'h4'] }), ctxFor(8));
    expect(flows.map((f) => [f.src, f.dst])).toEqual([
      [2, 4],
      [2, 7],
      [4, 2],
      [4, 7],
      [7, 2],
      [7, 4],
    ]);
  });

  it('jitters each start within [start, start + jitter)', () => {
    const flows = allToAll.generate(params({ bytes: 1, start_ns: 100, jitter_ns: 50 }), ctxFor(8, 3));
    for (const f of flows) {
      expect(f.start).toBeGreaterThanOrEqual(100_000);
      expect(f.start).toBeLessThan(150_000);
    }
    expect(new Set(flows.map((f) => f.start)).size).toBeGreaterThan(40);
  });

  it('rejects a host listed twice and fewer than two hosts', () => {
    expect(() => allToAll.generate(params({ bytes: 1, hosts: ['h1', 1] }), ctxFor(4))).toThrow(/workload\.hosts\.1: host h1 is listed twice/);
    expect(() => params({ bytes: 1, hosts: ['h1'] })).toThrow(ConfigError);
    expect(() => allToAll.generate(params({ bytes: 1 }), ctxFor(1))).toThrow(/at least 2 hosts/);
  });
});
