import type { Actor } from '../sim/actor.js';
import { Ring } from '../sim/ring.js';
import type { Simulator } from '../sim/simulator.js';
import { PS_PER_S, type Time } from '../sim/time.js';
import {
  PC_STRIDE,
  PC_MAX_QUEUE_BYTES,
  PC_PAUSED_PS,
  PC_PAUSE_RX,
  PC_RESUME_RX,
  PC_TX_BYTES,
  PC_TX_PACKETS,
  PC_TX_WIRE_BYTES,
  type PortCounters,
} from '../metrics/port-counters.js';
import type { Link } from './link.js';
import { ETH_PREAMBLE_IFG_BYTES, FRAME_CREDIT, Packet } from './packet.js';
import type { CreditGate } from './flow-control/credit.js';
import type { Scheduler } from './scheduler/scheduler.js';
import { stampInt } from './telemetry/int.js';
import { TRAFFIC_CLASSES } from './scheduler/scheduler.js';
import { StrictPriority } from './scheduler/strict-priority.js';

const TX_DONE = 0;
const PAUSE_EXPIRE = 1;

/** Bit times per PFC pause quantum (IEEE 802.1Qbb). */
export const PAUSE_QUANTUM_BITS = 512;

/** Supplies packets generated on demand (a host NIC segmenting lazily). */
export interface PacketSource {
  /** The next packet of a class not set in `pausedMask`, or null if none is ready now. */
  pull(pausedMask: number): Packet | null;
}

/** Told when a packet has been serialized and leaves the port (a switch frees its buffer). */
export interface EgressOwner {
  onTxDone(pkt: Packet, port: EgressPort): void;
}

/** Takes the packets of a class the PFC watchdog discards (action 'drop'). */
export interface PacketDiscard {
  discardPacket(pkt: Packet, port: EgressPort): void;
}

/** Told when a class of this port is paused or resumed (a NIC tracking who waits). */
export interface PauseListener {
  onPause(priority: number, paused: boolean): void;
}

/** Observes PFC state changes of a port (for pfc.csv). */
export interface PauseObserver {
  onPauseChange(port: EgressPort, priority: number, paused: boolean, quanta: number): void;
}

/** Sees the frames an egress port holds, one call each ({@link EgressPort.visitClass}). */
export interface HeldVisitor {
  visitHeld(pkt: Packet): void;
}

/**
 * The transmit side of one interface: 8 traffic-class FIFOs, a scheduler, a control-frame queue
 * that goes first and is never paused, the per-priority PFC pause state set by frames from the
 * peer, and the serializer. It schedules one event at a time: the end of the current
 * transmission (plus pause expiries).
 */
export class EgressPort implements Actor {
  actorId = -1;
  private readonly queues: Ring<Packet>[] = [];
  /** Bytes queued per class (frame bytes). */
  readonly queueBytes = new Float64Array(TRAFFIC_CLASSES);
  /** Bytes queued over all classes. */
  totalBytes = 0;
  private readonly control = new Ring<Packet>(4);
  private readonly pausedUntil = new Float64Array(TRAFFIC_CLASSES);
  private readonly pausedSince = new Float64Array(TRAFFIC_CLASSES);
  /** Bit c set while class c is paused by the peer. */
  pausedMask = 0;
  /** Bit c set while class c has a packet queued. */
  private backlog = 0;
  private busy = false;
  private current: Packet | null = null;
  /** Whether this port stamps INT on packets that ask for it (switch ports). */
  stampsInt = false;
  /** On-demand packets (host NICs); consulted when no queued packet is eligible. */
  source: PacketSource | null = null;
  owner: EgressOwner | null = null;
  pauseObserver: PauseObserver | null = null;
  pauseListener: PauseListener | null = null;
  /** Time each class has been paused in closed pause intervals, ps (the paused-time clock). */
  private readonly pausedClosed = new Float64Array(TRAFFIC_CLASSES);
  /** Bit c set while PFC is disabled on class c (PFC watchdog): PAUSE frames are counted, not obeyed. */
  pfcIgnoreMask = 0;
  /** Bit c set while packets of class c are discarded on arrival (PFC watchdog, action 'drop'). */
  discardMask = 0;
  /** Takes the packets of classes in `discardMask`. */
  discard: PacketDiscard | null = null;
  /** Arrival time of the last PAUSE frame (quanta > 0) per class, ps; -1 before the first. */
  readonly lastPauseRx = new Float64Array(TRAFFIC_CLASSES).fill(-1);
  /** The cable this port transmits on. */
  link!: Link;
  /** Wire bytes added to every frame: Ethernet preamble/SFD + IFG (20); 0 on InfiniBand links. */
  overheadBytes = ETH_PREAMBLE_IFG_BYTES;
  /** Credit-based flow control toward the peer (flow-control/credit.ts); null: none (PFC or lossy). */
  credits: CreditGate | null = null;
  /**
   * Cut-through toward the peer (a cut-through switch), ps: a frame is handed to the cable this
   * long after its transmission starts (the time its forwarding header takes), so the peer may
   * forward it while its tail still streams in; 0: store-and-forward (handed over when sent).
   */
  cutThroughLeadPs = 0;
  /** Stands in for a frame handed over early until its transmission ends (its bookkeeping copy). */
  private readonly shadow = new Packet();
  private handedOver = false;
  private readonly psPerPauseQuantum: number;
  /** The scheduler is strict priority: {@link startNext} picks the highest eligible class itself. */
  private readonly strict: boolean;
  /** The port counters' values and this port's row offset in them (the hot path writes them directly). */
  private readonly cv: Float64Array;
  private readonly row: number;
  private readonly headBytes = (c: number): number => this.queues[c]!.peek()!.frameBytes;

