import { describe, expect, it } from 'vitest';
import { buildTopology, generators } from '../../src/topology/generators/index.js';
import { validateTopology } from '../../src/topology/validate.js';
import { componentCount, configError, edgesBetweenLayers, nodesInLayer, nodesWithRole } from './helpers.js';

describe('generator registry', () => {
  it('holds the seven generators, each with usable defaults', () => {
    expect(generators.names()).toEqual(['star', 'dumbbell', 'leaf-spine', 'fat-tree', 'dragonfly', 'torus', 'ring']);
    for (const gen of generators.all()) {
      const g = gen.build(gen.params.parse({}));
      expect(() => validateTopology(g), gen.name).not.toThrow();
      expect(componentCount(g), gen.name).toBe(1);
    }
  });

  it('builds the same graph, keys and order included, every time', () => {
    for (const name of generators.names()) {
      expect(buildTopology(name, {}).export(), name).toEqual(buildTopology(name, {}).export());
    }
  });

  it('numbers hosts h0, h1, … and edges e0, e1, … in insertion order', () => {
    for (const name of generators.names()) {
      const g = buildTopology(name, {});
      const hosts = nodesWithRole(g, 'host');
      expect(hosts, name).toEqual(hosts.map((_, i) => `h${i}`));
      expect(g.edges(), name).toEqual(g.edges().map((_, i) => `e${i}`));
    }
  });
});

describe('buildTopology', () => {
  it('records name, generator and the parameters with defaults filled in', () => {
    const g = buildTopology('fat-tree', { k: 6 });
    expect(g.getAttributes()).toEqual({
      name: 'fat-tree',
      generator: 'fat-tree',
      params: { k: 6, rate_gbps: 100, delay_ns: 1000 },
    });
  });

  it('names the field of a bad parameter', () => {
    const where = { file: 'exp.yaml', field: 'topology' };
    for (const [name, params, field] of [
      ['fat-tree', { k: 3 }, 'topology.params.k'],
      ['fat-tree', { k: 0 }, 'topology.params.k'],
      ['fat-tree', { k: 4.5 }, 'topology.params.k'],
      ['star', { hosts: 1 }, 'topology.params.hosts'],
      ['star', { rate_gbps: 0 }, 'topology.params.rate_gbps'],
      ['star', { delay_ns: -1 }, 'topology.params.delay_ns'],
      ['star', { hostz: 3 }, 'topology.params'],
      ['dumbbell', { hosts_left: 0 }, 'topology.params.hosts_left'],
      ['dumbbell', { bottleneck_rate_gbps: -10 }, 'topology.params.bottleneck_rate_gbps'],
      ['leaf-spine', { leaves: 1, hosts_per_leaf: 1 }, 'topology.params.hosts_per_leaf'],
      ['leaf-spine', { oversubscription: 0 }, 'topology.params.oversubscription'],
      ['dragonfly', { a: 2, h: 1, groups: 4 }, 'topology.params.groups'],
      ['dragonfly', { groups: 1 }, 'topology.params.groups'],
      ['torus', { dims: [4] }, 'topology.params.dims'],
      ['torus', { dims: [4, 4, 4, 4] }, 'topology.params.dims'],
      ['torus', { dims: [4, 1] }, 'topology.params.dims.1'],
    ] as const) {
      const err = configError(() => buildTopology(name, params, where));
      expect(err.field, `${name} ${JSON.stringify(params)}`).toBe(field);
      expect(err.file).toBe('exp.yaml');
      expect(err.message).toContain(`exp.yaml: ${field}: `);
    }
  });

  it('says why an odd k is wrong', () => {
    expect(configError(() => buildTopology('fat-tree', { k: 5 })).message).toMatch(/params\.k: k must be even.*found 5/);
  });

  it('rejects an unknown generator at <field>.generator, listing the known ones', () => {
    const err = configError(() => buildTopology('fat-tre', {}, { field: 'topology' }));
    expect(err.field).toBe('topology.generator');
    expect(err.message).toContain('fat-tree');
  });
});

