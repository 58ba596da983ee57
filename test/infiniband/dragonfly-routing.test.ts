import { describe, expect, it } from 'vitest';
import { buildFabric, type Fabric } from '../../src/fabric/build-fabric.js';
import { fabricOptions } from '../../src/experiment/fabric-options.js';
import { fabricSchema } from '../../src/experiment/fabric-schema.js';
import { findCyclicBufferDependency } from '../../src/fabric/routing/cbd.js';
import { Simulator } from '../../src/sim/simulator.js';
import { buildTopology } from '../../src/topology/generators/index.js';
import { run } from '../helpers/run.js';

function fabric(generator: string, params: Record<string, unknown>, algorithm: string, lmc = 0): Fabric {
  return buildFabric(new Simulator(1), buildTopology(generator, params), fabricOptions(fabricSchema.parse({ routing: { algorithm } }), 4200, 'infiniband', lmc));
}

/** Hops (egress ports, the source's NIC included) of every (src, dst, LID offset); throws if a route does not reach its host. */
function allPaths(f: Fabric, lids: number): number[] {
  const lengths: number[] = [];
  for (let s = 0; s < f.hostCount; s++) {
    for (let d = 0; d < f.hostCount; d++) {
      if (s === d) continue;
      for (let o = 0; o < lids; o++) {
        const path = f.path(s, d, o);
        expect(f.adjPeer[path[path.length - 1]!.index]).toBe(f.hostNode[d]);
        lengths.push(path.length);
      }
    }
  }
  return lengths;
}

describe('IB routing on a dragonfly (p = 2, a = 4, h = 2: 9 groups, 36 routers, 72 hosts)', () => {
  const df = { p: 2, a: 4, h: 2 };

  it('minhop: every pair reachable in at most 4 hops between routers (local, global, local), and the routes have a cyclic buffer dependency', () => {
    const f = fabric('dragonfly', df, 'minhop');
    const hops = allPaths(f, 1);
    expect(Math.max(...hops)).toBe(5); // NIC + 3 router-to-router links + the last router's port to the host
    expect(findCyclicBufferDependency(f.routingView())).not.toBeNull();
  });

  it('updn (LMC 0 and 1): every pair reachable over legal up*/down* routes, and no cyclic buffer dependency: no credit loop can form', () => {
    for (const lmc of [0, 1]) {
      const f = fabric('dragonfly', df, 'updn', lmc);
      allPaths(f, 1 << lmc);
      expect(findCyclicBufferDependency(f.routingView())).toBeNull();
    }
  });
});

describe('traffic on a small dragonfly (p = 1, a = 4, h = 1: 5 groups, 20 hosts) with updn', () => {
  it('an all-to-all of 50 KB per pair completes with zero drops and no credit loop, the routes checked acyclic before the run', () => {
    const r = run({
      name: 'df-updn',
      seed: 1,
      topology: { generator: 'dragonfly', params: { p: 1, a: 4, h: 1, rate_gbps: 100, delay_ns: 500 } },
      fabric: { mtu: 2048, credit: { vl_buffer_bytes: 8192, loop_check_us: 50 }, routing: { algorithm: 'updn' } },
      transport: { kind: 'infiniband' },
      workload: { kind: 'all-to-all', bytes: 50_000 },
    });
    expect(r.stopReason).toBe('all-flows-ended');
    expect(r.flows.records).toHaveLength(20 * 19);
    expect(r.flows.records.every((f) => f.status === 'done')).toBe(true);
    expect(r.fabric.traffic.droppedPackets).toBe(0);
    expect(r.warnings.filter((w) => /cyclic|credit loop/i.test(w))).toEqual([]);
  });
});

describe('IB routing on a fat tree (k = 4) with ftree', () => {
  it('every pair reachable on a shortest path, one LFT entry per LID, no cyclic buffer dependency (LMC 0 and 2)', () => {
    for (const lmc of [0, 2]) {
      const f = fabric('fat-tree', { k: 4 }, 'ftree', lmc);
      const hops = allPaths(f, 1 << lmc);
      // same edge: 2 ports (NIC, edge → host); same pod: 4; other pod: 6
      expect(new Set(hops)).toEqual(new Set([2, 4, 6]));
      expect(findCyclicBufferDependency(f.routingView())).toBeNull();
    }
  });
});
