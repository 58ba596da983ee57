import type { Packet } from '../fabric/packet.js';
import type { Time } from '../sim/time.js';

/**
 * A sender the NIC arbitrates: it produces its packets lazily, one per pull, when the wire is
 * free and its congestion control allows.
 */
export interface SendQueue {
  /** Traffic class of its data packets (a paused class is skipped). */
  readonly priority: number;
  /** Set by the NIC while the queue is on its active list. */
  inNic: boolean;
  /** True while it has packets to (re)transmit. */
  hasData(): boolean;
  /** Earliest time it may send its next packet (`Infinity` while window-limited). */
  readyAt(now: Time): Time;
  /** The next packet; only called when `hasData()` and `readyAt(now) <= now`. */
  nextPacket(): Packet;
  /** The NIC's port was paused (or resumed) for this queue's priority. */
  onNicPause?(paused: boolean, now: Time): void;
}

/** What a transport needs of a host's NIC. */
export interface NicHandle {
  /** Line rate of the NIC port, bit/s. */
  readonly rateBps: number;
  /** Wire bytes the port adds to every frame (absent: Ethernet preamble + IFG, 20; 0 on InfiniBand). */
  readonly wireOverheadBytes?: number;
  /** Puts a send queue on the NIC's active list (idempotent) and wakes the port. */
  activate(q: SendQueue): void;
  /** Queues a transport-generated control packet (ACK, NAK, CNP) for transmission. */
  sendPacket(pkt: Packet): void;
}

/** Receives the packets of one connection at either end. */
export interface Endpoint {
  /** `pkt` arrived at host `host`; it is released to the pool after this returns. */
  onPacket(pkt: Packet, host: number): void;
  /**
   * The receive offload (GRO / LRO) of host `host` completed the super-packet holding this
   * connection's latest segments delivered with `Packet.rxMergeOpen`: what the host's stack now
   * hands up as one packet. A stream transport (TCP) makes its per-packet decisions (the ACK)
   * here, as Linux's TCP does once per GRO skb. Absent: the endpoint ignores merging.
   */
  onRxMergeEnd?(host: number): void;
}
