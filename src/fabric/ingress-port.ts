import { FRAME_CREDIT, FRAME_PFC, FRAME_SMP, type Packet, type PacketPool } from './packet.js';
import type { PacketSink } from './packet-sink.js';
import type { EgressPort } from './egress-port.js';

/** The node behind an interface: switches forward, hosts deliver to their transport. */
export interface FrameHandler {
  receiveFrom(pkt: Packet, local: number): void;
}

/** Takes the VL15 subnet management packets that arrive on an interface (management/subnet-manager.ts). */
export interface SmpHandler {
  receiveSmp(pkt: Packet, local: number): void;
}

/**
 * The receive side of one interface. PFC frames and credit updates are consumed here, before any
 * queue: they pause or resume this interface's own egress (the direction toward the peer that sent
 * them), or give it credits. VL15 management packets go to the node's subnet-management side;
 * every other frame goes to the node.
 */
export class IngressPort implements PacketSink {
  handler: FrameHandler | null = null;
  /**
   * Credit-based flow control: return a data packet's credits as soon as it arrives (a host,
   * which consumes what it receives at once); switches return them when the packet leaves.
   */
  givesBackOnArrival = false;
  /** Where VL15 subnet management packets go (null: no subnet manager in the run, so none arrive). */
  management: SmpHandler | null = null;

  constructor(
    /** The transmit side of the same interface. */
    readonly egress: EgressPort,
    private readonly pool: PacketPool,
  ) {}

  receive(pkt: Packet): void {
    if (pkt.frame === FRAME_PFC) {
      this.egress.applyPause(pkt.pfcPriority, pkt.pfcQuanta);
      this.pool.release(pkt);
      return;
    }
    if (pkt.frame === FRAME_CREDIT) {
      this.egress.credits!.grant(pkt.pfcPriority, pkt.pfcQuanta);
      this.pool.release(pkt);
      return;
    }
    if (pkt.frame === FRAME_SMP) {
      // VL15: outside credit flow control, so nothing to give back
      this.management!.receiveSmp(pkt, this.egress.local);
      return;
    }
    if (this.givesBackOnArrival) this.egress.credits!.giveBack(pkt.priority, pkt.frameBytes);
    this.handler!.receiveFrom(pkt, this.egress.local);
  }
}