  constructor(
    private readonly sim: Simulator,
    /** Global port index (row in the port counters). */
    readonly index: number,
    /** Node id of the node this port belongs to. */
    readonly node: number,
    /** Port number on that node. */
    readonly local: number,
    /** Line rate, bit/s. */
    readonly rateBps: number,
    private readonly scheduler: Scheduler,
    private readonly counters: PortCounters,
  ) {
    for (let c = 0; c < TRAFFIC_CLASSES; c++) this.queues.push(new Ring<Packet>(16));
    this.psPerPauseQuantum = (PAUSE_QUANTUM_BITS * PS_PER_S) / rateBps;
    this.strict = scheduler instanceof StrictPriority;
    this.cv = counters.v;
    this.row = index * PC_STRIDE;
    sim.register(this);
  }

  /** Serialization time of a frame of `frameBytes` on this port, ps (preamble and IFG included). */
  txTime(frameBytes: number): Time {
    return Math.ceil(((frameBytes + this.overheadBytes) * 8 * PS_PER_S) / this.rateBps);
  }

  /** True while the serializer is busy. */
  get transmitting(): boolean {
    return this.busy;
  }

  /** Queues a data packet in its traffic class (the caller has admitted it to the buffer). */
  enqueue(pkt: Packet): void {
    const c = pkt.priority;
    if ((this.discardMask & (1 << c)) !== 0) return this.discard!.discardPacket(pkt, this);
    pkt.pauseMark = this.pausedClock(c);
    this.queues[c]!.push(pkt);
    const size = pkt.frameBytes;
    this.queueBytes[c]! += size;
    const total = (this.totalBytes += size);
    this.backlog |= 1 << c;
    const cv = this.cv;
    const m = this.row + PC_MAX_QUEUE_BYTES;
    if (total > cv[m]!) cv[m] = total;
    if (!this.busy) this.startNext();
  }

  /** Queues a link-local control frame (PFC); it goes out before any data. */
  sendControl(pkt: Packet): void {
    this.control.push(pkt);
    if (!this.busy) this.startNext();
  }

  /** Asks the port to look for work (a source became ready). */
  kick(): void {
    if (!this.busy) this.startNext();
  }

  /** Calls `fn` for every frame this port holds: queued data, queued control frames, the one being serialized. */
  forEachHeld(fn: (pkt: Packet) => void): void {
    if (this.current !== null && !this.handedOver) fn(this.current);
    for (let i = 0; i < this.control.length; i++) fn(this.control.at(i)!);
    for (let c = 0; c < TRAFFIC_CLASSES; c++) {
      const q = this.queues[c]!;
      for (let i = 0; i < q.length; i++) fn(q.at(i)!);
    }
  }

  /**
   * Shows `visitor` the frames this port holds that can be of class `c`: the frame being
   * serialized (any class) unless handed over, the control frames, and class `c`'s queue. The
   * allocation-free form of {@link forEachHeld} for one class (PAUSE blame, src/fabric/switch.ts).
   */
  visitClass(c: number, visitor: HeldVisitor): void {
    if (this.current !== null && !this.handedOver) visitor.visitHeld(this.current);
    for (let i = 0; i < this.control.length; i++) visitor.visitHeld(this.control.at(i)!);
    const q = this.queues[c]!;
    for (let i = 0; i < q.length; i++) visitor.visitHeld(q.at(i)!);
  }

  /** Frame bytes of class `c`'s head packet, 0 if none. */
  headFrameBytes(c: number): number {
    return this.queues[c]!.peek()?.frameBytes ?? 0;
  }

