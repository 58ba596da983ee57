import { describe, expect, it } from 'vitest';
import { loadExperimentFile } from '../../src/experiment/load.js';
import { runExperiment, type RunResult } from '../../src/experiment/run.js';
import { PFC_PAUSED, PFC_UNPAUSED } from '../../src/metrics/pfc-log.js';
import { checkConservation, run } from '../helpers/run.js';

const FILE = 'experiments/pfc-deadlock.yaml';
const SWITCHES = 6;

function deadlockRun(...set: string[]): RunResult {
  const { config } = loadExperimentFile(FILE, { set: ['outputs.samples_interval_ns=0', ...set] });
  const r = runExperiment(config, { file: FILE });
  checkConservation(r);
  return r;
}

/** `swI:local>swJ` → [I, J], or null for a port that is not a ring link. */
function ringHop(name: string): [number, number] | null {
  const m = /^sw(\d+):\d+>sw(\d+)$/.exec(name);
  return m === null ? null : [Number(m[1]), Number(m[2])];
}

/** The time every port of `ports` was last paused (they are all paused at the end). */
function lastPausedAt(r: RunResult, ports: readonly number[]): number {
  const log = r.fabric.pfcLog.cols;
  const since = new Map<number, number>();
  for (let i = 0; i < log.length; i++) {
    const port = log.get(i, 1);
    if (!ports.includes(port)) continue;
    if (log.get(i, 3) === PFC_PAUSED) since.set(port, log.get(i, 0));
    if (log.get(i, 3) === PFC_UNPAUSED) since.delete(port);
  }
  expect(since.size).toBe(ports.length);
  return Math.max(...since.values());
}

describe('PFC deadlock on a ring with shortest-path routing (experiments/pfc-deadlock.yaml)', () => {
  const r = deadlockRun();

  it('stops the run on the deadlock, with the results still complete and nothing dropped', () => {
    expect(r.stopReason).toBe('deadlock');
    expect(r.complete).toBe(true);
    expect(r.fabric.traffic.droppedPackets).toBe(0);
    expect(r.flows.records.every((f) => f.status === 'pending')).toBe(true);
    expect(r.stopReport).toMatch(/^PFC deadlock on priority 3 detected at [\d.]+ µs: sw/);
  });

  it('names the cycle: every ring link, in order, all the same way round', () => {
    const d = r.deadlock!;
    expect(d.priority).toBe(3);
    expect(d.cycle).toHaveLength(SWITCHES);
    const maybe = d.cycle.map(ringHop);
    expect(maybe.every((h) => h !== null)).toBe(true);
    const hops = maybe.map((h) => h!);
    const dir = (hops[0]![1] - hops[0]![0] + SWITCHES) % SWITCHES;
    expect([1, SWITCHES - 1]).toContain(dir);
    hops.forEach(([from, to], i) => {
      expect((to - from + SWITCHES) % SWITCHES).toBe(dir); // one step the same way round
      expect(hops[(i + 1) % SWITCHES]![0]).toBe(to); // the next port is on the switch this one feeds
    });
    expect(new Set(hops.map(([from]) => from)).size).toBe(SWITCHES);
    // the report and the fabric agree on the ports, which are all paused right now
    const ports = d.cycle.map((name) => r.fabric.ports.findIndex((p) => r.fabric.portName(p.index) === name));
    for (const p of ports) expect(r.fabric.ports[p]!.isPaused(3)).toBe(true);
  });

  it('detects it between 1 and 1.5 check intervals after the cycle closed', () => {
    const interval = r.fabric.guards!.deadlock!.intervalPs;
    expect(interval).toBe(100e6); // deadlock_check_us: 100
    const ports = r.deadlock!.cycle.map((name) => r.fabric.ports.findIndex((p) => r.fabric.portName(p.index) === name));
    const closed = lastPausedAt(r, ports);
    const delay = r.deadlock!.atPs - closed;
    expect(delay).toBeGreaterThanOrEqual(interval);
    expect(delay).toBeLessThanOrEqual(1.5 * interval);
    expect(r.simTimePs).toBe(r.deadlock!.atPs);
  });

  it('warns before the run that the routing has a cyclic buffer dependency around the ring', () => {
    const w = r.warnings.find((x) => x.includes('cyclic buffer dependency'));
    expect(w).toBeDefined();
    const names = w!.slice(w!.indexOf(': ') + 2, w!.indexOf(';')).split(' → ');
    expect(names).toHaveLength(SWITCHES + 1); // the cycle, closed by repeating its first port
    expect(names[0]).toBe(names[SWITCHES]);
    for (const n of names) expect(ringHop(n)).not.toBeNull();
  });

  it('with up*/down* routing the same experiment runs to completion, every flow done, no warning', () => {
    const u = deadlockRun('fabric.routing.algorithm=updown');
    expect(u.stopReason).toBe('all-flows-ended');
    expect(u.deadlock).toBeNull();
    expect(u.flows.records.every((f) => f.status === 'done' && f.deliveredBytes === f.bytes)).toBe(true);
    expect(u.warnings.some((x) => x.includes('cyclic buffer dependency'))).toBe(false);
    expect(u.fabric.traffic.droppedPackets).toBe(0);
    // h4 → h0 would turn down-then-up at sw5; it goes the long way round instead
    expect(u.fabric.path(4, 0, 1).map((p) => u.fabric.portName(p.index))).toEqual([
      'h4:0>sw4', 'sw4:1>sw3', 'sw3:1>sw2', 'sw2:1>sw1', 'sw1:1>sw0', 'sw0:0>h0',
    ]);
  });

  it('deadlock_check_us: 0 turns detection off: the run sits deadlocked until its time limit', () => {
    // (before the QPs give up: 7 RTOs of 100 µs without progress fail them at about 800 µs)
    const off = deadlockRun('fabric.pfc.deadlock_check_us=0', 'stop.time_us=600');
    expect(off.stopReason).toBe('time-limit');
    expect(off.simTimePs).toBe(600e6);
    expect(off.deadlock).toBeNull();
    expect(off.fabric.traffic.deliveredPackets).toBe(r.fabric.traffic.deliveredPackets); // nothing moved after the deadlock
  });
});

describe('no false deadlocks', () => {
  it('heavy pausing in a tree (an incast through a leaf-spine) is never a cycle, even checked every microsecond', () => {
    const r = run({
      name: 'incast',
      topology: { generator: 'leaf-spine', params: { leaves: 4, spines: 2, hosts_per_leaf: 4 } },
      fabric: { pfc: { xoff_bytes: 16384, xon_bytes: 8192, deadlock_check_us: 1 } },
      workload: { kind: 'incast', receiver: 'h0', senders: [4, 5, 6, 7, 8, 9, 10, 11], bytes: 300_000 },
    });
    expect(r.stopReason).toBe('all-flows-ended');
    expect(r.fabric.guards!.deadlock!.checks).toBeGreaterThan(10);
    expect(r.flows.records.every((f) => f.status === 'done')).toBe(true);
  });

  it('the default interval is the pause time of one PAUSE frame: quanta × 512 bit times at the link rate', () => {
    const r = run({
      name: 'tiny',
      topology: { generator: 'ring', params: { switches: 3, rate_gbps: 25 } },
      fabric: { pfc: { quanta: 1000 } },
      workload: { kind: 'flows', list: [{ src: 'h0', dst: 'h1', bytes: 1000 }] },
    });
    expect(r.fabric.guards!.deadlock!.intervalPs).toBe((1000 * 512 * 1e12) / 25e9);
  });
});