describe('star', () => {
  it('puts every host on sw0', () => {
    const g = buildTopology('star', { hosts: 5, rate_gbps: 25, delay_ns: 300 });
    expect(g.order).toBe(6);
    expect(g.size).toBe(5);
    expect(g.neighbors('sw0')).toEqual(['h0', 'h1', 'h2', 'h3', 'h4']);
    g.forEachEdge((_e, a) => expect(a).toEqual({ rate_gbps: 25, delay_ns: 300 }));
  });
});

describe('dumbbell', () => {
  it('has hosts_left + hosts_right hosts and one bottleneck', () => {
    const g = buildTopology('dumbbell', { hosts_left: 3, hosts_right: 5, bottleneck_rate_gbps: 40, bottleneck_delay_ns: 5000 });
    expect(nodesWithRole(g, 'host')).toHaveLength(8);
    expect(g.size).toBe(8 + 1);
    expect(new Set(g.neighbors('left'))).toEqual(new Set(['right', 'h0', 'h1', 'h2']));
    expect(new Set(g.neighbors('right'))).toEqual(new Set(['left', 'h3', 'h4', 'h5', 'h6', 'h7']));
    const [bottleneck] = g.edges('left', 'right');
    expect(g.edges('left', 'right')).toHaveLength(1);
    expect(g.getEdgeAttributes(bottleneck!)).toEqual({ rate_gbps: 40, delay_ns: 5000 });
  });

  it('gives the bottleneck the host link rate and delay by default', () => {
    const g = buildTopology('dumbbell', { rate_gbps: 25, delay_ns: 10 });
    expect(g.getEdgeAttributes(g.edges('left', 'right')[0]!)).toEqual({ rate_gbps: 25, delay_ns: 10 });
  });
});

describe('leaf-spine', () => {
  it('has leaves·hosts_per_leaf hosts and leaves·spines·links_per_spine uplinks', () => {
    const g = buildTopology('leaf-spine', { leaves: 3, spines: 4, hosts_per_leaf: 5, links_per_spine: 2 });
    expect(nodesWithRole(g, 'host')).toHaveLength(15);
    expect(nodesInLayer(g, 'leaf')).toEqual(['leaf0', 'leaf1', 'leaf2']);
    expect(nodesInLayer(g, 'spine')).toEqual(['spine0', 'spine1', 'spine2', 'spine3']);
    expect(edgesBetweenLayers(g, 'leaf', 'spine')).toBe(3 * 4 * 2);
    expect(g.edges('leaf1', 'spine3')).toHaveLength(2);
    expect(g.size).toBe(15 + 24);
    // hosts in leaf order: h5..h9 under leaf1
    expect(g.neighbors('h5')).toEqual(['leaf1']);
    expect(g.neighbors('h9')).toEqual(['leaf1']);
  });

  it('derives the uplink rate from the oversubscription', () => {
    // 5 hosts · 100 G down; 4 spines · 2 links up at 2:1 → 500 / (8 · 2) = 31.25 G per uplink.
    const g = buildTopology('leaf-spine', { spines: 4, hosts_per_leaf: 5, links_per_spine: 2, oversubscription: 2 });
    const up = g.edges('leaf0', 'spine0').map((e) => g.getEdgeAttribute(e, 'rate_gbps'));
    expect(up).toEqual([31.25, 31.25]);
    const capacity = (to: string) =>
      g
        .edges('leaf0')
        .filter((e) => g.getNodeAttribute(g.opposite('leaf0', e), 'layer') === to)
        .reduce((sum, e) => sum + g.getEdgeAttribute(e, 'rate_gbps'), 0);
    expect(capacity('host') / capacity('spine')).toBe(2);
  });

  it('is non-blocking by default and honours an explicit uplink rate', () => {
    const g = buildTopology('leaf-spine', {}); // 4 hosts · 100 G over 2 spines → 200 G uplinks
    expect(g.getEdgeAttribute(g.edges('leaf0', 'spine1')[0]!, 'rate_gbps')).toBe(200);
    const h = buildTopology('leaf-spine', { uplink_rate_gbps: 400, oversubscription: 3 });
    expect(h.getEdgeAttribute(h.edges('leaf0', 'spine1')[0]!, 'rate_gbps')).toBe(400);
  });
});

