import {
  PC_DROPS,
  PC_DROP_BYTES,
  PC_ECN_MARKS,
  PC_LOSSLESS_DROPS,
  type PortCounters,
} from '../metrics/port-counters.js';
import type { EgressOwner, EgressPort, HeldVisitor } from './egress-port.js';
import type { PfcIngress } from './flow-control/pfc.js';
import type { FrameHandler } from './ingress-port.js';
import type { Link } from './link.js';
import type { PacketSink } from './packet-sink.js';
import type { EcnMarker } from './marking/marker.js';
import type { Packet, PacketPool } from './packet.js';
import type { Fib } from './routing/fib.js';
import type { PathSelector } from './routing/ecmp.js';
import type { SharedBuffer } from './shared-buffer.js';

/** Service levels an SL→VL table maps (IB SL 0..15). */
export const SL_COUNT = 16;

/** The blame of a PAUSE sent because its ingress's bytes are stuck behind a paused egress. */
export const PAUSE_PROPAGATED = -2;

/** Told about every packet a switch drops (for conservation and loss accounting). */
export interface DropObserver {
  onDrop(pkt: Packet, port: EgressPort, lossless: boolean): void;
}

/**
 * An output-queued switch, store-and-forward or cut-through (the ports toward it hand it a frame
 * at header time: `EgressPort.cutThroughLeadPs`): FIB lookup and ECMP choice, admission to
 * the shared buffer (lossy classes by threshold, lossless classes by PFC), ECN marking on
 * enqueue, and buffer/PFC release when a packet has left.
 */
export class Switch implements FrameHandler, EgressOwner, PacketSink, HeldVisitor {
  constructor(
    /** Node id. */
    readonly node: number,
    /** Index among switches (row block in the FIB). */
    readonly index: number,
    /** Ports by local number. */
    readonly ports: readonly EgressPort[],
    private readonly fib: Fib,
    private readonly selector: PathSelector,
    readonly buffer: SharedBuffer,
    readonly pfc: PfcIngress | null,
    private readonly marker: EcnMarker | null,
    private readonly pool: PacketPool,
    private readonly counters: PortCounters,
    private readonly drops: DropObserver,
  ) {}

  /**
   * InfiniBand LID routing (routing/lid-routing.ts): the subnet manager's linear forwarding table,
   * one port per destination LID, column `dst << lidBits | (flowHash & lidMask)` (the packet's
   * `flowHash` carries its DLID's offset from the host's base LID); null: the FIB and the path
   * selector (ECMP).
   */
  lft: Fib | null = null;
  lidBits = 0;
  lidMask = 0;

  /**
   * Adaptive routing (`fabric.routing.adaptive`): the candidate ports of every destination host
   * (every minimal / legal port, before the LFT or ECMP narrows them to one); null: static routing.
   */
  adaptive: Fib | null = null;

  // PAUSE blame scratch (topContributor / visitHeld), reused so a PAUSE allocates nothing
  private blameBytes = new Float64Array(64);
  private readonly blameTouched: number[] = [];
  private blameLocal = 0;
  private blameP = 0;
  private blamePaused = false;
  private blocked = 0;
  private congested = 0;

  /** The egress port for `pkt`: the static choice (LFT, or FIB + path selector), or with adaptive routing the least-loaded candidate. */
  route(pkt: Packet): EgressPort {
    const lft = this.lft;
    let out: EgressPort;
    if (lft !== null) {
      out = this.ports[lft.port(lft.start(this.index, (pkt.dst << this.lidBits) | (pkt.flowHash & this.lidMask)))]!;
    } else {
      const n = this.fib.count(this.index, pkt.dst);
      const start = this.fib.start(this.index, pkt.dst);
      out = this.ports[this.fib.port(n === 1 ? start : start + this.selector.select(pkt, n))]!;
    }
    return this.adaptive === null ? out : this.leastLoaded(pkt.dst, out);
  }

  /**
   * Adaptive routing's choice: among the candidate ports toward host `dst`, the one with the
   * fewest bytes queued (all VLs); ties keep the static choice `fixed`, then the lowest port.
   */
  private leastLoaded(dst: number, fixed: EgressPort): EgressPort {
    const a = this.adaptive!;
    const n = a.count(this.index, dst);
    const start = a.start(this.index, dst);
    let best = fixed;
    for (let i = 0; i < n; i++) {
      const port = this.ports[a.port(start + i)]!;
      if (port.totalBytes < best.totalBytes || (port.totalBytes === best.totalBytes && best !== fixed && port.local < best.local)) best = port;
    }
    return best;
  }

  /**
   * Forwarding pipeline latency: a constant delay before the buffer, so it keeps packets in
   * order; null when the switch forwards in zero time.
   */
  pipeline: Link | null = null;

  /**
   * Credit-based link flow control (flow-control/credit.ts) instead of PFC: every packet is
   * admitted (the upstream sent it only with credits for this ingress's VL buffer, so it fits by
   * construction) and its credits go back upstream when it leaves.
   */
  credit = false;

  /**
   * SL→VL tables of the egress ports, 16 entries (SL 0..15) per local port; null: the VL is the
   * packet's class unchanged (identity).
   */
  slToVl: Uint8Array | null = null;

