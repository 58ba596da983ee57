import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { Fib } from '../../src/fabric/routing/fib.js';

/**
 * A graph given as per-node neighbour lists (port order = list order). `switchIndex[n]` is the
 * switch index of node n or -1 for a host; `hosts` lists host node ids by host id.
 */
interface Graph {
  adj: number[][];
  switchIndex: number[];
  hosts: number[];
}

function build(g: Graph): Fib {
  const adjStart = new Uint32Array(g.adj.length + 1);
  const peers: number[] = [];
  g.adj.forEach((ns, n) => {
    adjStart[n] = peers.length;
    peers.push(...ns);
  });
  adjStart[g.adj.length] = peers.length;
  return Fib.build(adjStart, Int32Array.from(peers), Int32Array.from(g.switchIndex), Int32Array.from(g.hosts));
}

/** Adds an undirected cable between a and b (one port on each). */
function cable(adj: number[][], a: number, b: number): void {
  adj[a]!.push(b);
  adj[b]!.push(a);
}

describe('Fib', () => {
  // nodes: L0=0, L1=1, S0=2, S1=3 (switches), H0..H3 = 4..7 (hosts)
  // L0 ports: 0→S0, 1→S1, 2→H0, 3→H1;  L1 ports: 0→S0, 1→S1, 2→H2, 3→H3
  const leafSpine = (): Graph => {
    const adj: number[][] = Array.from({ length: 8 }, () => []);
    for (const leaf of [0, 1]) for (const spine of [2, 3]) cable(adj, leaf, spine);
    cable(adj, 0, 4);
    cable(adj, 0, 5);
    cable(adj, 1, 6);
    cable(adj, 1, 7);
    return { adj, switchIndex: [0, 1, 2, 3, -1, -1, -1, -1], hosts: [4, 5, 6, 7] };
  };

  it('leaf-spine: a leaf uses both uplinks toward a remote host and the one host port toward a local one', () => {
    const g = leafSpine();
    expect(g.adj[0]).toEqual([2, 3, 4, 5]);
    const fib = build(g);
    expect(fib.candidates(0, 2)).toEqual([0, 1]);
    expect(fib.candidates(0, 3)).toEqual([0, 1]);
    expect(fib.candidates(0, 0)).toEqual([2]);
    expect(fib.candidates(0, 1)).toEqual([3]);
    expect(fib.candidates(1, 0)).toEqual([0, 1]);
    expect(fib.candidates(1, 3)).toEqual([3]);
    // spines: exactly the downlink to the destination's leaf
    expect(fib.candidates(2, 0)).toEqual([0]);
    expect(fib.candidates(2, 3)).toEqual([1]);
    expect(fib.candidates(3, 2)).toEqual([1]);
    expect(fib.count(0, 2)).toBe(2);
    expect(fib.count(2, 2)).toBe(1);
    // start/port give the same list as candidates
    const s = fib.start(0, 2);
    expect([fib.port(s), fib.port(s + 1)]).toEqual([0, 1]);
  });

  it('parallel cables between two switches are all equal-cost candidates', () => {
    const adj: number[][] = Array.from({ length: 4 }, () => []);
    cable(adj, 0, 1);
    cable(adj, 0, 1);
    cable(adj, 0, 1);
    cable(adj, 0, 2); // H0 on S0
    cable(adj, 1, 3); // H1 on S1
    const fib = build({ adj, switchIndex: [0, 1, -1, -1], hosts: [2, 3] });
    expect(fib.candidates(0, 1)).toEqual([0, 1, 2]);
    expect(fib.candidates(1, 0)).toEqual([0, 1, 2]);
    expect(fib.candidates(0, 0)).toEqual([3]);
  });

  it('paths never transit a host, even when that would be shorter', () => {
    // S0 - H0 - S1 - H1 is 3 hops through host H0; the switch-only path S0-S2-S3-S1-H1 is 4.
    // Node ids: S0=0, S1=1, S2=2, S3=3, H0=4, H1=5. Switch indices deliberately permuted.
    const adj: number[][] = Array.from({ length: 6 }, () => []);
    cable(adj, 0, 4); // S0 port 0 → H0
    cable(adj, 0, 2); // S0 port 1 → S2
    cable(adj, 1, 4); // S1 port 0 → H0 (H0 is dual-homed)
    cable(adj, 1, 5); // S1 port 1 → H1
    cable(adj, 2, 3); // S2 port 1 → S3
    cable(adj, 3, 1); // S3 port 1 → S1; S1 port 2 → S3
    const switchIndex = [3, 0, 2, 1, -1, -1];
    const fib = build({ adj, switchIndex, hosts: [4, 5] });
    expect(fib.candidates(3, 1)).toEqual([1]); // S0 toward H1: via S2, never via H0
    expect(fib.candidates(2, 1)).toEqual([1]); // S2 → S3
    expect(fib.candidates(1, 1)).toEqual([1]); // S3 → S1
    expect(fib.candidates(0, 1)).toEqual([1]); // S1 → H1 directly
    // toward H0 both of its switches deliver directly
    expect(fib.candidates(3, 0)).toEqual([0]);
    expect(fib.candidates(0, 0)).toEqual([0]);
    // S2 toward H0: only via S0 (2 hops), not via S3-S1 (3 hops)
    expect(fib.candidates(2, 0)).toEqual([0]);
  });

  it('count() is 0 for unreachable destinations', () => {
    // S0 with H0; S1 isolated; H1 attached to nothing; S2-H2 a separate island
    const adj: number[][] = Array.from({ length: 6 }, () => []);
    cable(adj, 0, 3);
    cable(adj, 2, 5);
    const fib = build({ adj, switchIndex: [0, 1, 2, -1, -1, -1], hosts: [3, 4, 5] });
    expect(fib.count(0, 0)).toBe(1);
    expect(fib.count(1, 0)).toBe(0);
    expect(fib.count(0, 1)).toBe(0);
    expect(fib.count(1, 1)).toBe(0);
    expect(fib.count(2, 1)).toBe(0);
    expect(fib.count(0, 2)).toBe(0);
    expect(fib.count(2, 2)).toBe(1);
    expect(fib.candidates(1, 0)).toEqual([]);
  });

  it('matches an all-pairs shortest-path reference on random graphs (no host transit)', () => {
    const graphArb = fc
      .record({
        switches: fc.integer({ min: 1, max: 7 }),
        hosts: fc.integer({ min: 1, max: 6 }),
        seed: fc.array(fc.nat(), { minLength: 60, maxLength: 60 }),
        edges: fc.integer({ min: 0, max: 18 }),
      })
      .map(({ switches, hosts, seed, edges }) => {
        const n = switches + hosts;
        const adj: number[][] = Array.from({ length: n }, () => []);
        let k = 0;
        const r = (m: number): number => seed[k++ % seed.length]! % m;
        // each host gets 1 or 2 switch uplinks; switches get random (possibly parallel) cables
        for (let h = 0; h < hosts; h++) {
          cable(adj, switches + h, r(switches));
          if (r(3) === 0) cable(adj, switches + h, r(switches));
        }
        for (let e = 0; e < edges; e++) {
          const a = r(switches);
          const b = r(switches);
          if (a !== b) cable(adj, a, b);
        }
        const switchIndex = Array.from({ length: n }, (_, i) => (i < switches ? switches - 1 - i : -1));
        const hostIds = Array.from({ length: hosts }, (_, h) => switches + h);
        return { adj, switchIndex, hosts: hostIds } as Graph;
      });
    fc.assert(
      fc.property(graphArb, (g) => {
        const fib = build(g);
        const n = g.adj.length;
        for (let h = 0; h < g.hosts.length; h++) {
          const target = g.hosts[h]!;
          // Bellman-Ford-style relaxation over switches only (plus the target as sink)
          const d = new Array<number>(n).fill(Infinity);
          d[target] = 0;
          for (let iter = 0; iter < n; iter++) {
            for (let u = 0; u < n; u++) {
              if (g.switchIndex[u]! < 0) continue;
              for (const v of g.adj[u]!) {
                if (v !== target && g.switchIndex[v]! < 0) continue;
                if (d[v]! + 1 < d[u]!) d[u] = d[v]! + 1;
              }
            }
          }
          for (let u = 0; u < n; u++) {
            const s = g.switchIndex[u]!;
            if (s < 0) continue;
            const expected: number[] = [];
            if (d[u] !== Infinity) {
              g.adj[u]!.forEach((v, p) => {
                const ok = v === target || g.switchIndex[v]! >= 0;
                if (ok && d[v]! + 1 === d[u]) expected.push(p);
              });
            }
            expect(fib.candidates(s, h)).toEqual(expected);
            expect(fib.count(s, h)).toBe(expected.length);
          }
        }
      }),
      { numRuns: 200 },
    );
  });
});
