import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { main, type CliIo } from '../../src/cli/main.js';
import { runExperiment } from '../../src/experiment/run.js';
import { parseIbnetdiscover } from '../../src/topology/importers/ibnetdiscover.js';

const FIX = 'test/fixtures/import/ibnetdiscover.txt';
const text = readFileSync(FIX, 'utf8');
const rates: Record<string, number> = { EDR: 25, HDR: 50 };
const opts = { rateGbps: (s: string, w: number) => (rates[s] === undefined ? null : rates[s]! * w), delayNs: 100 };

function cli(args: string[]): Promise<{ code: number; out: string; err: string }> {
  let out = '';
  let err = '';
  const io: CliIo = { out: (t) => void (out += t), err: (t) => void (err += t) };
  return main(args, io).then((code) => ({ code, out, err }));
}

describe('fabricsim import ibnetdiscover', () => {
  it('switches, CAs and cables (each listed from both ends) become one graph, keyed by description, with GUIDs and LIDs beside it', () => {
    const r = parseIbnetdiscover(text, 'ibnetdiscover.txt', opts);
    const g = r.topology;
    expect(g.filterNodes((_, a) => a.role === 'switch').sort()).toEqual(['leaf1', 'leaf2', 'spine1']);
    expect(g.filterNodes((_, a) => a.role === 'host').sort()).toEqual(['node1', 'node2', 'node3', 'node4']);
    expect(g.size).toBe(6); // 4 HCA cables + 2 uplinks, not 12 listings
    const links = g.mapEdges((_, a, s, t) => [[s, t].sort().join('-'), a.rate_gbps, a.delay_ns]).sort();
    expect(links).toEqual([
      ['leaf1-node1', 100, 100], ['leaf1-node2', 100, 100], ['leaf1-spine1', 200, 100],
      ['leaf2-node3', 100, 100], ['leaf2-node4', 100, 100], ['leaf2-spine1', 200, 100],
    ]);
    const byKey = Object.fromEntries(r.nodes.map((n) => [n.key, n]));
    expect(byKey.spine1).toMatchObject({ kind: 'switch', guid: '0002c90300000001', lid: 1 });
    expect(byKey.node3).toMatchObject({ kind: 'ca', guid: '0002c90300000301', lid: 13, description: 'node3 HCA-1' });
    expect(r.warnings).toEqual([]);
  });

  it('names the line of a malformed entry or an unknown speed', () => {
    expect(() => parseIbnetdiscover('Switch 4 "S-01"\nbogus line\n', 'x.txt', opts)).toThrow(/x\.txt:2: expected a "Switch/);
    expect(() => parseIbnetdiscover('Switch 4 "S-01" # "a"\n[1] "S-02"[1] # "b" lid 2 4xXDR\nSwitch 4 "S-02" # "b"\n', 'x.txt', opts)).toThrow(/x\.txt:2: unknown link speed 4xXDR/);
    expect(() => parseIbnetdiscover('Switch 4 "S-01" # "a"\n[1] "S-09"[1] # "b" lid 2 4xEDR\n', 'x.txt', opts)).toThrow(/x\.txt:2: .*S-09, which the dump does not list/);
  });

  it('the CLI writes a topology file that runs over InfiniBand at the dump’s rates (IB speeds from ib-speed.ts)', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'ibnd-'));
    const topo = join(dir, 'topo.json');
    const c = await cli(['import', 'ibnetdiscover', FIX, '--out', topo, '--delay-ns', '500']);
    expect(c.code).toBe(0);
    const r = runExperiment({
      name: 'ibnd',
      topology: { file: topo },
      transport: { kind: 'infiniband' },
      outputs: { samples_interval_ns: 0 },
      workload: { kind: 'flows', list: [{ src: 'node1', dst: 'node4', bytes: 100_000 }] },
    });
    expect(r.stopReason).toBe('all-flows-ended');
    const keys = r.fabric.hostKeys;
    const path = r.fabric.path(keys.indexOf('node1'), keys.indexOf('node4'), 0);
    expect(path.map((p) => p.rateBps)).toEqual([100e9, 200e9, 200e9, 100e9]); // 4xEDR, 4xHDR
    expect(path.map((p) => p.link.delay)).toEqual([5e5, 5e5, 5e5, 5e5]);
  });
});
