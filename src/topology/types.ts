import type { MultiUndirectedGraph } from 'graphology';

/**
 * The description of a fabric as a graphology graph. Nodes are hosts, switches and routers; each
 * undirected edge is one full-duplex link (parallel edges are parallel links). A node's ports are
 * its incident edges, numbered in the graph's edge iteration order.
 */

/** What a node is. A `router` is an L3 switch that routes between subnets. */
export type NodeRole = 'host' | 'switch' | 'router';

/** Attributes every node carries. */
export interface NodeAttributes {
  role: NodeRole;
  /** Tier or group label from the generator (`host`, `leaf`, `spine`, `edge`, `agg`, `core`, ...). */
  layer?: string;
  /** Pod / group / row index where the generator has one. */
  group?: number;
  /** Shared packet buffer of a switch in bytes; the experiment's `fabric.buffer_bytes` when absent. */
  buffer_bytes?: number;
  /** L3 subnet label (hosts in one subnet are one L2 domain). */
  subnet?: string;
  /** Coordinates for torus nodes. */
  coords?: number[];
  /**
   * InfiniBand LID: a host's base LID (its channel-adapter port; with LMC it owns base … base +
   * 2^LMC − 1) or a switch's (port 0). From an ibnetdiscover import, or assigned by
   * `assignLids` (topology/lids.ts) as a subnet manager would; unicast, 1 … 0xBFFF, unique.
   */
  lid?: number;
  /** InfiniBand GUID as hex digits (node GUID of a switch, port GUID of a host's port), unique. */
  guid?: string;
}

/** Attributes every edge (full-duplex link) carries. */
export interface EdgeAttributes {
  /** Line rate in Gb/s, both directions. */
  rate_gbps: number;
  /** One-way propagation delay in nanoseconds. */
  delay_ns: number;
}

/** Graph-level attributes: how the graph was made. */
export interface GraphAttributes {
  name?: string;
  generator?: string;
  params?: Record<string, unknown>;
}

/** A fabric description. */
export type Topology = MultiUndirectedGraph<NodeAttributes, EdgeAttributes, GraphAttributes>;
