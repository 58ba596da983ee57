import { MultiUndirectedGraph } from 'graphology';
import type { EdgeAttributes, NodeAttributes, Topology } from '../types.js';

/** Node attributes a generator gives a switch (the role defaults to `switch`). */
export type SwitchAttributes = Omit<NodeAttributes, 'role'> & { role?: NodeAttributes['role'] };

/**
 * Builds a topology with the generators' naming conventions: hosts `h0, h1, …` and edges
 * `e0, e1, …`, numbered in insertion order, so the same calls always give the same graph.
 */
export class TopologyBuilder {
  /** The graph being built. */
  readonly graph: Topology = new MultiUndirectedGraph<NodeAttributes, EdgeAttributes>();
  private hostCount = 0;
  private linkCount = 0;

  /** Adds a switch (or router) called `key`. */
  switch(key: string, attrs: SwitchAttributes): string {
    const { role = 'switch', ...rest } = attrs;
    this.graph.addNode(key, { role, ...rest });
    return key;
  }

  /**
   * Adds the next host `h<n>` and its one link to `attach`. `extra` adds attributes such as the
   * host's group or coordinates.
   */
  host(attach: string, link: EdgeAttributes, extra: Omit<NodeAttributes, 'role' | 'layer'> = {}): string {
    const key = `h${this.hostCount++}`;
    this.graph.addNode(key, { role: 'host', layer: 'host', ...extra });
    this.link(key, attach, link);
    return key;
  }

  /** Adds a full-duplex link `e<n>` between `a` and `b`. */
  link(a: string, b: string, link: EdgeAttributes): string {
    const key = `e${this.linkCount++}`;
    this.graph.addUndirectedEdgeWithKey(key, a, b, { rate_gbps: link.rate_gbps, delay_ns: link.delay_ns });
    return key;
  }
}
