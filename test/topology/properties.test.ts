import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { buildTopology } from '../../src/topology/generators/index.js';
import type { Topology } from '../../src/topology/types.js';
import { validateTopology } from '../../src/topology/validate.js';
import { componentCount, nodesWithRole } from './helpers.js';

const numRuns = 60;
const rate = fc.integer({ min: 1, max: 400 });
const delay = fc.integer({ min: 0, max: 5000 });

/** The invariants every generated topology must satisfy. */
function checkTopology(g: Topology, expectedHosts: number): void {
  expect(() => validateTopology(g)).not.toThrow();
  expect(componentCount(g)).toBe(1);
  const hosts = nodesWithRole(g, 'host');
  expect(hosts).toHaveLength(expectedHosts);
  expect(hosts).toEqual(hosts.map((_, i) => `h${i}`));
  for (const h of hosts) {
    expect(g.degree(h)).toBe(1);
    expect(g.getNodeAttribute(g.neighbors(h)[0]!, 'role')).not.toBe('host');
  }
}

describe('every generator, random small parameters: connected, valid, formula host count, hosts of degree 1', () => {
  it('star', () => {
    fc.assert(
      fc.property(fc.integer({ min: 2, max: 40 }), rate, delay, (hosts, rate_gbps, delay_ns) => {
        checkTopology(buildTopology('star', { hosts, rate_gbps, delay_ns }), hosts);
      }),
      { numRuns },
    );
  });

  it('dumbbell', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 20 }), fc.integer({ min: 1, max: 20 }), rate, (l, r, bottleneck_rate_gbps) => {
        const g = buildTopology('dumbbell', { hosts_left: l, hosts_right: r, bottleneck_rate_gbps });
        checkTopology(g, l + r);
        expect(g.size).toBe(l + r + 1);
      }),
      { numRuns },
    );
  });

  it('leaf-spine', () => {
    fc.assert(
      fc.property(
        fc.record({
          leaves: fc.integer({ min: 1, max: 8 }),
          spines: fc.integer({ min: 1, max: 6 }),
          hosts_per_leaf: fc.integer({ min: 2, max: 8 }),
          links_per_spine: fc.integer({ min: 1, max: 3 }),
          oversubscription: fc.constantFrom(0.5, 1, 1.5, 2, 3),
        }),
        (p) => {
          const g = buildTopology('leaf-spine', p);
          checkTopology(g, p.leaves * p.hosts_per_leaf);
          expect(g.size).toBe(p.leaves * p.hosts_per_leaf + p.leaves * p.spines * p.links_per_spine);
        },
      ),
      { numRuns },
    );
  });

  it('fat-tree', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 5 }), rate, delay, (half, rate_gbps, delay_ns) => {
        const k = 2 * half;
        const g = buildTopology('fat-tree', { k, rate_gbps, delay_ns });
        checkTopology(g, k ** 3 / 4);
        expect(g.order).toBe(k ** 3 / 4 + (5 * k * k) / 4);
        expect(g.size).toBe((3 * k ** 3) / 4);
      }),
      { numRuns: 20 },
    );
  });

  it('dragonfly', () => {
    const params = fc
      .record({ p: fc.integer({ min: 1, max: 3 }), a: fc.integer({ min: 1, max: 5 }), h: fc.integer({ min: 1, max: 3 }) })
      .chain((p) => fc.record({ p: fc.constant(p.p), a: fc.constant(p.a), h: fc.constant(p.h), groups: fc.integer({ min: 2, max: p.a * p.h + 1 }) }));
    fc.assert(
      fc.property(params, (p) => {
        const g = buildTopology('dragonfly', p);
        checkTopology(g, p.groups * p.a * p.p);
        const perPair = Math.floor((p.a * p.h) / (p.groups - 1));
        const local = (p.groups * p.a * (p.a - 1)) / 2;
        const global = ((p.groups * (p.groups - 1)) / 2) * perPair;
        expect(g.size).toBe(p.groups * p.a * p.p + local + global);
        // no router uses more than h global ports
        g.forEachNode((r, a) => {
          if (a.layer !== 'router') return;
          const out = g.neighbors(r).filter((n) => g.getNodeAttribute(n, 'layer') === 'router' && g.getNodeAttribute(n, 'group') !== a.group);
          expect(out.length).toBeLessThanOrEqual(p.h);
        });
      }),
      { numRuns },
    );
  });

  it('torus', () => {
    const dims = fc.array(fc.integer({ min: 2, max: 5 }), { minLength: 2, maxLength: 3 });
    fc.assert(
      fc.property(dims, fc.integer({ min: 1, max: 3 }), (d, hosts_per_switch) => {
        const g = buildTopology('torus', { dims: d, hosts_per_switch });
        const switches = d.reduce((x, y) => x * y, 1);
        checkTopology(g, switches * hosts_per_switch);
        const degree = d.reduce((sum, n) => sum + (n === 2 ? 1 : 2), 0);
        g.forEachNode((s, a) => {
          if (a.role === 'switch') expect(g.degree(s)).toBe(degree + hosts_per_switch);
        });
        expect(g.size).toBe(switches * hosts_per_switch + (switches * degree) / 2);
      }),
      { numRuns },
    );
  });
});
