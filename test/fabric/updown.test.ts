import { describe, expect, it } from 'vitest';
import { buildFabric, type Fabric } from '../../src/fabric/build-fabric.js';
import { findCyclicBufferDependency } from '../../src/fabric/routing/cbd.js';
import { buildUpDownFib, defaultUpDownRoots } from '../../src/fabric/routing/updown.js';
import { fabricOptions } from '../../src/experiment/fabric-options.js';
import { fabricSchema } from '../../src/experiment/fabric-schema.js';
import { runExperiment } from '../../src/experiment/run.js';
import { ConfigError } from '../../src/sim/errors.js';
import { Simulator } from '../../src/sim/simulator.js';
import { buildTopology } from '../../src/topology/generators/index.js';

function fabric(generator: string, params: Record<string, unknown>, routing: Record<string, unknown> = {}): Fabric {
  return buildFabric(new Simulator(1), buildTopology(generator, params), fabricOptions(fabricSchema.parse({ routing }), 1100));
}

/** Switch indices by rank from the given roots, computed here independently (BFS over switch links). */
function ranks(f: Fabric, roots: readonly number[]): number[] {
  const rank = f.switches.map(() => -1);
  const queue = [...roots];
  for (const r of roots) rank[r] = 0;
  while (queue.length > 0) {
    const s = queue.shift()!;
    for (const p of f.switches[s]!.ports) {
      const t = f.switchOf[f.adjPeer[p.index]!]!;
      if (t >= 0 && rank[t] === -1) {
        rank[t] = rank[s]! + 1;
        queue.push(t);
      }
    }
  }
  return rank;
}

/**
 * For every destination host and every switch with a sending host: follows every FIB candidate
 * (all ECMP choices) and checks that no route goes up after going down and that each is as short
 * as the shortest legal route, found here by a BFS over (switch, gone-down) states.
 */
function checkLegalAndShortest(f: Fabric, rank: readonly number[]): { pairs: number } {
  const up = (a: number, b: number): boolean => rank[b]! < rank[a]! || (rank[b] === rank[a] && b < a);
  const next = (s: number): { node: number; sw: number; local: number }[] =>
    f.switches[s]!.ports.map((p) => ({ node: f.adjPeer[p.index]!, sw: f.switchOf[f.adjPeer[p.index]!]!, local: p.local }));
  let pairs = 0;
  for (let h = 0; h < f.hostCount; h++) {
    const target = f.hostNode[h]!;
    for (let s = 0; s < f.switches.length; s++) {
      if (!next(s).some((n) => n.sw < 0 && n.node !== target)) continue; // no sender here
      pairs++;
      const seen = new Map<string, number>([[`${s},0`, 0]]);
      const queue: [number, number][] = [[s, 0]];
      let best = Infinity;
      while (queue.length > 0) {
        const [u, down] = queue.shift()!;
        const d = seen.get(`${u},${down}`)!;
        for (const n of next(u)) {
          if (n.node === target) best = Math.min(best, d + 1);
          if (n.sw < 0) continue;
          const goesUp = up(u, n.sw);
          if (down === 1 && goesUp) continue;
          const key = `${n.sw},${goesUp ? 0 : 1}`;
          if (!seen.has(key)) {
            seen.set(key, d + 1);
            queue.push([n.sw, goesUp ? 0 : 1]);
          }
        }
      }
      const walk = (u: number, down: number, hops: number): void => {
        const cands = f.fib.candidates(u, h);
        expect(cands.length, `switch ${u} has a route to h${h}`).toBeGreaterThan(0);
        for (const local of cands) {
          const n = next(u).find((x) => x.local === local)!;
          if (n.node === target) {
            expect(hops + 1, `route from switch ${s} to h${h}`).toBe(best);
            continue;
          }
          expect(n.sw).toBeGreaterThanOrEqual(0); // never through another host
          const goesUp = up(u, n.sw);
          expect(down === 1 && goesUp, `up after down at switch ${u} toward h${h}`).toBe(false);
          expect(hops).toBeLessThan(f.switches.length);
          walk(n.sw, goesUp ? down : 1, hops + 1);
        }
      };
      walk(s, 0, 0);
    }
  }
  return { pairs };
}

