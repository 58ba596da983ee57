import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { runExperiment } from '../../src/experiment/run.js';
import { writeResults } from '../../src/experiment/output.js';
import { readTable } from '../../src/plot/data.js';
import { cpuByStage } from '../../src/plot/run-charts.js';

const dirs: string[] = [];
afterAll(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

const experiment = (hosts?: Record<string, unknown>) => ({
  name: 'cpu-csv',
  outputs: { samples_interval_ns: 0 },
  topology: { generator: 'star', params: { hosts: 3, rate_gbps: 100, delay_ns: 1000 } },
  workload: { kind: 'incast', receiver: 'h0', senders: 2, bytes: 100_000 },
  ...(hosts ? { hosts } : {}),
});

describe('cpu.csv', () => {
  it('one row per host, core and stage, with busy_ns that sum to the core busy time; the plot reads it', () => {
    const dir = mkdtempSync(join(tmpdir(), 'fabricsim-cpu-'));
    dirs.push(dir);
    const r = runExperiment(experiment({ stack: 'kernel', cores: 2 }));
    writeResults(r, dir);
    const csv = readFileSync(join(dir, 'cpu.csv'), 'utf8').trim().split('\n');
    expect(csv[0]).toBe('host,core,stack,stage,busy_ns,core_busy_ns,cpu_util,packets,calls,ring_drops');
    const rows = csv.slice(1).map((l) => l.split(','));
    // 3 hosts × 2 cores × (10 rx + 5 tx stages)
    expect(rows.length).toBe(3 * 2 * 15);
    for (const host of ['h0', 'h1', 'h2']) {
      for (const core of ['0', '1']) {
        const mine = rows.filter((x) => x[0] === host && x[1] === core);
        const sum = mine.reduce((s, x) => s + Number(x[4]), 0);
        expect(sum).toBeCloseTo(Number(mine[0]![5]), 3);
      }
    }
    const fig = cpuByStage(readTable(dir, 'cpu.csv'));
    expect('skipped' in fig).toBe(false);
    const json = JSON.parse(readFileSync(join(dir, 'run.json'), 'utf8')) as { files: string[] };
    expect(json.files).toContain('cpu.csv');
  });

  it('no hosts block: no cpu.csv', () => {
    const dir = mkdtempSync(join(tmpdir(), 'fabricsim-cpu-'));
    dirs.push(dir);
    writeResults(runExperiment(experiment()), dir);
    expect(readTable(dir, 'cpu.csv')).toBeNull();
  });
});
