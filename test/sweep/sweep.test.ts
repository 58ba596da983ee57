import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ensureBuilt } from '../helpers/build.js';
import { cli, filesUnder, sameResults, SMALL_SWEEP, writeFile } from './helpers.js';

const run = promisify(execFile);
const tmp = mkdtempSync(join(tmpdir(), 'fabricsim-sweep-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));
const small = writeFile(tmp, 'small.yaml', SMALL_SWEEP);
/** The reference: the whole sweep with --jobs 1 (in this process). */
const ref = join(tmp, 'ref');

beforeAll(async () => {
  const r = await cli('sweep', small, '--jobs', '1', '--out', ref);
  if (r.code !== 0) throw new Error(`the reference sweep failed (${r.code}): ${r.err}`);
});

describe('fabricsim sweep', () => {
  it('writes one folder per run, summary.csv with the swept values first, and sweep.json', () => {
    const dirs = readdirSync(ref).filter((d) => d.startsWith('run-')).sort();
    expect(dirs).toEqual(['run-0001-mtu-1024_bytes-65536', 'run-0002-mtu-1024_bytes-131072', 'run-0003-mtu-4096_bytes-65536', 'run-0004-mtu-4096_bytes-131072']);
    for (const d of dirs) {
      for (const f of ['flows.csv', 'ports.csv', 'samples.csv', 'pfc.csv', 'summary.csv', 'run.json']) expect(existsSync(join(ref, d, f)), `${d}/${f}`).toBe(true);
      expect(JSON.parse(readFileSync(join(ref, d, 'run.json'), 'utf8')).complete).toBe(true);
    }
    const lines = readFileSync(join(ref, 'summary.csv'), 'utf8').trim().split('\n');
    expect(lines).toHaveLength(5);
    const head = lines[0]!.split(',');
    const runHead = readFileSync(join(ref, dirs[0]!, 'summary.csv'), 'utf8').split('\n')[0]!;
    expect(head.slice(0, 3)).toEqual(['run', 'fabric.mtu', 'workload.bytes']);
    expect(head.slice(3).join(',')).toBe(runHead);
    // each row: the run, its values, then that run's own summary row verbatim
    dirs.forEach((d, i) => {
      const own = readFileSync(join(ref, d, 'summary.csv'), 'utf8').split('\n')[1]!;
      const values = [['1024', '65536'], ['1024', '131072'], ['4096', '65536'], ['4096', '131072']][i]!;
      expect(lines[i + 1]).toBe([d, ...values, own].join(','));
    });
    // the runs differ as their values say
    const rows = lines.slice(1).map((l) => l.split(','));
    const delivered = head.indexOf('delivered_bytes');
    expect(rows.map((r) => Number(r[delivered]))).toEqual([6 * 65536, 6 * 131072, 6 * 65536, 6 * 131072]);
    const manifest = JSON.parse(readFileSync(join(ref, 'sweep.json'), 'utf8'));
    expect(manifest.complete).toBe(true);
    expect(manifest.shard).toBeNull();
    expect(manifest.runs.map((r: { status: string }) => r.status)).toEqual(['done', 'done', 'done', 'done']);
  });

  it('shards run their share of the runs; merged, they are byte-identical to the whole sweep', async () => {
    const shards = [0, 1, 2].map((i) => join(tmp, `shard-${i}`));
    for (const [i, dir] of shards.entries()) {
      const r = await cli('sweep', small, '--jobs', '1', '--shard', `${i}/3`, '--out', dir, '--quiet');
      expect(r.code, r.err).toBe(0);
    }
    expect(readdirSync(shards[0]!).filter((d) => d.startsWith('run-')).sort()).toEqual(['run-0001-mtu-1024_bytes-65536', 'run-0004-mtu-4096_bytes-131072']);
    expect(readFileSync(join(shards[1]!, 'summary.csv'), 'utf8').trim().split('\n')).toHaveLength(2);
    const merged = join(tmp, 'merged');
    const m = await cli('merge', merged, ...shards);
    expect(m.code, m.err).toBe(0);
    expect(m.out).toMatch(/merged 4 of 4 runs from 3 folders/);
    const csvPerRun = readdirSync(join(ref, 'run-0001-mtu-1024_bytes-65536')).filter((f) => f.endsWith('.csv')).length;
    expect(csvPerRun).toBeGreaterThanOrEqual(5);
    expect(sameResults(ref, merged).length).toBe(4 * csvPerRun + 2); // + summary.csv and sweep.json
  });

  it('merge refuses missing runs (unless --partial), duplicates and parts of another sweep', async () => {
    const shard0 = join(tmp, 'shard-0');
    const shard1 = join(tmp, 'shard-1');
    const missing = await cli('merge', join(tmp, 'm1'), shard0, shard1);
    expect(missing.code).toBe(2);
    expect(missing.err).toMatch(/runs 3 of 4 are missing or unfinished.*--partial/);
    const partial = await cli('merge', join(tmp, 'm2'), shard0, shard1, '--partial');
    expect(partial.code).toBe(0);
    expect(partial.out).toMatch(/missing or unfinished: runs 3/);
    expect(JSON.parse(readFileSync(join(tmp, 'm2', 'sweep.json'), 'utf8')).complete).toBe(false);
    const twice = await cli('merge', join(tmp, 'm3'), shard0, ref);
    expect(twice.code).toBe(2);
    expect(twice.err).toMatch(/run 1 .* is in both/);
    const other = join(tmp, 'other');
    expect((await cli('sweep', small, '--jobs', '1', '--set', 'fabric.mtu=2048,4096', '--shard', '1/3', '--out', other, '-q')).code).toBe(0);
    const mixed = await cli('merge', join(tmp, 'm4'), shard0, other);
    expect(mixed.code).toBe(2);
    expect(mixed.err).toMatch(/parts of different sweeps/);
    const notSweep = await cli('merge', join(tmp, 'm5'), tmp);
    expect(notSweep.code).toBe(2);
    expect(notSweep.err).toMatch(/not a sweep folder/);
  });

  it('refuses to write into a folder that holds another sweep', async () => {
    const r = await cli('sweep', small, '--jobs', '1', '--set', 'fabric.mtu=2048', '--out', ref);
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/already holds a different sweep/);
  });

  it('--dry-run lists the runs with their seeds and runs nothing', async () => {
    const dir = join(tmp, 'dry');
    const r = await cli('sweep', small, '--dry-run', '--shard', '1/2', '--out', dir);
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/4 runs \(fabric\.mtu: 2 values × workload\.bytes: 2 values\), seeds derived; shard 1\/2: 2 runs/);
    expect(r.out).toMatch(/run-0002-mtu-1024_bytes-131072 {2}seed=\d+ {2}fabric\.mtu=1024, workload\.bytes=131072/);
    expect(existsSync(dir)).toBe(false);
  });

  it('a value only a run can reject stops the sweep with exit code 2 and names the run', async () => {
    const r = await cli('sweep', small, '--jobs', '1', '--set', 'workload.receiver=h0,h99', '--out', join(tmp, 'badhost'));
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/workload\.receiver: unknown host 'h99'.*\(in sweep run 2 \[run-0002-mtu-1024_bytes-65536_receiver-h99\]: .*workload\.receiver=h99\); the other runs were stopped/);
  });

  it('with --jobs 2 (worker threads, the real command line) the results are byte-identical', async () => {
    const bin = ensureBuilt();
    const dir = join(tmp, 'jobs2');
    const t0 = performance.now();
    const { stdout } = await run(process.execPath, [bin, 'sweep', small, '--jobs', '2', '--out', dir]);
    const ms = performance.now() - t0;
    expect(stdout).toMatch(/2 jobs/);
    expect(stdout).toMatch(/summary: .*summary\.csv \(4 runs\)/);
    expect(sameResults(ref, dir)).toContain('summary.csv');
    expect(filesUnder(dir, (f) => f.includes('.tmp-'))).toEqual([]);
    expect(ms).toBeLessThan(30_000);
  });
});
