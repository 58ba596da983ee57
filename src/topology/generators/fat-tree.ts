import { z } from 'zod';
import type { TopologyGenerator } from '../generator.js';
import { TopologyBuilder } from './builder.js';
import { linkParams } from './params.js';

const params = z
  .object({
    k: z
      .number()
      .int()
      .min(2)
      .refine((k) => k % 2 === 0, 'k must be even (each switch has k ports: k/2 down and k/2 up)')
      .default(4)
      .describe('switch radix: an even integer ≥ 2 (default 4); k³/4 hosts, 5k²/4 switches'),
    ...linkParams(),
  })
  .strict();

/** Parameters of {@link fatTree}. */
export type FatTreeParams = z.infer<typeof params>;

/**
 * The k-ary fat tree of Al-Fares, Loukissas and Vahdat (SIGCOMM 2008): k pods, each with k/2 edge
 * switches `edge{pod}_{i}` and k/2 aggregation switches `agg{pod}_{i}` fully connected; (k/2)²
 * core switches `core{c}`; aggregation switch i of every pod joins cores i·k/2 … i·k/2 + k/2 − 1;
 * k/2 hosts per edge switch. That is k³/4 hosts, 5k²/4 switches and 3k³/4 links, with full
 * bisection bandwidth. Hosts are numbered by pod, then edge switch. Edges: host links, then
 * edge–agg (pod by pod), then agg–core.
 */
export const fatTree: TopologyGenerator<FatTreeParams> = {
  name: 'fat-tree',
  description: 'k-ary fat tree (Al-Fares et al. 2008): k³/4 hosts, three switch tiers',
  params,
  size: (p) => ({ nodes: p.k ** 3 / 4 + (5 * p.k ** 2) / 4, links: (3 * p.k ** 3) / 4 }),
  build(p) {
    const half = p.k / 2;
    const b = new TopologyBuilder();
    const link = { rate_gbps: p.rate_gbps, delay_ns: p.delay_ns };
    const edges: string[][] = [];
    const aggs: string[][] = [];
    for (let pod = 0; pod < p.k; pod++) {
      edges.push(Array.from({ length: half }, (_, i) => b.switch(`edge${pod}_${i}`, { layer: 'edge', group: pod })));
      aggs.push(Array.from({ length: half }, (_, i) => b.switch(`agg${pod}_${i}`, { layer: 'agg', group: pod })));
    }
    const cores = Array.from({ length: half * half }, (_, c) => b.switch(`core${c}`, { layer: 'core' }));
    for (let pod = 0; pod < p.k; pod++) {
      for (const edge of edges[pod]!) for (let h = 0; h < half; h++) b.host(edge, link, { group: pod });
    }
    for (let pod = 0; pod < p.k; pod++) {
      for (const edge of edges[pod]!) for (const agg of aggs[pod]!) b.link(edge, agg, link);
    }
    for (let pod = 0; pod < p.k; pod++) {
      aggs[pod]!.forEach((agg, i) => {
        for (let j = 0; j < half; j++) b.link(agg, cores[i * half + j]!, link);
      });
    }
    return b.graph;
  },
};
