import { MultiUndirectedGraph } from 'graphology';
import { ConfigError } from '../../sim/errors.js';
import type { EdgeAttributes, GraphAttributes, NodeAttributes, Topology } from '../types.js';
import { assignLids } from '../lids.js';
import { validateTopology } from '../validate.js';

/** What {@link parseIbnetdiscover} needs to turn a link's `4xEDR` into a rate. */
export interface IbnetdiscoverOptions {
  /** Data rate in Gb/s of `width` lanes at IB speed `speed` (SDR … NDR), or null if unknown. */
  rateGbps: (speed: string, width: number) => number | null;
  /** Propagation delay of every link, ns (the dump has no cable lengths). */
  delayNs: number;
}

/** The result: the graph, and per node key the GUID and LID the dump gave it. */
export interface IbnetdiscoverImport {
  topology: Topology;
  nodes: { key: string; kind: 'switch' | 'ca'; guid: string; lid: number | null; description: string }[];
  warnings: string[];
}

interface PendingLink {
  line: number;
  a: string;
  aPort: number;
  b: string;
  bPort: number;
  width: number | null;
  speed: string | null;
}

const NODE = /^(Switch|Ca|Rt)\s+(\d+)\s+"([SHR])-([0-9a-fA-F]+)"(.*)$/;
const PORT = /^\[(\d+)\](?:\(([0-9a-fA-F]+)\))?\s+"([SHR])-([0-9a-fA-F]+)"\[(\d+)\](?:\(([0-9a-fA-F]+)\))?(.*)$/;

/**
 * Reads an `ibnetdiscover` dump (infiniband-diags; the default output format): blocks of
 *
 * ```
 * Switch  36 "S-0002c90300000001"   # "leaf1" base port 0 lid 3 lmc 0
 * [1]  "H-0002c90300000010"[1](2c90300000011)   # "node1 HCA-1" lid 5 4xEDR
 * Ca  1 "H-0002c90300000010"   # "node1 HCA-1"
 * [1](2c90300000011)  "S-0002c90300000001"[1]   # lid 5 lmc 0 "leaf1" lid 3 4xEDR
 * ```
 *
 * (`vendid=`, `devid=`, `sysimgguid=`, `switchguid=`, `caguid=` lines are skipped). Switches
 * (`Switch`) become switches and channel adapters (`Ca`) hosts; routers (`Rt`) are refused. A
 * node is keyed by the first word of its description (`"node1 HCA-1"` → `node1`) when those are
 * unique and safe, else by its ibnetdiscover id (`S-0002c9…`). Each cable, listed from both ends,
 * becomes one edge at the rate of its `<width>x<speed>` (`4xEDR` → 100 Gb/s; every link of a CA
 * must say it) with `delayNs`. The LIDs and GUIDs go into the graph as node attributes `lid`
 * and `guid` (a switch's node GUID and port-0 LID, a CA's port GUID and LID; nodes the dump gives
 * no LID get one from `assignLids`, with a warning) and are returned beside it too. Errors name
 * `file:line`.
 */
