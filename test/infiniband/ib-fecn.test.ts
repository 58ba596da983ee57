import { describe, expect, it } from 'vitest';
import { loadExperimentFile } from '../../src/experiment/load.js';
import { runExperiment, type RunResult } from '../../src/experiment/run.js';
import { validateExperiment } from '../../src/experiment/schema.js';
import { IbFecnMarker, ibThresholdBytes } from '../../src/fabric/marking/ib-fecn.js';
import { PC_ECN_MARKS } from '../../src/metrics/port-counters.js';
import { Rng } from '../../src/sim/rng.js';
import { Simulator } from '../../src/sim/simulator.js';
import { us } from '../../src/sim/time.js';
import { IbCc, ibCcParams } from '../../src/transport/cc/ib-cc.js';
import { configError } from '../helpers/config-error.js';
import { checkConservation } from '../helpers/run.js';

describe('IB CC switch settings (SwitchCongestionSetting): fabric.ecn kind ib-fecn', () => {
  it('the 4-bit Threshold maps to (16 − t)/16 of one VL buffer; 0 never marks', () => {
    expect(ibThresholdBytes(15, 65536)).toBe(4096);
    expect(ibThresholdBytes(8, 65536)).toBe(32768);
    expect(ibThresholdBytes(1, 65536)).toBe(61440);
    expect(ibThresholdBytes(0, 65536)).toBe(Infinity);
    expect(new IbFecnMarker(Infinity, 0, 0, 1).mark(1e9, 4096, 0)).toBe(false);
  });

  it('Marking_Rate N marks exactly one of every N + 1 eligible packets, counted per port; Packet_Size excludes small packets', () => {
    const m = new IbFecnMarker(1000, 3, 128, 2);
    const marks = (local: number, n: number, bytes = 2048, queue = 5000) => {
      let k = 0;
      for (let i = 0; i < n; i++) if (m.mark(queue, bytes, local)) k++;
      return k;
    };
    expect(marks(0, 40)).toBe(10);
    expect(marks(1, 3)).toBe(0); // port 1 counts on its own
    expect(marks(0, 40, 64)).toBe(0); // below Packet_Size (2 credits): not eligible, not counted
    expect(marks(0, 40, 2048, 1000)).toBe(0); // at the threshold: not past it
    expect(marks(1, 1)).toBe(1); // port 1's fourth eligible packet
  });

  it('defaults are the LLNL opensm-cc-optimizer settings; out-of-range values are refused with the field named', () => {
    const c = validateExperiment({ name: 'x', workload: { kind: 'incast', senders: 2, bytes: 1000 }, fabric: { ecn: { kind: 'ib-fecn' } } });
    expect(c.fabric.ecn).toEqual({ kind: 'ib-fecn', threshold: 11, marking_rate: 15, packet_size: 1 });
    const e = configError(() => validateExperiment({ name: 'x', workload: { kind: 'incast', senders: 2, bytes: 1000 }, fabric: { ecn: { kind: 'ib-fecn', threshold: 16 } } }));
    expect(e.message).toContain('fabric.ecn.threshold');
  });

  it('is refused on Ethernet links, naming the field and the Ethernet markers', () => {
    const config = validateExperiment({ name: 'x', workload: { kind: 'incast', senders: 2, bytes: 1000 }, fabric: { ecn: { kind: 'ib-fecn' } } });
    const e = configError(() => runExperiment(config));
    expect(e.message).toContain('fabric.ecn.kind');
    expect(e.message).toContain('threshold or red');
  });

  const FILE = 'experiments/ib-congestion-tree.yaml';
  function tree(ecn: string): RunResult {
    const { config } = loadExperimentFile(FILE, { set: ['outputs.samples_interval_ns=0', 'cc.kind=ib-cc', `fabric.ecn=${ecn}`] });
    const r = runExperiment(config, { file: FILE });
    checkConservation(r);
    expect(r.fabric.traffic.droppedPackets).toBe(0);
    return r;
  }

  it('Threshold 8 with Marking_Rate 0 is the 32 KiB byte threshold of a 64 KiB VL buffer, mark for mark; Marking_Rate 15 marks far less', () => {
    const bytes = tree('{kind: threshold, k_bytes: 32768}');
    const every = tree('{kind: ib-fecn, threshold: 8, marking_rate: 0}');
    const marks = (r: RunResult) => r.fabric.counters.total(PC_ECN_MARKS);
    expect(marks(bytes)).toBeGreaterThan(0);
    expect(marks(every)).toBe(marks(bytes));
    expect(every.flows.records.map((f) => f.finish)).toEqual(bytes.flows.records.map((f) => f.finish));
    const sparse = tree('{kind: ib-fecn, threshold: 8, marking_rate: 15}');
    expect(marks(sparse)).toBeGreaterThan(0);
    expect(marks(sparse)).toBeLessThan(marks(every));
  });
});

describe('IB CC per-SL CACongestionSetting (cc.sl)', () => {
  const rp = (sl: number | undefined) =>
    new IbCc(ibCcParams.parse({ ccti_increase: 1, sl: { '3': { ccti_min: 2, ccti_increase: 5, ccti_timer_us: 10 } } }), {
      sim: new Simulator(1),
      lineRateBps: 100e9,
      mtu: 4096,
      baseRttPs: us(5),
      rng: new Rng(1),
      sl,
    });

  it("a QP of SL 3 takes SL 3's CCTI_Min, CCTI_Increase and CCTI_Timer; other SLs the port-wide values", () => {
    const three = rp(3);
    expect(three.ccti).toBe(2);
    three.onCnp(0);
    expect(three.ccti).toBe(7);
    const one = rp(1);
    expect(one.ccti).toBe(0);
    one.onCnp(0);
    expect(one.ccti).toBe(1);
  });

  it("an SL's ccti_limit caps its index below the port's CCTI_Limit", () => {
    const cc = new IbCc(ibCcParams.parse({ ccti_increase: 4, sl: { '5': { ccti_limit: 6 } } }), { sim: new Simulator(1), lineRateBps: 100e9, mtu: 4096, baseRttPs: us(5), rng: new Rng(1), sl: 5 });
    for (let i = 0; i < 5; i++) cc.onCnp(0);
    expect(cc.ccti).toBe(6);
    expect(cc.rateBps()).toBeCloseTo(100e9 / 1.6, 0);
  });

  it('refuses an SL outside 0..15', () => {
    expect(ibCcParams.safeParse({ sl: { '16': { ccti_min: 1 } } }).success).toBe(false);
  });
});
