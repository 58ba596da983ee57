import { describe, expect, it } from 'vitest';
import { loadExperimentFile } from '../../src/experiment/load.js';
import { runExperiment, type RunResult } from '../../src/experiment/run.js';
import { PFC_PAUSED, PFC_PAUSE_TX, PFC_RESUME_TX, PFC_WATCHDOG_RESTORE, PFC_WATCHDOG_TRIP } from '../../src/metrics/pfc-log.js';
import { PC_DROPS, PC_PAUSE_TX, PC_RESUME_TX, PC_WATCHDOG_DROPS, PC_WATCHDOG_TRIPS } from '../../src/metrics/port-counters.js';
import { ConfigError } from '../../src/sim/errors.js';
import { checkConservation } from '../helpers/run.js';

const FILE = 'experiments/pfc-pause-storm.yaml';
const STORM_START = 10e6; // ps
const STORM_END = 1010e6;
/** One PAUSE of 65535 quanta at 100 Gb/s: 65535 × 512 bits / 100e9 bit/s. */
const PAUSE_PS = (65535 * 512 * 1e12) / 100e9;

function storm(...set: string[]): RunResult {
  const { config } = loadExperimentFile(FILE, { set: ['outputs.samples_interval_ns=0', ...set] });
  const r = runExperiment(config, { file: FILE });
  checkConservation(r);
  return r;
}

const port = (r: RunResult, name: string): number => r.fabric.ports.findIndex((p) => r.fabric.portName(p.index) === name);
const flow = (r: RunResult, src: string, dst: string) =>
  r.flows.records.find((f) => r.fabric.hostKeys[f.src] === src && r.fabric.hostKeys[f.dst] === dst)!;
const slowdown = (f: ReturnType<typeof flow>) => (f.finish - f.start) / f.idealFct;

/** Rows of pfc.csv of one kind at one port: their times. */
function events(r: RunResult, p: number, kind: number): number[] {
  const log = r.fabric.pfcLog.cols;
  const out: number[] = [];
  for (let i = 0; i < log.length; i++) if (log.get(i, 1) === p && log.get(i, 3) === kind) out.push(log.get(i, 0));
  return out;
}

