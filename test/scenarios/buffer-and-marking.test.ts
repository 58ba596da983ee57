import { describe, expect, it } from 'vitest';
import { PC_ECN_MARKS, PC_MAX_QUEUE_BYTES, PC_TX_BYTES } from '../../src/metrics/port-counters.js';
import { run } from '../helpers/run.js';

const lossyIncast = (fabric: Record<string, unknown>, senders = 4, bytes = 400_000) =>
  run({
    name: 'lossy',
    topology: { generator: 'star', params: { hosts: senders + 1, rate_gbps: 100, delay_ns: 1000 } },
    fabric: { pfc: { enabled: false }, ...fabric },
    transport: { kind: 'roce-v2', rto_us: 50 },
    workload: { kind: 'incast', receiver: 'h0', senders, bytes },
  });

/** The switch port toward the receiver h0. */
function bottleneck(r: ReturnType<typeof lossyIncast>) {
  const f = r.fabric;
  return f.ports.find((p) => f.switchOf[p.node]! >= 0 && f.nodeKeys[f.adjPeer[p.index]!] === 'h0')!;
}

describe('shared buffer admission', () => {
  it.each([0.5, 1, 2])('a dynamic threshold with alpha %s caps one congested queue at alpha/(1+alpha) of the buffer', (alpha) => {
    const B = 256 * 1024;
    const r = lossyIncast({ buffer_bytes: B, buffer: { policy: 'dynamic', alpha } });
    const port = bottleneck(r);
    const maxQ = r.fabric.counters.get(port.index, PC_MAX_QUEUE_BYTES);
    // q ≤ alpha·(B − q)  ⇔  q ≤ alpha·B/(1+alpha); it gets within a few packets of that bound
    const bound = (alpha * B) / (1 + alpha);
    expect(maxQ).toBeLessThanOrEqual(bound + 1200);
    expect(maxQ).toBeGreaterThan(bound - 4 * 1200);
    expect(r.fabric.traffic.droppedPackets).toBeGreaterThan(0);
  });

  it('a static cap bounds the queue at queue_bytes', () => {
    const r = lossyIncast({ buffer_bytes: 1 << 20, buffer: { policy: 'static', queue_bytes: 50_000 } });
    const maxQ = r.fabric.counters.get(bottleneck(r).index, PC_MAX_QUEUE_BYTES);
    expect(maxQ).toBeLessThanOrEqual(50_000 + 1200); // + the packet being serialized
    expect(maxQ).toBeGreaterThan(50_000 - 1200);
    expect(r.fabric.traffic.droppedPackets).toBeGreaterThan(0);
    for (const f of r.flows.records) expect(f.deliveredBytes).toBe(400_000);
  });
});

describe('ECN marking', () => {
  it('threshold marking marks only above K, and marked packets reach the receiver as CE', () => {
    const big = lossyIncast({ buffer_bytes: 4 << 20, ecn: { kind: 'threshold', k_bytes: 20_000 } });
    const marks = big.fabric.counters.get(bottleneck(big).index, PC_ECN_MARKS);
    expect(marks).toBeGreaterThan(0);
    expect(big.flows.records.reduce((s, f) => s + f.ecnMarked, 0)).toBeGreaterThan(0);
    // with K above the deepest queue nothing is marked
    const maxQ = big.fabric.counters.get(bottleneck(big).index, PC_MAX_QUEUE_BYTES);
    const none = lossyIncast({ buffer_bytes: 4 << 20, ecn: { kind: 'threshold', k_bytes: maxQ + 10_000 } });
    expect(none.fabric.counters.total(PC_ECN_MARKS)).toBe(0);
  });

  it('RED marks a fraction that grows with pmax', () => {
    const frac = (pmax: number) => {
      const r = lossyIncast({ buffer_bytes: 4 << 20, ecn: { kind: 'red', kmin_bytes: 5_000, kmax_bytes: 2_000_000, pmax } });
      const port = bottleneck(r);
      return r.fabric.counters.get(port.index, PC_ECN_MARKS) / (r.fabric.counters.get(port.index, PC_TX_BYTES) / 1100);
    };
    const low = frac(0.01);
    const high = frac(0.5);
    expect(low).toBeGreaterThan(0);
    expect(high).toBeGreaterThan(5 * low);
  });
});

describe('multipath', () => {
  const twoFlows = (ecmp: 'hash' | 'spray') =>
    run({
      name: 'mp',
      topology: { generator: 'leaf-spine', params: { leaves: 2, spines: 4, hosts_per_leaf: 1, rate_gbps: 100, uplink_rate_gbps: 100 } },
      fabric: { routing: { ecmp } },
      // a whole number of MTUs: every packet after the first has the same size
      workload: { kind: 'flows', list: [{ src: 'h0', dst: 'h1', bytes: 400 * 1024 }] },
    });

  // Spraying over equal paths keeps packets of equal size in order. (A shorter last packet can
  // overtake its predecessor on another path, since store-and-forward hops serialize it faster,
  // and go-back-N then retransmits.)
  it('per-flow hashing keeps a flow on one uplink; spraying spreads equal-size packets over all of them, in order', () => {
    const uplinkBytes = (r: ReturnType<typeof twoFlows>) =>
      r.fabric.ports.filter((p) => r.fabric.nodeKeys[p.node] === 'leaf0' && r.fabric.nodeKeys[r.fabric.adjPeer[p.index]!]!.startsWith('spine')).map((p) => r.fabric.counters.get(p.index, PC_TX_BYTES));
    const hashed = uplinkBytes(twoFlows('hash'));
    expect(hashed.filter((b) => b > 0)).toHaveLength(1);
    const sprayed = twoFlows('spray');
    const spread = uplinkBytes(sprayed);
    expect(spread.filter((b) => b > 0)).toHaveLength(4);
    for (const b of spread) expect(b).toBeGreaterThan(0.15 * spread.reduce((a, c) => a + c, 0));
    expect(sprayed.flows.records[0]!.retxPackets).toBe(0);
  });
});
