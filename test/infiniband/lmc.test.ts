import { describe, expect, it } from 'vitest';
import { buildFabric, type Fabric } from '../../src/fabric/build-fabric.js';
import { Packet } from '../../src/fabric/packet.js';
import { fabricOptions } from '../../src/experiment/fabric-options.js';
import { fabricSchema } from '../../src/experiment/fabric-schema.js';
import { prepareExperiment } from '../../src/experiment/prepare.js';
import { validateExperiment } from '../../src/experiment/schema.js';
import { findCyclicBufferDependency } from '../../src/fabric/routing/cbd.js';
import { Simulator } from '../../src/sim/simulator.js';
import { buildTopology } from '../../src/topology/generators/index.js';
import { infiniband } from '../../src/transport/infiniband.js';

/** A k = 4 fat tree (16 hosts, 2 up-links per edge and aggregation switch) with IB LID routing. */
function fatTree(algorithm: string, lmc: number): Fabric {
  return buildFabric(new Simulator(1), buildTopology('fat-tree', { k: 4 }), fabricOptions(fabricSchema.parse({ routing: { algorithm } }), 4200, 'infiniband', lmc));
}

/** A packet-shaped probe to host `dst` with DLID offset `offset`. */
function probe(dst: number, offset: number): Packet {
  const p = new Packet();
  p.dst = dst;
  p.flowHash = offset;
  return p;
}

/** The node keys a packet to `dst` with DLID offset `offset` visits after leaving `src`. */
function hops(f: Fabric, src: number, dst: number, offset: number): string[] {
  return f.path(src, dst, offset).map((p) => f.nodeKeys[f.adjPeer[p.index]!]!);
}

describe('LMC: the subnet manager routes the 2^LMC LIDs of a host over different ports', () => {
  for (const algorithm of ['minhop', 'updn', 'ftree']) {
    it(`${algorithm}, LMC 2, k = 4 fat tree: the 4 LIDs of every host split 2 + 2 over every remote leaf's up-links and over every aggregation switch's`, () => {
      const f = fatTree(algorithm, 2);
      expect(f.lft).not.toBeNull();
      for (let dst = 0; dst < 16; dst++) {
        for (let src = 0; src < 16; src++) {
          if (Math.floor(src / 4) === Math.floor(dst / 4)) continue; // same pod: no core on the way
          const paths = [0, 1, 2, 3].map((o) => hops(f, src, dst, o));
          for (const p of paths) expect(p).toHaveLength(6); // edge, agg, core, agg, edge, host: every LID a shortest path
          const aggs = paths.map((p) => p[1]!);
          expect(new Set(aggs).size).toBe(2);
          for (const a of new Set(aggs)) expect(aggs.filter((x) => x === a)).toHaveLength(2);
          // whichever aggregation switch a LID reaches, the table sends its 4 LIDs 2 + 2 up
          for (const a of new Set(aggs)) {
            const cores = [0, 1, 2, 3].map((o) => {
              const sw = f.switches[f.switchOf[f.nodeKeys.indexOf(a)]!]!;
              return f.nodeKeys[f.adjPeer[sw.route(probe(dst, o)).index]!]!;
            });
            expect(new Set(cores).size).toBe(2);
          }
        }
      }
    });
  }

  it('ftree (D-mod-k on the LID index) gives the 4 LIDs of a host 4 disjoint paths from any remote leaf: through the 4 core switches', () => {
    const f = fatTree('ftree', 2);
    for (let dst = 0; dst < 16; dst++) {
      for (let src = 0; src < 16; src++) {
        if (Math.floor(src / 4) === Math.floor(dst / 4)) continue;
        const cores = [0, 1, 2, 3].map((o) => hops(f, src, dst, o)[2]!);
        expect(new Set(cores)).toEqual(new Set(['core0', 'core1', 'core2', 'core3']));
      }
    }
  });

  it('the LFT has exactly one port per (switch, LID), and up*/down* LFTs have no cyclic buffer dependency', () => {
    const f = fatTree('updn', 3);
    const lft = f.lft!;
    for (let s = 0; s < lft.switches; s++) for (let c = 0; c < f.hostCount * 8; c++) expect(lft.count(s, c)).toBe(1);
    expect(findCyclicBufferDependency(f.routingView())).toBeNull();
  });

  it("a QP's DLID offset is its source host mod 2^LMC (0 with LMC 0)", () => {
    const p = infiniband.params.parse({ lmc: 2 });
    expect([4, 5, 6, 7, 8].map((src) => infiniband.flowHash(src, 0, 12345, p))).toEqual([0, 1, 2, 3, 0]);
    expect(infiniband.flowHash(7, 0, 12345, infiniband.params.parse({}))).toBe(0);
  });

  it('ftree, LMC 2, DLID offset = source mod 4: every permutation goes up the tree without two flows on one up-link (LMC 0 cannot promise that); the shift permutation is non-blocking both ways', () => {
    const lmc0 = fatTree('ftree', 0);
    const lmc2 = fatTree('ftree', 2);
    const isUp = (f: Fabric, port: number) => /^(h|edge|agg)/.test(f.nodeKeys[f.ports[port]!.node]!) && /^(agg|core)/.test(f.nodeKeys[f.adjPeer[port]!]!) && !/^core/.test(f.nodeKeys[f.ports[port]!.node]!);
    const load = (f: Fabric, lmc: number, pairs: [number, number][], up: boolean): number => {
      const n = new Map<number, number>();
      for (const [src, dst] of pairs) {
        for (const p of f.path(src, dst, src & ((1 << lmc) - 1))) if (!up || isUp(f, p.index)) n.set(p.index, (n.get(p.index) ?? 0) + 1);
      }
      return Math.max(...n.values());
    };
    let lmc0Collides = 0;
    for (let seed = 1; seed <= 20; seed++) {
      const config = validateExperiment({ name: 'perm', seed, topology: { generator: 'fat-tree', params: { k: 4 } }, transport: { kind: 'infiniband' }, workload: { kind: 'permutation', bytes: 1000 } });
      const pairs = prepareExperiment(config).flows.map((f): [number, number] => [f.src, f.dst]);
      expect(load(lmc2, 2, pairs, true)).toBe(1);
      if (load(lmc0, 0, pairs, true) > 1) lmc0Collides++;
    }
    expect(lmc0Collides).toBeGreaterThan(0);
    const shift = Array.from({ length: 16 }, (_, h): [number, number] => [h, (h + 8) % 16]);
    expect(load(lmc2, 2, shift, false)).toBe(1);
    expect(load(lmc0, 0, shift, false)).toBe(1);
  });
});
