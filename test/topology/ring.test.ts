import { describe, expect, it } from 'vitest';
import { buildTopology, generators } from '../../src/topology/generators/index.js';
import { configError, nodesWithRole } from './helpers.js';

describe('ring generator', () => {
  it('n switches each joined to the next, the last to the first, with hosts numbered switch by switch', () => {
    const g = buildTopology('ring', { switches: 5, hosts_per_switch: 2, rate_gbps: 25, delay_ns: 300 });
    expect(nodesWithRole(g, 'switch')).toEqual(['sw0', 'sw1', 'sw2', 'sw3', 'sw4']);
    expect(nodesWithRole(g, 'host')).toHaveLength(10);
    for (let i = 0; i < 5; i++) {
      expect(g.neighbors(`sw${i}`).sort()).toEqual([`h${2 * i}`, `h${2 * i + 1}`, `sw${(i + 1) % 5}`, `sw${(i + 4) % 5}`].sort());
      expect(g.degree(`sw${i}`)).toBe(4);
    }
    g.forEachEdge((_e, a) => expect(a).toEqual({ rate_gbps: 25, delay_ns: 300 }));
    // host links first, then the ring in order
    expect(g.extremities(g.edges()[10]!)).toEqual(['sw0', 'sw1']);
    expect(g.extremities(g.edges()[14]!)).toEqual(['sw4', 'sw0']);
  });

  it('size() matches what build() makes', () => {
    const gen = generators.get('ring');
    for (const p of [{}, { switches: 3 }, { switches: 9, hosts_per_switch: 3 }]) {
      const params = gen.params.parse(p);
      const g = gen.build(params);
      expect(gen.size(params)).toEqual({ nodes: g.order, links: g.size });
    }
  });

  it('needs at least 3 switches', () => {
    expect(configError(() => buildTopology('ring', { switches: 2 }, { field: 'topology' })).field).toBe('topology.params.switches');
  });
});
