import { mkdtempSync, readFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { main, type CliIo } from '../../src/cli/main.js';
import { runExperiment } from '../../src/experiment/run.js';
import { ConfigError } from '../../src/sim/errors.js';
import { parseNs3Rate, parseNs3Time, parseNs3Topology } from '../../src/topology/importers/ns3.js';
import { parseHtsimCm } from '../../src/workload/importers/htsim-cm.js';
import { parseNs3Flows } from '../../src/workload/importers/ns3-flows.js';

const FIX = 'test/fixtures/import';
const read = (f: string) => readFileSync(join(FIX, f), 'utf8');

function cli(args: string[]): Promise<{ code: number; out: string; err: string }> {
  let out = '';
  let err = '';
  const io: CliIo = { out: (t) => void (out += t), err: (t) => void (err += t) };
  return main(args, io).then((code) => ({ code, out, err }));
}

/** The flows of a finished run: endpoints by host key, bytes and start in ns. */
function flowsOf(r: ReturnType<typeof runExperiment>) {
  const keys = r.fabric.hostKeys;
  return r.flows.records.map((f) => ({ src: keys[f.src], dst: keys[f.dst], bytes: f.bytes, start_ns: f.start / 1000, status: f.status }));
}

describe('ns-3 quantities', () => {
  it('data rates and times as ns-3 writes them', () => {
    expect(parseNs3Rate('100Gbps')).toBe(100);
    expect(parseNs3Rate('25Gb/s')).toBe(25);
    expect(parseNs3Rate('400000Mbps')).toBe(400);
    expect(parseNs3Rate('1GBps')).toBe(8);
    expect(parseNs3Rate('100')).toBeNull();
    expect(parseNs3Time('0.001ms')).toBe(1000);
    expect(parseNs3Time('1us')).toBe(1000);
    expect(parseNs3Time('500ns')).toBe(500);
    expect(parseNs3Time('2')).toBe(2e9);
    expect(parseNs3Time('1 furlong')).toBeNull();
  });
});

describe('fabricsim import: the ns-3 HPCC topology and flow files', () => {
  it('the topology keeps the node, switch and link counts, every rate and delay, and the ns-3 node ids as keys', () => {
    const { topology: g, keys, warnings } = parseNs3Topology(read('ns3-topology.txt'), 'topology.txt');
    expect(g.order).toBe(7);
    expect(g.size).toBe(6);
    expect(g.filterNodes((_, a) => a.role === 'host')).toEqual(['h0', 'h1', 'h2', 'h3']);
    expect(g.filterNodes((_, a) => a.role === 'switch')).toEqual(['sw4', 'sw5', 'sw6']);
    expect(keys).toEqual(['h0', 'h1', 'h2', 'h3', 'sw4', 'sw5', 'sw6']);
    const links = g.mapEdges((_, a, s, t) => [s, t, a.rate_gbps, a.delay_ns]);
    expect(links).toEqual([
      ['h0', 'sw4', 100, 1000], ['h1', 'sw4', 100, 1000], ['h2', 'sw5', 100, 1000], ['h3', 'sw5', 100, 1000],
      ['sw4', 'sw6', 400, 500], ['sw5', 'sw6', 400, 500],
    ]);
    expect(warnings).toEqual([]);
  });

  it('a run of the imported topology and flows matches the original: count, endpoints, sizes, start times, and the 6-hop path delay', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'ns3-import-'));
    const topo = join(dir, 'topo.json');
    const flows = join(dir, 'flows.csv');
    expect((await cli(['import', 'ns3-topology', join(FIX, 'ns3-topology.txt'), '--out', topo])).code).toBe(0);
    const f = await cli(['import', 'ns3-flows', join(FIX, 'ns3-flow.txt'), '--out', flows]);
    expect(f.code).toBe(0);
    expect(f.out).toMatch(/4 flows/);
    expect(readFileSync(flows, 'utf8').split('\n')[0]).toBe('src,dst,bytes,start_ns,priority');
    const r = runExperiment({ name: 'ns3', topology: { file: topo }, outputs: { samples_interval_ns: 0 }, workload: { kind: 'trace', file: flows } });
    expect(r.stopReason).toBe('all-flows-ended');
    expect(flowsOf(r)).toEqual([
      { src: 'h0', dst: 'h2', bytes: 10000, start_ns: 2e9, status: 'done' },
      { src: 'h1', dst: 'h3', bytes: 20000, start_ns: 2e9 + 1000, status: 'done' },
      { src: 'h2', dst: 'h0', bytes: 5000, start_ns: 2e9 + 2500, status: 'done' },
      { src: 'h3', dst: 'h1', bytes: 1000, start_ns: 2e9 + 10000, status: 'done' },
    ]);
    // the path h0 → sw4 → sw6 → sw5 → h2 is four cables: 1 + 0.5 + 0.5 + 1 µs
    const path = r.fabric.path(0, 2, 0);
    expect(path.map((p) => p.link.delay)).toEqual([1e6, 5e5, 5e5, 1e6]);
    expect(path.map((p) => p.rateBps)).toEqual([100e9, 400e9, 400e9, 100e9]);
  });

  it('malformed lines are ConfigErrors naming file:line', () => {
    const bad = (text: string) => () => parseNs3Topology(text, 'topo.txt');
    const lines = read('ns3-topology.txt').split('\n');
    const edit = (i: number, line: string) => lines.map((l, k) => (k === i ? line : l)).join('\n');
    expect(bad(edit(2, '0 4 100Gbits 0.001ms 0'))).toThrow(/topo\.txt:3: rate must be an ns-3 data rate .*"100Gbits"/);
    expect(bad(edit(3, '1 4 100Gbps soon 0'))).toThrow(/topo\.txt:4: delay must be an ns-3 time/);
    expect(bad(edit(4, '2 9 100Gbps 1us 0'))).toThrow(/topo\.txt:5: node 9 does not exist/);
    expect(bad(edit(5, '3 5 100Gbps'))).toThrow(/topo\.txt:6: expected "src dst rate delay error_rate"/);
    expect(bad(edit(0, '7 3'))).toThrow(/topo\.txt:1: expected "node_num switch_num link_num"/);
    expect(bad(edit(1, '4 5'))).toThrow(/topo\.txt:2: expected 3 switch ids/);
    expect(bad(lines.slice(0, 7).join('\n'))).toThrow(/link_num says 6 links but the file has 5/);
    expect(bad(edit(2, 'x 4 100Gbps 0.001ms 0'))).toThrow(ConfigError);
    // a per-link error rate is reported, not silently dropped
    expect(parseNs3Topology(edit(2, '0 4 100Gbps 0.001ms 0.001'), 't').warnings[0]).toMatch(/error_rate/);

    const flows = read('ns3-flow.txt').split('\n');
    const editF = (i: number, line: string) => () => parseNs3Flows(flows.map((l, k) => (k === i ? line : l)).join('\n'), 'flow.txt');
    expect(editF(2, '1 3 3 101 big 2.000001')).toThrow(/flow\.txt:3: size must be a whole number/);
    expect(editF(3, '2 0 3 102 5000')).toThrow(/flow\.txt:4: expected "src dst priority dport size start_time"/);
    expect(editF(4, '3 3 3 103 1000 2')).toThrow(/flow\.txt:5: src and dst are the same node/);
    expect(editF(0, '5')).toThrow(/flow\.txt:\d+: the first line says 5 flows but the file has 4/);
    expect(editF(1, '0 2 3 100 10000 -2')).toThrow(/flow\.txt:2: start_time/);
  });

  it('an unknown format or a missing file exits 2 with one message', async () => {
    expect((await cli(['import', 'ns3-graph', join(FIX, 'ns3-topology.txt')])).err).toMatch(/unknown import format 'ns3-graph'/);
    const missing = await cli(['import', 'htsim-cm', join(FIX, 'nope.cm')]);
    expect(missing.code).toBe(2);
    expect(missing.err).toMatch(/nope\.cm: file not found/);
  });
});

