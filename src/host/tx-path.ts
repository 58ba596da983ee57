import { FRAME_DATA, type Packet } from '../fabric/packet.js';
import type { Time } from '../sim/time.js';
import type { StackModel } from './stack.js';

/**
 * The transmit side of a host's stack: before the NIC may take a packet from a send queue, a core
 * must have done the previous packet's transmit work (syscall, copy, TSO, qdisc, driver). Each
 * packet's work goes to the core that frees up first, so `cores` cores send at most
 * `cores / cost` packets per second. (The work of packet n delays packet n+1: the first packet of
 * a burst is not delayed, and one flow may use every core — no XPS pinning yet.)
 *
 * TSO / GSO (the stack's `txSegmentation`): the data segments a stream connection ({@link streams})
 * sends back to back — consecutive sequence numbers, the connection able to send the next at
 * once — form super-segments of up to `maxBytes` (the first frame + the payload of the others),
 * as tcp_write_xmit builds one TSO skb of what the window allows. The stages marked per segment
 * pay their per-packet cost with the super-segment's first packet only; per-byte costs (the copy
 * from user space) are paid by every packet. A super-segment ends when it is full, on a
 * retransmission, or when the connection cannot send its next segment at once (window, pacing,
 * end of data: the NIC tells {@link charge}). The NIC still sends (and reads over PCIe) MTU-sized
 * packets.
 */
export class TxPath {
  readonly stageNames: readonly string[];
  /** Busy ps by (core, stage). */
  readonly stageBusyPs: Float64Array;
  readonly stagePackets: Float64Array;
  readonly coreBusyPs: Float64Array;
  readonly corePackets: Float64Array;
  private readonly perPacketPs: Float64Array;
  private readonly perBytePs: Float64Array;
  private readonly freeAt: Float64Array;
  /** TSO / GSO: super-segments started, by core. */
  readonly superSegments: Float64Array;
  /** Connections (by index) whose data segments TSO / GSO may merge (stream transports); null: none. */
  streams: Uint8Array | null = null;
  /** 1 for the stages charged per super-segment; `segMax` 0: no segmentation offload. */
  private readonly perSegment: Uint8Array;
  private readonly segMax: number;
  /** By connection: bytes of its open super-segment (0: none), and the sequence number that continues it. */
  private openBytes = new Float64Array(0);
  private nextPsn = new Float64Array(0);

  constructor(stack: StackModel, readonly cores: number) {
    const st = stack.tx;
    const seg = stack.txSegmentation;
    this.perSegment = Uint8Array.from(st, (_, s) => (seg !== undefined && seg.perSegment[s] === true ? 1 : 0));
    this.segMax = seg?.maxBytes ?? 0;
    this.superSegments = new Float64Array(cores);
    this.stageNames = st.map((s) => s.name);
    this.perPacketPs = Float64Array.from(st, (s) => s.perPacketNs * 1000);
    this.perBytePs = Float64Array.from(st, (s) => s.perByteNs * 1000);
    this.stageBusyPs = new Float64Array(cores * st.length);
    this.stagePackets = new Float64Array(cores * st.length);
    this.coreBusyPs = new Float64Array(cores);
    this.corePackets = new Float64Array(cores);
    this.freeAt = new Float64Array(cores);
  }

  private earliestCore(): number {
    let best = 0;
    for (let c = 1; c < this.cores; c++) if (this.freeAt[c]! < this.freeAt[best]!) best = c;
    return best;
  }

  /** Earliest time a core can take the next packet's transmit work. */
  readyAt(): Time {
    return this.freeAt[this.earliestCore()]!;
  }

  /** Whether TSO / GSO may put `pkt` in a super-segment (a stream's data segment; the NIC then tells {@link charge} where its burst ends). */
  mergesSegmentsOf(pkt: Packet): boolean {
    const streams = this.streams;
    return this.segMax > 0 && streams !== null && pkt.frame === FRAME_DATA && pkt.payload > 0 && pkt.conn >= 0 && pkt.conn < streams.length && streams[pkt.conn] === 1;
  }

  /** Sets the stream connections (by index) and sizes the per-connection state; not on the hot path. */
  setStreams(streams: Uint8Array): void {
    this.streams = streams;
    this.openBytes = new Float64Array(streams.length);
    this.nextPsn = new Float64Array(streams.length);
  }

  /**
   * Charges `pkt`'s transmit work, taken by the NIC at `now`, to the first free core. `burstEnds`:
   * its connection cannot send its next segment at once (closes its super-segment).
   */
  charge(pkt: Packet, now: Time, burstEnds = true): void {
    const core = this.earliestCore();
    const S = this.perPacketPs.length;
    let total = 0;
    let cont = false;
    if (this.mergesSegmentsOf(pkt)) {
      const c = pkt.conn;
      const open = this.openBytes[c]!;
      cont = open > 0 && pkt.psn === this.nextPsn[c] && open + pkt.payload <= this.segMax;
      if (cont) this.openBytes[c] = open + pkt.payload;
      else {
        this.openBytes[c] = pkt.frameBytes;
        this.superSegments[core]!++;
      }
      this.nextPsn[c] = pkt.psn + 1;
      if (burstEnds) this.openBytes[c] = 0;
    }
    for (let s = 0; s < S; s++) {
      const skip = cont && this.perSegment[s] === 1;
      const c = (skip ? 0 : this.perPacketPs[s]!) + this.perBytePs[s]! * pkt.frameBytes;
      this.stageBusyPs[core * S + s]! += c;
      if (!skip) this.stagePackets[core * S + s]!++;
      total += c;
    }
    const ps = Math.round(total);
    this.coreBusyPs[core]! += ps;
    this.corePackets[core]!++;
    this.freeAt[core] = Math.max(now, this.freeAt[core]!) + ps;
  }
}
