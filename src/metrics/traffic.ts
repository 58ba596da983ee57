/**
 * Packet and byte conservation counters of a run. Every packet a host injects ends up delivered
 * to a host, dropped by a switch, or still in flight:
 * `injected = delivered + dropped + inFlight` (packets and frame bytes alike).
 */
export class TrafficCounters {
  injectedPackets = 0;
  injectedBytes = 0;
  deliveredPackets = 0;
  deliveredBytes = 0;
  droppedPackets = 0;
  droppedBytes = 0;
  /** Drops in a lossless (PFC) class. */
  losslessDrops = 0;
  /** First lossless drop: time (ps), global port, priority; -1 when none. */
  firstLosslessDropAt = -1;
  firstLosslessDropPort = -1;
  firstLosslessDropPriority = -1;

  /** Packets injected and neither delivered nor dropped. */
  get inFlightPackets(): number {
    return this.injectedPackets - this.deliveredPackets - this.droppedPackets;
  }

  get inFlightBytes(): number {
    return this.injectedBytes - this.deliveredBytes - this.droppedBytes;
  }
}
