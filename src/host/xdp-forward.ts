import type { EgressPort } from '../fabric/egress-port.js';
import type { Packet, PacketPool } from '../fabric/packet.js';
import type { TrafficCounters } from '../metrics/traffic.js';
import { maglevTable } from './maglev.js';
import { VERDICT_TX } from './stack.js';

/**
 * Sends packets an XDP program forwarded (XDP_TX, XDP_REDIRECT) back out of the host's one port:
 * the destination is rewritten (XDP_TX: the backend a Maglev table picks from the flow hash, so
 * every packet of a flow goes to the same backend; XDP_REDIRECT: one configured host) and, with
 * encapsulation, the frame grows by the outer header. The packet re-enters the fabric, which
 * routes it by its new destination; the backend's transport endpoint then receives it as the
 * flow's receiver, so the flow completes there (flows.csv). The outer header's bytes are counted
 * as injected by this host (byte conservation). A frame that finds the tx ring full is dropped.
 * Allocation-free per packet.
 */
export class XdpForwarder {
  private readonly table: Int32Array;
  /** Frames dropped at a full tx ring. */
  txRingDrops = 0;
  /** Frames forwarded, by destination host id. */
  readonly forwardedTo: Float64Array;

  constructor(
    private readonly port: EgressPort,
    private readonly pool: PacketPool,
    private readonly traffic: TrafficCounters,
    /** Backend host ids (XDP_TX). */
    private readonly backends: Int32Array,
    /** Destination host id of XDP_REDIRECT, -1 for none. */
    private readonly redirectTo: number,
    private readonly encapBytes: number,
    private readonly txRing: number,
    hostCount: number,
    backendNames: readonly string[],
  ) {
    this.table = maglevTable(backendNames);
    this.forwardedTo = new Float64Array(hostCount);
  }

  /** The backend (host id) the packets of a flow with 5-tuple hash `flowHash` go to. */
  backendOf(flowHash: number): number {
    return this.backends[this.table[(flowHash >>> 0) % this.table.length]!]!;
  }

  /** Rewrites and transmits `pkt` (verdict VERDICT_TX or VERDICT_REDIRECT). */
  forward(pkt: Packet, verdict: number): void {
    if (this.port.queueLength(pkt.priority) >= this.txRing) {
      this.txRingDrops++;
      this.traffic.droppedPackets++;
      this.traffic.droppedBytes += pkt.frameBytes;
      this.pool.release(pkt);
      return;
    }
    const dst = verdict === VERDICT_TX ? this.backendOf(pkt.flowHash) : this.redirectTo;
    pkt.dst = dst;
    if (this.encapBytes > 0) {
      pkt.frameBytes += this.encapBytes;
      this.traffic.injectedBytes += this.encapBytes;
    }
    this.forwardedTo[dst]!++;
    this.port.enqueue(pkt);
  }
}
