import { describe, expect, it } from 'vitest';
import { CREDIT_STALL } from '../../src/metrics/pfc-log.js';
import { run } from '../helpers/run.js';

const SWITCHES = 6;

/**
 * A ring of six switches, one host each, every host sending 2 MB two hops clockwise
 * (h_i → h_{i+2}): with shortest-path routing every ring link carries two flows the same way
 * round, each switch's receive buffer from its predecessor holds packets waiting for credits on
 * its link to the successor: a cyclic buffer dependency. With small per-VL buffers the credits
 * run out all round the ring and never come back: a credit loop. Up*\/down* routing breaks the
 * cycle (no route turns down → up), so the same traffic completes.
 */
const ring = (routing: Record<string, unknown>) => ({
  name: 'credit-loop',
  seed: 1,
  topology: { generator: 'ring', params: { switches: SWITCHES, hosts_per_switch: 1, rate_gbps: 100, delay_ns: 1000 } },
  fabric: { mtu: 1024, credit: { vl_buffer_bytes: 8192, loop_check_us: 50 }, routing },
  transport: { kind: 'infiniband', priority: 3, ack_every: 4 },
  cc: { kind: 'none' },
  workload: {
    kind: 'flows',
    list: Array.from({ length: SWITCHES }, (_, i) => ({ src: `h${i}`, dst: `h${(i + 2) % SWITCHES}`, bytes: 2_000_000 })),
  },
  stop: { time_us: 10000 },
});

function ringHop(name: string): [number, number] | null {
  const m = /^sw(\d+):\d+>sw(\d+)$/.exec(name);
  return m === null ? null : [Number(m[1]), Number(m[2])];
}

describe('credit loops: shortest-path routing on a ring deadlocks, up*/down* does not', () => {
  const minhop = run(ring({ algorithm: 'shortest' }));

  it('stops the run with stop reason deadlock and names the cycle of stalled ring ports', () => {
    expect(minhop.stopReason).toBe('deadlock');
    expect(minhop.fabric.traffic.droppedPackets).toBe(0);
    expect(minhop.flows.records.some((f) => f.status !== 'done')).toBe(true);
    expect(minhop.stopReport).toMatch(/^credit loop \(deadlock\) on VL 3 detected at [\d.]+ µs: sw/);
    const d = minhop.deadlock!;
    expect(d.priority).toBe(3);
    expect(d.cycle).toHaveLength(SWITCHES);
    const hops = d.cycle.map(ringHop);
    expect(hops.every((h) => h !== null)).toBe(true);
    const dir = (hops[0]![1] - hops[0]![0] + SWITCHES) % SWITCHES;
    hops.forEach((h, i) => {
      const [from, to] = h!;
      expect((to - from + SWITCHES) % SWITCHES).toBe(dir);
      expect(hops[(i + 1) % SWITCHES]![0]).toBe(to);
    });
    // detected after the stalls have lasted at least the 50 µs interval, within 1.5 intervals of the last one starting
    const log = minhop.fabric.pfcLog;
    let lastStall = 0;
    for (let i = 0; i < log.length; i++) if (log.cols.get(i, 3) === CREDIT_STALL && d.cycle.includes(minhop.fabric.portName(log.cols.get(i, 1)))) lastStall = Math.max(lastStall, log.cols.get(i, 0));
    expect(d.atPs - lastStall).toBeGreaterThanOrEqual(50e6);
    expect(d.atPs - lastStall).toBeLessThanOrEqual(75e6);
    // the static check saw it coming
    expect(minhop.warnings.some((w) => /cyclic buffer dependency, so credit flow control can deadlock/.test(w))).toBe(true);
  });

  it('up*/down* on the same ring and traffic completes with no drops and no report', () => {
    const updown = run(ring({ algorithm: 'updown' }));
    expect(updown.stopReason).toBe('all-flows-ended');
    expect(updown.deadlock).toBeNull();
    expect(updown.flows.records.every((f) => f.status === 'done')).toBe(true);
    expect(updown.fabric.traffic.droppedPackets).toBe(0);
    expect(updown.warnings.some((w) => /cyclic buffer dependency/.test(w))).toBe(false);
  });
});