  /** Packets queued in class `c`. */
  queueLength(c: number): number {
    return this.queues[c]!.length;
  }

  /**
   * Applies a PFC frame from the peer: pause class `priority` for `quanta` × 512 bit times, or
   * resume it when `quanta` is 0. A frame being serialized finishes first.
   */
  applyPause(priority: number, quanta: number): void {
    const now = this.sim.now;
    const bit = 1 << priority;
    if (quanta === 0) {
      this.counters.add(this.index, PC_RESUME_RX, 1);
      if (this.pausedMask & bit) this.unpause(priority);
      return;
    }
    this.counters.add(this.index, PC_PAUSE_RX, 1);
    this.lastPauseRx[priority] = now;
    if (this.pfcIgnoreMask & bit) return; // PFC disabled on this class by the watchdog
    const until = now + Math.ceil(quanta * this.psPerPauseQuantum);
    this.pausedUntil[priority] = until;
    if ((this.pausedMask & bit) === 0) {
      this.pausedMask |= bit;
      this.pausedSince[priority] = now;
      this.pauseObserver?.onPauseChange(this, priority, true, quanta);
      this.pauseListener?.onPause(priority, true);
    }
    this.sim.at(until, this, PAUSE_EXPIRE, priority);
  }

  /** When class `priority`'s current pause began, ps (meaningful while it {@link isPaused}). */
  pausedSinceAt(priority: number): Time {
    return this.pausedSince[priority]!;
  }

  /** Ends a pause of class `priority` now, as if its timer had run out (PFC watchdog). */
  forceResume(priority: number): void {
    if (this.pausedMask & (1 << priority)) this.unpause(priority);
  }

  /** Removes every queued packet of class `c`, oldest first, handing each to `fn` (PFC watchdog). */
  flushClass(c: number, fn: (pkt: Packet) => void): void {
    const q = this.queues[c]!;
    if (q.length === 0) return;
    while (q.length > 0) {
      const pkt = q.shift()!;
      this.queueBytes[c]! -= pkt.frameBytes;
      this.totalBytes -= pkt.frameBytes;
      fn(pkt);
    }
    this.backlog &= ~(1 << c);
    this.scheduler.emptied?.(c);
  }

  /** Total time class `c` has been paused so far, ps, including a pause in progress. */
  pausedClock(c: number): number {
    return (this.pausedMask & (1 << c)) !== 0 ? this.pausedClosed[c]! + (this.sim.now - this.pausedSince[c]!) : this.pausedClosed[c]!;
  }

  /** True while class `priority` is paused. */
  isPaused(priority: number): boolean {
    return (this.pausedMask & (1 << priority)) !== 0;
  }

  /** Adds the time paused so far in open pauses to the counters (call at the end of a run). */
  closePauseAccounting(): void {
    const now = this.sim.now;
    for (let c = 0; c < TRAFFIC_CLASSES; c++) {
      if (this.pausedMask & (1 << c)) {
        this.counters.add(this.index, PC_PAUSED_PS + c, now - this.pausedSince[c]!);
        this.pausedClosed[c]! += now - this.pausedSince[c]!;
        this.pausedSince[c] = now;
      }
    }
  }

  onEvent(kind: number, arg: number): void {
    if (kind === TX_DONE) {
      const pkt = this.current!;
      this.current = null;
      this.busy = false;
      const cv = this.cv;
      const row = this.row;
      cv[row + PC_TX_BYTES]! += pkt.frameBytes;
      cv[row + PC_TX_WIRE_BYTES]! += pkt.frameBytes + this.overheadBytes;
      cv[row + PC_TX_PACKETS]! += 1;
      if (this.owner !== null) this.owner.onTxDone(pkt, this);
      if (this.handedOver) this.handedOver = false; // cut-through: on the cable since its header went
      else this.link.send(pkt);
      if (!this.busy) this.startNext();
    } else if (kind === PAUSE_EXPIRE) {
      if (this.pausedMask & (1 << arg) && this.sim.now >= this.pausedUntil[arg]!) this.unpause(arg);
    }
  }

  private unpause(priority: number): void {
    const now = this.sim.now;
    this.pausedMask &= ~(1 << priority);
    this.counters.add(this.index, PC_PAUSED_PS + priority, now - this.pausedSince[priority]!);
    this.pausedClosed[priority]! += now - this.pausedSince[priority]!;
    this.pauseObserver?.onPauseChange(this, priority, false, 0);
    this.pauseListener?.onPause(priority, false);
    if (!this.busy) this.startNext();
  }

