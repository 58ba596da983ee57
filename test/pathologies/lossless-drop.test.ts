import { describe, expect, it } from 'vitest';
import { PC_LOSSLESS_DROPS } from '../../src/metrics/port-counters.js';
import { run } from '../helpers/run.js';

const N = 8;

/** An 8-to-1 incast on one switch with the given PFC settings. */
function incast(pfc: Record<string, unknown>, fabric: Record<string, unknown> = {}) {
  return run({
    name: 'incast',
    topology: { generator: 'star', params: { hosts: N + 1, rate_gbps: 100, delay_ns: 1000 } },
    fabric: { buffer_bytes: 4 * 1024 * 1024, ...fabric, pfc: { enabled: true, priorities: [3], ...pfc } },
    transport: { kind: 'roce-v2', rto_us: 50 },
    workload: { kind: 'incast', receiver: 'h0', senders: N, bytes: 500_000 },
  });
}

describe('the lossless invariant: a drop in a PFC priority', () => {
  const noHeadroom = { xoff_bytes: 2048, xon_bytes: 1024, headroom_bytes: 0 };

  it("is an error by default: the run stops at the first one, complete, with a report naming port, time and the numbers", () => {
    const r = incast(noHeadroom);
    const t = r.fabric.traffic;
    expect(r.stopReason).toBe('lossless-drop');
    expect(r.complete).toBe(true);
    expect(t.losslessDrops).toBe(1); // stopped at the first
    expect(r.simTimePs).toBe(t.firstLosslessDropAt);
    const m = /^packet dropped in lossless priority 3 at port (\S+) at ([\d.]+) ns: headroom exhausted \(ingress bytes (\d+) > xoff (\d+) \+ headroom (\d+), arriving from (\S+)\)/.exec(r.stopReport!);
    expect(m, r.stopReport!).not.toBeNull();
    const [, portName, atNs, bytes, xoff, headroom, from] = m!;
    expect(portName).toBe(r.fabric.portName(t.firstLosslessDropPort));
    expect(portName).toBe('sw0:0>h0'); // everything goes to h0
    expect(Number(atNs) * 1000).toBe(t.firstLosslessDropAt);
    expect(Number(xoff)).toBe(2048);
    expect(Number(headroom)).toBe(0);
    // B is the charge plus this frame; the charge is at most XOFF + headroom and the frame that
    // crossed XOFF, so B is at most two data frames (≤ 1,200 bytes each) above XOFF
    expect(Number(bytes)).toBeGreaterThan(2048);
    expect(Number(bytes)).toBeLessThanOrEqual(2048 + 2 * 1200);
    expect(from).toMatch(/^h[1-8]:0>sw0$/);
    expect(r.fabric.counters.get(t.firstLosslessDropPort, PC_LOSSLESS_DROPS)).toBe(1);
    expect(r.warnings.some((w) => /lossless class/.test(w))).toBe(false); // the report says it
  });

  it("with on_lossless_drop 'warn' the run goes on to the end and the drops are a warning", () => {
    const r = incast({ ...noHeadroom, on_lossless_drop: 'warn' });
    expect(r.stopReason).toBe('all-flows-ended');
    expect(r.stopReport).toBeNull();
    expect(r.fabric.traffic.losslessDrops).toBeGreaterThan(1);
    expect(r.warnings.join(' ')).toMatch(/packet\(s\) dropped in a lossless class/);
  });

  it('names a full shared buffer when that, not the headroom, is what ran out', () => {
    const r = incast({ xoff_bytes: 65536, xon_bytes: 32768 }, { buffer_bytes: 32768 });
    expect(r.stopReason).toBe('lossless-drop');
    expect(r.stopReport).toMatch(/: shared buffer full \(\d+ \+ \d+ bytes > 32768, arriving from h\d:0>sw0\)/);
  });

  it('with enough headroom nothing is dropped and the run ends normally', () => {
    const r = incast({ xoff_bytes: 32768, xon_bytes: 16384 });
    expect(r.stopReason).toBe('all-flows-ended');
    expect(r.fabric.traffic.droppedPackets).toBe(0);
  });
});
