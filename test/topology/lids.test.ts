import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { main, type CliIo } from '../../src/cli/main.js';
import { describeTopology, formatDescription } from '../../src/topology/describe.js';
import { buildTopology } from '../../src/topology/generators/index.js';
import { parseIbnetdiscover } from '../../src/topology/importers/ibnetdiscover.js';
import { assignLids, syntheticGuid } from '../../src/topology/lids.js';
import { validateTopology } from '../../src/topology/validate.js';
import { configError } from '../helpers/config-error.js';

const lidsOf = (g: ReturnType<typeof buildTopology>, role: string) =>
  g.filterNodes((_n, a) => (role === 'host' ? a.role === 'host' : a.role !== 'host')).map((n) => g.getNodeAttribute(n, 'lid')!);

describe('LIDs and GUIDs in the graph (topology/lids.ts)', () => {
  it('LMC 0 on a k = 4 fat tree: switches take LIDs 1..20 in graph order, then hosts 21..36; every node a unique synthetic GUID', () => {
    const g = buildTopology('fat-tree', { k: 4 });
    expect(assignLids(g)).toEqual({ lmc: 0, kept: 0, assigned: 36 });
    expect(lidsOf(g, 'switch')).toEqual(Array.from({ length: 20 }, (_, i) => i + 1));
    expect(lidsOf(g, 'host')).toEqual(Array.from({ length: 16 }, (_, i) => 21 + i));
    const guids = g.mapNodes((_n, a) => a.guid!);
    expect(new Set(guids).size).toBe(36);
    expect(guids[0]).toBe(syntheticGuid(0));
    expect(guids.every((x) => /^[0-9a-f]{16}$/.test(x))).toBe(true);
    validateTopology(g);
  });

  it('LMC 2: every host base LID is a multiple of 4 and owns 4 LIDs no other node has', () => {
    const g = buildTopology('leaf-spine', { leaves: 2, spines: 2, hosts_per_leaf: 3 });
    assignLids(g, 2);
    const hosts = lidsOf(g, 'host');
    expect(hosts.every((l) => l % 4 === 0)).toBe(true);
    const owned = new Set<number>();
    for (const l of hosts) for (let i = 0; i < 4; i++) owned.add(l + i);
    expect(owned.size).toBe(hosts.length * 4);
    for (const l of lidsOf(g, 'switch')) expect(owned.has(l)).toBe(false);
    expect(describeTopology(g).lids).toEqual({ switches: 4, hosts: 6, switch_range: [1, 4], host_range: [8, 28], guids: 10 });
  });

  it('LIDs already in the graph are kept and the others avoid them', () => {
    const g = buildTopology('star', { hosts: 3 });
    g.setNodeAttribute('h1', 'lid', 2);
    expect(assignLids(g)).toEqual({ lmc: 0, kept: 1, assigned: 3 });
    expect(g.mapNodes((n, a) => `${n}:${a.lid}`).sort()).toEqual(['h0:3', 'h1:2', 'h2:4', 'sw0:1']);
  });

  it('validation refuses a duplicate or out-of-range LID and a malformed GUID, naming the node', () => {
    const g = buildTopology('star', { hosts: 3 });
    g.setNodeAttribute('h0', 'lid', 7);
    g.setNodeAttribute('h1', 'lid', 7);
    expect(configError(() => validateTopology(g)).message).toMatch(/'h0' and 'h1' both have lid 7/);
    g.setNodeAttribute('h1', 'lid', 0xc000);
    expect(configError(() => validateTopology(g)).message).toMatch(/'h1' has lid 49152/);
    g.removeNodeAttribute('h1', 'lid');
    g.setNodeAttribute('h2', 'guid', 'xyz');
    expect(configError(() => validateTopology(g)).message).toMatch(/'h2' has guid "xyz"/);
  });

  it("the ibnetdiscover importer puts the dump's LIDs and GUIDs on the nodes (switch: node GUID and port-0 LID; CA: port GUID and LID)", () => {
    const text = readFileSync('test/fixtures/import/ibnetdiscover.txt', 'utf8');
    const r = parseIbnetdiscover(text, 'ibnetdiscover.txt', { rateGbps: (_s, w) => 25 * w, delayNs: 100 });
    const g = r.topology;
    expect(g.getNodeAttributes('spine1')).toMatchObject({ lid: 1, guid: '0002c90300000001' });
    for (const n of ['node1', 'node2', 'node3', 'node4']) expect(g.getNodeAttribute(n, 'lid')).toEqual(r.nodes.find((x) => x.key === n)!.lid);
    expect(g.getNodeAttribute('node3', 'lid')).toBe(13);
    expect(r.warnings).toEqual([]);
    expect(formatDescription(describeTopology(g))).toMatch(/^LIDs: +switches 1\.\.\d+ \(3\), hosts 11\.\.14 \(4\); 7 GUIDs$/m);
  });

  it('fabricsim topo GENERATOR --lmc N assigns LIDs and describes them; a generated topology without it has none', async () => {
    let out = '';
    const io: CliIo = { out: (t) => void (out += t), err: () => {} };
    expect(await main(['topo', 'star', '--hosts', '4', '--lmc', '1'], io)).toBe(0);
    expect(out).toContain('LIDs:           switches 1..1 (1), hosts 2..8 (4); 5 GUIDs');
    expect(describeTopology(buildTopology('star', { hosts: 4 })).lids).toBeUndefined();
    expect(await main(['topo', 'star', '--lmc', '9'], { out: () => {}, err: () => {} })).toBe(2);
  });
});
