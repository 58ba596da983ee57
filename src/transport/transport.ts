import type { PacketPool } from '../fabric/packet.js';
import type { FlowRecord, FlowTable } from '../metrics/flow-table.js';
import type { TrafficCounters } from '../metrics/traffic.js';
import type { Variant } from '../sim/registry.js';
import type { Simulator } from '../sim/simulator.js';
import type { CcFeedback, CongestionControl } from './cc/congestion-control.js';
import type { Endpoint, NicHandle } from './endpoint.js';

/** Link-level settings a transport's framing depends on. */
export interface FramingOptions {
  /** Payload bytes per packet. */
  mtu: number;
  /** Whether frames carry an 802.1Q tag. */
  vlan: boolean;
}

/** How a transport turns a message into frames (for headroom sizing and ideal FCTs). */
export interface Framing {
  /** Packets for a message of `bytes`. */
  packets(bytes: number): number;
  /** Frame bytes (header to FCS) of packet `k` of a message of `bytes`. */
  frameBytes(bytes: number, k: number): number;
  /** Frame bytes of the acknowledgement that completes a message. */
  readonly ackFrameBytes: number;
  /** Largest frame this transport sends. */
  readonly maxFrameBytes: number;
}

/** Everything a connection needs from the run that creates it. */
export interface ConnectionContext<P> {
  sim: Simulator;
  pool: PacketPool;
  traffic: TrafficCounters;
  flows: FlowTable;
  /** Connection index (carried by every packet of the connection). */
  conn: number;
  src: number;
  dst: number;
  srcNic: NicHandle;
  dstNic: NicHandle;
  params: P;
  framing: FramingOptions;
  /** The transport's framing under `framing` (frame sizes of data packets and ACKs). */
  frames: Framing;
  cc: CongestionControl;
  /** The feedback the congestion control needs (CNPs, INT). */
  feedback: CcFeedback;
  /** The 5-tuple hash that ECMP uses for this connection's data packets. */
  flowHash: number;
}

/** One connection (queue pair) between two hosts. */
export interface Connection extends Endpoint {
  /** Posts a message (work request) of `flow.bytes` bytes. */
  post(flow: FlowRecord): void;
}

/** A transport protocol (`roce-v2`, later `infiniband`, `roce-v1`, `iwarp`, `tcp`). */
export interface TransportVariant<P = unknown> extends Variant<P> {
  /** The verbs this transport can carry (`write`, `send`, `read`). */
  readonly verbs: readonly string[];
  /** Whether its packets can cross an L3 router (false for L2-only RoCEv1). */
  readonly routable: boolean;
  /** Its framing under the given link settings. */
  framing(params: P, options: FramingOptions): Framing;
  /** A 5-tuple hash for a new connection (draws any random entropy, e.g. a UDP source port, from `entropy`). */
  flowHash(src: number, dst: number, entropy: number): number;
  /** A new connection. */
  connect(ctx: ConnectionContext<P>): Connection;
}
