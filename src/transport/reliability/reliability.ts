/**
 * Loss recovery of a reliable connection, as two small state machines the connection drives:
 * the sender side decides which PSN goes out next; the receiver side decides what an arriving PSN
 * means. PSNs are unbounded integers.
 */

import type { Time } from '../../sim/time.js';

/** Sender side: the PSN space [0, end) of the posted messages. */
export interface SenderRecovery {
  /** Oldest unacknowledged PSN. */
  readonly una: number;
  /** Next never-sent PSN. */
  readonly next: number;
  /** Highest PSN sent + 1. */
  readonly maxSent: number;
  /** PSN after the last posted packet. */
  end: number;
  /** The PSN to transmit next (a retransmission or new data), or -1 when there is none. */
  peek(): number;
  /**
   * `psn` (the value peek() returned) was transmitted, covering `count` PSNs (1, or the response
   * packets of an RDMA READ request, which occupies one PSN per response it asks for), at `now`.
   */
  sent(psn: number, count?: number, now?: Time): void;
  /** A cumulative ACK for everything below `psn`; returns the packets newly acknowledged. */
  ack(psn: number): number;
  /**
   * A NAK: the receiver expects `psn`; `sack` is the out-of-order PSN that triggered it (-1 if
   * unknown). Returns true when this starts a loss-recovery episode.
   */
  nak(psn: number, sack: number): boolean;
  /** The retransmission timer fired: resend what is unacknowledged. */
  timeout(): void;
  /**
   * Resend everything from `psn` on (READ responses or an atomic response were lost, or an RNR
   * NAK asked to retry from there): a go-back to `psn` whatever the policy, without acknowledging
   * anything.
   */
  resend(psn: number): void;
  /**
   * An ACK or NAK arrived at `now` echoing the send time `echoTs` of the packet that triggered it;
   * `dsack` is the PSN it reports as a duplicate (-1: none). Time-based loss detection (RACK) runs
   * here; returns true when it starts a loss-recovery episode.
   */
  feedback(echoTs: Time, now: Time, dsack: number): boolean;
  /** When the connection should call {@link lossTimer} (a reordering window ends), ps; Infinity: never. */
  readonly lossTimerAt: Time;
  /** The time {@link lossTimerAt} came; returns true when this starts a loss-recovery episode. */
  lossTimer(now: Time): boolean;
}

/** What an arriving data packet is to the receiver. */
export const RX_IN_ORDER = 0;
export const RX_OUT_OF_ORDER = 1;
export const RX_DUPLICATE = 2;

/** Receiver side. */
export interface ReceiverRecovery {
  /** Next PSN expected in order (the cumulative ACK). */
  readonly expected: number;
  /**
   * Classifies and records an arriving PSN: RX_IN_ORDER (it and any buffered successors are now
   * delivered: `expected` moved), RX_OUT_OF_ORDER, or RX_DUPLICATE. `count` > 1 for an RDMA READ
   * request, which occupies the PSNs of all its responses.
   */
  arrive(psn: number, count?: number): number;
  /** Whether an out-of-order packet was placed in memory (selective repeat) or discarded (go-back-N). */
  readonly keepsOutOfOrder: boolean;
  /** PSNs received out of order and held above a hole (always 0 for go-back-N). */
  readonly heldOutOfOrder: number;
  /** Whether to answer this out-of-order arrival with a NAK (go-back-N: once per gap; selective repeat: each). */
  nakFor(psn: number): boolean;
}

/**
 * How a selective-repeat sender decides a hole is lost: `immediate` (IRN: on the first NACK that
 * reports a later PSN) or `rack` (RFC 8985: once a later-sent packet is delivered and a
 * reordering window has passed; see rack.ts).
 */
export const LOSS_DETECTION_NAMES = ['immediate', 'rack'] as const;
export type LossDetectionName = (typeof LOSS_DETECTION_NAMES)[number];