describe('fat-tree', () => {
  for (const k of [4, 8]) {
    it(`k=${k}: k³/4 hosts, 5k²/4 switches, 3k³/4 links, every switch of degree k`, () => {
      const g = buildTopology('fat-tree', { k });
      expect(nodesWithRole(g, 'host')).toHaveLength(k ** 3 / 4);
      expect(nodesWithRole(g, 'switch')).toHaveLength((5 * k * k) / 4);
      expect(g.size).toBe((3 * k ** 3) / 4);
      expect(nodesInLayer(g, 'edge')).toHaveLength(k * (k / 2));
      expect(nodesInLayer(g, 'agg')).toHaveLength(k * (k / 2));
      expect(nodesInLayer(g, 'core')).toHaveLength((k / 2) ** 2);
      for (const sw of nodesWithRole(g, 'switch')) expect(g.degree(sw), sw).toBe(k);
    });
  }

  it('wires agg i of every pod to cores i·k/2 … i·k/2 + k/2 − 1', () => {
    const k = 6;
    const g = buildTopology('fat-tree', { k });
    for (let pod = 0; pod < k; pod++) {
      for (let i = 0; i < k / 2; i++) {
        const cores = g.neighbors(`agg${pod}_${i}`).filter((n) => n.startsWith('core'));
        expect(cores).toEqual([0, 1, 2].map((j) => `core${i * 3 + j}`));
        expect(g.getNodeAttributes(`agg${pod}_${i}`)).toMatchObject({ role: 'switch', layer: 'agg', group: pod });
      }
    }
    // Each core reaches every pod exactly once.
    for (let c = 0; c < (k / 2) ** 2; c++) {
      const pods = g.neighbors(`core${c}`).map((n) => g.getNodeAttribute(n, 'group'));
      expect(pods).toEqual([0, 1, 2, 3, 4, 5]);
    }
  });

  it('numbers hosts by pod, then edge switch', () => {
    const g = buildTopology('fat-tree', { k: 4 });
    expect(g.neighbors('h0')).toEqual(['edge0_0']);
    expect(g.neighbors('h3')).toEqual(['edge0_1']);
    expect(g.neighbors('h4')).toEqual(['edge1_0']);
    expect(g.getNodeAttributes('h15')).toEqual({ role: 'host', layer: 'host', group: 3 });
  });
});

describe('dragonfly', () => {
  /** Global links: edges between routers of different groups. */
  const globalLinks = (g: ReturnType<typeof buildTopology>) =>
    g.filterEdges((_e, _a, _s, _t, sa, ta) => sa.layer === 'router' && ta.layer === 'router' && sa.group !== ta.group);

  it('balanced default (p=2, a=4, h=2): 9 groups, one global link per pair of groups', () => {
    const g = buildTopology('dragonfly', {});
    const G = 9;
    expect(nodesInLayer(g, 'router')).toHaveLength(G * 4);
    expect(nodesWithRole(g, 'switch')).toHaveLength(G * 4); // routers have role 'switch'
    expect(nodesWithRole(g, 'host')).toHaveLength(G * 4 * 2);
    const local = g.filterEdges((_e, _a, _s, _t, sa, ta) => sa.layer === 'router' && ta.layer === 'router' && sa.group === ta.group);
    expect(local).toHaveLength(G * (4 * 3) / 2);
    const global = globalLinks(g);
    expect(global).toHaveLength((G * (G - 1)) / 2);
    const pairs = new Set(global.map((e) => [g.source(e), g.target(e)].map((n) => g.getNodeAttribute(n, 'group')).sort((x, y) => x! - y!).join('-')));
    expect(pairs.size).toBe((G * (G - 1)) / 2);
    // every router uses exactly h global ports and links to its a−1 group peers
    for (const r of nodesInLayer(g, 'router')) {
      const group = g.getNodeAttribute(r, 'group');
      const peers = g.neighbors(r).map((n) => g.getNodeAttributes(n));
      expect(peers.filter((a) => a.layer === 'router' && a.group !== group), r).toHaveLength(2);
      expect(peers.filter((a) => a.layer === 'router' && a.group === group), r).toHaveLength(3);
      expect(peers.filter((a) => a.role === 'host'), r).toHaveLength(2);
    }
  });

  it('uses the consecutive arrangement: port k of group g goes to group g + k + 1', () => {
    const g = buildTopology('dragonfly', { p: 1, a: 2, h: 2 }); // 5 groups, ports 0..3 on r_0 (0,1), r_1 (2,3)
    const peerGroups = (r: string) =>
      g
        .neighbors(r)
        .map((n) => g.getNodeAttributes(n))
        .filter((a) => a.layer === 'router' && a.group !== g.getNodeAttribute(r, 'group'))
        .map((a) => a.group)
        .sort();
    expect(peerGroups('r0_0')).toEqual([1, 2]);
    expect(peerGroups('r0_1')).toEqual([3, 4]);
    expect(peerGroups('r2_0')).toEqual([3, 4]);
    expect(peerGroups('r2_1')).toEqual([0, 1]);
  });

  it('with fewer groups spreads ⌊a·h/(groups−1)⌋ links over every pair', () => {
    const g = buildTopology('dragonfly', { p: 1, a: 4, h: 2, groups: 5, global_rate_gbps: 200, global_delay_ns: 3000, local_rate_gbps: 50 });
    const global = globalLinks(g);
    expect(global).toHaveLength(((5 * 4) / 2) * 2); // C(5,2) pairs · ⌊8/4⌋
    for (const e of global) expect(g.getEdgeAttributes(e)).toEqual({ rate_gbps: 200, delay_ns: 3000 });
    for (const r of nodesInLayer(g, 'router')) {
      const group = g.getNodeAttribute(r, 'group');
      expect(g.neighbors(r).filter((n) => g.getNodeAttribute(n, 'layer') === 'router' && g.getNodeAttribute(n, 'group') !== group).length).toBeLessThanOrEqual(2);
    }
    const local = g.edges('r0_0', 'r0_1');
    expect(g.getEdgeAttributes(local[0]!)).toEqual({ rate_gbps: 50, delay_ns: 1000 });
    expect(nodesWithRole(g, 'host')).toHaveLength(5 * 4);
  });
});

