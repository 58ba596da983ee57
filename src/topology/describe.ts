import type { Topology } from './types.js';

/** Above this many hosts, {@link describeTopology} measures hop counts from a sample of hosts. */
export const EXACT_HOPS_MAX_HOSTS = 2000;
/** How many source hosts {@link describeTopology} samples for hop counts on big topologies. */
export const HOP_SAMPLE_SOURCES = 64;

/** A summary of a topology as plain data (JSON-friendly), for `fabricsim topo describe`. */
export interface TopologyDescription {
  /** Graph attributes: how the topology was made, when recorded. */
  name?: string;
  generator?: string;
  params?: Record<string, unknown>;
  /** Node counts by role, and link (edge) count. */
  hosts: number;
  switches: number;
  routers: number;
  links: number;
  /** Nodes per `layer` attribute (the role when a node has no layer), in order of first appearance. */
  nodes_by_layer: Record<string, number>;
  /** How many links run at each rate, by increasing rate. */
  links_by_rate: Array<{ rate_gbps: number; links: number }>;
  /**
   * Fewest and most links on a shortest path between two distinct hosts. Exact (breadth-first
   * search from every host) up to {@link EXACT_HOPS_MAX_HOSTS} hosts; above that from
   * {@link HOP_SAMPLE_SOURCES} evenly spaced hosts to every host, and `sampled` is true. Pairs with
   * no path are ignored; null when there is no connected pair of hosts.
   */
  host_hops: { min: number; max: number; sampled: boolean; sources: number } | null;
  /** Sum of the rates of every host's links, Gb/s. */
  host_bandwidth_gbps: number;
  /**
   * InfiniBand LIDs and GUIDs (node attributes `lid`, `guid`; topology/lids.ts), present only when
   * some node has a LID: how many switches and hosts have one, the range of each, and how many
   * nodes have a GUID.
   */
  lids?: { switches: number; hosts: number; switch_range: [number, number] | null; host_range: [number, number] | null; guids: number };
}

/** Summarizes `g`: counts, layers, link rates, host-to-host hop range and host bandwidth. */
export function describeTopology(g: Topology): TopologyDescription {
  const attrs = g.getAttributes();
  const byRole = { host: 0, switch: 0, router: 0 };
  const layers: Record<string, number> = {};
  let hostBandwidth = 0;
  g.forEachNode((node, a) => {
    if (a.role in byRole) byRole[a.role]++;
    const layer = a.layer ?? a.role;
    layers[layer] = (layers[layer] ?? 0) + 1;
    if (a.role === 'host') g.forEachEdge(node, (_e, ea) => (hostBandwidth += ea.rate_gbps));
  });
  const rates = new Map<number, number>();
  g.forEachEdge((_e, a) => rates.set(a.rate_gbps, (rates.get(a.rate_gbps) ?? 0) + 1));
  return {
    ...(attrs.name !== undefined && { name: attrs.name }),
    ...(attrs.generator !== undefined && { generator: attrs.generator }),
    ...(attrs.params !== undefined && { params: attrs.params }),
    hosts: byRole.host,
    switches: byRole.switch,
    routers: byRole.router,
    links: g.size,
    nodes_by_layer: layers,
    links_by_rate: [...rates].sort((x, y) => x[0] - y[0]).map(([rate_gbps, links]) => ({ rate_gbps, links })),
    host_hops: hostHops(g),
    host_bandwidth_gbps: hostBandwidth,
    ...lidSummary(g),
  };
}

/** The `lids` part of a description: absent when no node has a LID. */
function lidSummary(g: Topology): Pick<TopologyDescription, 'lids'> {
  const range = (xs: number[]): [number, number] | null => (xs.length === 0 ? null : [Math.min(...xs), Math.max(...xs)]);
  const sw: number[] = [];
  const hosts: number[] = [];
  let guids = 0;
  g.forEachNode((_n, a) => {
    if (a.guid !== undefined) guids++;
    if (a.lid !== undefined) (a.role === 'host' ? hosts : sw).push(a.lid);
  });
  if (sw.length + hosts.length === 0) return {};
  return { lids: { switches: sw.length, hosts: hosts.length, switch_range: range(sw), host_range: range(hosts), guids } };
}

