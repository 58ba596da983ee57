import type { Packet } from '../../fabric/packet.js';
import type { FlowRecord } from '../../metrics/flow-table.js';
import type { Actor } from '../../sim/actor.js';
import type { Time } from '../../sim/time.js';
import type { SendQueue } from '../endpoint.js';
import type { Connection, ConnectionContext } from '../transport.js';
import type { UdpFraming } from './framing.js';

/** Packet type of a UDP datagram. */
export const UDP_DATAGRAM = 0x200;
const FLAG_LAST = 1;
/** While a sent flow waits for the network to drain: how often it looks, ps (1 µs). */
const DRAIN_POLL_PS = 1_000_000;

/** What a UDP connection needs of its parameters. */
export interface UdpConnectionParams {
  /** Send rate of the flow, bit/s of wire bytes (frame + preamble + IFG); 0: as fast as the NIC takes them. */
  rateBps: number;
  priority: number;
}

/**
 * A UDP datagram stream: the sender hands the NIC one datagram per pull, paced at `rateBps` (or
 * back to back), with no acknowledgement, no retransmission and no congestion control; the
 * receiver counts what arrives. A flow is done when all its bytes have arrived, or — datagrams
 * were lost — once it has sent its last datagram and no data packet is left in the network (as
 * for unreliable RDMA QPs): flows.csv `finish` is then its last arrival and `delivered_bytes`
 * says what arrived.
 */
export class UdpConnection implements Connection, SendQueue, Actor {
  actorId = -1;
  inNic = false;
  readonly priority: number;
  private flow: FlowRecord | null = null;
  private next = 0;
  private total = 0;
  private nextAt: Time = 0;
  private readonly gapPerBytePs: number;
  private readonly overheadBytes: number;
  private lastArrival: Time = -1;
  private lastSent: Time = 0;

  constructor(
    private readonly ctx: ConnectionContext<unknown>,
    private readonly fr: UdpFraming,
    p: UdpConnectionParams,
  ) {
    this.priority = p.priority;
    this.gapPerBytePs = p.rateBps > 0 ? (8 * 1e12) / p.rateBps : 0;
    this.overheadBytes = ctx.srcNic.wireOverheadBytes ?? 20;
    ctx.sim.register(this);
  }

  post(flow: FlowRecord): void {
    this.flow = flow;
    this.next = 0;
    this.total = this.fr.packets(flow.bytes);
    this.nextAt = this.ctx.sim.now;
    this.ctx.srcNic.activate(this);
  }

  hasData(): boolean {
    return this.next < this.total;
  }

  readyAt(now: Time): Time {
    return this.nextAt > now ? this.nextAt : now;
  }

  nextPacket(): Packet {
    const c = this.ctx;
    const f = this.flow!;
    const now = c.sim.now;
    const pkt = c.pool.acquire();
    const k = this.next++;
    pkt.payload = this.fr.payloadOf(f.bytes, k);
    pkt.frameBytes = this.fr.frame(pkt.payload);
    pkt.priority = this.priority;
    pkt.src = c.src;
    pkt.dst = c.dst;
    pkt.flowHash = c.flowHash;
    pkt.conn = c.conn;
    pkt.type = UDP_DATAGRAM;
    pkt.psn = k;
    pkt.flags = this.next === this.total ? FLAG_LAST : 0;
    pkt.sentAt = now;
    c.traffic.injectedPackets++;
    c.traffic.injectedBytes += pkt.frameBytes;
    f.packetsSent++;
    if (this.gapPerBytePs > 0) this.nextAt = Math.max(now, this.nextAt) + Math.round((pkt.frameBytes + this.overheadBytes) * this.gapPerBytePs);
    if (this.next === this.total) {
      // the last datagram: wait for the network to deliver or drop what is left
      this.lastSent = now;
      c.sim.after(DRAIN_POLL_PS, this, 0);
    }
    return pkt;
  }

  /** After the last datagram left: end the flow once no data packet is left in the network. */
  onEvent(): void {
    const f = this.flow!;
    if (f.status !== 'pending') return;
    if (this.ctx.traffic.inFlightPackets > 0) {
      this.ctx.sim.after(DRAIN_POLL_PS, this, 0);
      return;
    }
    this.ctx.flows.end(f, 'done', this.lastArrival >= 0 ? this.lastArrival : this.lastSent);
  }

  onPacket(pkt: Packet): void {
    const f = this.flow;
    if (f === null) return;
    const now = this.ctx.sim.now;
    f.deliveredBytes += pkt.payload;
    f.deliveredPackets++;
    this.lastArrival = now;
    if (pkt.ecn === 3) f.ecnMarked++;
    if (f.deliveredBytes >= f.bytes && f.status === 'pending') {
      f.recvDone = now;
      this.ctx.flows.end(f, 'done', now);
    }
  }
}
