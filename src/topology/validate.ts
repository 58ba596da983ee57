import { ConfigError } from '../sim/errors.js';
import type { NodeRole, Topology } from './types.js';

/** The node roles a topology may use. */
export const NODE_ROLES: readonly NodeRole[] = ['host', 'switch', 'router'];

const isRole = (r: unknown): r is NodeRole => typeof r === 'string' && (NODE_ROLES as readonly string[]).includes(r);

/** `edge 'e3' (leaf0–spine1)`: how error messages name an edge. */
export function edgeLabel(g: Topology, edge: string): string {
  return `edge '${edge}' (${g.source(edge)}–${g.target(edge)})`;
}

/**
 * Checks that `g` is a topology fabricsim can simulate and throws a {@link ConfigError} naming the
 * first offending node or edge, and the fix, otherwise:
 * - at least 2 hosts; every node's role is `host`, `switch` or `router`;
 * - a switch's or router's `buffer_bytes`, when present, is a positive integer;
 * - `lid` and `guid`, when present, are a unicast LID (1 … 0xBFFF) and 1 … 16 hex digits, each
 *   unique;
 * - every edge is undirected, joins two different nodes, and has a finite `rate_gbps` > 0 and a
 *   finite `delay_ns` ≥ 0;
 * - every host has exactly one link, to a switch or router (multi-homed hosts are not supported yet);
 * - the graph is connected.
 * `where.file` names the source file in the message.
 */
export function validateTopology(g: Topology, where: { file?: string } = {}): void {
  const fail = (msg: string): never => {
    throw new ConfigError(msg, { file: where.file });
  };
  checkNodes(g, fail);
  checkEdges(g, fail);
  checkHosts(g, fail);
  checkConnected(g, fail);
}

type Fail = (msg: string) => never;

function checkNodes(g: Topology, fail: Fail): void {
  let hosts = 0;
  g.forEachNode((node, a) => {
    if (!isRole(a.role)) {
      fail(`node '${node}' has role ${JSON.stringify(a.role)}; set its role to one of: ${NODE_ROLES.join(', ')}`);
    }
    checkIds(node, a.lid, a.guid, fail);
    if (a.role === 'host') hosts++;
    else if (a.buffer_bytes !== undefined && !(Number.isSafeInteger(a.buffer_bytes) && a.buffer_bytes > 0)) {
      fail(`${a.role} '${node}' has buffer_bytes ${a.buffer_bytes}; give a positive whole number of bytes or leave it out`);
    }
  });
  if (hosts < 2) fail(`a topology needs at least 2 hosts (nodes with role 'host'); found ${hosts}`);
  const lids = new Map<number, string>();
  const guids = new Map<string, string>();
  g.forEachNode((node, a) => {
    if (a.lid !== undefined) {
      const other = lids.get(a.lid);
      if (other !== undefined) fail(`nodes '${other}' and '${node}' both have lid ${a.lid}; give every node its own LID or leave them out`);
      lids.set(a.lid, node);
    }
    if (a.guid !== undefined) {
      const other = guids.get(a.guid.toLowerCase());
      if (other !== undefined) fail(`nodes '${other}' and '${node}' both have guid ${a.guid}; give every node its own GUID or leave them out`);
      guids.set(a.guid.toLowerCase(), node);
    }
  });
}

/** A node's optional InfiniBand identifiers: a unicast LID (1 … 0xBFFF) and a GUID of 1 … 16 hex digits. */
function checkIds(node: string, lid: unknown, guid: unknown, fail: Fail): void {
  if (lid !== undefined && !(Number.isInteger(lid) && (lid as number) >= 1 && (lid as number) <= 0xbfff)) {
    fail(`node '${node}' has lid ${JSON.stringify(lid)}; give a unicast LID, a whole number 1 … 49151 (0xBFFF), or leave it out`);
  }
  if (guid !== undefined && !(typeof guid === 'string' && /^[0-9a-fA-F]{1,16}$/.test(guid))) {
    fail(`node '${node}' has guid ${JSON.stringify(guid)}; give up to 16 hex digits (e.g. 0002c90300000001) or leave it out`);
  }
}

function checkEdges(g: Topology, fail: Fail): void {
  if (g.directedSize > 0) fail(`the graph has ${g.directedSize} directed edge(s); links are full-duplex: use undirected edges`);
  g.forEachEdge((edge, a, source, target) => {
    const label = edgeLabel(g, edge);
    if (source === target) fail(`${label} is a self-loop; a link must join two different nodes`);
    if (typeof a.rate_gbps !== 'number' || !Number.isFinite(a.rate_gbps) || a.rate_gbps <= 0) {
      fail(`${label} has rate_gbps ${String(a.rate_gbps)}; give a finite rate in Gb/s greater than 0`);
    }
    if (typeof a.delay_ns !== 'number' || !Number.isFinite(a.delay_ns) || a.delay_ns < 0) {
      fail(`${label} has delay_ns ${String(a.delay_ns)}; give a finite propagation delay in ns, 0 or more`);
    }
  });
}

function checkHosts(g: Topology, fail: Fail): void {
  g.forEachNode((node, a) => {
    if (a.role !== 'host') return;
    const links = g.degree(node);
    if (links === 0) fail(`host '${node}' has no link; connect it to one switch`);
    if (links > 1) {
      const peers = g.neighbors(node).map((n) => `'${n}'`);
      fail(
        `host '${node}' has ${links} links (to ${peers.join(', ')}); multi-homed hosts are not supported yet: ` +
          `give each host exactly one link`,
      );
    }
    const peer = g.neighbors(node)[0]!;
    if (g.getNodeAttribute(peer, 'role') === 'host') {
      fail(`host '${node}' is linked to host '${peer}'; hosts must attach to a switch or router`);
    }
  });
}

function checkConnected(g: Topology, fail: Fail): void {
  const sizes = componentSizes(g);
  if (sizes.length <= 1) return;
  const start = g.nodes()[0]!;
  const reached = reachable(g, start);
  const lost = g.findNode((n) => !reached.has(n))!;
  fail(
    `the graph is not connected: node '${lost}' cannot be reached from '${start}' ` +
      `(found ${sizes.length} components of sizes ${sizes.join(', ')}); add links to join them`,
  );
}

/** Nodes reachable from `start` (breadth-first). */
function reachable(g: Topology, start: string): Set<string> {
  const seen = new Set([start]);
  const queue = [start];
  for (let i = 0; i < queue.length; i++) {
    g.forEachNeighbor(queue[i]!, (n) => {
      if (!seen.has(n)) {
        seen.add(n);
        queue.push(n);
      }
    });
  }
  return seen;
}

/** Sizes of the connected components, in order of each component's first node. */
export function componentSizes(g: Topology): number[] {
  const seen = new Set<string>();
  const sizes: number[] = [];
  g.forEachNode((n) => {
    if (seen.has(n)) return;
    const comp = reachable(g, n);
    for (const m of comp) seen.add(m);
    sizes.push(comp.size);
  });
  return sizes;
}
