import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ensureBuilt } from '../helpers/build.js';
import { filesUnder } from '../sweep/helpers.js';

const tmp = mkdtempSync(join(tmpdir(), 'fabricsim-interrupt-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));
/** Minutes of work: it only ends when interrupted. */
const long = join(tmp, 'long.yaml');
writeFileSync(long, 'name: long\ntopology: { generator: fat-tree, params: { k: 4 } }\nworkload: { kind: permutation, bytes: 200000000 }\nstop: { time_us: 100000 }\n');
let bin = '';
beforeAll(() => {
  bin = ensureBuilt();
});

/** Runs the real command line, sends `signal` after `afterMs`, and returns its exit code and output. */
// The delays leave room for Node's start-up on a loaded 2-core machine: a signal that arrives
// before the CLI has installed its handlers would kill it the default way.
function interrupt(args: string[], signal: NodeJS.Signals, afterMs = 2500): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [bin, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    const timer = setTimeout(() => child.kill(signal), afterMs);
    child.on('error', reject);
    child.on('exit', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
  });
}

describe('Ctrl-C', () => {
  it('stops a run cleanly: exit code 130, results written with complete: false, no temporary files', async () => {
    const dir = join(tmp, 'run');
    const r = await interrupt(['run', long, '--out', dir], 'SIGINT');
    expect(r.code, r.stderr).toBe(130);
    expect(r.stderr).toMatch(/interrupted at [\d.]+ µs simulated; partial results \(run\.json complete: false\)/);
    const meta = JSON.parse(readFileSync(join(dir, 'run.json'), 'utf8'));
    expect(meta.complete).toBe(false);
    expect(meta.stop_reason).toBe('interrupted');
    expect(meta.sim_time_ns).toBeGreaterThan(0);
    for (const f of ['flows.csv', 'ports.csv', 'samples.csv', 'pfc.csv', 'summary.csv']) expect(existsSync(join(dir, f)), f).toBe(true);
    expect(readFileSync(join(dir, 'summary.csv'), 'utf8')).toMatch(/\nlong,\d+,interrupted,false,/);
    expect(readdirSync(dir).filter((f) => f.includes('.tmp-'))).toEqual([]);
  });

  it('SIGTERM (scancel) does the same with exit code 143', async () => {
    const dir = join(tmp, 'term');
    const r = await interrupt(['run', long, '--out', dir, '--quiet'], 'SIGTERM', 2500);
    expect(r.code, r.stderr).toBe(143);
    expect(JSON.parse(readFileSync(join(dir, 'run.json'), 'utf8')).complete).toBe(false);
  });

  it('stops a sweep: its workers stop, unfinished runs are complete: false, nothing looks finished', async () => {
    const dir = join(tmp, 'sweep');
    const r = await interrupt(['sweep', long, '--set', 'workload.bytes=100000000,200000000,300000000', '--jobs', '2', '--out', dir], 'SIGINT', 3500);
    expect(r.code, r.stderr).toBe(130);
    expect(r.stderr).toMatch(/interrupted: 0 of 3 runs finished/);
    const manifest = JSON.parse(readFileSync(join(dir, 'sweep.json'), 'utf8'));
    expect(manifest.complete).toBe(false);
    expect(manifest.runs.map((x: { status: string }) => x.status)).toEqual(['interrupted', 'interrupted', 'not-started']);
    for (const run of manifest.runs.slice(0, 2)) {
      const meta = JSON.parse(readFileSync(join(dir, run.dir, 'run.json'), 'utf8'));
      expect(meta.complete).toBe(false);
    }
    expect(existsSync(join(dir, manifest.runs[2].dir))).toBe(false);
    // summary.csv has the two interrupted runs, marked incomplete
    const rows = readFileSync(join(dir, 'summary.csv'), 'utf8').trim().split('\n').slice(1);
    expect(rows).toHaveLength(2);
    for (const row of rows) expect(row).toMatch(/,interrupted,false,/);
    expect(filesUnder(dir, (f) => f.includes('.tmp-'))).toEqual([]);
  });
});
