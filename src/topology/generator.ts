import type { Variant } from '../sim/registry.js';
import type { Topology } from './types.js';

/**
 * A topology generator: a named {@link Variant} whose `params` schema (a strict zod object with a
 * default for every field) describes the parameters, and whose `build` turns parsed parameters
 * into a {@link Topology}. `build` is a pure function of its parameters: the same parameters give
 * the same graph, node for node and edge for edge, in the same insertion order.
 *
 * Conventions every generator follows:
 * - hosts are `h0, h1, …`, inserted in host-index order (grouped by the switch they attach to),
 *   each host with exactly one link;
 * - edges are keyed `e0, e1, …` in insertion order: host links first, then switch-to-switch links
 *   from the lowest tier up;
 * - `build` receives parameters already parsed by `params`, so it never re-validates them.
 */
export interface TopologyGenerator<P = any> extends Variant<P> {
  /** Builds the graph for already-parsed parameters. */
  build(params: P): Topology;
  /**
   * Nodes and links `build` would create, computed from the parameters alone, so that an
   * impossible size is refused before any memory is spent on it.
   */
  size(params: P): { nodes: number; links: number };
}
