import { z } from 'zod';
import type { TopologyGenerator } from '../generator.js';
import { TopologyBuilder } from './builder.js';
import { count, linkParams, optionalRateGbps } from './params.js';

const params = z
  .object({
    leaves: count(4, 'leaf (top-of-rack) switches'),
    spines: count(2, 'spine switches'),
    hosts_per_leaf: count(4, 'hosts under each leaf'),
    links_per_spine: count(1, 'parallel links between each leaf and each spine'),
    ...linkParams('host links (and uplinks unless derived or overridden)'),
    uplink_rate_gbps: optionalRateGbps(
      'rate of each leaf–spine link (default: hosts_per_leaf·rate_gbps / (spines·links_per_spine·oversubscription))',
    ),
    oversubscription: z
      .number()
      .positive()
      .default(1)
      .describe('leaf downlink / uplink capacity ratio used to derive uplink_rate_gbps (> 0, default 1: non-blocking)'),
    spine_role: z
      .enum(['switch', 'router'])
      .default('switch')
      .describe("'switch': one L2 domain; 'router': spines route between per-leaf subnets (an L3 boundary RoCEv1 cannot cross)"),
  })
  .strict()
  .refine((p) => p.leaves * p.hosts_per_leaf >= 2, {
    message: 'a leaf-spine fabric needs at least 2 hosts (leaves·hosts_per_leaf ≥ 2)',
    path: ['hosts_per_leaf'],
  });

/** Parameters of {@link leafSpine}. */
export type LeafSpineParams = z.infer<typeof params>;

/**
 * The uplink rate a leaf-spine uses: `uplink_rate_gbps` if given, otherwise the rate that makes
 * each leaf's downlink capacity (hosts_per_leaf·rate_gbps) `oversubscription` times its uplink
 * capacity (spines·links_per_spine·uplink).
 */
export function leafSpineUplinkRate(p: LeafSpineParams): number {
  return p.uplink_rate_gbps ?? (p.hosts_per_leaf * p.rate_gbps) / (p.spines * p.links_per_spine * p.oversubscription);
}

/**
 * Two-tier Clos: every leaf `leaf{i}` joins every spine `spine{j}` with `links_per_spine`
 * parallel links; hosts `h0…` hang under the leaves in leaf order. Edges: host links, then for
 * each leaf, each spine, its parallel uplinks.
 */
export const leafSpine: TopologyGenerator<LeafSpineParams> = {
  name: 'leaf-spine',
  description: 'two-tier Clos: every leaf joined to every spine',
  params,
  size: (p) => ({
    nodes: p.leaves * p.hosts_per_leaf + p.leaves + p.spines,
    links: p.leaves * p.hosts_per_leaf + p.leaves * p.spines * p.links_per_spine,
  }),
  build(p) {
    const b = new TopologyBuilder();
    const leaves = Array.from({ length: p.leaves }, (_, i) => b.switch(`leaf${i}`, { layer: 'leaf' }));
    const spines = Array.from({ length: p.spines }, (_, j) => b.switch(`spine${j}`, { layer: 'spine', role: p.spine_role }));
    const hostLink = { rate_gbps: p.rate_gbps, delay_ns: p.delay_ns };
    for (const leaf of leaves) for (let k = 0; k < p.hosts_per_leaf; k++) b.host(leaf, hostLink);
    const uplink = { rate_gbps: leafSpineUplinkRate(p), delay_ns: p.delay_ns };
    for (const leaf of leaves) {
      for (const spine of spines) for (let l = 0; l < p.links_per_spine; l++) b.link(leaf, spine, uplink);
    }
    return b.graph;
  },
};