/** Host-to-host hop range by breadth-first search over an integer adjacency (CSR) table. */
function hostHops(g: Topology): TopologyDescription['host_hops'] {
  const index = new Map<string, number>();
  const hosts: number[] = [];
  g.forEachNode((node, a) => {
    if (a.role === 'host') hosts.push(index.size);
    index.set(node, index.size);
  });
  if (hosts.length < 2) return null;

  const n = g.order;
  const start = new Int32Array(n + 1);
  g.forEachEdge((_e, _a, s, t) => {
    start[index.get(s)! + 1]++;
    start[index.get(t)! + 1]++;
  });
  for (let i = 0; i < n; i++) start[i + 1] += start[i]!;
  const fill = start.slice(0, n);
  const adj = new Int32Array(start[n]!);
  g.forEachEdge((_e, _a, s, t) => {
    const u = index.get(s)!;
    const v = index.get(t)!;
    adj[fill[u]!++] = v;
    adj[fill[v]!++] = u;
  });

  const sampled = hosts.length > EXACT_HOPS_MAX_HOSTS;
  const sources = sampled
    ? Array.from({ length: HOP_SAMPLE_SOURCES }, (_, i) => hosts[Math.floor((i * hosts.length) / HOP_SAMPLE_SOURCES)]!)
    : hosts;
  const dist = new Int32Array(n);
  const queue = new Int32Array(n);
  let min = Infinity;
  let max = -Infinity;
  for (const src of sources) {
    dist.fill(-1);
    dist[src] = 0;
    queue[0] = src;
    for (let head = 0, tail = 1; head < tail; head++) {
      const u = queue[head]!;
      for (let k = start[u]!; k < start[u + 1]!; k++) {
        const v = adj[k]!;
        if (dist[v] === -1) {
          dist[v] = dist[u]! + 1;
          queue[tail++] = v;
        }
      }
    }
    for (const h of hosts) {
      const d = dist[h]!;
      if (h === src || d < 0) continue;
      if (d < min) min = d;
      if (d > max) max = d;
    }
  }
  return min === Infinity ? null : { min, max, sampled, sources: sources.length };
}

const num = (x: number): string => String(Number(x.toFixed(3)));

/** `800 Gb/s`, `1.6 Tb/s`. */
function bandwidth(gbps: number): string {
  return gbps >= 1000 ? `${num(gbps / 1000)} Tb/s` : `${num(gbps)} Gb/s`;
}

/** A few lines of text for a person (`fabricsim topo describe FILE`). */
export function formatDescription(d: TopologyDescription): string {
  const title = d.name ?? d.generator ?? 'topology';
  const params = d.params
    ? Object.entries(d.params)
        .map(([k, v]) => `${k}=${typeof v === 'string' ? v : JSON.stringify(v)}`)
        .join(', ')
    : '';
  const made = d.generator ? ` (generator ${d.generator}${params ? `: ${params}` : ''})` : '';
  const roles = [`${d.hosts} hosts`, `${d.switches} switches`, ...(d.routers > 0 ? [`${d.routers} routers`] : [])];
  const hops = d.host_hops
    ? `${d.host_hops.min}..${d.host_hops.max} ` +
      (d.host_hops.sampled ? `(sampled from ${d.host_hops.sources} hosts)` : '(exact, all host pairs)')
    : 'n/a (no connected pair of hosts)';
  return [
    `${title}${made}`,
    `nodes:          ${d.hosts + d.switches + d.routers} (${roles.join(', ')})`,
    `layers:         ${Object.entries(d.nodes_by_layer)
      .map(([layer, count]) => `${layer} ${count}`)
      .join(', ')}`,
    `links:          ${d.links} (${d.links_by_rate.map((r) => `${r.links} × ${bandwidth(r.rate_gbps)}`).join(', ')})`,
    `host hops:      ${hops}`,
    `host bandwidth: ${bandwidth(d.host_bandwidth_gbps)}`,
    ...(d.lids === undefined
      ? []
      : [
          `LIDs:           ${[
            d.lids.switch_range && `switches ${d.lids.switch_range[0]}..${d.lids.switch_range[1]} (${d.lids.switches})`,
            d.lids.host_range && `hosts ${d.lids.host_range[0]}..${d.lids.host_range[1]} (${d.lids.hosts})`,
          ]
            .filter(Boolean)
            .join(', ')}; ${d.lids.guids} GUIDs`,
        ]),
  ].join('\n');
}
