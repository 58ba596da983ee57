import { describe, expect, it } from 'vitest';
import { PFC_PAUSED, PFC_PAUSE_TX, PFC_RESUME_TX } from '../../src/metrics/pfc-log.js';
import { jainIndex } from '../../src/metrics/stats.js';
import { run } from '../helpers/run.js';

const N = 8;
const BYTES = 500_000;

function incast(fabric: Record<string, unknown>) {
  return run({
    name: 'incast',
    topology: { generator: 'star', params: { hosts: N + 1, rate_gbps: 100, delay_ns: 1000 } },
    fabric,
    transport: { kind: 'roce-v2', rto_us: 50 },
    workload: { kind: 'incast', receiver: 'h0', senders: N, bytes: BYTES },
  });
}

/**
 * Each flow's average delivery rate over its lifetime, bytes per ps. All flows start together
 * and are the same size, so under a fair share every one gets 1/N of the link for its whole life;
 * a flow that got more early would finish sooner and show a higher average.
 */
function averageRates(r: ReturnType<typeof incast>): number[] {
  return r.flows.records.map((f) => f.bytes / (f.recvDone - f.start));
}

describe(`${N}-to-1 incast on one switch`, () => {
  it('with PFC and enough headroom: no drops, PAUSE frames sent, fair shares', () => {
    const r = incast({ buffer_bytes: 4 * 1024 * 1024, pfc: { enabled: true, priorities: [3], xoff_bytes: 32768, xon_bytes: 16384 } });
    expect(r.flows.records.every((f) => f.status === 'done')).toBe(true);
    expect(r.fabric.traffic.droppedPackets).toBe(0);
    expect(r.flows.records.reduce((s, f) => s + f.retxPackets, 0)).toBe(0);
    const log = r.fabric.pfcLog;
    expect(log.count(PFC_PAUSE_TX)).toBeGreaterThan(0);
    expect(log.count(PFC_RESUME_TX)).toBeGreaterThan(0);
    expect(log.count(PFC_PAUSED)).toBeGreaterThan(0);
    const rates = averageRates(r);
    // 1/N of 100 Gb/s, times the payload fraction of a 1024-byte packet (1024 / 1106)
    const fair = (100e9 / 8 / N) * (1024 / 1106);
    for (const rate of rates) expect(Math.abs(rate * 1e12 - fair) / fair).toBeLessThan(0.05);
    expect(jainIndex(rates)).toBeGreaterThan(0.99);
    // the switch never held more than XOFF + headroom per ingress
    const sw = r.fabric.switches[0]!;
    expect(sw.buffer.peak).toBeLessThanOrEqual(N * (32768 + 40_000));
  });

  it('without PFC on a small buffer: drops, retransmissions, and every byte still delivered', () => {
    const r = incast({ buffer_bytes: 64 * 1024, pfc: { enabled: false } });
    expect(r.fabric.traffic.droppedPackets).toBeGreaterThan(0);
    expect(r.fabric.traffic.losslessDrops).toBe(0);
    const retx = r.flows.records.reduce((s, f) => s + f.retxPackets, 0);
    expect(retx).toBeGreaterThan(0);
    for (const f of r.flows.records) {
      expect(f.status).toBe('done');
      expect(f.deliveredBytes).toBe(BYTES);
    }
    expect(r.fabric.pfcLog.length).toBe(0);
  });

  it('with PFC but no headroom and a tiny XOFF the lossless class drops, and the run says so', () => {
    const r = incast({ buffer_bytes: 4 * 1024 * 1024, pfc: { enabled: true, xoff_bytes: 2048, xon_bytes: 1024, headroom_bytes: 0, on_lossless_drop: 'warn' } });
    expect(r.fabric.traffic.losslessDrops).toBeGreaterThan(0);
    expect(r.warnings.join(' ')).toMatch(/lossless class.*headroom/);
  });
});
