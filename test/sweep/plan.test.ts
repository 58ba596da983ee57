import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { validateExperiment } from '../../src/experiment/schema.js';
import {
  canonicalJson,
  deriveSeed,
  fnv1a32,
  parseShard,
  planSweep,
  runSlug,
  shardRuns,
  splitSetValues,
} from '../../src/experiment/sweep.js';
import { SMALL_SWEEP, writeFile } from './helpers.js';
import { configError } from '../helpers/config-error.js';

const tmp = mkdtempSync(join(tmpdir(), 'fabricsim-plan-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));
const small = writeFile(tmp, 'small.yaml', SMALL_SWEEP);


describe('--set value lists', () => {
  it('split at top-level commas only: lists, mappings and quoted strings are one value', () => {
    expect(splitSetValues('1024,4096')).toEqual(['1024', '4096']);
    expect(splitSetValues('[1,2]')).toEqual(['[1,2]']);
    expect(splitSetValues('[1,2],[3,4]')).toEqual(['[1,2]', '[3,4]']);
    expect(splitSetValues('{kind: red, kmin_bytes: 1},{kind: none}')).toEqual(['{kind: red, kmin_bytes: 1}', '{kind: none}']);
    expect(splitSetValues('"a,b",c')).toEqual(['"a,b"', 'c']);
    expect(splitSetValues("'x,y'")).toEqual(["'x,y'"]);
    expect(splitSetValues('single')).toEqual(['single']);
  });
});

describe('planSweep', () => {
  it('runs the cartesian product of the file axes, the last axis fastest, numbered from 1', () => {
    const { plan, configs } = planSweep(small);
    expect(plan.axes).toEqual([
      { path: 'fabric.mtu', values: [1024, 4096] },
      { path: 'workload.bytes', values: [65536, 131072] },
    ]);
    expect(plan.runs.map((r) => r.values)).toEqual([
      [1024, 65536],
      [1024, 131072],
      [4096, 65536],
      [4096, 131072],
    ]);
    expect(plan.runs.map((r) => r.dir)).toEqual([
      'run-0001-mtu-1024_bytes-65536',
      'run-0002-mtu-1024_bytes-131072',
      'run-0003-mtu-4096_bytes-65536',
      'run-0004-mtu-4096_bytes-131072',
    ]);
    expect(configs.map((c) => [c.fabric.mtu, c.workload.bytes])).toEqual(plan.runs.map((r) => r.values));
    // the per-run experiments are concrete: no sweep block, the run's seed
    expect(configs.every((c) => c.sweep === undefined)).toBe(true);
    expect(configs.map((c) => c.seed)).toEqual(plan.runs.map((r) => r.seed));
  });

  it('derives each seed from the base seed and the run values only (FNV-1a of a canonical text)', () => {
    const { plan } = planSweep(small);
    expect(plan.seedRule).toBe('derived');
    expect(plan.runs[2]!.seed).toBe(fnv1a32(`5\n${canonicalJson({ 'fabric.mtu': 4096, 'workload.bytes': 65536 })}`));
    expect(new Set(plan.runs.map((r) => r.seed)).size).toBe(4);
    // independent of the grid's shape: adding a value elsewhere keeps run (4096, 65536)'s seed
    const wider = planSweep(small, { set: ['workload.bytes=65536,131072,262144'] }).plan;
    const same = wider.runs.find((r) => r.values[0] === 4096 && r.values[1] === 65536)!;
    expect(same.seed).toBe(plan.runs[2]!.seed);
    expect(deriveSeed(5, plan.axes, [4096, 65536])).toBe(plan.runs[2]!.seed);
    // and on the base seed
    expect(planSweep(small, { seed: 6 }).plan.runs[2]!.seed).not.toBe(plan.runs[2]!.seed);
  });

  it('--same-seed gives every run the base seed; a seed axis gives each run its own', () => {
    expect(planSweep(small, { sameSeed: true }).plan.runs.map((r) => r.seed)).toEqual([5, 5, 5, 5]);
    const p = planSweep(small, { set: ['seed=1,2,3', 'workload.bytes=65536'] }).plan;
    expect(p.seedRule).toBe('axis');
    expect(p.runs.map((r) => [r.values[0], r.values[2], r.seed])).toEqual([
      [1024, 1, 1],
      [1024, 2, 2],
      [1024, 3, 3],
      [4096, 1, 1],
      [4096, 2, 2],
      [4096, 3, 3],
    ]);
  });

  it('--set: a comma list adds an axis or replaces the file one; one value on another path is an override', () => {
    const p = planSweep(small, { set: ['fabric.mtu=2048', 'fabric.pfc.xoff_bytes=65536,131072', 'seed=9', 'fabric.switch_latency_ns=100'] });
    expect(p.plan.axes.map((a) => [a.path, a.values])).toEqual([
      ['fabric.mtu', [2048]],
      ['workload.bytes', [65536, 131072]],
      ['fabric.pfc.xoff_bytes', [65536, 131072]],
    ]);
    expect(p.plan.runs).toHaveLength(4);
    expect(p.plan.baseSeed).toBe(9);
    expect(p.configs.every((c) => c.fabric.switch_latency_ns === 100)).toBe(true);
    // a YAML list is one value of an axis
    const lists = planSweep(small, { set: ['fabric.pfc.priorities=[3],[3,4]'] });
    expect(lists.configs.map((c) => c.fabric.pfc.priorities)).toContainEqual([3, 4]);
    expect(lists.plan.runs.map((r) => r.dir)[1]).toBe('run-0002-mtu-1024_bytes-65536_priorities-3-4');
  });

  it('a bad value is reported before anything runs, naming the run and its values', () => {
    const e = configError(() => planSweep(small, { set: ['fabric.mtu=1024,100'] }));
    expect(e.message).toMatch(/fabric\.mtu/);
    expect(e.message).toMatch(/sweep run 3: fabric\.mtu=100, workload\.bytes=65536/);
    const unknown = configError(() => planSweep(small, { set: ['fabirc.mtu=1,2'] }));
    expect(unknown.message).toMatch(/unknown field 'fabirc'/);
  });

  it.each([
    ['an empty axis', 'sweep:\n  fabric.mtu: []\n', /sweep\.fabric\.mtu: a sweep axis needs at least one value/],
    ['a value that is not a list', 'sweep:\n  fabric.mtu: 1024\n', /sweep\.fabric\.mtu: expected a list of values/],
    ['a path that is not dotted', 'sweep:\n  "fabric..mtu": [1]\n', /expected a dotted field path/],
    ['a sweep that is not a mapping', 'sweep: [1, 2]\n', /sweep/],
    ['sweeping the name', 'sweep:\n  name: [a, b]\n', /sweep\.name: the fields sweep and name cannot be swept/],
  ])('rejects %s', (_what, block, message) => {
    const f = writeFile(tmp, 'bad.yaml', SMALL_SWEEP.replace(/sweep:[\s\S]*$/, block));
    const e = configError(() => planSweep(f));
    expect(e.message).toMatch(message);
    expect(e.message).toContain('bad.yaml');
  });

  it('the schema accepts a sweep block and keeps it; validateExperiment rejects a bad one', () => {
    const raw = { name: 'x', workload: { kind: 'incast', senders: 2, bytes: 1000 }, sweep: { 'fabric.mtu': [1024, 2048] } };
    expect(validateExperiment(raw).sweep).toEqual({ 'fabric.mtu': [1024, 2048] });
    expect(() => validateExperiment({ ...raw, sweep: { 'fabric.mtu': [] } })).toThrow(/sweep\.fabric\.mtu/);
  });
});

describe('shards and slugs', () => {
  it('--shard i/N takes the runs r with (r - 1) mod N = i; together the shards are the sweep, once', () => {
    const runs = Array.from({ length: 10 }, (_, i) => ({ run: i + 1 }));
    const parts = [0, 1, 2].map((i) => shardRuns(runs, { index: i, count: 3 }).map((r) => r.run));
    expect(parts).toEqual([
      [1, 4, 7, 10],
      [2, 5, 8],
      [3, 6, 9],
    ]);
    expect(parseShard('2/3')).toEqual({ index: 2, count: 3 });
    for (const bad of ['3/3', '1', 'a/b', '-1/2', '0/0']) expect(() => parseShard(bad)).toThrow(/--shard must be i\/N/);
  });

  it('slugs are short, file-name safe and use the last path segment', () => {
    const axes = [
      { path: 'fabric.ecn', values: [] },
      { path: 'transport.kind', values: [] },
    ];
    expect(runSlug(axes, [{ kind: 'red', kmin_bytes: 1000 }, 'roce-v2'])).toBe('ecn-kind-red-kmin-bytes-1000_kind-roce-v2');
    expect(runSlug([{ path: 'workload.list', values: [] }], [Array.from({ length: 50 }, (_, i) => i)]).length).toBeLessThanOrEqual(48);
  });
});