  /** Takes the head packet of class `c` for transmission (queue accounting, pause delay, INT). */
  private dequeue(c: number): Packet {
    const q = this.queues[c]!;
    const pkt = q.shift()!;
    pkt.pausedPs += this.pausedClock(c) - pkt.pauseMark;
    this.queueBytes[c]! -= pkt.frameBytes;
    this.totalBytes -= pkt.frameBytes;
    if (q.length === 0) {
      this.backlog &= ~(1 << c);
      if (!this.strict) this.scheduler.emptied?.(c);
    }
    if (this.stampsInt && pkt.wantsInt) {
      stampInt(pkt, this.totalBytes, this.counters.get(this.index, PC_TX_BYTES), this.sim.now, this.rateBps);
    }
    return pkt;
  }

  private startNext(): void {
    if (this.credits !== null) return this.startNextWithCredits(this.credits);
    let pkt = this.control.length > 0 ? this.control.shift()! : null;
    if (pkt === null) {
      const eligible = this.backlog & ~this.pausedMask;
      const c = this.strict ? 31 - Math.clz32(eligible) : this.scheduler.pick(eligible, this.headBytes, this.backlog);
      if (c >= 0) {
        pkt = this.dequeue(c);
      } else if (this.source !== null) {
        pkt = this.source.pull(this.pausedMask);
      }
    }
    if (pkt === null) return;
    if (this.cutThroughLeadPs > 0 || pkt.tailAt > 0) return this.begin(pkt);
    this.busy = true;
    this.current = pkt;
    this.sim.after(this.txTime(pkt.frameBytes), this, TX_DONE);
  }

  /**
   * Starts transmitting `pkt` when cut-through is involved. A frame whose tail is still arriving
   * (`tailAt`) cannot finish before it has arrived: its transmission ends at the later of
   * now + its serialization and `tailAt`. Toward a cut-through peer the frame goes on the cable
   * as soon as its header is out (`cutThroughLeadPs`, or its whole serialization if shorter),
   * with its own `tailAt` there; a bookkeeping copy stays here until TX_DONE.
   */
  private begin(pkt: Packet): void {
    const now = this.sim.now;
    const ser = this.txTime(pkt.frameBytes);
    const end = Math.max(now + ser, pkt.tailAt);
    pkt.tailAt = 0;
    this.busy = true;
    if (this.cutThroughLeadPs > 0) {
      const s = this.shadow;
      s.frame = pkt.frame;
      s.frameBytes = pkt.frameBytes;
      s.priority = pkt.priority;
      s.ingress = pkt.ingress;
      s.conn = pkt.conn;
      s.src = pkt.src;
      s.dst = pkt.dst;
      pkt.tailAt = end + this.link.delay;
      this.link.sendAt(pkt, now + Math.min(this.cutThroughLeadPs, ser) + this.link.delay);
      this.current = s;
      this.handedOver = true;
    } else {
      this.current = pkt;
    }
    this.sim.at(end, this, TX_DONE);
  }

  /**
   * {@link startNext} under credit-based flow control: a class is eligible only while its head
   * packet has the credits it needs; a packet pulled from the source that lacks them waits at the
   * head of its class queue. Credit updates (control frames) go first and consume no credits.
   */
  private startNextWithCredits(gate: CreditGate): void {
    let pkt = this.control.shift() ?? null;
    if (pkt !== null) {
      if (pkt.frame === FRAME_CREDIT) gate.onUpdateSent(pkt);
    } else {
      const starved = gate.blockedMask(this.backlog, this.headBytes);
      if (starved !== 0) gate.noteStalls(starved);
      const blocked = this.pausedMask | starved;
      const c = this.scheduler.pick(this.backlog & ~blocked, this.headBytes, this.backlog);
      if (c >= 0) {
        pkt = this.dequeue(c);
      } else if (this.source !== null) {
        pkt = this.source.pull(blocked | this.backlog | gate.exhaustedMask());
        if (pkt !== null && !gate.fits(pkt)) {
          // wait for credits at the head of its class
          const pc = pkt.priority;
          pkt.pauseMark = this.pausedClock(pc);
          this.queues[pc]!.push(pkt);
          this.queueBytes[pc]! += pkt.frameBytes;
          this.totalBytes += pkt.frameBytes;
          this.backlog |= 1 << pc;
          this.counters.max(this.index, PC_MAX_QUEUE_BYTES, this.totalBytes);
          gate.noteStalls(1 << pc);
          pkt = null;
        }
      }
      if (pkt !== null) gate.consume(pkt);
    }
    if (pkt === null) return;
    if (this.cutThroughLeadPs > 0 || pkt.tailAt > 0) return this.begin(pkt);
    this.busy = true;
    this.current = pkt;
    this.sim.after(this.txTime(pkt.frameBytes), this, TX_DONE);
  }
}
