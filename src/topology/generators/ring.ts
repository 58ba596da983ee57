import { z } from 'zod';
import type { TopologyGenerator } from '../generator.js';
import { TopologyBuilder } from './builder.js';
import { count, linkParams } from './params.js';

const params = z
  .object({
    switches: count(4, 'switches in the ring', 3),
    hosts_per_switch: count(1, 'hosts on each switch'),
    ...linkParams(),
  })
  .strict();

/** Parameters of {@link ring}. */
export type RingParams = z.infer<typeof params>;

/**
 * `switches` switches `sw0 … sw{n-1}` (layer `ring`) in a ring: `sw{i}` is joined to
 * `sw{(i+1) mod n}`. Each switch has `hosts_per_switch` hosts; hosts are numbered switch by
 * switch (`sw{i}` holds `h{i·hps} … h{i·hps + hps − 1}`). Edges: host links, then the ring links
 * `sw0–sw1, sw1–sw2, …, sw{n-1}–sw0`. The smallest topology whose shortest-path routing has a
 * cyclic buffer dependency (for n ≥ 3 and flows of 2+ hops), so it can deadlock under PFC.
 */
export const ring: TopologyGenerator<RingParams> = {
  name: 'ring',
  description: 'switches in a ring, hosts on each switch (cyclic: can deadlock under PFC)',
  params,
  size: (p) => ({ nodes: p.switches * (1 + p.hosts_per_switch), links: p.switches * (p.hosts_per_switch + 1) }),
  build(p) {
    const b = new TopologyBuilder();
    const sws = Array.from({ length: p.switches }, (_, i) => b.switch(`sw${i}`, { layer: 'ring', group: i }));
    const link = { rate_gbps: p.rate_gbps, delay_ns: p.delay_ns };
    sws.forEach((sw, i) => {
      for (let k = 0; k < p.hosts_per_switch; k++) b.host(sw, link, { group: i });
    });
    for (let i = 0; i < p.switches; i++) b.link(sws[i]!, sws[(i + 1) % p.switches]!, link);
    return b.graph;
  },
};
