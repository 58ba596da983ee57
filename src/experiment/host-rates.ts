import type { Topology } from '../topology/types.js';

/**
 * The line rate in Gb/s of each host's link (hosts have exactly one link; a validated topology
 * guarantees it), in the order of `hosts`: what load-targeting workloads (`poisson`) scale to.
 */
export function hostLinkRatesGbps(topology: Topology, hosts: readonly string[]): number[] {
  return hosts.map((h) => {
    let rate = 0;
    topology.forEachEdge(h, (_e, attrs) => {
      rate = Math.max(rate, attrs.rate_gbps);
    });
    return rate;
  });
}
