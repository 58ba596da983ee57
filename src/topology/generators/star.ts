import { z } from 'zod';
import type { TopologyGenerator } from '../generator.js';
import { TopologyBuilder } from './builder.js';
import { count, linkParams } from './params.js';

const params = z
  .object({
    hosts: count(8, 'hosts around the switch', 2),
    ...linkParams(),
  })
  .strict();

/** Parameters of {@link star}. */
export type StarParams = z.infer<typeof params>;

/** `hosts` hosts `h0…` around one switch `sw0`: the smallest fabric with contention (incast). */
export const star: TopologyGenerator<StarParams> = {
  name: 'star',
  description: 'hosts around one switch',
  params,
  size: (p) => ({ nodes: p.hosts + 1, links: p.hosts }),
  build(p) {
    const b = new TopologyBuilder();
    const sw = b.switch('sw0', { layer: 'switch' });
    const link = { rate_gbps: p.rate_gbps, delay_ns: p.delay_ns };
    for (let i = 0; i < p.hosts; i++) b.host(sw, link);
    return b.graph;
  },
};
