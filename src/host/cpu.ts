import type { Actor } from '../sim/actor.js';
import type { Simulator } from '../sim/simulator.js';
import type { Packet } from '../fabric/packet.js';
import type { StackModel } from './stack.js';

const DONE = 0;
const CALL_NONE = 0;
const CALL_INTERRUPT = 1;
const CALL_POLL = 2;

/**
 * A host's cores as servers of work items. Each core owns one rx ring (RSS gives every core its
 * own queue) of `ringSize` descriptors and serves it FIFO: a packet costs the sum of the stack's
 * stages (per packet + per byte + per call), and the next packet waits until the core is done.
 * Per-call costs: `interrupt` stages once per busy period (the core was idle: the NIC interrupts,
 * the reader sleeps), `poll` stages at the start of a busy period and every `budget` packets.
 *
 * Allocation-free on the per-packet path: rings are preallocated arrays indexed by head/count,
 * counters are typed arrays, and each core has at most one pending event (its head packet's end).
 */
export class HostCpu implements Actor {
  actorId = -1;
  readonly stageNames: readonly string[];
  /** Busy ps by (core, stage): index core × stages + stage. */
  readonly stageBusyPs: Float64Array;
  /** Packets that passed each (core, stage) with a non-zero per-packet or per-byte cost, or all packets. */
  readonly stagePackets: Float64Array;
  /** Per-call work items (interrupts, polls) of each (core, stage). */
  readonly stageCalls: Float64Array;
  /** Packets each core processed. */
  readonly corePackets: Float64Array;
  /** Busy ps of each core. */
  readonly coreBusyPs: Float64Array;
  /** Packets dropped because the core's ring was full. */
  readonly ringDrops: Float64Array;
  /** Packets the stack dropped early (XDP_DROP). */
  readonly stackDrops: Float64Array;
  private readonly headDropped: Uint8Array;
  private readonly perPacketPs: Float64Array;
  private readonly perBytePs: Float64Array;
  private readonly perCallPs: Float64Array;
  private readonly callKind: Uint8Array;
  private readonly ring: (Packet | null)[];
  private readonly head: Int32Array;
  private readonly count: Int32Array;
  private readonly busy: Uint8Array;
  private readonly sinceCall: Int32Array;
  private readonly costPs: Float64Array;

  constructor(
    private readonly sim: Simulator,
    readonly stack: StackModel,
    readonly cores: number,
    readonly ringSize: number,
    /** Called when a core has finished a packet (it left the ring). */
    private readonly done: (pkt: Packet, core: number) => void,
    /** Called instead of `done` for a packet the stack dropped early (after it left the ring). */
    private readonly dropped: (pkt: Packet, core: number) => void = done,
  ) {
    const st = stack.rx;
    const S = st.length;
    this.stageNames = st.map((s) => s.name);
    this.perPacketPs = Float64Array.from(st, (s) => s.perPacketNs * 1000);
    this.perBytePs = Float64Array.from(st, (s) => s.perByteNs * 1000);
    this.perCallPs = Float64Array.from(st, (s) => s.perCallNs * 1000);
    this.callKind = Uint8Array.from(st, (s) => (s.call === 'interrupt' ? CALL_INTERRUPT : s.call === 'poll' ? CALL_POLL : CALL_NONE));
    this.stageBusyPs = new Float64Array(cores * S);
    this.stagePackets = new Float64Array(cores * S);
    this.stageCalls = new Float64Array(cores * S);
    this.corePackets = new Float64Array(cores);
    this.coreBusyPs = new Float64Array(cores);
    this.ringDrops = new Float64Array(cores);
    this.stackDrops = new Float64Array(cores);
    this.headDropped = new Uint8Array(cores);
    this.ring = new Array<Packet | null>(cores * ringSize).fill(null);
    this.head = new Int32Array(cores);
    this.count = new Int32Array(cores);
    this.busy = new Uint8Array(cores);
    this.sinceCall = new Int32Array(cores);
    this.costPs = new Float64Array(cores);
    sim.register(this);
  }

  /** Descriptors in use in `core`'s ring (the packet being processed included). */
  occupancy(core: number): number {
    return this.count[core]!;
  }

  /** True if `core`'s ring has no free descriptor. */
  full(core: number): boolean {
    return this.count[core]! >= this.ringSize;
  }

  /** Puts `pkt` on `core`'s ring (the caller checked {@link full}) and starts the core if idle. */
  enqueue(pkt: Packet, core: number): void {
    const n = this.count[core]!;
    this.ring[core * this.ringSize + ((this.head[core]! + n) % this.ringSize)] = pkt;
    this.count[core] = n + 1;
    if (this.busy[core] === 0) {
      this.busy[core] = 1;
      this.start(core, true);
    }
  }

  /** Cost, in ps, of the head packet of `core`; charged to the stages. */
  private start(core: number, fromIdle: boolean): void {
    const pkt = this.ring[core * this.ringSize + this.head[core]!]!;
    const S = this.perPacketPs.length;
    const pollCall = fromIdle || this.sinceCall[core]! >= this.stack.budget;
    if (pollCall) this.sinceCall[core] = 0;
    this.sinceCall[core]!++;
    let total = 0;
    const base = core * S;
    const drop = this.stack.drop;
    const last = drop !== undefined && drop.flows.has(pkt.conn) ? drop.dropAfter : S;
    this.headDropped[core] = last < S ? 1 : 0;
    for (let s = 0; s < last; s++) {
      let c = this.perPacketPs[s]! + this.perBytePs[s]! * pkt.frameBytes;
      const k = this.callKind[s]!;
      if ((k === CALL_INTERRUPT && fromIdle) || (k === CALL_POLL && pollCall)) {
        c += this.perCallPs[s]!;
        this.stageCalls[base + s]!++;
      }
      this.stageBusyPs[base + s]! += c;
      this.stagePackets[base + s]!++;
      total += c;
    }
    const ps = Math.round(total);
    this.costPs[core] = ps;
    this.coreBusyPs[core]! += ps;
    this.sim.at(this.sim.now + ps, this, DONE, core);
  }

  onEvent(_kind: number, core: number): void {
    const i = core * this.ringSize + this.head[core]!;
    const pkt = this.ring[i]!;
    this.ring[i] = null;
    this.head[core] = (this.head[core]! + 1) % this.ringSize;
    this.count[core]!--;
    this.corePackets[core]!++;
    if (this.headDropped[core] === 1) {
      this.stackDrops[core]!++;
      this.dropped(pkt, core);
    } else this.done(pkt, core);
    if (this.count[core]! > 0) this.start(core, false);
    else this.busy[core] = 0;
  }
}
