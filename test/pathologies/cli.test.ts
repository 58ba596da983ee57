import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { EXIT_OK, EXIT_SIMULATION, main } from '../../src/cli/main.js';

const tmp = mkdtempSync(join(tmpdir(), 'fabricsim-pathologies-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

async function cli(...argv: string[]) {
  let out = '';
  let err = '';
  const code = await main(argv, { out: (t) => (out += t), err: (t) => (err += t) });
  return { code, out, err };
}

/** A CSV file as header → column index, and its rows. */
function csv(file: string): { col: (name: string) => number; rows: string[][] } {
  const [head, ...rows] = readFileSync(file, 'utf8').trim().split('\n').map((l) => l.split(','));
  return { col: (name) => head!.indexOf(name), rows };
}

describe('fabricsim run on a pathology', () => {
  it('a deadlock: exit code 3, the cycle on stderr, results written with run.json `deadlock`', async () => {
    const dir = join(tmp, 'deadlock');
    const r = await cli('run', 'experiments/pfc-deadlock.yaml', '--out', dir);
    expect(r.code).toBe(EXIT_SIMULATION);
    expect(EXIT_SIMULATION).toBe(3);
    expect(r.err).toMatch(/^fabricsim: deadlock: PFC deadlock on priority 3 detected at [\d.]+ µs: sw0:1>sw1 → sw1:2>sw2 → .* → sw5:2>sw0 → sw0:1>sw1/);
    expect(r.err).toContain(dir);
    expect(r.out).toMatch(/0\/6 flows done .*\(deadlock\)/);
    expect(r.out).toMatch(/warning: +the routing has a cyclic buffer dependency/);
    const meta = JSON.parse(readFileSync(join(dir, 'run.json'), 'utf8'));
    expect(meta.stop_reason).toBe('deadlock');
    expect(meta.complete).toBe(true);
    expect(meta.deadlock.priority).toBe(3);
    expect(meta.deadlock.cycle).toEqual(['sw0:1>sw1', 'sw1:2>sw2', 'sw2:2>sw3', 'sw3:2>sw4', 'sw4:2>sw5', 'sw5:2>sw0']);
    expect(meta.deadlock.at_ns).toBe(meta.sim_time_ns);
    expect(meta.stop_report).toMatch(/^PFC deadlock/);
    const summary = csv(join(dir, 'summary.csv'));
    expect(summary.rows[0]![summary.col('stop_reason')]).toBe('deadlock');
  });

  it('the same file with --set fabric.routing.algorithm=updown: exit code 0, run.json `deadlock: null`', async () => {
    const dir = join(tmp, 'updown');
    const r = await cli('run', 'experiments/pfc-deadlock.yaml', '--out', dir, '--quiet', '--set', 'fabric.routing.algorithm=updown');
    expect(r.code).toBe(EXIT_OK);
    expect(r.err).toBe('');
    const meta = JSON.parse(readFileSync(join(dir, 'run.json'), 'utf8'));
    expect(meta.deadlock).toBeNull();
    expect(meta.stop_report).toBeNull();
    expect(meta.warnings).toEqual([]);
  });

  it('a lossless drop: exit code 3 and the report', async () => {
    const file = join(tmp, 'drop.yaml');
    writeFileSync(
      file,
      'name: drop\ntopology: { generator: star, params: { hosts: 5 } }\nfabric: { pfc: { xoff_bytes: 2048, xon_bytes: 1024, headroom_bytes: 0 } }\nworkload: { kind: incast, receiver: h0, senders: 4, bytes: 100000 }\n',
    );
    const dir = join(tmp, 'drop');
    const r = await cli('run', file, '--out', dir, '--quiet');
    expect(r.code).toBe(EXIT_SIMULATION);
    expect(r.err).toMatch(/^fabricsim: lossless-drop: packet dropped in lossless priority 3 at port sw0:0>h0 at [\d.]+ ns: headroom exhausted/);
    expect(JSON.parse(readFileSync(join(dir, 'run.json'), 'utf8')).stop_reason).toBe('lossless-drop');
  });

  it('the pause storm with the watchdog: ports.csv counts the trip and drops, pfc.csv logs trip and restore', async () => {
    const dir = join(tmp, 'storm');
    const r = await cli('run', 'experiments/pfc-pause-storm.yaml', '--out', dir, '--quiet', '--set', 'fabric.pfc.watchdog.enabled=true');
    expect(r.code).toBe(EXIT_OK);
    const ports = csv(join(dir, 'ports.csv'));
    const row = ports.rows.find((x) => x[ports.col('port')] === 'right:3>h7')!;
    expect(row[ports.col('watchdog_trips')]).toBe('1');
    expect(Number(row[ports.col('watchdog_drops')])).toBeGreaterThan(0);
    expect(row[ports.col('lossless_drops')]).toBe('0');
    const others = ports.rows.filter((x) => x !== row);
    expect(others.every((x) => x[ports.col('watchdog_trips')] === '0' && x[ports.col('watchdog_drops')] === '0')).toBe(true);
    const pfc = csv(join(dir, 'pfc.csv'));
    const wd = pfc.rows.filter((x) => x[pfc.col('kind')]!.startsWith('watchdog'));
    expect(wd.map((x) => [x[pfc.col('port')], x[pfc.col('kind')], x[pfc.col('priority')]])).toEqual([
      ['right:3>h7', 'watchdog_trip', '3'],
      ['right:3>h7', 'watchdog_restore', '3'],
    ]);
    // the storming NIC's frames are logged at its port, with cause `fault`
    const storm = pfc.rows.filter((x) => x[pfc.col('port')] === 'h7:0>right' && x[pfc.col('kind')] === 'pause_tx');
    expect(storm.length).toBe(6);
    expect(storm.every((x) => x[pfc.col('cause')] === 'fault')).toBe(true);
  });
});
