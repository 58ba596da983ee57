import { describe, expect, it } from 'vitest';
import { flowTransportParams } from '../../src/experiment/flow-priority.js';
import { validateExperiment } from '../../src/experiment/schema.js';
import { runExperiment } from '../../src/experiment/run.js';
import { parseWith } from '../../src/sim/parse.js';
import { incast, mix, permutation, workloads, type MixParams } from '../../src/workload/index.js';
import { ctxFor, isSorted } from './helpers.js';

const params = (raw: Record<string, unknown>): MixParams => parseWith(mix.params, raw, { field: 'workload' });

describe('mix', () => {
  it('is registered as "mix"', () => {
    expect(workloads.get('mix')).toBe(mix);
  });

  it('gives the flows of every part, each part with its own random stream and traffic class, sorted', () => {
    const ctx = ctxFor(16, 3);
    const flows = mix.generate(
      params({
        workloads: [
          { kind: 'permutation', bytes: 5000, priority: 1 },
          { kind: 'incast', receiver: 'h0', senders: 4, bytes: 777, start_ns: 10, priority: 3 },
        ],
      }),
      ctx,
    );
    expect(flows).toHaveLength(16 + 4);
    expect(isSorted(flows)).toBe(true);
    const perm = flows.filter((f) => f.bytes === 5000);
    const inc = flows.filter((f) => f.bytes === 777);
    expect(perm.every((f) => f.priority === 1)).toBe(true);
    expect(inc.every((f) => f.priority === 3 && f.dst === 0 && f.start === 10_000)).toBe(true);
    // part i draws from the stream mix/i: the same flows as the workload alone on that stream
    const alone = incast.generate(parseWith(incast.params, { receiver: 'h0', senders: 4, bytes: 777, start_ns: 10 }), { ...ctx, rng: ctx.rng.fork('mix/1') });
    expect(inc.map((f) => f.src)).toEqual(alone.map((f) => f.src));
    const permAlone = permutation.generate(parseWith(permutation.params, { bytes: 5000 }), { ...ctx, rng: ctx.rng.fork('mix/0') });
    expect(perm.map((f) => [f.src, f.dst])).toEqual(permAlone.map((f) => [f.src, f.dst]));
  });

  it('checks each part against its own workload when the experiment is validated', () => {
    const base = { name: 'm', topology: { generator: 'star', params: { hosts: 4 } } };
    expect(() => validateExperiment({ ...base, workload: { kind: 'mix', workloads: [{ kind: 'incast', senders: 2 }] } })).toThrow(/workload\.workloads\.0\.bytes/);
    expect(() => validateExperiment({ ...base, workload: { kind: 'mix', workloads: [{ kind: 'shuffle' }] } })).toThrow(/workload\.workloads\.0\.kind: unknown workload 'shuffle'/);
    expect(() => validateExperiment({ ...base, workload: { kind: 'mix', workloads: [] } })).toThrow(/workload\.workloads/);
    expect(() => validateExperiment({ ...base, workload: { kind: 'mix', workloads: [{ kind: 'incast', senders: 2, bytes: 1, priority: 8 }] } })).toThrow(/workload\.workloads\.0\.priority/);
  });

  it('a part’s priority reaches the wire: PFC on priority 1 pauses only that part’s incast', () => {
    const r = runExperiment({
      name: 'mix-run',
      topology: { generator: 'leaf-spine', params: { leaves: 2, spines: 1, hosts_per_leaf: 4 } },
      fabric: { pfc: { enabled: true, priorities: [1], xoff_bytes: 16384, xon_bytes: 8192 } },
      workload: {
        kind: 'mix',
        workloads: [
          { kind: 'incast', receiver: 'h0', senders: ['h4', 'h5', 'h6', 'h7'], bytes: 200_000, priority: 1 },
          { kind: 'flows', list: [{ src: 'h1', dst: 'h2', bytes: 10_000 }] },
        ],
      },
      outputs: { samples_interval_ns: 0 },
    });
    expect(r.flows.records.every((f) => f.status === 'done')).toBe(true);
    const log = r.fabric.pfcLog.cols;
    expect(log.length).toBeGreaterThan(0);
    for (let i = 0; i < log.length; i++) expect(log.get(i, 2)).toBe(1);
  });

  it('a per-flow priority needs a transport with a priority parameter', () => {
    const spec = { src: 0, dst: 1, bytes: 1, start: 0, verb: 'write' as const, priority: 2 };
    expect(flowTransportParams({ priority: 3, ack_every: 4 }, spec, 'roce-v2')).toEqual({ priority: 2, ack_every: 4 });
    expect(flowTransportParams({ priority: 3 }, { ...spec, priority: undefined }, 'roce-v2')).toEqual({ priority: 3 });
    expect(() => flowTransportParams({ window: 4 }, spec, 'tcp', 'x.yaml')).toThrow(/x\.yaml: workload: transport 'tcp' has no traffic classes/);
  });
});
