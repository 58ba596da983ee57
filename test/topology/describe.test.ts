import { describe, expect, it } from 'vitest';
import { describeTopology, formatDescription } from '../../src/topology/describe.js';
import { buildTopology } from '../../src/topology/generators/index.js';

describe('describeTopology', () => {
  it('k=4 fat tree: counts, layers, rates, hops 2..6 (same edge switch .. across pods)', () => {
    const d = describeTopology(buildTopology('fat-tree', { k: 4 }));
    expect(d).toEqual({
      name: 'fat-tree',
      generator: 'fat-tree',
      params: { k: 4, rate_gbps: 100, delay_ns: 1000 },
      hosts: 16,
      switches: 20,
      routers: 0,
      links: 48,
      nodes_by_layer: { edge: 8, agg: 8, core: 4, host: 16 },
      links_by_rate: [{ rate_gbps: 100, links: 48 }],
      host_hops: { min: 2, max: 6, sampled: false, sources: 16 },
      host_bandwidth_gbps: 1600,
    });
  });

  it('hop ranges follow the shape: star 2..2, dumbbell 2..3, leaf-spine 2..4, 4×4 torus 2..6', () => {
    const hops = (name: string, params: object) => {
      const h = describeTopology(buildTopology(name, params)).host_hops!;
      return [h.min, h.max];
    };
    expect(hops('star', {})).toEqual([2, 2]);
    expect(hops('dumbbell', {})).toEqual([2, 3]);
    expect(hops('leaf-spine', {})).toEqual([2, 4]);
    // one host per switch: nearest is 1 torus hop away (3 links), farthest 2 + 2 torus hops (6 links)
    expect(hops('torus', { dims: [4, 4] })).toEqual([3, 6]);
    // dragonfly: local then global then local at most → host, r, r, r, r, host = 5 links
    expect(hops('dragonfly', {})).toEqual([2, 5]);
  });

  it('counts links by rate in increasing order and host bandwidth from host links only', () => {
    const d = describeTopology(buildTopology('leaf-spine', { leaves: 2, spines: 2, hosts_per_leaf: 3, rate_gbps: 25, oversubscription: 3 }));
    expect(d.links_by_rate).toEqual([
      { rate_gbps: 12.5, links: 4 },
      { rate_gbps: 25, links: 6 },
    ]);
    expect(d.host_bandwidth_gbps).toBe(6 * 25);
  });

  it('samples 64 source hosts above 2000 hosts, still exact for a uniform fat tree', () => {
    const d = describeTopology(buildTopology('fat-tree', { k: 22 })); // 2662 hosts
    expect(d.hosts).toBe(2662);
    expect(d.host_hops).toEqual({ min: 2, max: 6, sampled: true, sources: 64 });
  });
});

describe('formatDescription', () => {
  it('gives a short readable summary', () => {
    const text = formatDescription(describeTopology(buildTopology('fat-tree', { k: 4 })));
    expect(text.split('\n')).toEqual([
      'fat-tree (generator fat-tree: k=4, rate_gbps=100, delay_ns=1000)',
      'nodes:          36 (16 hosts, 20 switches)',
      'layers:         edge 8, agg 8, core 4, host 16',
      'links:          48 (48 × 100 Gb/s)',
      'host hops:      2..6 (exact, all host pairs)',
      'host bandwidth: 1.6 Tb/s',
    ]);
  });

  it('shows arrays as JSON and says when hops were sampled', () => {
    const d = describeTopology(buildTopology('torus', { dims: [2, 3] }));
    expect(formatDescription(d)).toContain('dims=[2,3]');
    expect(formatDescription({ ...d, host_hops: { min: 2, max: 9, sampled: true, sources: 64 } })).toContain('2..9 (sampled from 64 hosts)');
  });
});
