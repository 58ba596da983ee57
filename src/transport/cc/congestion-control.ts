import type { Variant } from '../../sim/registry.js';

/**
 * The congestion-control seam, after Linux `tcp_congestion_ops` / ns-3 `TcpCongestionOps`: the
 * connection keeps the transport state and calls these hooks; the algorithm keeps its own state
 * and answers with a rate (for rate-based algorithms) and a window (for window-based ones).
 */
export interface CongestionControl {
  /** `ackedBytes` newly acknowledged; `rttPs` the RTT sample if one was taken (else -1). */
  onAck(ackedBytes: number, rttPs: number, now: number): void;
  /** An ECN echo / CNP / other congestion notification arrived. */
  onCongestionSignal(now: number): void;
  /** The retransmission timer fired. */
  onTimeout(now: number): void;
  /** Current sending rate in bit/s, given the NIC line rate. */
  rateBps(lineRate: number): number;
  /** Current congestion window in bytes (`Infinity` when not window-limited). */
  windowBytes(): number;
}

/** A congestion-control algorithm: its parameters (with documented defaults) and a factory. */
export interface CongestionControlVariant<P = unknown> extends Variant<P> {
  /** A fresh per-connection instance. */
  create(params: P, lineRateBps: number): CongestionControl;
}
