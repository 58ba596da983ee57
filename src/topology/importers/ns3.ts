import { MultiUndirectedGraph } from 'graphology';
import { ConfigError } from '../../sim/errors.js';
import type { EdgeAttributes, GraphAttributes, NodeAttributes, Topology } from '../types.js';
import { validateTopology } from '../validate.js';

/**
 * Quantities as the ns-3 attribute system writes them, for the importers of ns-3 input files
 * (the HPCC RDMA simulator's topology and flow files).
 */

const SI: Record<string, number> = { '': 1, k: 1e3, K: 1e3, M: 1e6, G: 1e9, T: 1e12 };
const BINARY: Record<string, number> = { Ki: 2 ** 10, Mi: 2 ** 20, Gi: 2 ** 30, Ti: 2 ** 40 };

/**
 * An ns-3 `DataRate` string in Gb/s: a number and a unit, `bps`/`b/s` for bits and `Bps`/`B/s`
 * for bytes, with an SI (`k`, `K`, `M`, `G`, `T`) or binary (`Ki`, `Mi`, ...) prefix:
 * `100Gbps` → 100, `25Gb/s` → 25, `1GBps` → 8. Null when it is not one.
 */
export function parseNs3Rate(text: string): number | null {
  const m = /^([0-9]*\.?[0-9]+(?:[eE][-+]?[0-9]+)?)\s*(Ki|Mi|Gi|Ti|k|K|M|G|T|)(bps|b\/s|Bps|B\/s)$/.exec(text.trim());
  if (m === null) return null;
  const mult = BINARY[m[2]!] ?? SI[m[2]!]!;
  const bits = m[3]!.startsWith('B') ? 8 : 1;
  const v = (Number(m[1]) * mult * bits) / 1e9;
  return Number.isFinite(v) ? v : null;
}

const TIME_NS: Record<string, number> = { s: 1e9, ms: 1e6, us: 1e3, ns: 1, ps: 1e-3, min: 60e9, h: 3600e9 };

/** An ns-3 `Time` string in ns: `0.001ms` → 1000, `1us`, `500ns`, `2s`; a bare number is seconds. Null when it is not one. */
export function parseNs3Time(text: string): number | null {
  const m = /^([0-9]*\.?[0-9]+(?:[eE][-+]?[0-9]+)?)\s*(s|ms|us|ns|ps|min|h|)$/.exec(text.trim());
  if (m === null) return null;
  const v = Number(m[1]) * TIME_NS[m[2] || 's']!;
  // nanoseconds to the picosecond, without binary-fraction noise (0.001 ms is 1000 ns, not 1000.0000000000001)
  return Number.isFinite(v) ? Math.round(v * 1000) / 1000 : null;
}

