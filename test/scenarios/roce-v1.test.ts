import { describe, expect, it } from 'vitest';
import { runExperiment } from '../../src/experiment/run.js';
import { PC_TX_PACKETS } from '../../src/metrics/port-counters.js';
import { ConfigError } from '../../src/sim/errors.js';
import { run } from '../helpers/run.js';

const leafSpine = (spineRole: 'switch' | 'router') => ({
  generator: 'leaf-spine',
  params: { leaves: 2, spines: 4, hosts_per_leaf: 2, rate_gbps: 100, uplink_rate_gbps: 100, spine_role: spineRole },
});

describe('RoCEv1 (L2 only)', () => {
  it('is refused when a flow would cross an L3 router, naming the flow and the router', () => {
    const exp = {
      name: 'v1',
      topology: leafSpine('router'),
      transport: { kind: 'roce-v1' },
      workload: { kind: 'flows', list: [{ src: 'h0', dst: 'h3', bytes: 10_000 }] },
    };
    expect(() => runExperiment(exp, { file: 'v1.yaml' })).toThrow(ConfigError);
    expect(() => runExperiment(exp, { file: 'v1.yaml' })).toThrow(/v1\.yaml: transport\.kind: flow 0 \(h0 → h3\) would cross router spine\d/);
    // the same flows over RoCEv2 are routed fine
    expect(run({ ...exp, transport: { kind: 'roce-v2' } }).flows.records[0]!.status).toBe('done');
  });

  it('runs within an L2 domain: under one leaf behind routed spines, or across an L2 fabric', () => {
    const sameLeaf = run({ name: 'v1', topology: leafSpine('router'), transport: { kind: 'roce-v1' }, workload: { kind: 'flows', list: [{ src: 'h0', dst: 'h1', bytes: 10_000 }] } });
    expect(sameLeaf.flows.records[0]!.status).toBe('done');
    const l2 = run({ name: 'v1', topology: leafSpine('switch'), transport: { kind: 'roce-v1' }, workload: { kind: 'flows', list: [{ src: 'h0', dst: 'h3', bytes: 10_000 }] } });
    expect(l2.flows.records[0]!.status).toBe('done');
  });

  it('frames carry a 40-byte GRH instead of IPv4 + UDP (28 bytes): 12 bytes more per packet', () => {
    const one = (kind: string) =>
      run({ name: 'v1', topology: { generator: 'star', params: { hosts: 2 } }, transport: { kind }, workload: { kind: 'flows', list: [{ src: 'h0', dst: 'h1', bytes: 100 * 1024 }] } }).flows.records[0]!;
    const v1 = one('roce-v1');
    const v2 = one('roce-v2');
    // last byte: 100 packets back to back + the first packet again at the second hop, each 12 B longer (960 ps at 100 Gb/s)
    expect(v1.recvDone - v2.recvDone).toBe((100 + 1) * 12 * 80);
  });

  it('gives ECMP no entropy: every QP between two hosts takes the same path, where RoCEv2 spreads them', () => {
    const flows = Array.from({ length: 16 }, () => ({ src: 'h0', dst: 'h3', bytes: 4096 }));
    const pathsUsed = (kind: string) => {
      const r = run({ name: 'v1', topology: leafSpine('switch'), transport: { kind }, workload: { kind: 'flows', list: flows } });
      const f = r.fabric;
      return f.ports.filter((p) => f.nodeKeys[p.node] === 'leaf0' && f.nodeKeys[f.adjPeer[p.index]!]!.startsWith('spine') && f.counters.get(p.index, PC_TX_PACKETS) > 0).length;
    };
    expect(pathsUsed('roce-v1')).toBe(1);
    expect(pathsUsed('roce-v2')).toBeGreaterThan(1);
  });
});
