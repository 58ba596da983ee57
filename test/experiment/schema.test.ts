import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { validateExperiment } from '../../src/experiment/index.js';
import { configError, minimal } from './helpers.js';

const FILE = 'exp.yaml';
const validate = (raw: unknown, baseDir?: string) => validateExperiment(raw, { file: FILE, baseDir });

describe('validateExperiment: defaults', () => {
  it('fills every default into a minimal file', () => {
    const c = validate(minimal());
    expect(c.name).toBe('quick');
    expect(c.description).toBeUndefined();
    expect(c.seed).toBe(1);
    expect(c.topology).toMatchObject({ generator: 'leaf-spine' });
    expect(c.fabric).toEqual({
      mtu: 1024,
      buffer_bytes: 16 * 1024 * 1024,
      buffer: { policy: 'dynamic', alpha: 1 },
      scheduler: { kind: 'strict' },
      pfc: { enabled: true, priorities: [3], xoff_bytes: 98304, xon_bytes: 81920, quanta: 65535, watchdog: { enabled: false, timeout_us: 100, action: 'drop', restore_us: 200 }, on_lossless_drop: 'error' },
      ecn: { kind: 'none' },
      routing: { ecmp: 'hash', algorithm: 'shortest', adaptive: false },
      switch_latency_ns: 0,
      switching: 'store-and-forward',
      flow_control: 'auto',
      credit: { vl_buffer_bytes: 65536, loop_check_us: 100 },
      ib_width: 4,
      vlan_tag: false,
      link_loss_rate: 0,
    });
    expect(c.transport).toEqual({
      kind: 'roce-v2', priority: 3, ack_every: 4, rto_us: 100, retry_count: 7, window_packets: 0, loss_recovery: 'go-back-n', loss_detection: 'immediate',
      qp_type: 'rc', rnr_retry: 7, min_rnr_timer: 12, max_rd_atomic: 16, max_dest_rd_atomic: 16, sq_depth: 128, rq_depth: 512,
    });
    expect(c.nic).toEqual({ profile: 'ideal' });
    expect(c.cc).toEqual({ kind: 'none' });
    expect(c.workload).toEqual({ kind: 'incast', senders: 3, bytes: 65536, start_ns: 0, jitter_ns: 0, verb: 'write' });
    expect(c.stop).toEqual({});
    expect(c.outputs).toEqual({ dir: 'results', samples_interval_ns: 10000 });
  });

  it("fills the generator's parameter defaults into topology.params", () => {
    const c = validate({ ...minimal(), topology: { generator: 'fat-tree' } });
    expect(c.topology).toEqual({ generator: 'fat-tree', params: { k: 4, rate_gbps: 100, delay_ns: 1000 } });
    const d = validate({ ...minimal(), topology: { params: { leaves: 2 } } });
    expect(d.topology).toMatchObject({ generator: 'leaf-spine', params: { leaves: 2, spines: 2 } });
  });

  it('fills defaults inside partly given blocks', () => {
    const c = validate({
      ...minimal(),
      fabric: { pfc: { priorities: [3, 4] }, scheduler: { kind: 'dwrr' }, ecn: { kind: 'red', kmin_bytes: 5000, kmax_bytes: 200000 } },
      transport: { ack_every: 1 },
      stop: { time_us: 50 },
    });
    expect(c.fabric.pfc).toEqual({ enabled: true, priorities: [3, 4], xoff_bytes: 98304, xon_bytes: 81920, quanta: 65535, watchdog: { enabled: false, timeout_us: 100, action: 'drop', restore_us: 200 }, on_lossless_drop: 'error' });
    expect(c.fabric.scheduler).toEqual({ kind: 'dwrr', weights: [1, 1, 1, 1, 1, 1, 1, 1], quantum_bytes: 9000 });
    expect(c.fabric.ecn).toEqual({ kind: 'red', kmin_bytes: 5000, kmax_bytes: 200000, pmax: 0.01 });
    expect(c.transport).toMatchObject({ kind: 'roce-v2', ack_every: 1, priority: 3 });
    expect(c.stop).toEqual({ time_us: 50 });
  });

  it('resolves topology.file against baseDir', () => {
    const c = validate({ name: 'f', topology: { file: '../topologies/x.json' }, workload: { kind: 'permutation', bytes: 1 } }, '/data/exps');
    expect(c.topology).toEqual({ file: resolve('/data/exps', '../topologies/x.json') });
  });

  it('gives independent default objects to every config', () => {
    const a = validate(minimal());
    a.fabric.pfc.priorities.push(5);
    expect(validate(minimal()).fabric.pfc.priorities).toEqual([3]);
  });

  it('is idempotent: a validated config validates to itself', () => {
    const c = validate({ ...minimal(), description: 'd', fabric: { buffer: { policy: 'static', queue_bytes: 1000 } } });
    expect(validate(JSON.parse(JSON.stringify(c)))).toEqual(c);
  });
});