/** The lines of a text file with their 1-based numbers, blank lines and `#` comments dropped, split into fields. */
export function dataLines(text: string): { line: number; fields: string[] }[] {
  const out: { line: number; fields: string[] }[] = [];
  text.split(/\r?\n/).forEach((raw, i) => {
    const s = raw.replace(/#.*$/, '').trim();
    if (s !== '') out.push({ line: i + 1, fields: s.split(/\s+/) });
  });
  return out;
}

/** A whole number ≥ `min` from a field, or a ConfigError at `file:line`. */
export function wholeField(text: string, what: string, where: string, file: string, min = 0): number {
  const v = /^\d+$/.test(text) ? Number(text) : NaN;
  if (!Number.isSafeInteger(v) || v < min) throw new ConfigError(`${where}: ${what} must be a whole number >= ${min}; found "${text}"`, { file });
  return v;
}

/** What an ns-3 topology import found besides the graph. */
export interface Ns3TopologyImport {
  topology: Topology;
  /** ns-3 node id → node key (`h<id>` for hosts, `sw<id>` for switches). */
  keys: string[];
  /** Things the user should know (per-link error rates fabricsim does not model per link). */
  warnings: string[];
}

/**
 * Reads the topology file of the ns-3 HPCC RDMA simulator (`mix/topology.txt`):
 *
 * ```
 * node_num switch_num link_num
 * <switch_num switch node ids>
 * src dst rate delay error_rate      (link_num lines: 100Gbps 0.001ms 0)
 * ```
 *
 * Nodes are numbered 0..node_num−1; those not listed as switches are hosts. Host `i` becomes
 * node `h<i>` and switch `i` `sw<i>`, added in id order (so host indices follow ns-3 ids), each
 * link an edge with its rate in Gb/s and delay in ns. A link's `error_rate` has no per-link
 * counterpart (fabricsim has one `fabric.link_loss_rate`), so a nonzero one is reported in
 * `warnings`. Every malformed line is a ConfigError naming `name:line`; the result is validated
 * like any topology file (every host on one link to a switch, connected).
 */
export function parseNs3Topology(text: string, name: string): Ns3TopologyImport {
  const lines = dataLines(text);
  const fail = (line: number, msg: string): never => {
    throw new ConfigError(`${name}:${line}: ${msg}`, { file: name });
  };
  if (lines.length === 0) fail(1, 'empty file; expected a first line "node_num switch_num link_num"');
  const head = lines[0]!;
  if (head.fields.length !== 3) fail(head.line, `expected "node_num switch_num link_num" (3 numbers); found "${head.fields.join(' ')}"`);
  const at = (l: { line: number }) => `${name}:${l.line}`;
  const nodes = wholeField(head.fields[0]!, 'node_num', at(head), name, 2);
  const switches = wholeField(head.fields[1]!, 'switch_num', at(head), name, 0);
  const links = wholeField(head.fields[2]!, 'link_num', at(head), name, 1);
  if (switches >= nodes) fail(head.line, `switch_num (${switches}) must be less than node_num (${nodes}): the other nodes are the hosts`);
  const isSwitch = new Array<boolean>(nodes).fill(false);
  let linkStart = 1;
  if (switches > 0) {
    const sw = lines[1];
    if (sw === undefined) fail(head.line + 1, `expected the ${switches} switch ids; the file ends`);
    if (sw!.fields.length !== switches) fail(sw!.line, `expected ${switches} switch ids (switch_num); found ${sw!.fields.length}`);
    for (const f of sw!.fields) {
      const id = wholeField(f, 'a switch id', at(sw!), name);
      if (id >= nodes) fail(sw!.line, `switch id ${id} is not a node (node_num is ${nodes}: ids 0..${nodes - 1})`);
      if (isSwitch[id]) fail(sw!.line, `switch id ${id} is listed twice`);
      isSwitch[id] = true;
    }
    linkStart = 2;
  }
  const keys = isSwitch.map((s, i) => (s ? `sw${i}` : `h${i}`));
  const g: Topology = new MultiUndirectedGraph<NodeAttributes, EdgeAttributes, GraphAttributes>();
  g.replaceAttributes({ name, generator: 'ns3-import', params: { node_num: nodes, switch_num: switches, link_num: links } });
  for (let i = 0; i < nodes; i++) g.addNode(keys[i]!, isSwitch[i] ? { role: 'switch', layer: 'switch' } : { role: 'host', layer: 'host' });
  const linkLines = lines.slice(linkStart);
  if (linkLines.length !== links) {
    const l = linkLines[Math.min(links, linkLines.length)] ?? lines[lines.length - 1]!;
    fail(l.line, `link_num says ${links} links but the file has ${linkLines.length} link lines`);
  }
  const warnings: string[] = [];
  let lossy = 0;
  linkLines.forEach((l, i) => {
    if (l.fields.length < 4 || l.fields.length > 5) fail(l.line, `expected "src dst rate delay error_rate" (e.g. "0 4 100Gbps 0.001ms 0"); found "${l.fields.join(' ')}"`);
    const [s, d, rate, delay, err] = l.fields as [string, string, string, string, string | undefined];
    const src = wholeField(s, 'src', at(l), name);
    const dst = wholeField(d, 'dst', at(l), name);
    for (const id of [src, dst]) if (id >= nodes) fail(l.line, `node ${id} does not exist (node_num is ${nodes}: ids 0..${nodes - 1})`);
    if (src === dst) fail(l.line, `a link from node ${src} to itself`);
    const gbps = parseNs3Rate(rate);
    if (gbps === null || gbps <= 0) fail(l.line, `rate must be an ns-3 data rate such as 100Gbps or 25Gb/s; found "${rate}"`);
    const ns = parseNs3Time(delay);
    if (ns === null) fail(l.line, `delay must be an ns-3 time such as 0.001ms, 1us or 500ns; found "${delay}"`);
    if (err !== undefined) {
      const e = Number(err);
      if (!Number.isFinite(e) || e < 0 || e > 1) fail(l.line, `error_rate must be a probability in [0, 1]; found "${err}"`);
      if (e > 0) lossy++;
    }
    g.addUndirectedEdgeWithKey(`e${i}`, keys[src]!, keys[dst]!, { rate_gbps: gbps!, delay_ns: ns! });
  });
  if (lossy > 0) warnings.push(`${lossy} link(s) have a nonzero error_rate, which is not imported per link; set fabric.link_loss_rate for a uniform loss rate`);
  validateTopology(g, { file: name });
  return { topology: g, keys, warnings };
}
