import type { PacketPool } from '../fabric/packet.js';
import type { FlowRecord, FlowTable } from '../metrics/flow-table.js';
import type { TrafficCounters } from '../metrics/traffic.js';
import type { Variant } from '../sim/registry.js';
import type { Simulator } from '../sim/simulator.js';
import type { CcFeedback, CongestionControl } from './cc/congestion-control.js';
import type { Endpoint, NicHandle } from './endpoint.js';
import type { RdmaFraming } from './rdma/framing.js';
import type { VerbsEnv, VerbsRuntime } from './rdma/verbs-runtime.js';

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
  /**
   * Payload bytes of a full data packet when it differs from the fabric MTU (TCP: the MSS, the
   * IP MTU less the IP and TCP headers and options); congestion control counts in it.
   */
  readonly mss?: number;
  /** Frame sizes per IB opcode, for transports that carry RDMA verbs (absent otherwise). */
  readonly rdma?: RdmaFraming;
  /**
   * The framing of a message of `verb` when it differs from a WRITE's (iWARP: a SEND's untagged
   * DDP header is 4 bytes longer, so it carries 1424 bytes per segment instead of 1428).
   */
  forVerb?(verb: string): Framing;
  /** Frame bytes of a READ request, for transports without `rdma` framing that carry READs (iWARP); the responses are `frameBytes`. */
  readonly readRequestFrameBytes?: number;
  /** True when the receiver sends nothing back (UDP): a message's ideal completion is its last packet's arrival. */
  readonly unacknowledged?: boolean;
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
  /** Round trip of one full packet and its ACK on the idle path, ps (what a TCP handshake would measure). */
  baseRttPs?: number;
  /**
   * The run's RDMA verbs runtime (NIC limits, host memory, message log, the reverse direction's
   * congestion control); RDMA transports make a private one when absent.
   */
  rdma?: VerbsRuntime;
}

/** How a static flow's message is posted. */
export interface PostOptions {
  /**
   * For a `send`: when the receiver posts its RECV, ps after the send is posted (0 or absent:
   * before it, i.e. pre-posted; null: never, so the send meets RNR NAKs).
   */
  recvDelayPs?: number | null;
}

/** One connection (queue pair) between two hosts. */
export interface Connection extends Endpoint {
  /** Posts a message (work request) of `flow.bytes` bytes, verb `flow.verb`. */
  post(flow: FlowRecord, options?: PostOptions): void;
}

/** A transport protocol (`roce-v2`, `roce-v1`, `infiniband`, `iwarp`, `tcp`). */
export interface TransportVariant<P = unknown> extends Variant<P> {
  /** The verbs this transport can carry (`write`, `send`, `read`). */
  readonly verbs: readonly string[];
  /** The verbs static flows may use under `params` (default: {@link verbs}). */
  verbsFor?(params: P): readonly string[];
  /** Whether its packets can cross an L3 router (false for L2-only RoCEv1). */
  readonly routable: boolean;
  /**
   * The link layer its packets travel on (absent: `ethernet`): decides the per-frame wire
   * overhead (Ethernet preamble + IFG, none on IB), the link flow control `fabric.flow_control:
   * auto` picks (PFC or credits) and the header bytes a cut-through switch waits for.
   */
  readonly linkLayer?: 'ethernet' | 'infiniband';
  /** Its framing under the given link settings. */
  framing(params: P, options: FramingOptions): Framing;
  /** A 5-tuple hash for a new connection (draws any random entropy, e.g. a UDP source port, from `entropy`). */
  flowHash(src: number, dst: number, entropy: number, params?: P): number;
  /**
   * The verbs runtime of a run, for transports that carry verbs without the IB transport's
   * per-opcode framing (`Framing.rdma`, for which the run makes an `RdmaRuntime`): iWARP.
   */
  verbsRuntime?(env: VerbsEnv, params: P, frames: Framing, options: FramingOptions): VerbsRuntime;
  /** A new connection. */
  connect(ctx: ConnectionContext<P>): Connection;
}