describe('torus', () => {
  /** Switch-to-switch degree of every torus switch. */
  const torusDegrees = (g: ReturnType<typeof buildTopology>) =>
    nodesInLayer(g, 'torus').map((s) => g.edges(s).filter((e) => g.getNodeAttribute(g.opposite(s, e), 'role') === 'switch').length);

  it('4×4: 16 switches sw{x}_{y}, degree 4, 32 torus links', () => {
    const g = buildTopology('torus', { dims: [4, 4], hosts_per_switch: 2 });
    expect(nodesInLayer(g, 'torus')).toHaveLength(16);
    expect(nodesWithRole(g, 'host')).toHaveLength(32);
    expect(new Set(torusDegrees(g))).toEqual(new Set([4]));
    expect(edgesBetweenLayers(g, 'torus', 'torus')).toBe(32);
    expect(g.getNodeAttributes('sw1_2')).toMatchObject({ role: 'switch', coords: [1, 2] });
    expect(new Set(g.neighbors('sw0_0'))).toEqual(new Set(['sw1_0', 'sw3_0', 'sw0_1', 'sw0_3', 'h0', 'h1']));
    expect(g.getNodeAttribute('h3', 'coords')).toEqual([0, 1]);
  });

  it('3×4×5: degree 2·dims = 6', () => {
    const g = buildTopology('torus', { dims: [3, 4, 5] });
    expect(nodesInLayer(g, 'torus')).toHaveLength(60);
    expect(new Set(torusDegrees(g))).toEqual(new Set([6]));
    expect(edgesBetweenLayers(g, 'torus', 'torus')).toBe(60 * 3);
    expect(g.hasNode('sw2_3_4')).toBe(true);
  });

  it('a dimension of size 2 gives one link per pair, not two', () => {
    const g = buildTopology('torus', { dims: [2, 5] });
    expect(new Set(torusDegrees(g))).toEqual(new Set([3])); // 1 (size-2 ring) + 2
    expect(g.edges('sw0_3', 'sw1_3')).toHaveLength(1);
    const cube = buildTopology('torus', { dims: [2, 2, 2] });
    expect(new Set(torusDegrees(cube))).toEqual(new Set([3]));
    expect(edgesBetweenLayers(cube, 'torus', 'torus')).toBe(12); // the edges of a cube
  });
});