describe('up*/down* routing', () => {
  it.each([
    ['ring', { switches: 6 }],
    ['ring', { switches: 7, hosts_per_switch: 2 }],
    ['torus', { dims: [4, 4] }],
    ['torus', { dims: [3, 3, 3] }],
    ['dragonfly', {}],
    ['fat-tree', { k: 4 }],
    ['leaf-spine', { leaves: 3, spines: 2, links_per_spine: 2 }],
  ])('%s %j: every route legal and a shortest legal one, and no cyclic buffer dependency', (gen, params) => {
    const f = fabric(gen, params, { algorithm: 'updown' });
    const { roots } = buildUpDownFib(f.adjStart, f.adjPeer, f.switchOf, f.hostNode);
    expect(checkLegalAndShortest(f, ranks(f, roots)).pairs).toBeGreaterThan(0);
    expect(findCyclicBufferDependency(f)).toBeNull();
  });

  it('the default roots are the switches farthest from the hosts: spines, cores, every ring switch', () => {
    const roots = (f: Fabric) => defaultUpDownRoots(f.adjStart, f.adjPeer, f.switchOf).map((s) => f.nodeKeys[f.switches[s]!.node]);
    expect(roots(fabric('leaf-spine', {}))).toEqual(['spine0', 'spine1']);
    expect(roots(fabric('fat-tree', { k: 4 }))).toEqual(['core0', 'core1', 'core2', 'core3']);
    expect(roots(fabric('ring', { switches: 5 }))).toEqual(['sw0', 'sw1', 'sw2', 'sw3', 'sw4']);
  });

  it('in a dragonfly, where every router is a default root but several roots leave routes missing, one root is used', () => {
    const f = fabric('dragonfly', {});
    expect(defaultUpDownRoots(f.adjStart, f.adjPeer, f.switchOf).length).toBe(f.switches.length);
    expect(buildUpDownFib(f.adjStart, f.adjPeer, f.switchOf, f.hostNode).roots).toEqual([0]);
  });

  it('on a Clos fabric it is exactly shortest-path routing (every shortest path there goes up, then down)', () => {
    for (const [gen, params] of [['fat-tree', { k: 4 }], ['leaf-spine', {}]] as const) {
      const a = fabric(gen, params);
      const b = fabric(gen, params, { algorithm: 'updown' });
      for (let s = 0; s < a.switches.length; s++) {
        for (let h = 0; h < a.hostCount; h++) expect(b.fib.candidates(s, h), `${gen} switch ${s} host ${h}`).toEqual(a.fib.candidates(s, h));
      }
    }
  });

  it('a configured root changes the levels; a root that is not a switch is a ConfigError naming fabric.routing.root', () => {
    const r = fabric('ring', { switches: 6 }, { algorithm: 'updown', root: 'sw3' });
    checkLegalAndShortest(r, ranks(r, [3]));
    expect(findCyclicBufferDependency(r)).toBeNull();
    for (const root of ['sw9', 'h0']) {
      expect(() => fabric('ring', { switches: 6 }, { algorithm: 'updown', root })).toThrow(ConfigError);
      try {
        runExperiment({
          name: 'x',
          topology: { generator: 'ring', params: { switches: 6 } },
          fabric: { routing: { algorithm: 'updown', root } },
          workload: { kind: 'flows', list: [{ src: 'h0', dst: 'h1', bytes: 1000 }] },
        }, { file: 'x.yaml' });
        expect.unreachable();
      } catch (e) {
        expect(e).toBeInstanceOf(ConfigError);
        expect((e as ConfigError).message).toMatch(/^x\.yaml: fabric\.routing\.root: /);
      }
    }
  });

  it('root without algorithm updown is refused by the schema at fabric.routing.root', () => {
    const r = fabricSchema.safeParse({ routing: { root: 'sw0' } });
    expect(r.success).toBe(false);
    expect(r.error!.issues[0]!.path).toEqual(['routing', 'root']);
  });
});
