import { describe, expect, it } from 'vitest';
import { prepareExperiment } from '../../src/experiment/prepare.js';
import { planSweep } from '../../src/experiment/sweep.js';
import { run } from '../helpers/run.js';

describe('the TCP experiments', () => {
  it('tcp-iwarp-roce-lossy.yaml plans its sweep: four transports × three loss rates, each run valid', () => {
    const { configs } = planSweep('experiments/tcp-iwarp-roce-lossy.yaml');
    expect(configs.length).toBe(12);
    expect([...new Set(configs.map((c) => c.transport.kind))].sort()).toEqual(['iwarp', 'roce-v2', 'tcp']);
    expect([...new Set(configs.map((c) => c.fabric.link_loss_rate))]).toEqual([0, 0.001, 0.01]);
    for (const c of configs) expect(prepareExperiment(c).flows.length).toBe(2);
  });

  it('tcp-dctcp-queue.yaml sweeps the marking threshold', () => {
    const { configs } = planSweep('experiments/tcp-dctcp-queue.yaml');
    expect(configs.map((c) => (c.fabric.ecn as { k_bytes: number }).k_bytes)).toEqual([10000, 30000, 100000]);
  });
});

describe('TCP ACKs and determinism', () => {
  const flow = (transport: Record<string, unknown>) =>
    run({
      name: 'tcp-acks',
      topology: { generator: 'star', params: { hosts: 2, rate_gbps: 100, delay_ns: 1000 } },
      fabric: { mtu: 1500 },
      transport: { kind: 'tcp', ...transport },
      workload: { kind: 'flows', list: [{ src: 'h0', dst: 'h1', bytes: 1448 * 101 }] },
    });

  it('delayed ACKs: 16 quick ACKs, then one per 2 segments, and the last segment at once', () => {
    const r = flow({});
    const data = r.flows.records[0]!.packetsSent;
    expect(data).toBe(101);
    const acks = r.fabric.traffic.injectedPackets - data;
    expect(acks).toBe(16 + Math.ceil((101 - 16) / 2));
    expect(flow({ ack_every: 4 }).fabric.traffic.injectedPackets - data).toBe(16 + Math.ceil((101 - 16) / 4));
    expect(flow({ delayed_ack_us: 0 }).fabric.traffic.injectedPackets - data).toBe(101);
  });

  it('the delayed-ACK timer: a one-segment receive window waits delayed_ack_us for every ACK after the quick ones', () => {
    const r = run({
      name: 'tcp-delack',
      topology: { generator: 'star', params: { hosts: 2, rate_gbps: 100, delay_ns: 1000 } },
      fabric: { mtu: 1500 },
      transport: { kind: 'tcp', rwnd_bytes: 1448, delayed_ack_us: 500 },
      workload: { kind: 'flows', list: [{ src: 'h0', dst: 'h1', bytes: 1448 * 40 }] },
    });
    const f = r.flows.records[0]!;
    expect(f.status).toBe('done');
    expect(f.timeouts).toBe(0);
    // segments 17..39 are each ACKed by the timer (the 40th at once, as the stream's last):
    // 23 waits of 500 µs plus 40 round trips of ~5 µs
    const fct = f.finish - f.start;
    expect(fct).toBeGreaterThan(23 * 500e6);
    expect(fct).toBeLessThan(23 * 500e6 + 40 * 10e6);
  });

  it('a lossy TCP incast is a pure function of the seed', () => {
    const once = () => {
      const r = run({
        name: 'tcp-det',
        seed: 7,
        topology: { generator: 'star', params: { hosts: 9, rate_gbps: 10, delay_ns: 1000 } },
        fabric: { mtu: 1500, buffer: { policy: 'static', queue_bytes: 65536 }, link_loss_rate: 0.001 },
        transport: { kind: 'tcp', min_rto_ms: 0.5 },
        cc: { kind: 'cubic' },
        workload: { kind: 'incast', receiver: 'h0', senders: 8, bytes: 200_000 },
      });
      return { events: r.events, flows: r.flows.records.map((f) => [f.finish, f.retxPackets, f.timeouts]) };
    };
    expect(once()).toEqual(once());
  });
});