describe('fabricsim import htsim-cm: htsim connection matrices', () => {
  it('a run of the imported matrix matches it: count, endpoints, sizes, start times (µs)', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'htsim-import-'));
    const out = join(dir, 'cm.csv');
    const r0 = await cli(['import', 'htsim-cm', join(FIX, 'htsim.cm'), '--out', out]);
    expect(r0.code).toBe(0);
    expect(existsSync(out)).toBe(true);
    const r = runExperiment({ name: 'cm', topology: { generator: 'star', params: { hosts: 8 } }, outputs: { samples_interval_ns: 0 }, workload: { kind: 'trace', file: out } });
    expect(flowsOf(r)).toEqual([
      { src: 'h1', dst: 'h0', bytes: 20000, start_ns: 0, status: 'done' },
      { src: 'h2', dst: 'h0', bytes: 20000, start_ns: 1500, status: 'done' },
      { src: 'h5', dst: 'h7', bytes: 4000, start_ns: 10000, status: 'done' },
    ]);
    // stdout without --out
    expect((await cli(['import', 'htsim-cm', join(FIX, 'htsim.cm')])).out).toBe(readFileSync(out, 'utf8'));
  });

  it('malformed lines, count mismatches and triggered connections are ConfigErrors naming file:line', () => {
    const lines = read('htsim.cm').split('\n');
    const edit = (i: number, line: string) => () => parseHtsimCm(lines.map((l, k) => (k === i ? line : l)).join('\n'), 'x.cm');
    expect(edit(3, '1-0 id 1 start 0 size 20000')).toThrow(/x\.cm:4: expected a connection "SRC->DST/);
    expect(edit(3, '1->9 id 1 start 0 size 20000')).toThrow(/x\.cm:4: node 9 does not exist \(Nodes 8/);
    expect(edit(4, '2->0 id 2 start 1.5')).toThrow(/x\.cm:5: no size/);
    expect(edit(4, '2->0 id 2 start 1.5 size 20000 colour blue')).toThrow(/x\.cm:5: unknown token "colour"/);
    expect(edit(5, '5->7 id 3 trigger 1 size 4000')).toThrow(/x\.cm:6: triggered connections are not supported/);
    expect(edit(2, 'Connections 4')).toThrow(/x\.cm:6: the header says Connections 4 but the file has 3/);
    expect(edit(1, 'Nodes')).toThrow(/x\.cm:2: expected "Nodes <count>"/);
    expect(() => parseHtsimCm('1->0 start 0 size 1\n', 'y.cm')).toThrow(/y\.cm:1: a connection before the "Nodes N" header/);
  });
});