export function parseIbnetdiscover(text: string, name: string, opts: IbnetdiscoverOptions): IbnetdiscoverImport {
  const fail = (line: number, msg: string): never => {
    throw new ConfigError(`${name}:${line}: ${msg}`, { file: name });
  };
  const nodes: { id: string; kind: 'switch' | 'ca'; guid: string; portGuid?: string; lid: number | null; description: string; ports: number; line: number }[] = [];
  const byId = new Map<string, number>();
  const links: PendingLink[] = [];
  let current: string | null = null;
  text.split(/\r?\n/).forEach((raw, i) => {
    const line = i + 1;
    const s = raw.trim();
    if (s === '' || s.startsWith('#') || /^(vendid|devid|sysimgguid|switchguid|caguid|routerguid)=/.test(s)) return;
    const [body, comment = ''] = splitComment(s);
    const n = NODE.exec(body);
    if (n !== null) {
      if (n[1] === 'Rt') fail(line, 'routers (Rt) are not imported: fabricsim models one subnet');
      const id = `${n[3]}-${n[4]!.toLowerCase()}`;
      if (byId.has(id)) fail(line, `node ${id} is listed twice`);
      const desc = /"([^"]*)"/.exec(comment)?.[1]?.trim() ?? '';
      const lid = /\blid\s+(\d+)/.exec(comment);
      byId.set(id, nodes.length);
      nodes.push({ id, kind: n[1] === 'Switch' ? 'switch' : 'ca', guid: n[4]!.toLowerCase(), lid: lid === null ? null : Number(lid[1]), description: desc, ports: Number(n[2]), line });
      current = id;
      return;
    }
    const p = PORT.exec(body);
    if (p !== null) {
      if (current === null) fail(line, 'a port line before any Switch or Ca line');
      const me = nodes[byId.get(current!)!]!;
      if (me.kind === 'ca' && me.lid === null) {
        const own = /^lid\s+(\d+)/.exec(comment); // a CA port line's comment starts with its own LID
        if (own !== null) me.lid = Number(own[1]);
      }
      if (me.kind === 'ca' && me.portGuid === undefined && p[2] !== undefined) me.portGuid = p[2].toLowerCase().padStart(16, '0');
      const m = /\b(\d+)x([A-Z]+)\b/.exec(comment);
      links.push({ line, a: current!, aPort: Number(p[1]), b: `${p[3]}-${p[4]!.toLowerCase()}`, bPort: Number(p[5]), width: m === null ? null : Number(m[1]), speed: m === null ? null : m[2]! });
      return;
    }
    fail(line, `expected a "Switch N \\"S-guid\\"", "Ca N \\"H-guid\\"" or "[port] \\"X-guid\\"[port]" line; found "${s}"`);
  });
  if (nodes.length === 0) fail(1, 'no Switch or Ca lines: not an ibnetdiscover dump');
  // keys: the description's first word when unique and safe, else the id
  const words = nodes.map((x) => x.description.split(/\s+/)[0] ?? '');
  const unique = words.every((w, i) => /^[A-Za-z][\w.-]*$/.test(w) && words.indexOf(w) === i);
  const keyOf = new Map<string, string>();
  nodes.forEach((x, i) => keyOf.set(x.id, unique ? words[i]! : x.id));
  const g: Topology = new MultiUndirectedGraph<NodeAttributes, EdgeAttributes, GraphAttributes>();
  g.replaceAttributes({ name, generator: 'ibnetdiscover-import', params: { nodes: nodes.length } });
  for (const x of nodes) {
    // the dump's identifiers: a switch's node GUID and LID (port 0), a CA's port GUID and LID
    const guid = x.kind === 'ca' ? (x.portGuid ?? x.guid) : x.guid;
    const ids = { guid, ...(x.lid !== null && { lid: x.lid }) };
    g.addNode(keyOf.get(x.id)!, x.kind === 'switch' ? { role: 'switch', layer: 'switch', ...ids } : { role: 'host', layer: 'host', ...ids });
  }
  const warnings: string[] = [];
  const seen = new Map<string, PendingLink>();
  let e = 0;
  for (const l of links) {
    if (!byId.has(l.b)) fail(l.line, `port ${l.aPort} of ${l.a} connects to ${l.b}, which the dump does not list`);
    const end = (id: string, port: number) => `${id}[${port}]`;
    const other = seen.get(end(l.b, l.bPort));
    if (other !== undefined) {
      if (other.b !== l.a || other.bPort !== l.aPort) fail(l.line, `${end(l.b, l.bPort)} is listed as connected to ${end(other.b, other.bPort)} and to ${end(l.a, l.aPort)}`);
      seen.delete(end(l.b, l.bPort));
      continue;
    }
    seen.set(end(l.a, l.aPort), l);
    const width = l.width;
    const speed = l.speed;
    if (width === null || speed === null) fail(l.line, 'the link has no "<width>x<speed>" (e.g. 4xEDR) in its comment');
    const gbps = opts.rateGbps(speed!, width!);
    if (gbps === null || !(gbps > 0)) fail(l.line, `unknown link speed ${width}x${speed}; expected SDR, DDR, QDR, FDR, EDR, HDR or NDR with 1, 2, 4, 8 or 12 lanes`);
    g.addUndirectedEdgeWithKey(`e${e++}`, keyOf.get(l.a)!, keyOf.get(l.b)!, { rate_gbps: gbps!, delay_ns: opts.delayNs });
  }
  if (seen.size > 0) warnings.push(`${seen.size} link(s) listed from one end only (the other node's block lacks them); imported anyway`);
  const lids = assignLids(g);
  if (lids.assigned > 0) warnings.push(`${lids.assigned} node(s) had no LID in the dump; assigned as a subnet manager would (topology/lids.ts)`);
  validateTopology(g, { file: name });
  return {
    topology: g,
    nodes: nodes.map((x) => ({ key: keyOf.get(x.id)!, kind: x.kind, guid: x.guid, lid: x.lid, description: x.description })),
    warnings,
  };
}

/** `body # comment` → [body, comment] (quotes inside the comment are kept). */
function splitComment(s: string): [string, string] {
  // the body's quotes come in pairs; the first # outside them starts the comment
  let inQuote = false;
  for (let i = 0; i < s.length; i++) {
    const c = s[i];
    if (c === '"') inQuote = !inQuote;
    else if (c === '#' && !inQuote) return [s.slice(0, i).trim(), s.slice(i + 1).trim()];
  }
  return [s, ''];
}