describe('validateExperiment: errors name the file and the dotted field', () => {
  const cases: { what: string; raw: Record<string, unknown>; field: string; says?: string }[] = [
    { what: 'an unknown top-level key', raw: { ...minimal(), fabirc: {} }, field: 'fabirc', says: "did you mean 'fabric'" },
    { what: 'an unknown nested key', raw: { ...minimal(), fabric: { pfc: { xof_bytes: 1 } } }, field: 'fabric.pfc', says: "'xof_bytes'" },
    { what: 'a missing name', raw: { workload: minimal().workload }, field: 'name', says: 'required' },
    { what: 'a bad name', raw: { ...minimal(), name: 'a b' }, field: 'name' },
    { what: 'a missing workload', raw: { name: 'x' }, field: 'workload', says: 'required' },
    { what: 'a negative seed', raw: { ...minimal(), seed: -1 }, field: 'seed' },
    { what: 'mtu below 256', raw: { ...minimal(), fabric: { mtu: 100 } }, field: 'fabric.mtu', says: '100' },
    { what: 'a fractional mtu', raw: { ...minimal(), fabric: { mtu: 1024.5 } }, field: 'fabric.mtu' },
    { what: 'xon_bytes >= xoff_bytes', raw: { ...minimal(), fabric: { pfc: { xoff_bytes: 1000, xon_bytes: 1000 } } }, field: 'fabric.pfc.xon_bytes' },
    { what: 'a default xoff below a given xon', raw: { ...minimal(), fabric: { pfc: { xon_bytes: 200000 } } }, field: 'fabric.pfc.xon_bytes' },
    { what: 'a repeated PFC priority', raw: { ...minimal(), fabric: { pfc: { priorities: [3, 3] } } }, field: 'fabric.pfc.priorities.1' },
    { what: 'a PFC priority above 7', raw: { ...minimal(), fabric: { pfc: { priorities: [8] } } }, field: 'fabric.pfc.priorities.0' },
    { what: 'quanta 0', raw: { ...minimal(), fabric: { pfc: { quanta: 0 } } }, field: 'fabric.pfc.quanta' },
    {
      what: 'RED with kmin >= kmax',
      raw: { ...minimal(), fabric: { ecn: { kind: 'red', kmin_bytes: 9000, kmax_bytes: 9000 } } },
      field: 'fabric.ecn.kmin_bytes',
    },
    { what: 'RED with pmax 0', raw: { ...minimal(), fabric: { ecn: { kind: 'red', kmin_bytes: 1, kmax_bytes: 9, pmax: 0 } } }, field: 'fabric.ecn.pmax' },
    { what: 'an unknown ECN kind', raw: { ...minimal(), fabric: { ecn: { kind: 'wred' } } }, field: 'fabric.ecn.kind', says: "'red'" },
    { what: 'a static buffer without queue_bytes', raw: { ...minimal(), fabric: { buffer: { policy: 'static' } } }, field: 'fabric.buffer.queue_bytes' },
    { what: 'dwrr with 7 weights', raw: { ...minimal(), fabric: { scheduler: { kind: 'dwrr', weights: [1, 1, 1, 1, 1, 1, 1] } } }, field: 'fabric.scheduler.weights' },
    { what: 'an unknown routing mode', raw: { ...minimal(), fabric: { routing: { ecmp: 'random' } } }, field: 'fabric.routing.ecmp' },
    { what: 'an unknown transport', raw: { ...minimal(), transport: { kind: 'nope' } }, field: 'transport.kind', says: 'roce-v2' },
    { what: 'transport.ack_every: 0', raw: { ...minimal(), transport: { ack_every: 0 } }, field: 'transport.ack_every' },
    { what: 'an unknown transport parameter', raw: { ...minimal(), transport: { kind: 'roce-v2', acks: 1 } }, field: 'transport', says: "'acks'" },
    { what: 'an unknown cc', raw: { ...minimal(), cc: { kind: 'bbr' } }, field: 'cc.kind' },
    { what: 'an unknown workload', raw: { ...minimal(), workload: { kind: 'alltoall' } }, field: 'workload.kind', says: 'incast' },
    { what: 'a workload without its required bytes', raw: { ...minimal(), workload: { kind: 'incast', senders: 2 } }, field: 'workload.bytes' },
    { what: 'a workload kind that is not a string', raw: { ...minimal(), workload: { kind: 3 } }, field: 'workload.kind' },
    { what: 'fat-tree with odd k', raw: { ...minimal(), topology: { generator: 'fat-tree', params: { k: 3 } } }, field: 'topology.params.k' },
    { what: 'an unknown generator', raw: { ...minimal(), topology: { generator: 'hypercube' } }, field: 'topology.generator', says: 'fat-tree' },
    { what: 'both a generator and a file', raw: { ...minimal(), topology: { generator: 'fat-tree', file: 't.json' } }, field: 'topology', says: 'not both' },
    { what: 'a zero time limit', raw: { ...minimal(), stop: { time_us: 0 } }, field: 'stop.time_us' },
    { what: 'a negative sample interval', raw: { ...minimal(), outputs: { samples_interval_ns: -1 } }, field: 'outputs.samples_interval_ns' },
  ];
  for (const { what, raw, field, says } of cases) {
    it(`rejects ${what} at ${field}`, () => {
      const e = configError(() => validate(raw));
      expect(e.field).toBe(field);
      expect(e.file).toBe(FILE);
      expect(e.message).toContain(`${FILE}: ${field}: `);
      if (says !== undefined) expect(e.message).toContain(says);
    });
  }

  it('rejects a non-object input with an empty field', () => {
    for (const raw of [null, 5, 'name: x', [minimal()]]) {
      const e = configError(() => validate(raw));
      expect(e.field).toBe('');
      expect(e.message).toContain(FILE);
    }
  });
});