  /**
   * SL→VL tables per (input, output) local port pair, 16 entries at `(in × ports + out) × 16`
   * (IBA SLtoVLMappingTable); non-null only with `slToVl` and when a pair of this switch has its
   * own table, in which case it holds every pair (the egress tables where no pair overrides).
   */
  slToVlPairs: Uint8Array | null = null;

  receiveFrom(pkt: Packet, inLocal: number): void {
    if (this.pipeline !== null) {
      pkt.ingress = inLocal;
      this.pipeline.send(pkt);
      return;
    }
    this.forward(pkt, inLocal);
  }

  /** A packet leaving the forwarding pipeline. */
  receive(pkt: Packet): void {
    this.forward(pkt, pkt.ingress);
  }

  private forward(pkt: Packet, inLocal: number): void {
    const out = this.route(pkt);
    const size = pkt.frameBytes;
    let c = pkt.priority;
    const pfc = this.pfc;
    const lossless = pfc !== null && pfc.isLossless(c);
    if (this.slToVl !== null) {
      // ingress accounting stays with the VL it arrived on; the egress queue is the mapped VL
      if (pkt.sl < 0) pkt.sl = c;
      pkt.inVl = c;
      const pairs = this.slToVlPairs;
      pkt.priority = pairs === null ? this.slToVl[out.local * SL_COUNT + pkt.sl]! : pairs[(inLocal * this.ports.length + out.local) * SL_COUNT + pkt.sl]!;
    }
    if (!this.credit && (lossless ? !(pfc.admits(inLocal, c, size) && this.buffer.fits(size)) : !this.buffer.admitsLossy(out.queueBytes[pkt.priority]!, size))) {
      this.counters.add(out.index, PC_DROPS, 1);
      this.counters.add(out.index, PC_DROP_BYTES, size);
      if (lossless) this.counters.add(out.index, PC_LOSSLESS_DROPS, 1);
      pkt.ingress = inLocal; // lets the drop observer name the ingress (lossless-drop report)
      this.drops.onDrop(pkt, out, lossless);
      this.pool.release(pkt);
      return;
    }
    this.buffer.take(size);
    pkt.ingress = inLocal;
    if (lossless) pfc.charge(inLocal, c, size);
    c = pkt.priority;
    // IB CC (IBA A10.2.1): a port out of credits on the VL is a victim of congestion further on,
    // not its root, and does not mark FECN (Victim_Mask = 0); Ethernet ports have no credit gate
    if (this.marker !== null && pkt.ecn === 2 && (out.credits === null || out.credits.fits(pkt)) && this.marker.mark(out.queueBytes[c]!, size, out.local)) {
      pkt.ecn = 3;
      this.counters.add(out.index, PC_ECN_MARKS, 1);
    }
    out.enqueue(pkt);
  }

  /**
   * Who a PAUSE from ingress `local` on priority `p` is blamed on: the connection with the most
   * bytes from that ingress in this switch's queues, if most of those bytes wait at egress ports
   * that are congested but not paused themselves (the root of the congestion); PAUSE_PROPAGATED
   * if most wait behind egress ports that are paused by the next hop (the pause is spreading
   * congestion from elsewhere); -1 if none. Scans the queues, so it runs only when a PAUSE is sent.
   */
  topContributor(local: number, p: number): number {
    this.blameLocal = local;
    this.blameP = p;
    this.blocked = 0;
    this.congested = 0;
    for (const port of this.ports) {
      this.blamePaused = port.isPaused(p);
      port.visitClass(p, this);
    }
    let best = -1;
    let most = 0;
    const touched = this.blameTouched;
    for (let i = 0; i < touched.length; i++) {
      const conn = touched[i]!;
      const b = this.blameBytes[conn]!;
      if (b > most || (b === most && conn < best)) {
        best = conn;
        most = b;
      }
      this.blameBytes[conn] = 0;
    }
    touched.length = 0;
    return this.blocked > this.congested ? PAUSE_PROPAGATED : best;
  }

  /** {@link topContributor}'s scan: bytes per connection of the frames from ingress `blameLocal` on priority `blameP`. */
  visitHeld(pkt: Packet): void {
    const conn = pkt.conn;
    if (pkt.ingress !== this.blameLocal || pkt.priority !== this.blameP || conn < 0) return;
    if (this.blamePaused) this.blocked += pkt.frameBytes;
    else this.congested += pkt.frameBytes;
    if (conn >= this.blameBytes.length) {
      const grown = new Float64Array(Math.max(conn + 1, this.blameBytes.length * 2));
      grown.set(this.blameBytes);
      this.blameBytes = grown;
    }
    if (this.blameBytes[conn] === 0) this.blameTouched.push(conn);
    this.blameBytes[conn]! += pkt.frameBytes;
  }

  onTxDone(pkt: Packet): void {
    const inLocal = pkt.ingress;
    if (inLocal < 0) return; // a control frame this switch generated
    pkt.ingress = -1;
    this.buffer.free(pkt.frameBytes);
    const vl = this.slToVl !== null ? pkt.inVl : pkt.priority;
    if (this.pfc !== null && this.pfc.isLossless(vl)) this.pfc.release(inLocal, vl, pkt.frameBytes);
    if (this.credit) this.ports[inLocal]!.credits!.giveBack(vl, pkt.frameBytes);
  }
}
