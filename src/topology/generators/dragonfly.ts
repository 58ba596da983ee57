import { z } from 'zod';
import type { TopologyGenerator } from '../generator.js';
import { TopologyBuilder } from './builder.js';
import { count, linkParams, optionalDelayNs, optionalRateGbps } from './params.js';

const params = z
  .object({
    p: count(2, 'hosts per router'),
    a: count(4, 'routers per group'),
    h: count(2, 'global links per router'),
    groups: z
      .number()
      .int()
      .min(2)
      .optional()
      .describe('number of groups, 2 ≤ groups ≤ a·h + 1 (default a·h + 1: every pair of groups joined by one global link)'),
    ...linkParams('host links (and local/global links unless overridden)'),
    local_rate_gbps: optionalRateGbps('rate of the links inside a group (default: rate_gbps)'),
    global_rate_gbps: optionalRateGbps('rate of the links between groups (default: rate_gbps)'),
    global_delay_ns: optionalDelayNs('one-way delay of the links between groups (default: delay_ns)'),
  })
  .strict()
  .refine((p) => p.groups === undefined || p.groups <= p.a * p.h + 1, {
    message: 'groups must be at most a·h + 1 (each group has a·h global ports and needs one per other group)',
    path: ['groups'],
  });

/** Parameters of {@link dragonfly}. */
export type DragonflyParams = z.infer<typeof params>;

/** The number of groups a dragonfly uses: `groups`, or a·h + 1 (the maximum) when absent. */
export function dragonflyGroups(p: DragonflyParams): number {
  return p.groups ?? p.a * p.h + 1;
}

/**
 * The global links of a dragonfly as `[groupA, portA, groupB, portB]`, with groupA < groupB.
 * Each group has a·h global ports, port k on router ⌊k/h⌋. With G groups every pair of groups
 * gets L = ⌊a·h/(G−1)⌋ links; copy c of the link from a group to the group `d` steps ahead
 * (mod G) uses port c·(G−1) + d − 1. For G = a·h + 1 this is the "consecutive" arrangement of
 * Kim et al.: port k of group g joins group g + k + 1, and every pair of groups shares exactly one
 * link. For smaller G the last a·h − L·(G−1) ports of each group stay unused.
 */
export function dragonflyGlobalLinks(p: DragonflyParams): Array<[number, number, number, number]> {
  const G = dragonflyGroups(p);
  const perPair = Math.floor((p.a * p.h) / (G - 1));
  const links: Array<[number, number, number, number]> = [];
  for (let g = 0; g < G; g++) {
    for (let c = 0; c < perPair; c++) {
      for (let d = 1; d < G; d++) {
        const peer = (g + d) % G;
        if (peer < g) continue; // the link was listed from the peer's side
        links.push([g, c * (G - 1) + d - 1, peer, c * (G - 1) + (G - d) - 1]);
      }
    }
  }
  return links;
}

/**
 * The dragonfly of Kim, Dally, Scott and Abts (ISCA 2008): `groups` groups of `a` routers
 * `r{group}_{i}` (layer `router`, role `switch`), each router with `p` hosts and `h` global links;
 * the routers of a group form a full mesh (a(a−1)/2 local links); global links follow
 * {@link dragonflyGlobalLinks}. Balanced when a = 2p = 2h. Hosts are numbered by group, then
 * router. Edges: host links, local links (group by group), global links.
 */
export const dragonfly: TopologyGenerator<DragonflyParams> = {
  name: 'dragonfly',
  description: 'dragonfly (Kim et al. 2008): fully meshed groups joined by global links',
  params,
  size: (p) => {
    const g = dragonflyGroups(p);
    return { nodes: g * p.a * (p.p + 1), links: g * p.a * p.p + (g * p.a * (p.a - 1)) / 2 + (g * p.a * p.h) / 2 };
  },
  build(p) {
    const G = dragonflyGroups(p);
    const b = new TopologyBuilder();
    const routers: string[][] = [];
    for (let g = 0; g < G; g++) {
      routers.push(Array.from({ length: p.a }, (_, i) => b.switch(`r${g}_${i}`, { layer: 'router', group: g })));
    }
    const hostLink = { rate_gbps: p.rate_gbps, delay_ns: p.delay_ns };
    for (let g = 0; g < G; g++) {
      for (const r of routers[g]!) for (let k = 0; k < p.p; k++) b.host(r, hostLink, { group: g });
    }
    const local = { rate_gbps: p.local_rate_gbps ?? p.rate_gbps, delay_ns: p.delay_ns };
    for (const group of routers) {
      for (let i = 0; i < p.a; i++) for (let j = i + 1; j < p.a; j++) b.link(group[i]!, group[j]!, local);
    }
    const global = { rate_gbps: p.global_rate_gbps ?? p.rate_gbps, delay_ns: p.global_delay_ns ?? p.delay_ns };
    for (const [g1, k1, g2, k2] of dragonflyGlobalLinks(p)) {
      b.link(routers[g1]![Math.floor(k1 / p.h)]!, routers[g2]![Math.floor(k2 / p.h)]!, global);
    }
    return b.graph;
  },
};
