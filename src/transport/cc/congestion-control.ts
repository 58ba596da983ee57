import type { Rng } from '../../sim/rng.js';
import type { Simulator } from '../../sim/simulator.js';
import type { Variant } from '../../sim/registry.js';
import type { Time } from '../../sim/time.js';

/** What an acknowledgement tells the sender. */
export interface AckEvent {
  /** Bytes newly acknowledged, counted as packets × MTU (0 for a duplicate). */
  ackedBytes: number;
  /** Packets newly acknowledged. */
  ackedPackets: number;
  /** Of those, packets that arrived with ECN CE (an ECN echo, as DCTCP counts it). */
  markedPackets: number;
  /** RTT sample from the echoed send time of the packet that triggered the ACK, ps. */
  rttPs: Time;
  /**
   * In-band telemetry the triggering data packet collected (HPCC): `intHops` records of
   * `INT_FIELDS` numbers each in `int` (see fabric/telemetry/int.ts for the field offsets:
   * queue bytes, cumulative tx bytes, timestamp ps, rate bit/s). 0 hops unless the CC asks.
   */
  intHops: number;
  int: Float64Array | null;
  /** Bytes the sender has sent but not yet had acknowledged, after this ACK. */
  inflightBytes: number;
  now: Time;
  /**
   * True while the sender is in loss recovery (TCP fast recovery, RFC 6675): window-based
   * algorithms hold the window (no growth) until it ends. Absent (false) for RDMA transports.
   */
  inRecovery?: boolean;
}

/**
 * The congestion-control seam, after Linux `tcp_congestion_ops` / ns-3 `TcpCongestionOps`: the
 * connection keeps the transport state and calls these hooks; the algorithm keeps its own state
 * (and its own timers) and answers with a rate (rate-based algorithms) and a window
 * (window-based ones). Both limits apply: a packet goes out when the window has room and the
 * pacing rate allows.
 */
export interface CongestionControl {
  /** An ACK (or the ACK part of a NAK) arrived. */
  onAck(ev: AckEvent): void;
  /** A congestion notification packet (RoCEv2 CNP) arrived. */
  onCnp(now: Time): void;
  /**
   * A NAK (or, for TCP, duplicate ACKs / SACK) signalled a lost packet. `flightBytes`: the bytes
   * outstanding when the loss was detected (TCP's FlightSize, RFC 5681 eq. 4); absent from RDMA
   * transports.
   */
  onLoss(now: Time, flightBytes?: number): void;
  /** The retransmission timer fired. */
  onTimeout(now: Time): void;
  /** The connection put a packet of `bytes` frame bytes on the wire. */
  onSend(bytes: number, now: Time): void;
  /** Current sending rate in bit/s (at most the line rate). */
  rateBps(): number;
  /** Current congestion window in bytes (`Infinity` when not window-limited). */
  windowBytes(): number;
}

/** What an algorithm instance may use. */
export interface CcContext {
  sim: Simulator;
  /** The sender NIC's line rate, bit/s. */
  lineRateBps: number;
  /** Payload bytes per packet. */
  mtu: number;
  /** Round-trip time of one full packet and its ACK on an idle path, ps (HPCC, TIMELY). */
  baseRttPs: Time;
  /** A random stream of the connection's own. */
  rng: Rng;
  /** The connection's service level / traffic class (its transport priority), when known (IB CC's per-SL settings). */
  sl?: number | undefined;
}

/** How the receiver or the network tells an algorithm about congestion. */
export interface CcFeedback {
  /** The receiver sends a CNP for CE-marked packets, at most one per `cnpIntervalPs` per QP. */
  cnp: boolean;
  /** Minimum interval between CNPs of one QP, ps (DCQCN's NP: 50 µs). */
  cnpIntervalPs: Time;
  /** Switches stamp INT on this connection's data packets. */
  int: boolean;
}

/** A congestion-control algorithm: its parameters (with documented defaults) and a factory. */
export interface CongestionControlVariant<P = unknown> extends Variant<P> {
  /** What feedback the algorithm needs from receivers and switches. */
  feedback(params: P): CcFeedback;
  /** A fresh per-connection instance. */
  create(params: P, ctx: CcContext): CongestionControl;
}
