import { describe, expect, it } from 'vitest';
import { VlArbitration } from '../../src/fabric/scheduler/vl-arbitration.js';
import { ibSlStar } from '../helpers/ib-sl-star.js';
import { run } from '../helpers/run.js';

/** Picks `n` times with every VL in `eligible` always backlogged with `bytes`-byte packets; counts per VL. */
function shares(s: VlArbitration, eligible: number, n: number, bytes = 1050): number[] {
  const counts = new Array<number>(8).fill(0);
  for (let i = 0; i < n; i++) counts[s.pick(eligible, () => bytes)]!++;
  return counts;
}

describe('VL arbitration (IBA §7.6.9)', () => {
  it('a table shares packets by weight in 64-byte units: 32 and 96 units with 17-unit packets send 2 and 6 per turn', () => {
    const s = new VlArbitration([], [{ vl: 1, weight: 32 }, { vl: 2, weight: 96 }], 255);
    const c = shares(s, 0b110, 800);
    expect(c[1]).toBe(200);
    expect(c[2]).toBe(600);
  });

  it('an entry whose VL has nothing to send passes its turn; weight 0 entries are skipped', () => {
    const s = new VlArbitration([], [{ vl: 1, weight: 32 }, { vl: 2, weight: 0 }, { vl: 3, weight: 64 }], 255);
    expect(shares(s, 0b0110, 10)[2]).toBe(0); // VL 2 has weight 0: never while a weighted VL can send
    expect(shares(s, 0b0100, 3)[2]).toBe(3); // the fallback: served when nothing weighted can
    const c = shares(s, 0b1010, 90);
    expect(c[1]! / c[3]!).toBeCloseTo(2 / 4, 5); // 2 packets of 17 units per 32, 4 per 64
  });

  it('the high table goes first; the high-priority limit lets one low packet through per limit × 4096 bytes', () => {
    const unlimited = new VlArbitration([{ vl: 5, weight: 64 }], [{ vl: 0, weight: 64 }], 255);
    expect(shares(unlimited, 0b100001, 100)).toEqual([0, 0, 0, 0, 0, 100, 0, 0]);
    // limit 1 = 4096 bytes: four 1050-byte high packets (4200 B ≥ 4096), then one low packet
    const limited = new VlArbitration([{ vl: 5, weight: 64 }], [{ vl: 0, weight: 64 }], 1);
    const seq = Array.from({ length: 10 }, () => limited.pick(0b100001, () => 1050));
    expect(seq).toEqual([5, 5, 5, 5, 0, 5, 5, 5, 5, 0]);
    // limit 0: one high packet, then one low
    const zero = new VlArbitration([{ vl: 5, weight: 64 }], [{ vl: 0, weight: 64 }], 0);
    expect(Array.from({ length: 4 }, () => zero.pick(0b100001, () => 1050))).toEqual([5, 0, 5, 0]);
    // with nothing low waiting the limit does not apply
    expect(shares(limited, 0b100000, 20)[5]).toBe(20);
  });

  /**
   * Two long WRITEs into h2 on SL 1 and SL 2 over an EDR switch with credits; the switch's port to
   * h2 is the bottleneck. With low-table weights 32 : 96 the SL-2 flow gets 3/4 of it while both
   * are backlogged: it finishes its 2 MB after about 2 MB / 0.75 of line rate, when the SL-1 flow
   * has 1/3 of its bytes through; the SL-1 flow then finishes alone at about 4 MB / line rate.
   */
  it('on a fabric: two flows on two SLs share a bottleneck 1 : 3 as their VLs\' weights say', () => {
    const bytes = 2_000_000;
    const r = run({
      name: 'vlarb',
      topology: { generator: 'star', params: { hosts: 3, delay_ns: 100 } },
      fabric: { ib_speed: 'EDR', scheduler: { kind: 'vl-arbitration', low: [{ vl: 1, weight: 32 }, { vl: 2, weight: 96 }] } },
      transport: { kind: 'infiniband' },
      workload: {
        kind: 'mix',
        workloads: [
          { kind: 'flows', priority: 1, list: [{ src: 'h0', dst: 'h2', bytes }] },
          { kind: 'flows', priority: 2, list: [{ src: 'h1', dst: 'h2', bytes }] },
        ],
      },
    });
    expect(r.fabric.traffic.droppedPackets).toBe(0);
    const [sl1, sl2] = r.flows.records;
    expect(sl1!.status).toBe('done');
    expect(sl2!.status).toBe('done');
    const ratio = sl2!.recvDone / sl1!.recvDone;
    expect(ratio).toBeGreaterThan(0.66);
    expect(ratio).toBeLessThan(0.68); // (2 / 0.75) / 4 = 2/3
  });
});

/**
 * SL→VL mapping at a switch port: two long WRITEs into h2 on SL 1 and SL 2. The switch's port to
 * h2 maps SL 1 to VL 5, which its VL arbitration serves from the high-priority table: the SL-1
 * flow goes first at (nearly) line rate and the SL-2 flow waits. Without the mapping both VLs are
 * in the low table with equal weights and the two flows share the port.
 */
describe('SL→VL mapping per port', () => {
  const bytes = 1_000_000;
  const experiment = (slToVl: Record<string, unknown> | undefined) => ibSlStar(slToVl, { bytes, h1Sl: 2, name: 'sl2vl' });

  it('maps SL 1 to the high-priority VL 5 on the bottleneck port only', () => {
    const mapped = run(experiment({ ports: { 'sw0:2': [0, 5, 2, 3, 4, 5, 6, 7] } }));
    const [sl1, sl2] = mapped.flows.records;
    expect(mapped.fabric.portName(mapped.fabric.switches[0]!.ports[2]!.index)).toBe('sw0:2>h2');
    expect(sl1!.status).toBe('done');
    expect(sl2!.status).toBe('done');
    expect(mapped.fabric.traffic.droppedPackets).toBe(0);
    // SL 1 alone at line rate: ~1 MB / 100 Gb/s = 80 µs; SL 2 after it: ~160 µs
    expect(sl1!.recvDone / sl2!.recvDone).toBeLessThan(0.55);
    const shared = run(experiment(undefined));
    const [a, b] = shared.flows.records;
    expect(a!.recvDone / b!.recvDone).toBeGreaterThan(0.95);
    expect(a!.recvDone / b!.recvDone).toBeLessThan(1.05);
  });

  it('names an unknown port', () => {
    expect(() => run(experiment({ ports: { 'sw9:0': [0] } }))).toThrow(/fabric\.sl_to_vl\.ports: no switch port 'sw9:0'/);
  });
});
