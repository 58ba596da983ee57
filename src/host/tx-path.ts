import type { Packet } from '../fabric/packet.js';
import type { Time } from '../sim/time.js';
import type { StackModel } from './stack.js';

/**
 * The transmit side of a host's stack: before the NIC may take a packet from a send queue, a core
 * must have done the previous packet's transmit work (syscall, copy, TSO, qdisc, driver). Each
 * packet's work goes to the core that frees up first, so `cores` cores send at most
 * `cores / cost` packets per second. (The work of packet n delays packet n+1: the first packet of
 * a burst is not delayed, and one flow may use every core — no XPS pinning yet.)
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

  constructor(stack: StackModel, readonly cores: number) {
    const st = stack.tx;
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

  /** Charges `pkt`'s transmit work, taken by the NIC at `now`, to the first free core. */
  charge(pkt: Packet, now: Time): void {
    const core = this.earliestCore();
    const S = this.perPacketPs.length;
    let total = 0;
    for (let s = 0; s < S; s++) {
      const c = this.perPacketPs[s]! + this.perBytePs[s]! * pkt.frameBytes;
      this.stageBusyPs[core * S + s]! += c;
      this.stagePackets[core * S + s]!++;
      total += c;
    }
    const ps = Math.round(total);
    this.coreBusyPs[core]! += ps;
    this.corePackets[core]!++;
    this.freeAt[core] = Math.max(now, this.freeAt[core]!) + ps;
  }
}
