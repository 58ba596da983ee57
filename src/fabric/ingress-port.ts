import { FRAME_PFC, type Packet, type PacketPool } from './packet.js';
import type { PacketSink } from './packet-sink.js';
import type { EgressPort } from './egress-port.js';

/** The node behind an interface: switches forward, hosts deliver to their transport. */
export interface FrameHandler {
  receiveFrom(pkt: Packet, local: number): void;
}

/**
 * The receive side of one interface. PFC frames are consumed here, before any queue: they pause
 * or resume this interface's own egress (the direction toward the peer that sent them). Every
 * other frame goes to the node.
 */
export class IngressPort implements PacketSink {
  handler: FrameHandler | null = null;

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
    this.handler!.receiveFrom(pkt, this.egress.local);
  }
}
