import type { EgressPort } from '../fabric/egress-port.js';
import type { Packet, PacketPool } from '../fabric/packet.js';
import type { TrafficCounters } from '../metrics/traffic.js';
import type { Actor } from '../sim/actor.js';
import type { Simulator } from '../sim/simulator.js';
import { maglevTable } from './maglev.js';
import type { PcieLink } from './pcie.js';
import { VERDICT_TX } from './stack.js';

/**
 * Sends packets an XDP program forwarded (XDP_TX, XDP_REDIRECT) back out of the host's one port:
 * the destination is rewritten (XDP_TX: the backend a Maglev table picks from the flow hash, so
 * every packet of a flow goes to the same backend; XDP_REDIRECT: one configured host) and, with
 * encapsulation, the frame grows by the outer header. The packet re-enters the fabric, which
 * routes it by its new destination; the backend's transport endpoint then receives it as the
 * flow's receiver, so the flow completes there (flows.csv). The outer header's bytes are counted
 * as injected by this host (byte conservation). A frame that finds the tx ring full is dropped.
 * With a PCIe link ({@link attachPcie}), the frame, already DMA'd NIC → memory on receive, is read
 * back memory → NIC before it goes on the wire: it waits on the driver's tx ring (it holds a
 * descriptor, as the frames in the port's queue do) until the link's memory → NIC direction has
 * carried its read completions, like any frame the NIC transmits (src/host/pcie.ts; the read
 * latency is hidden by the NIC's prefetch there too), and pcie.csv counts it as transmitted.
 * Allocation-free per packet.
 */
export class XdpForwarder implements Actor {
  actorId = -1;
  private readonly table: Int32Array;
  /** The host's PCIe link; null: forwarded frames go to the port at once. */
  pcie: PcieLink | null = null;
  private sim: Simulator | null = null;
  /** Frames waiting for their PCIe read, FIFO (their ready times only grow), one pending event (the head's). */
  private readonly ring: (Packet | null)[];
  private readonly readyAt: Float64Array;
  private head = 0;
  private count = 0;
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
    this.ring = new Array<Packet | null>(txRing).fill(null);
    this.readyAt = new Float64Array(txRing);
  }

  /** Makes forwarded frames cross `link` memory → NIC before they are sent (src/host/hardware.ts). */
  attachPcie(sim: Simulator, link: PcieLink): void {
    this.sim = sim;
    this.pcie = link;
    sim.register(this);
  }

  /** Calls `visit` on every frame waiting for its PCIe read (for conservation checks; not on the hot path). */
  forEachHeld(visit: (pkt: Packet) => void): void {
    for (let k = 0; k < this.count; k++) visit(this.ring[(this.head + k) % this.ring.length]!);
  }

  /** Frames on the tx ring waiting for their PCIe read. */
  get waiting(): number {
    return this.count;
  }

  /** The backend (host id) the packets of a flow with 5-tuple hash `flowHash` go to. */
  backendOf(flowHash: number): number {
    return this.backends[this.table[(flowHash >>> 0) % this.table.length]!]!;
  }

  /** Rewrites and transmits `pkt` (verdict VERDICT_TX or VERDICT_REDIRECT). */
  forward(pkt: Packet, verdict: number): void {
    if (this.port.queueLength(pkt.priority) + this.count >= this.txRing) {
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
    const link = this.pcie;
    if (link === null) {
      this.port.enqueue(pkt);
      return;
    }
    // read memory → NIC (the encapsulated frame): it leaves once the link has carried it
    const now = this.sim!.now;
    link.tx(pkt, now);
    const i = (this.head + this.count) % this.ring.length;
    this.ring[i] = pkt;
    this.readyAt[i] = Math.max(now, link.txReadyAt());
    if (this.count++ === 0) this.sim!.at(this.readyAt[i]!, this, 0);
  }

  /** The head frame's read is done: it goes to the port. */
  onEvent(): void {
    const i = this.head;
    const pkt = this.ring[i]!;
    this.ring[i] = null;
    this.head = (i + 1) % this.ring.length;
    this.count--;
    if (this.count > 0) this.sim!.at(this.readyAt[this.head]!, this, 0);
    this.port.enqueue(pkt);
  }
}
