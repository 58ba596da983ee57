import { describe, expect, it } from 'vitest';
import { buildFabric, type Fabric } from '../../src/fabric/build-fabric.js';
import { findCycle } from '../../src/fabric/flow-control/deadlock.js';
import { cycleInCsr, findCyclicBufferDependency } from '../../src/fabric/routing/cbd.js';
import { fabricOptions } from '../../src/experiment/fabric-options.js';
import { fabricSchema } from '../../src/experiment/fabric-schema.js';
import { Simulator } from '../../src/sim/simulator.js';
import { buildTopology } from '../../src/topology/generators/index.js';

/** A CSR graph from an edge list. */
function csr(n: number, edges: [number, number][]): [Int32Array, Int32Array] {
  const start = new Int32Array(n + 1);
  for (const [a] of edges) start[a + 1]!++;
  for (let i = 0; i < n; i++) start[i + 1]! += start[i]!;
  const fill = start.slice(0, n);
  const to = new Int32Array(edges.length);
  for (const [a, b] of edges) to[fill[a]!++] = b;
  return [start, to];
}

/** True if `cycle` is a cycle of the edge list (each node has an edge to the next, the last to the first). */
const isCycle = (cycle: number[], edges: [number, number][]) =>
  cycle.length > 0 && cycle.every((u, i) => edges.some(([a, b]) => a === u && b === cycle[(i + 1) % cycle.length]));

describe('cycle search', () => {
  const cases: [string, number, [number, number][], boolean][] = [
    ['a DAG', 5, [[0, 1], [1, 2], [0, 2], [2, 3], [3, 4]], false],
    ['a triangle behind a tail', 5, [[0, 1], [1, 2], [2, 3], [3, 1], [3, 4]], true],
    ['a self-loop', 3, [[0, 1], [2, 2]], true],
    ['a two-cycle', 2, [[0, 1], [1, 0]], true],
    ['no edges', 4, [], false],
  ];
  it.each(cases)('%s', (_what, n, edges, cyclic) => {
    const [start, to] = csr(n, edges);
    const c = cycleInCsr(n, start, to);
    const adj = new Map<number, number[]>();
    for (const [a, b] of edges) adj.set(a, [...(adj.get(a) ?? []), b]);
    const d = findCycle(Array.from({ length: n }, (_, i) => i), adj);
    for (const found of [c, d]) {
      if (!cyclic) expect(found).toBeNull();
      else {
        expect(isCycle(found!, edges)).toBe(true);
        expect(found![0]).toBe(Math.min(...found!)); // rotated to its smallest node
      }
    }
  });

  it('handles a cycle 100 000 long without recursion', () => {
    const n = 100_000;
    const edges = Array.from({ length: n }, (_, i): [number, number] => [i, (i + 1) % n]);
    const [start, to] = csr(n, edges);
    expect(cycleInCsr(n, start, to)!.length).toBe(n);
  });
});

function fabric(generator: string, params: Record<string, unknown>, routing: Record<string, unknown> = {}): Fabric {
  return buildFabric(new Simulator(1), buildTopology(generator, params), fabricOptions(fabricSchema.parse({ routing }), 1100));
}

describe('cyclic buffer dependencies of the routing', () => {
  it('a ring of n ≥ 4 switches with shortest paths: the cycle is every ring link the same way round', () => {
    for (const n of [4, 5, 8]) {
      const f = fabric('ring', { switches: n });
      const c = findCyclicBufferDependency(f)!;
      expect(c).toHaveLength(n);
      const hops = c.map((p) => [f.switchOf[f.ports[p]!.node]!, f.switchOf[f.adjPeer[p]!]!]);
      const dir = (hops[0]![1]! - hops[0]![0]! + n) % n;
      hops.forEach(([a, b], i) => {
        expect((b! - a! + n) % n).toBe(dir);
        expect(hops[(i + 1) % n]![0]).toBe(b); // each channel feeds the next
      });
    }
  });

  it('a ring of 3 has none: every destination is one hop away, no packet crosses two ring links', () => {
    expect(findCyclicBufferDependency(fabric('ring', { switches: 3 }))).toBeNull();
  });

  it('a torus with shortest paths has one; Clos fabrics and trees have none', () => {
    expect(findCyclicBufferDependency(fabric('torus', { dims: [4, 4] }))).not.toBeNull();
    for (const [gen, params] of [['fat-tree', { k: 4 }], ['fat-tree', { k: 8 }], ['leaf-spine', {}], ['dumbbell', {}], ['star', {}]] as const) {
      expect(findCyclicBufferDependency(fabric(gen, params)), gen).toBeNull();
    }
  });

  it('a k=16 fat tree (1,024 hosts, 320 switches) is checked well within a second', () => {
    const f = fabric('fat-tree', { k: 16 });
    const t0 = performance.now();
    expect(findCyclicBufferDependency(f)).toBeNull();
    expect(performance.now() - t0).toBeLessThan(1500); // ~100 ms on the 2-core dev machine
  });
});
