import type { FrameHandler } from '../fabric/ingress-port.js';
import type { Packet, PacketPool } from '../fabric/packet.js';
import type { TrafficCounters } from '../metrics/traffic.js';
import type { Endpoint } from '../transport/endpoint.js';
import type { Nic } from './nic.js';
import type { RxPath } from './rx-path.js';

/**
 * An end host: one NIC, and the connection table through which arriving packets reach their
 * transport endpoint. (CPU and stack-model costs come with the host stack models.)
 */
export class Host implements FrameHandler {
  constructor(
    /** Host id. */
    readonly id: number,
    readonly nic: Nic,
    /** Endpoints by connection index, shared by all hosts of a run. */
    private readonly connections: readonly Endpoint[],
    private readonly pool: PacketPool,
    private readonly traffic: TrafficCounters,
  ) {}

  /** The stack model's receive path (rx rings, cores); null: the ideal host, packets go straight to the transport. */
  rx: RxPath | null = null;

  receiveFrom(pkt: Packet): void {
    if (this.rx !== null) this.rx.receive(pkt);
    else this.deliver(pkt);
  }

  /** Hands `pkt` to its connection's endpoint and releases it. */
  deliver(pkt: Packet): void {
    this.traffic.deliveredPackets++;
    this.traffic.deliveredBytes += pkt.frameBytes;
    this.connections[pkt.conn]!.onPacket(pkt, this.id);
    this.pool.release(pkt);
  }

  /** Tells connection `conn`'s endpoint that this host's GRO / LRO flushed its super-packet. */
  endMerge(conn: number): void {
    this.connections[conn]!.onRxMergeEnd?.(this.id);
  }
}