describe('a PFC pause storm (experiments/pfc-pause-storm.yaml)', () => {
  const plain = storm();

  it("the storming NIC sends a PAUSE every half pause time, then one RESUME when the storm ends", () => {
    const h7 = port(plain, 'h7:0>right');
    const times = events(plain, h7, PFC_PAUSE_TX);
    const interval = Math.floor(PAUSE_PS / 2);
    expect(times).toEqual(Array.from({ length: Math.ceil((STORM_END - STORM_START) / interval) }, (_, k) => STORM_START + k * interval));
    expect(events(plain, h7, PFC_RESUME_TX)).toEqual([STORM_END]);
    expect(plain.fabric.counters.get(h7, PC_PAUSE_TX)).toBe(times.length);
    expect(plain.fabric.counters.get(h7, PC_RESUME_TX)).toBe(1);
  });

  it('without the watchdog the pause spreads to the shared link and the innocent flows stall until the storm ends', () => {
    expect(plain.stopReason).toBe('all-flows-ended');
    expect(plain.fabric.traffic.droppedPackets).toBe(0);
    // right:3>h7 is paused by the storm; its backlog pauses the left→right link, then the senders
    expect(events(plain, port(plain, 'right:3>h7'), PFC_PAUSED)[0]).toBeGreaterThanOrEqual(STORM_START);
    expect(events(plain, port(plain, 'left:4>right'), PFC_PAUSED).length).toBeGreaterThan(0);
    for (const h of ['h1', 'h2']) expect(events(plain, port(plain, `${h}:0>left`), PFC_PAUSED).length).toBeGreaterThan(0);
    for (const [src, dst] of [['h1', 'h4'], ['h2', 'h5']] as const) {
      const f = flow(plain, src, dst);
      expect(f.status).toBe('done');
      expect(f.recvDone).toBeGreaterThan(STORM_END); // nothing of it got through while the storm lasted
      expect(slowdown(f)).toBeGreaterThan(10);
    }
    // the control flow inside the right switch never meets the pause
    expect(slowdown(flow(plain, 'h4', 'h6'))).toBeLessThan(1.05);
  });

  describe('with the watchdog (action drop)', () => {
    const wd = storm('fabric.pfc.watchdog.enabled=true');
    const h7port = port(wd, 'right:3>h7');

    it('trips exactly timeout_us after the storm paused the queue, and restores restore_us after the last PAUSE', () => {
      const pausedAt = events(wd, h7port, PFC_PAUSED)[0]!;
      expect(events(wd, h7port, PFC_WATCHDOG_TRIP)).toEqual([pausedAt + 100e6]);
      const lastPause = Math.max(...events(wd, port(wd, 'h7:0>right'), PFC_PAUSE_TX));
      const restore = events(wd, h7port, PFC_WATCHDOG_RESTORE);
      expect(restore).toHaveLength(1);
      // the frame takes its serialization (84 bytes at 100 Gb/s = 6.72 ns) and the 1 µs cable to arrive
      expect(restore[0]).toBe(lastPause + 6720 + 1e6 + 200e6);
      const c = wd.fabric.counters;
      expect(c.get(h7port, PC_WATCHDOG_TRIPS)).toBe(1);
      expect(c.total(PC_WATCHDOG_TRIPS)).toBe(1);
    });

    it('drops only what was queued for and sent to h7, and those are not lossless drops', () => {
      const c = wd.fabric.counters;
      const drops = c.get(h7port, PC_WATCHDOG_DROPS);
      expect(drops).toBeGreaterThan(0);
      expect(c.total(PC_WATCHDOG_DROPS)).toBe(drops);
      expect(c.total(PC_DROPS)).toBe(drops);
      expect(wd.fabric.traffic.droppedPackets).toBe(drops);
      expect(wd.fabric.traffic.losslessDrops).toBe(0);
      expect(wd.stopReason).toBe('all-flows-ended');
      expect(wd.warnings.some((w) => /lossless/.test(w))).toBe(false);
    });

    it('the victims complete without waiting for the storm to end; h0→h7 recovers by retransmission', () => {
      for (const [src, dst] of [['h1', 'h4'], ['h2', 'h5']] as const) {
        const f = flow(wd, src, dst);
        expect(f.status).toBe('done');
        expect(f.finish).toBeLessThan(STORM_END);
        expect(slowdown(f)).toBeLessThan(4);
        expect(slowdown(f) * 3).toBeLessThan(slowdown(flow(plain, src, dst)));
      }
      const f = flow(wd, 'h0', 'h7');
      expect(f.status).toBe('done');
      expect(f.retxPackets).toBeGreaterThan(0);
      expect(f.deliveredBytes).toBe(f.bytes);
    });
  });

  it("with action 'disable' the queue ignores the PAUSEs and sends on into h7: nothing dropped, everyone done", () => {
    const r = storm('fabric.pfc.watchdog.enabled=true', 'fabric.pfc.watchdog.action=disable');
    expect(r.fabric.traffic.droppedPackets).toBe(0);
    expect(r.fabric.counters.get(port(r, 'right:3>h7'), PC_WATCHDOG_TRIPS)).toBe(1);
    expect(r.flows.records.every((f) => f.status === 'done' && f.finish < STORM_END)).toBe(true);
    for (const [src, dst] of [['h1', 'h4'], ['h2', 'h5']] as const) expect(slowdown(flow(r, src, dst))).toBeLessThan(4);
  });
});

describe('faults: validation', () => {
  const base = () => ({
    name: 'faults',
    topology: { generator: 'star', params: { hosts: 4 } },
    workload: { kind: 'flows', list: [{ src: 'h0', dst: 'h1', bytes: 1000 }] },
  });
  const error = (faults: unknown, extra: Record<string, unknown> = {}): ConfigError => {
    try {
      runExperiment({ ...base(), ...extra, faults }, { file: 'f.yaml' });
    } catch (e) {
      expect(e).toBeInstanceOf(ConfigError);
      return e as ConfigError;
    }
    throw new Error('expected a ConfigError');
  };

  it.each([
    ['an unknown host', [{ kind: 'pause-storm', host: 'h9' }], 'faults.0.host', /unknown host "h9"/],
    ['a host index past the end', [{ kind: 'pause-storm', host: 3 }, { kind: 'pause-storm', host: 4 }], 'faults.1.host', /unknown host 4/],
    ['an unknown kind', [{ kind: 'link-flap', host: 'h1' }], 'faults.0.kind', /./],
    ['an unknown field', [{ kind: 'pause-storm', host: 'h1', hots: 2 }], 'faults.0', /unknown field 'hots'/],
    ['a zero duration', [{ kind: 'pause-storm', host: 'h1', duration_us: 0 }], 'faults.0.duration_us', /./],
    ['a lossy priority', [{ kind: 'pause-storm', host: 'h1', priority: 5 }], 'faults.0.priority', /not lossless/],
    ['not a list', { kind: 'pause-storm', host: 'h1' }, 'faults', /./],
  ])('%s is a ConfigError at its field', (_what, faults, field, message) => {
    const e = error(faults);
    expect(e.field).toBe(field);
    expect(e.message).toMatch(new RegExp(`^f\\.yaml: ${field.replace(/\./g, '\\.')}: `));
    expect(e.message).toMatch(message);
  });

  it('a storm on a fabric without PFC is refused', () => {
    expect(error([{ kind: 'pause-storm', host: 'h1' }], { fabric: { pfc: { enabled: false } } }).message).toMatch(/is off/);
  });
});
