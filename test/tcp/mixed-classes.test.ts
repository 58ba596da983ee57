import { describe, expect, it } from 'vitest';
import { runExperiment } from '../../src/experiment/run.js';
import { run } from '../helpers/run.js';

/**
 * TCP on a lossy class and RoCEv2 on a lossless one in the same switch buffer: a `mix` part's
 * `transport` block puts its flows on TCP. An incast of both into h0 (4 RoCEv2 senders on
 * priority 3 with PFC, 4 TCP senders on priority 0), DCTCP for both.
 */
const workload = {
  kind: 'mix',
  workloads: [
    { kind: 'incast', receiver: 'h0', senders: ['h1', 'h2', 'h3', 'h4'], bytes: 2_000_000 },
    { kind: 'incast', receiver: 'h0', senders: ['h5', 'h6', 'h7', 'h8'], bytes: 2_000_000, priority: 0, transport: { kind: 'tcp', min_rto_ms: 1 } },
  ],
};
const base = {
  name: 'tcp-roce-mixed',
  topology: { generator: 'star', params: { hosts: 9, rate_gbps: 100, delay_ns: 1000 } },
  transport: { kind: 'roce-v2', priority: 3 },
  cc: { kind: 'dctcp', min_window_packets: 2 },
  workload,
};

describe('lossy TCP beside lossless RoCEv2 in one buffer', () => {
  it('with room in the buffer every flow completes without loss, and strict priority serves RoCE first', () => {
    const r = run({
      ...base,
      fabric: { mtu: 1500, buffer_bytes: 1_000_000, pfc: { enabled: true, priorities: [3] }, ecn: { kind: 'threshold', k_bytes: 60_000 } },
    });
    const roce = r.flows.records.filter((f) => f.transport === 'roce-v2');
    const tcp = r.flows.records.filter((f) => f.transport === 'tcp');
    expect(roce.length).toBe(4);
    expect(tcp.length).toBe(4);
    for (const f of r.flows.records) {
      expect(f.status).toBe('done');
      expect(f.deliveredBytes).toBe(2_000_000);
    }
    expect(r.fabric.traffic.droppedPackets).toBe(0);
    // priority 3 over priority 0: the RoCE incast (8 MB, ≥ 640 µs at 100 Gb/s) ends before any TCP flow
    expect(Math.max(...roce.map((f) => f.finish))).toBeLessThan(Math.min(...tcp.map((f) => f.finish)));
  });

  it('a small shared buffer lets the lossy class crowd out the lossless one: a lossless drop stops the run', () => {
    const r = runExperiment({
      ...base,
      outputs: { samples_interval_ns: 0 },
      fabric: { mtu: 1500, buffer_bytes: 300_000, pfc: { enabled: true, priorities: [3] } },
    });
    expect(r.stopReason).toBe('lossless-drop');
    expect(r.stopReport).toMatch(/lossless priority 3/);
    // the lossy TCP class was dropping too
    expect(r.fabric.traffic.droppedPackets).toBeGreaterThan(r.fabric.traffic.losslessDrops);
  });

  it('a transport that cannot carry the verb is refused by name', () => {
    expect(() =>
      run({
        name: 'bad',
        topology: { generator: 'star', params: { hosts: 3 } },
        workload: { kind: 'mix', workloads: [{ kind: 'flows', list: [{ src: 'h1', dst: 'h0', bytes: 1000, verb: 'read' }], transport: { kind: 'tcp' } }] },
      }),
    ).toThrow(/transport 'tcp' cannot carry 'read'/);
  });
});
