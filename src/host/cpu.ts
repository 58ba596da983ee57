import type { Actor } from '../sim/actor.js';
import type { Simulator } from '../sim/simulator.js';
import { FRAME_DATA, type Packet } from '../fabric/packet.js';
import { VERDICT_DROP, VERDICT_PASS, type StackModel } from './stack.js';

const DONE = 0;
const IRQ = 1;
const IDLE = 0;
const BUSY = 1;
const AWAIT_IRQ = 2;
const CALL_NONE = 0;
const CALL_INTERRUPT = 1;
const CALL_POLL = 2;

/**
 * A per-packet cost that depends on the host's state when the core takes the packet (LLC misses,
 * src/host/llc.ts), charged to its own cpu.csv stage `name` for every packet processed.
 */
export interface StateCost {
  readonly name: string;
  /** ps `core` pays for `pkt` now (0: none). */
  costPs(pkt: Packet, core: number): number;
}

/**
 * A host's cores as servers of work items. Each core owns one rx ring (RSS gives every core its
 * own queue) of `ringSize` descriptors and serves it FIFO: a packet costs the sum of the stack's
 * stages (per packet + per byte + per call), and the next packet waits until the core is done.
 * Per-call costs: `interrupt` stages once per busy period (the core was idle: the NIC interrupts,
 * the reader sleeps), `poll` stages at the start of a busy period and every `budget` packets.
 *
 * GRO / LRO (the stack's `rxMerge`): each core holds up to `flows` merged super-packets, one per
 * connection, as Linux's NAPI GRO list does (net/core/gro.c). A data segment of a stream
 * connection ({@link streams}) that passes every stage pays the stages before `rxMerge.from` in
 * full and only the per-byte part of the later ones (but the `wireStages` in full too), and joins
 * its connection's held super-packet (or starts one, flushing the oldest if all `flows` are
 * taken, or its own if full: `maxBytes` / `maxSegs`). A flushed super-packet pays the per-packet costs of the stages from
 * `from` on once, charged to the packet being processed when it is flushed: when a packet of the
 * connection that cannot merge arrives (a pure ACK), or when the NAPI poll ends: the ring is
 * empty after the packet (all of them), or it is the poll's `budget`-th (with
 * `rxMerge.flushOldJiffyUs`, as Linux with HZ >= 1000, only those started in an earlier jiffy
 * than this packet's start — NAPI_GRO_CB(skb)->age — the others stay held into the next poll;
 * without, all). Each packet still leaves the ring (and
 * reaches the transport) when its own work is done: the model merges costs, not deliveries. But
 * the transport hears where each super-packet ends, as Linux's TCP sees one skb per super-packet
 * (and ACKs once per skb): a segment whose super-packet is still held when it leaves the ring is
 * delivered with `Packet.rxMergeOpen` set, and once that super-packet is flushed — at the start of
 * a later packet, which pays its cost — {@link onMergeEnd} names its connection when that packet
 * leaves the ring, before it is delivered. The last segment of a super-packet flushed as its own
 * poll ends is delivered without the flag (no call).
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
  /** Packets the stack sent back out through the NIC (XDP_TX, XDP_REDIRECT). */
  readonly stackForwards: Float64Array;
  /**
   * Called instead of `done` for a packet the stack forwards (XDP_TX or XDP_REDIRECT: `verdict`),
   * after it left the ring; set by src/host/setup.ts for stacks with forwarding verdicts.
   */
  onForward: ((pkt: Packet, core: number, verdict: number) => void) | null = null;
  /** A state-dependent cost (LLC misses) charged per packet as its own stage; null: none. */
  stateCost: StateCost | null = null;
  /** Busy ps and packets (with a non-zero cost) of {@link stateCost}, by core. */
  readonly stateBusyPs: Float64Array;
  readonly statePackets: Float64Array;
  /**
   * Interrupt coalescing (src/host/coalescing.ts): an idle core is interrupted after this many
   * packets (0: no limit) or {@link coalescePs} after the first; coalescePs 0: at once.
   */
  coalesceFrames = 0;
  coalescePs = 0;
  /** Called when the NIC interrupts an idle core (not on a poll-mode stack): its MSI-X write crosses PCIe. */
  onInterrupt: ((core: number) => void) | null = null;
  /**
   * Connections (by index) whose data segments GRO / LRO may merge: 1 for stream transports (TCP,
   * iWARP), 0 or absent for datagrams (UDP, RoCE). Null: none merges. Set by src/host/setup.ts.
   */
  streams: Uint8Array | null = null;
  /** GRO / LRO, by core: data segments taken into a super-packet (alone or with others), and super-packets flushed up the stack. */
  readonly mergedSegments: Float64Array;
  readonly superPackets: Float64Array;
  /**
   * Called when a super-packet whose segments were delivered with `rxMergeOpen` is complete
   * (connection, core); set by src/host/setup.ts. Null: nobody listens.
   */
  onMergeEnd: ((conn: number, core: number) => void) | null = null;
  /** 1 while the head packet of each core is in a super-packet that stays held after it. */
  private readonly headOpen: Uint8Array;
  /** Connections (by core, up to `flows` each) whose super-packets the head packet's start flushed, earlier segments' all delivered. */
  private readonly endConns: Int32Array;
  private readonly endCount: Int32Array;
  /** First rx stage charged per super-packet (the stage count: no merging). */
  private readonly mergeFrom: number;
  /** Per-packet ps a flushed super-packet costs at each stage (0 before mergeFrom). */
  private readonly flushPs: Float64Array;
  /** 1 for the stages a flushed super-packet passes. */
  private readonly flushRuns: Uint8Array;
  private readonly groSlots: number;
  private readonly groMaxBytes: number;
  private readonly groMaxSegs: number;
  /** Held super-packets by (core, slot), oldest first: connection, bytes, segments; and the count per core. */
  private readonly groConn: Int32Array;
  private readonly groBytes: Float64Array;
  private readonly groSegs: Int32Array;
  /** When each held super-packet was started (ps), by (core, slot): its jiffy is its age. */
  private readonly groSince: Float64Array;
  private readonly groHeld: Int32Array;
  /** One jiffy in ps when a poll that spends its budget flushes only older super-packets; 0: it flushes all. */
  private readonly jiffyPs: number;
  /** When each core's pending coalesced interrupt fires. */
  private readonly irqAt: Float64Array;
  /** Verdict of each core's head packet (VERDICT_*). */
  private readonly headVerdict: Uint8Array;
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
    this.stackForwards = new Float64Array(cores);
    this.headVerdict = new Uint8Array(cores);
    this.stateBusyPs = new Float64Array(cores);
    this.statePackets = new Float64Array(cores);
    this.irqAt = new Float64Array(cores);
    this.ring = new Array<Packet | null>(cores * ringSize).fill(null);
    this.head = new Int32Array(cores);
    this.count = new Int32Array(cores);
    this.busy = new Uint8Array(cores);
    this.sinceCall = new Int32Array(cores);
    this.costPs = new Float64Array(cores);
    const merge = stack.rxMerge;
    this.mergeFrom = merge === undefined ? S : merge.from;
    // merged packets pass every stage an XDP_PASS packet runs
    const pass = stack.verdicts?.runs[VERDICT_PASS];
    const wire = merge?.wireStages ?? [];
    this.flushRuns = Uint8Array.from(st, (_, s) => (s >= this.mergeFrom && !wire.includes(s) && (pass === undefined || pass[s] === 1) ? 1 : 0));
    this.flushPs = Float64Array.from(st, (_, s) => (this.flushRuns[s] === 1 ? this.perPacketPs[s]! : 0));
    this.groSlots = merge?.flows ?? 0;
    this.groMaxBytes = merge?.maxBytes ?? 0;
    this.groMaxSegs = merge?.maxSegs ?? 0;
    this.groConn = new Int32Array(cores * this.groSlots);
    this.groBytes = new Float64Array(cores * this.groSlots);
    this.groSegs = new Int32Array(cores * this.groSlots);
    this.groSince = new Float64Array(cores * this.groSlots);
    this.jiffyPs = (merge?.flushOldJiffyUs ?? 0) * 1e6;
    this.groHeld = new Int32Array(cores);
    this.mergedSegments = new Float64Array(cores);
    this.superPackets = new Float64Array(cores);
    this.headOpen = new Uint8Array(cores);
    this.endConns = new Int32Array(cores * this.groSlots);
    this.endCount = new Int32Array(cores);
    sim.register(this);
  }

  /** Descriptors in use in `core`'s ring (the packet being processed included). */
  occupancy(core: number): number {
    return this.count[core]!;
  }

  /** Calls `visit` on every packet on the rings (for conservation checks; not on the hot path). */
  forEachHeld(visit: (pkt: Packet) => void): void {
    for (let core = 0; core < this.cores; core++) {
      for (let k = 0; k < this.count[core]!; k++) visit(this.ring[core * this.ringSize + ((this.head[core]! + k) % this.ringSize)]!);
    }
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
    const b = this.busy[core]!;
    if (b === IDLE) {
      if (this.coalescePs > 0 && this.coalesceFrames !== 1) {
        // the NIC holds the interrupt: rx_usecs from this first packet, or rx_frames packets
        this.busy[core] = AWAIT_IRQ;
        this.irqAt[core] = this.sim.now + this.coalescePs;
        this.sim.at(this.irqAt[core]!, this, IRQ, core);
      } else {
        this.busy[core] = BUSY;
        this.start(core, true);
      }
    } else if (b === AWAIT_IRQ && this.coalesceFrames > 0 && n + 1 >= this.coalesceFrames) {
      this.busy[core] = BUSY;
      this.start(core, true);
    }
  }

  /** Cost, in ps, of the head packet of `core`; charged to the stages. */
  private start(core: number, fromIdle: boolean): void {
    const pkt = this.ring[core * this.ringSize + this.head[core]!]!;
    const S = this.perPacketPs.length;
    const pollCall = fromIdle || this.sinceCall[core]! >= this.stack.budget;
    if (fromIdle && this.onInterrupt !== null && !this.stack.pollMode) this.onInterrupt(core);
    if (pollCall) this.sinceCall[core] = 0;
    this.sinceCall[core]!++;
    let total = 0;
    const base = core * S;
    const drop = this.stack.drop;
    const last = drop !== undefined && drop.flows.has(pkt.conn) ? drop.dropAfter : S;
    const verdicts = this.stack.verdicts;
    const verdict = last < S ? VERDICT_DROP : verdicts === undefined ? VERDICT_PASS : (verdicts.byConn.get(pkt.conn) ?? VERDICT_PASS);
    const runs = verdicts === undefined ? undefined : verdicts.runs[verdict];
    this.headVerdict[core] = verdict;
    // GRO / LRO: a stream's data segment that passes every stage pays the per-packet costs from
    // mergeFrom on only as part of its super-packet, when that is flushed (see the class comment)
    const streams = this.streams;
    const mergeFrom = this.mergeFrom;
    const merging =
      mergeFrom < S && last === S && verdict === VERDICT_PASS && pkt.frame === FRAME_DATA && pkt.payload > 0 && streams !== null && pkt.conn >= 0 && streams[pkt.conn] === 1;
    for (let s = 0; s < last; s++) {
      if (runs !== undefined && runs[s] === 0) continue;
      const held = merging && this.flushRuns[s] === 1;
      let c = (held ? 0 : this.perPacketPs[s]!) + this.perBytePs[s]! * pkt.frameBytes;
      const k = this.callKind[s]!;
      if ((k === CALL_INTERRUPT && fromIdle) || (k === CALL_POLL && pollCall)) {
        c += this.perCallPs[s]!;
        this.stageCalls[base + s]!++;
      }
      this.stageBusyPs[base + s]! += c;
      if (!held) this.stagePackets[base + s]!++;
      total += c;
    }
    if (mergeFrom < S) total += this.gro(core, pkt, merging);
    if (this.stateCost !== null) {
      const e = this.stateCost.costPs(pkt, core);
      if (e > 0) {
        this.stateBusyPs[core]! += e;
        this.statePackets[core]!++;
        total += e;
      }
    }
    const ps = Math.round(total);
    this.costPs[core] = ps;
    this.coreBusyPs[core]! += ps;
    this.sim.at(this.sim.now + ps, this, DONE, core);
  }

  /**
   * GRO bookkeeping of `core` for `pkt` (`merging`: it may join a super-packet); charges the
   * super-packets this flushes and returns their ps.
   */
  private gro(core: number, pkt: Packet, merging: boolean): number {
    const G = this.groSlots;
    const b = core * G;
    let held = this.groHeld[core]!;
    let flushes = 0;
    let slot = -1;
    for (let k = 0; k < held; k++) {
      if (this.groConn[b + k] === pkt.conn) {
        slot = k;
        break;
      }
    }
    if (merging && slot >= 0 && this.groBytes[b + slot]! + pkt.payload < this.groMaxBytes && this.groSegs[b + slot]! < this.groMaxSegs) {
      // joins its connection's super-packet: headers once, payload appended
      this.groBytes[b + slot]! += pkt.payload;
      this.groSegs[b + slot]!++;
      this.mergedSegments[core]!++;
    } else {
      // its connection's held packet is full, or this packet cannot merge (a pure ACK): flush it;
      // a new connection when all slots are taken: flush the oldest (MAX_GRO_SKBS)
      const out = slot >= 0 ? slot : merging && held === G ? 0 : -1;
      if (out >= 0) {
        // its last segment left the ring before this packet started: it ends now
        this.endConns[b + this.endCount[core]!++] = this.groConn[b + out]!;
        for (let k = out; k < held - 1; k++) {
          this.groConn[b + k] = this.groConn[b + k + 1]!;
          this.groBytes[b + k] = this.groBytes[b + k + 1]!;
          this.groSegs[b + k] = this.groSegs[b + k + 1]!;
          this.groSince[b + k] = this.groSince[b + k + 1]!;
        }
        held--;
        flushes++;
      }
      if (merging) {
        this.groConn[b + held] = pkt.conn;
        this.groBytes[b + held] = pkt.frameBytes;
        this.groSegs[b + held] = 1;
        this.groSince[b + held] = this.sim.now;
        held++;
        this.mergedSegments[core]!++;
      }
    }
    // the poll ends. The ring is empty after this packet: NAPI completes and flushes every held
    // super-packet. The budget is spent (more packets wait): with flush_old (HZ >= 1000) only
    // those started in an earlier jiffy, oldest first, up to the first of the current jiffy;
    // without, all. Flushed: this packet's own (it is its last segment) and the others, whose
    // last segments were delivered already
    let open = merging ? 1 : 0;
    const empty = this.count[core] === 1;
    if (held > 0 && (empty || this.sinceCall[core]! >= this.stack.budget)) {
      let out = held;
      if (!empty && this.jiffyPs > 0) {
        const jiffy = Math.floor(this.sim.now / this.jiffyPs);
        out = 0;
        while (out < held && Math.floor(this.groSince[b + out]! / this.jiffyPs) < jiffy) out++;
      }
      for (let k = 0; k < out; k++) {
        if (merging && this.groConn[b + k] === pkt.conn) open = 0;
        else this.endConns[b + this.endCount[core]!++] = this.groConn[b + k]!;
      }
      for (let k = out; k < held; k++) {
        this.groConn[b + k - out] = this.groConn[b + k]!;
        this.groBytes[b + k - out] = this.groBytes[b + k]!;
        this.groSegs[b + k - out] = this.groSegs[b + k]!;
        this.groSince[b + k - out] = this.groSince[b + k]!;
      }
      flushes += out;
      held -= out;
    }
    this.headOpen[core] = open;
    this.groHeld[core] = held;
    if (flushes === 0) return 0;
    this.superPackets[core]! += flushes;
    const S = this.flushPs.length;
    const base = core * S;
    let ps = 0;
    for (let s = this.mergeFrom; s < S; s++) {
      const c = this.flushPs[s]!;
      if (this.flushRuns[s] === 0) continue;
      this.stageBusyPs[base + s]! += c * flushes;
      this.stagePackets[base + s]! += flushes;
      ps += c * flushes;
    }
    return ps;
  }

  onEvent(kind: number, core: number): void {
    if (kind === IRQ) {
      // a coalesced interrupt fires (unless rx_frames fired it already: the core is busy)
      if (this.busy[core] === AWAIT_IRQ && this.sim.now === this.irqAt[core]) {
        this.busy[core] = BUSY;
        this.start(core, true);
      }
      return;
    }
    const i = core * this.ringSize + this.head[core]!;
    const pkt = this.ring[i]!;
    this.ring[i] = null;
    this.head[core] = (this.head[core]! + 1) % this.ringSize;
    this.count[core]!--;
    this.corePackets[core]!++;
    if (this.mergeFrom < this.perPacketPs.length) {
      // super-packets flushed when this packet started go up the stack first
      const n = this.endCount[core]!;
      if (n > 0) {
        this.endCount[core] = 0;
        const b = core * this.groSlots;
        if (this.onMergeEnd !== null) for (let k = 0; k < n; k++) this.onMergeEnd(this.endConns[b + k]!, core);
      }
      pkt.rxMergeOpen = this.headOpen[core] === 1;
    }
    const verdict = this.headVerdict[core]!;
    if (verdict === VERDICT_DROP) {
      this.stackDrops[core]!++;
      this.dropped(pkt, core);
    } else if (verdict !== VERDICT_PASS && this.onForward !== null) {
      this.stackForwards[core]!++;
      this.onForward(pkt, core, verdict);
    } else this.done(pkt, core);
    if (this.count[core]! > 0) this.start(core, false);
    else this.busy[core] = IDLE;
  }
}
