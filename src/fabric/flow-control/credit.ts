import type { EgressPort } from '../egress-port.js';
import { FRAME_CREDIT, type Packet, type PacketPool } from '../packet.js';
import { TRAFFIC_CLASSES } from '../scheduler/scheduler.js';

/** InfiniBand flow-control credits are counted in blocks of 64 bytes (IBA §7.9.4). */
export const CREDIT_BLOCK_BYTES = 64;
/**
 * An IB link-level flow-control packet (IBA §7.9.4): Op, FCTBS, VL, FCCL (4 bytes) and a 16-bit
 * link packet CRC: 6 bytes on the wire.
 */
export const IB_FLOW_CONTROL_PACKET_BYTES = 6;

/** Blocks of 64 bytes a packet of `bytes` consumes. */
export function creditBlocks(bytes: number): number {
  return Math.ceil(bytes / CREDIT_BLOCK_BYTES);
}

/** Credit-based link flow control settings, the same on every port. */
export interface CreditSettings {
  /** Receive buffer per port and virtual lane, bytes (advertised as floor(bytes / 64) credits). */
  vlBufferBytes: number;
  /** Frame bytes of a credit update (6 on IB; a 64-byte control frame on Ethernet). */
  frameBytes: number;
}

/**
 * Credit-based link-level flow control (InfiniBand, IBA §7.9) on one interface, both directions:
 *
 * - as a sender, the credits this port holds for the peer's receive buffer, per virtual lane
 *   (VL = the packet's traffic class on this hop: its SL, or what a switch's SL→VL table made it). A
 *   packet of `b` 64-byte blocks goes out on its VL only while the VL has at least `b` credits;
 *   they are consumed when its transmission starts. Lossless by construction: the receiver never
 *   gets more than its buffer holds.
 * - as a receiver, the credits it owes the peer: when a packet that arrived on this interface
 *   frees its buffer (leaves the switch, or is delivered at a host) its blocks are returned in a
 *   flow-control packet sent on this interface's egress, ahead of any data (it takes wire time).
 *   While an update for a VL is still queued, later returns are added to it (IB sends absolute
 *   credit limits, so a newer update supersedes a queued one).
 *
 * Control frames (credit updates) never consume credits; VL15 (subnet management) is not
 * modelled.
 */
export class CreditGate {
  /** Credits (64-byte blocks) available per VL toward the peer. */
  readonly credits = new Float64Array(TRAFFIC_CLASSES);
  /** Credits per VL when the peer's buffer is empty. */
  readonly limit: number;
  /** The credit update queued on this port per VL, not yet on the wire; null if none. */
  private readonly queued: (Packet | null)[] = new Array<Packet | null>(TRAFFIC_CLASSES).fill(null);
  /** Credit updates this port has queued for sending. */
  updatesSent = 0;
  /** Bit v set while VL v's head packet waits for credits (a stall, as pfc.csv reports it). */
  private stalled = 0;
  /** Told when a VL starts and stops waiting for credits (pfc.csv `credit_stall` / `credit_resume`). */
  onStall: ((port: EgressPort, vl: number, stalled: boolean, credits: number) => void) | null = null;

  constructor(
    private readonly port: EgressPort,
    private readonly pool: PacketPool,
    readonly settings: CreditSettings,
  ) {
    this.limit = Math.floor(settings.vlBufferBytes / CREDIT_BLOCK_BYTES);
    this.credits.fill(this.limit);
  }

  /** Bit c set for every class in `backlog` whose head packet (`headBytes(c)`) has not enough credits. */
  blockedMask(backlog: number, headBytes: (c: number) => number): number {
    let blocked = 0;
    for (let m = backlog; m !== 0; m &= m - 1) {
      const c = 31 - Math.clz32(m & -m);
      if (this.credits[c]! < creditBlocks(headBytes(c))) blocked |= 1 << c;
    }
    return blocked;
  }

  /** Records the VLs found waiting for credits (`blocked`, from {@link blockedMask}) when the port looks for work. */
  noteStalls(blocked: number): void {
    const fresh = blocked & ~this.stalled;
    if (fresh === 0) return;
    this.stalled |= fresh;
    if (this.onStall === null) return;
    for (let m = fresh; m !== 0; m &= m - 1) {
      const vl = 31 - Math.clz32(m & -m);
      this.onStall(this.port, vl, true, this.credits[vl]!);
    }
  }

  /** Bit c set for every VL without a single credit. */
  exhaustedMask(): number {
    let m = 0;
    for (let c = 0; c < TRAFFIC_CLASSES; c++) if (this.credits[c]! <= 0) m |= 1 << c;
    return m;
  }

  /** Whether `pkt` may go now. */
  fits(pkt: Packet): boolean {
    return this.credits[pkt.priority]! >= creditBlocks(pkt.frameBytes);
  }

  /** Takes the credits of a data packet that starts transmission. */
  consume(pkt: Packet): void {
    this.credits[pkt.priority]! -= creditBlocks(pkt.frameBytes);
  }

  /** A credit update from the peer: `blocks` more credits on `vl`. */
  grant(vl: number, blocks: number): void {
    this.credits[vl]! += blocks;
    if ((this.stalled & (1 << vl)) !== 0 && this.credits[vl]! >= creditBlocks(this.port.headFrameBytes(vl))) {
      this.stalled &= ~(1 << vl);
      this.onStall?.(this.port, vl, false, this.credits[vl]!);
    }
    this.port.kick();
  }

  /**
   * A packet of `bytes` on `vl` that arrived on this interface has freed its buffer: return its
   * credits to the peer (coalesced into an update still queued).
   */
  giveBack(vl: number, bytes: number): void {
    const blocks = creditBlocks(bytes);
    const q = this.queued[vl];
    if (q != null) {
      q.pfcQuanta += blocks;
      return;
    }
    const f = this.pool.acquire();
    f.frame = FRAME_CREDIT;
    f.frameBytes = this.settings.frameBytes;
    f.pfcPriority = vl;
    f.pfcQuanta = blocks;
    f.priority = 7;
    this.queued[vl] = f;
    this.updatesSent++;
    this.port.sendControl(f);
  }

  /** The port starts transmitting a credit update: later returns need a new one. */
  onUpdateSent(f: Packet): void {
    if (this.queued[f.pfcPriority] === f) this.queued[f.pfcPriority] = null;
  }
}
