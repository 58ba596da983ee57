import { z } from 'zod';
import type { TopologyGenerator } from '../generator.js';
import { TopologyBuilder } from './builder.js';
import { count, linkParams, optionalDelayNs, optionalRateGbps } from './params.js';

const params = z
  .object({
    hosts_left: count(4, 'hosts on the left switch'),
    hosts_right: count(4, 'hosts on the right switch'),
    ...linkParams('host links (and the bottleneck unless overridden)'),
    bottleneck_rate_gbps: optionalRateGbps('rate of the left–right link (default: rate_gbps)'),
    bottleneck_delay_ns: optionalDelayNs('one-way delay of the left–right link (default: delay_ns)'),
  })
  .strict();

/** Parameters of {@link dumbbell}. */
export type DumbbellParams = z.infer<typeof params>;

/**
 * Two switches `left` and `right` joined by one bottleneck link; hosts `h0…` on the left first,
 * then the right. The classic shape for congestion-control fairness and convergence tests.
 */
export const dumbbell: TopologyGenerator<DumbbellParams> = {
  name: 'dumbbell',
  description: 'two switches joined by one bottleneck link, hosts on each side',
  params,
  size: (p) => ({ nodes: p.hosts_left + p.hosts_right + 2, links: p.hosts_left + p.hosts_right + 1 }),
  build(p) {
    const b = new TopologyBuilder();
    const left = b.switch('left', { layer: 'switch' });
    const right = b.switch('right', { layer: 'switch' });
    const link = { rate_gbps: p.rate_gbps, delay_ns: p.delay_ns };
    for (let i = 0; i < p.hosts_left; i++) b.host(left, link);
    for (let i = 0; i < p.hosts_right; i++) b.host(right, link);
    b.link(left, right, {
      rate_gbps: p.bottleneck_rate_gbps ?? p.rate_gbps,
      delay_ns: p.bottleneck_delay_ns ?? p.delay_ns,
    });
    return b.graph;
  },
};
