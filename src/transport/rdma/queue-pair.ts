import type { Packet, PacketPool } from '../../fabric/packet.js';
import { ETH_PREAMBLE_IFG_BYTES } from '../../fabric/packet.js';
import { copyInt } from '../../fabric/telemetry/int.js';
import type { FlowRecord, FlowTable } from '../../metrics/flow-table.js';
import type { TrafficCounters } from '../../metrics/traffic.js';
import type { Actor } from '../../sim/actor.js';
import { Ring } from '../../sim/ring.js';
import type { Simulator } from '../../sim/simulator.js';
import { PS_PER_S, type Time } from '../../sim/time.js';
import { Timer } from '../../sim/timer.js';
import type { AckEvent, CcFeedback, CongestionControl } from '../cc/congestion-control.js';
import type { NicHandle, SendQueue } from '../endpoint.js';
import { GoBackNReceiver, GoBackNSender } from '../reliability/go-back-n.js';
import { RackLossDetection } from '../reliability/rack.js';
import { RX_DUPLICATE, RX_IN_ORDER, RX_OUT_OF_ORDER, type LossDetectionName, type ReceiverRecovery, type SenderRecovery } from '../reliability/reliability.js';
import { SelectiveRepeatReceiver, SelectiveRepeatSender } from '../reliability/selective-repeat.js';
import { TailLossProbe } from '../reliability/tail-loss-probe.js';
import type { CompletionQueue } from './completion-queue.js';
import { VerbsError } from './errors.js';
import type { RdmaFraming } from './framing.js';
import type { MessageLog } from './message-log.js';
import type { WriteListener } from './verbs-runtime.js';
import { QPS_ERR, QPS_INIT, QPS_RESET, QPS_RTR, QPS_RTS, QP_STATE_NAMES, checkPostRecv, qpTransition, reportRecv, reportSend, type QpStateName } from './verbs-common.js';
import type { CachedContext, RdmaDevice } from './nic-limits.js';
import {
  ACKNOWLEDGE,
  ATOMIC_ACKNOWLEDGE,
  CNP,
  COMPARE_SWAP,
  FETCH_ADD,
  FLAG_FIRST,
  FLAG_LAST,
  RC,
  READ_REQUEST,
  SYN_ACK,
  SYN_NAK_INVALID_REQUEST,
  SYN_NAK_PSN_SEQ,
  SYN_NAK_REMOTE_ACCESS,
  SYN_RNR_NAK,
  UC,
  UD,
  isReadResponse,
  readResponseOpcode,
  segmentOpcode,
} from './opcodes.js';
import {
  RecvWqe,
  SendWqe,
  UD_GRH_BYTES,
  V_CAS,
  V_FAA,
  V_READ,
  V_SEND,
  V_SEND_IMM,
  V_WRITE,
  V_WRITE_IMM,
  VERB_NAMES,
  WCO_RECV,
  WCO_RECV_RDMA_WITH_IMM,
  WC_LOC_LEN_ERR,
  WC_PENDING,
  WC_REM_ACCESS_ERR,
  WC_REM_INV_REQ_ERR,
  WC_REM_OP_ERR,
  WC_RETRY_EXC_ERR,
  WC_RNR_RETRY_EXC_ERR,
  WC_SUCCESS,
  WC_WR_FLUSH_ERR,
  consumesRecv,
  isReadOrAtomic,
  isSendVerb,
  verbCode,
  type RecvWr,
  type SendWr,
} from './work-request.js';
import type { PostSendHook } from './posting.js';

/** QP types. */
export const QPT_RC = 0;
export const QPT_UC = 1;
export const QPT_UD = 2;
export const QP_TYPE_NAMES = ['rc', 'uc', 'ud'] as const;
export type QpTypeName = (typeof QP_TYPE_NAMES)[number];

/** QP states (IBA §10.3.1), shared with iWARP's queue pairs (verbs-common.ts). */
export { QPS_RESET, QPS_INIT, QPS_RTR, QPS_RTS, QPS_ERR, QP_STATE_NAMES, type QpStateName } from './verbs-common.js';

/** RNR NAK timer values by their 5-bit encoding, in µs (IBA Vol. 1 Table 45; `min_rnr_timer`). */
export const RNR_TIMER_US = [
  655360, 10, 20, 30, 40, 60, 80, 120, 160, 240, 320, 480, 640, 960, 1280, 1920, 2560, 3840, 5120, 7680, 10240, 15360, 20480,
  30720, 40960, 61440, 81920, 122880, 163840, 245760, 327680, 491520,
] as const;

/** What every QP on one host shares. */
export interface QpSite {
  sim: Simulator;
  pool: PacketPool;
  traffic: TrafficCounters;
  flows: FlowTable;
  nic: NicHandle;
  device: RdmaDevice;
  host: number;
  framing: RdmaFraming;
  /** Where completed work requests are logged (messages.csv); null: not logged. */
  messages: MessageLog | null;
  /**
   * Ends a static flow carried by an unreliable QP (UC/UD): its sender completes when the message
   * is on the wire, but the flow (and the run) should not end before the network has delivered or
   * dropped it. Absent: end at once.
   */
  endUnreliable?: (flow: FlowRecord, status: 'done' | 'failed', t: Time) => void;
  /** The host CPU's posting work per send work request (absent or null: free). */
  posting?: PostSendHook | null;
}

/** A QP's attributes (`ibv_qp_init_attr` + `ibv_qp_attr`), resolved. */
export interface QpAttrs {
  type: number;
  sqDepth: number;
  rqDepth: number;
  maxInline: number;
  /** Initiator depth: READs/atomics outstanding as requester. */
  maxRdAtomic: number;
  /** Responder resources: READs/atomics accepted outstanding as responder. */
  maxDestRdAtomic: number;
  /** RNR timer this QP asks requesters to wait, IBA encoding (0..31). */
  minRnrTimer: number;
  /** RNR retries before RNR_RETRY_EXC_ERR (7: forever). */
  rnrRetry: number;
  /** Timeouts without progress before RETRY_EXC_ERR. */
  retryCount: number;
  rtoPs: Time;
  ackEvery: number;
  /** Maximum unacknowledged packets (0: unlimited). */
  windowPackets: number;
  selectiveRepeat: boolean;
  /** How a selective-repeat sender deems a hole lost (absent: 'immediate'). */
  lossDetection?: LossDetectionName;
  /** RACK's tail loss probe (RFC 8985 §7; tail-loss-probe.ts); only with `lossDetection` 'rack' (absent: off). */
  tailLossProbe?: boolean;
  priority: number;
  ackPriority: number;
  sendCq: CompletionQueue | null;
  recvCq: CompletionQueue | null;
}

/** Told when a WRITE (without immediate) has landed whole in this QP's host memory (a polling application sees it). */
export type QpListener = WriteListener;

/** A congestion control for QPs that have none (UD): line rate, no window. */
export const NO_CC: CongestionControl = {
  onAck() {},
  onCnp() {},
  onLoss() {},
  onTimeout() {},
  onSend() {},
  rateBps: () => Infinity,
  windowBytes: () => Infinity,
};

const NO_FEEDBACK: CcFeedback = { cnp: false, cnpIntervalPs: 0, int: false };

/** Kinds of responder jobs. */
const JOB_READ = 0;
const JOB_ATOMIC = 1;

/**
 * What a responder owes its requester, in PSN order: the response packets of a READ (data fetched
 * from memory by the NIC, no responder CPU) or the ACK of an atomic with the word's old value.
 * One object per READ/atomic request (a retried READ gets a new one).
 */
export class RespJob {
  /** Next PSN to send. */
  next: number;
  /** The atomic's result (the old value). */
  value = 0n;
  constructor(
    readonly kind: number,
    /** The requester's work request (as the request's headers describe it). */
    readonly wqe: SendWqe,
    /** First and one-past-last PSN of this job (a retried READ asks for the rest of the READ only). */
    readonly start: number,
    readonly end: number,
    /** When the data (or operand) has been read from memory, ps. */
    readonly readyAt: Time,
    /** Send time of the request, echoed for RTT samples. */
    readonly reqSentAt: Time,
    /** A duplicate request re-executed (its packets count as retransmissions). */
    readonly retry: boolean,
  ) {
    this.next = start;
  }
}

const EV_RTO = 0;
const EV_DEFERRED_ACK = 1;
const EV_REORDER = 2;
const EV_PROBE = 3;

/**
 * One queue pair: a send queue (requester) and a receive queue (responder) on one host, of type
 * RC (reliable connection), UC (unreliable connection) or UD (unreliable datagram). It is a
 * {@link SendQueue} of its host's NIC — request packets, READ responses and atomic ACKs are
 * produced lazily, one per pull — and receives every packet addressed to it.
 *
 * **Requester.** Posted work requests wait until the NIC sees them (doorbell; DMA read of a
 * non-inline payload) and, for READs and atomics, for a free initiator-depth slot (fence: for no
 * READ/atomic outstanding). The NIC starts them in order, each taking a PSN range: one PSN per
 * packet of a SEND/WRITE, one per response packet of a READ (whose request is one packet), one per
 * atomic. RC: loss recovery is `go-back-n` or `selective-repeat` (reliability/); READ responses
 * and atomic ACKs acknowledge as ACKs do; a gap in READ responses, or an ACK beyond an unanswered
 * READ/atomic, re-requests from the missing PSN; an RNR NAK pauses the QP for the responder's RNR
 * timer and retries from the NAKed PSN, up to `rnr_retry` times (7: forever); completions are
 * reported in posting order. UC/UD: each packet goes once; a work request completes when its last
 * packet is on the wire.
 *
 * **Responder.** SEND and WRITE with immediate consume the next posted RECV (none: RNR NAK on RC,
 * the message dropped on UC/UD; too small: IBV_WC_LOC_LEN_ERR, an invalid-request NAK, and both
 * QPs go to the error state). READs are answered by the NIC after a DMA read of the data; atomics
 * act on the host's memory at arrival, in PSN order with READs, and replay their result for a
 * duplicate request. ACKs are cumulative and coalesced (`ack_every`, always at a message's end);
 * an ACK or NAK waits behind READ responses still to be sent, so it never overtakes them. CE-marked
 * data (requests here, READ responses at the requester) is answered with a CNP, at most one per
 * interval.
 *
 * State machine RESET → INIT → RTR → RTS (→ ERR from anywhere; ERR → RESET): posting a send in a
 * state before RTS, or a receive in RESET, throws a {@link VerbsError}; in ERR, work requests
 * complete with IBV_WC_WR_FLUSH_ERR.
 */
export class QueuePair implements SendQueue, Actor, CachedContext {
  actorId = -1;
  inNic = false;
  lruPrev: CachedContext | null = null;
  lruNext: CachedContext | null = null;
  inCache = false;
  readonly priority: number;
  private readonly ackPriority: number;
  state = QPS_RESET;
  /** Told when a WRITE lands in this QP's memory (an application polling for it). */
  listener: QpListener | null = null;

  // ---- connection (set by bind) ----
  peer: QueuePair | null = null;
  /** Endpoint index carried by the packets this QP sends (the pair's, or the UD destination's). */
  conn = -1;
  /** 5-tuple hash of the packets this QP sends (its UDP source port's entropy). */
  flowHash = 0;
  private cc: CongestionControl | null = null;
  private makeCc: (() => CongestionControl) | null = null;
  private feedback: CcFeedback = NO_FEEDBACK;

  // ---- requester ----
  private readonly prefix: number;
  private readonly pending = new Ring<SendWqe>(4);
  private readonly active = new Ring<SendWqe>(4);
  private readonly tx: SenderRecovery;
  private sqOutstanding = 0;
  private outstandingRA = 0;
  private recvSeqNext = 0;
  private retries = 0;
  private rnrRetries = 0;
  /** The requester waits for the RNR timer until this time. */
  private rnrUntil: Time = 0;
  /** PSN from which READ/atomic responses were last re-requested (-1: none). */
  private respGapPsn = -1;
  private nextSendAt: Time = 0;
  /** Per-QP message-rate clock: earliest start of the next work request. */
  private nextWqeAt: Time = 0;
  /** When the NIC was paused with this QP holding data (-1: not paused). */
  private nicPausedAt: Time = -1;
  private readonly rto: Timer;
  /** Sends an ACK that waited behind READ responses (never from inside the NIC's pull). */
  private readonly ackTimer: Timer;
  /** RACK loss detection: fires when a hole's reordering window ends (null: immediate or go-back-N). */
  private readonly reorderTimer: Timer | null;
  /** Tail loss probe: the selective-repeat sender it probes for, its state and its timer (null: off). */
  private readonly sr: SelectiveRepeatSender | null;
  private readonly tlp: TailLossProbe | null;
  private readonly probeTimer: Timer | null;
  /** Reused for every ACK handed to the congestion control. */
  private readonly ackEvent: AckEvent = { ackedBytes: 0, ackedPackets: 0, markedPackets: 0, rttPs: 0, intHops: 0, int: null, inflightBytes: 0, now: 0 };

  // ---- responder ----
  private readonly rx: ReceiverRecovery;
  private readonly rq = new Ring<RecvWqe>(4);
  private rqConsumed = 0;
  /** Messages from the peer in PSN order whose end the responder has not yet passed (RC). */
  readonly inbound = new Ring<SendWqe>(4);
  private readonly jobs = new Ring<RespJob>(4);
  private readonly atomicCache = new Ring<RespJob>(4);
  /** Out-of-order READ/atomic requests kept by a selective-repeat responder until the gap fills. */
  private readonly heldRequests = new Ring<RespJob>(2);
  private unacked = 0;
  private markedSinceAck = 0;
  private lastCnp = -Infinity;
  /** An RNR NAK was sent: later packets are dropped silently until the NAKed PSN comes again. */
  private rnrWait = false;
  /** An ACK/NAK held back behind READ responses: its syndrome (-1: none) and echo time. */
  private deferredSyn = -1;
  private deferredEcho = 0;
  /** UC: the message being received and the PSN expected next. */
  private ucCur: SendWqe | null = null;
  private ucExpected = 0;
  /** UC/UD: messages dropped for want of a RECV. */
  dropsNoRecv = 0;
  /** RNR NAKs this requester received. */
  rnrNaks = 0;
  /** Duplicate atomic requests this responder answered from its saved results (not re-executed). */
  atomicReplays = 0;
  /** Duplicate READ requests this responder re-executed. */
  readRetries = 0;

  constructor(
    private readonly site: QpSite,
    /** QP number, unique in the run. */
    readonly qpn: number,
    readonly attrs: QpAttrs,
  ) {
    this.priority = attrs.priority;
    this.ackPriority = attrs.ackPriority;
    this.prefix = attrs.type === QPT_RC ? RC : attrs.type === QPT_UC ? UC : UD;
    this.rto = new Timer(site.sim, this, EV_RTO);
    this.ackTimer = new Timer(site.sim, this, EV_DEFERRED_ACK);
    const selective = attrs.type === QPT_RC && attrs.selectiveRepeat;
    const rack = selective && attrs.lossDetection === 'rack';
    const sr = selective ? new SelectiveRepeatSender(rack ? new RackLossDetection() : null) : null;
    this.tx = sr ?? new GoBackNSender();
    this.reorderTimer = rack ? new Timer(site.sim, this, EV_REORDER) : null;
    const tlp = rack && attrs.tailLossProbe === true;
    this.sr = tlp ? sr : null;
    this.tlp = tlp ? new TailLossProbe() : null;
    this.probeTimer = tlp ? new Timer(site.sim, this, EV_PROBE) : null;
    this.rx = selective ? new SelectiveRepeatReceiver() : new GoBackNReceiver();
    if (attrs.type === QPT_UD) this.cc = NO_CC;
  }

  get host(): number {
    return this.site.host;
  }

  get type(): QpTypeName {
    return QP_TYPE_NAMES[this.attrs.type]!;
  }

  get stateName(): QpStateName {
    return QP_STATE_NAMES[this.state]!;
  }

  /** Work requests posted and not yet completed. */
  get sendQueueLength(): number {
    return this.sqOutstanding;
  }

  /** RECVs posted and not yet consumed. */
  get recvQueueLength(): number {
    return this.rq.length;
  }

  /** Tail loss probes this QP sent (0 without `tail_loss_probe`). */
  get tailProbes(): number {
    return this.tlp !== null ? this.tlp.probes : 0;
  }

  /** READs and atomics started and not yet answered. */
  get outstandingReadAtomics(): number {
    return this.outstandingRA;
  }

  /**
   * Connects this QP (RC/UC: to `peer`; UD: `peer` null) on endpoint `conn`: the packets it sends
   * carry `conn` and `flowHash`; `cc` governs its sending (or `makeCc` makes one when it first
   * sends data).
   */
  bind(peer: QueuePair | null, conn: number, flowHash: number, cc: CongestionControl | null, makeCc: (() => CongestionControl) | null, feedback: CcFeedback): void {
    this.peer = peer;
    this.conn = conn;
    this.flowHash = flowHash;
    if (this.attrs.type !== QPT_UD) {
      this.cc = cc;
      this.makeCc = makeCc;
      this.feedback = feedback;
    }
  }

  // ======================================================================= verbs

  /**
   * `ibv_modify_qp` to `to`: RESET → INIT → RTR → RTS, any state → ERR, ERR (or any) → RESET.
   * RTR needs a connected peer on RC/UC. Throws a VerbsError (EINVAL) for any other transition.
   */
  modify(to: QpStateName): void {
    const target = qpTransition(this.qpn, this.state, to, this.attrs.type === QPT_UD || this.peer !== null, this.type);
    if (target === QPS_ERR) return this.enterError();
    if (target === QPS_RESET) return this.reset();
    this.state = target;
    if (target === QPS_RTS && this.hasData()) this.site.nic.activate(this);
  }

  /** Moves a fresh QP to RTS (RESET → INIT → RTR → RTS). */
  toRts(): void {
    if (this.state === QPS_RESET) this.modify('INIT');
    if (this.state === QPS_INIT) this.modify('RTR');
    if (this.state === QPS_RTR) this.modify('RTS');
  }

  /**
   * `ibv_post_send`: validates `wr` against the QP (state, type, depth, inline size, UD MTU) and
   * queues it; throws a {@link VerbsError} like the errno `ibv_post_send` returns.
   */
  postSend(wr: SendWr): SendWqe {
    const verb = verbCode(wr.verb);
    const t = this.attrs.type;
    const where = `post_send on QP ${this.qpn} (${this.type})`;
    if (verb < 0) throw new VerbsError('EINVAL', `${where}: unknown verb '${String(wr.verb)}'; expected one of ${VERB_NAMES.slice(0, 7).join(', ')}`);
    if (this.state !== QPS_RTS && this.state !== QPS_ERR) {
      throw new VerbsError('EINVAL', `${where}: the QP is in ${this.stateName}; sends need RTS`);
    }
    if ((t === QPT_UC && isReadOrAtomic(verb)) || (t === QPT_UD && !isSendVerb(verb))) {
      throw new VerbsError('EINVAL', `${where}: ${wr.verb} is not supported on ${this.type.toUpperCase()} QPs`);
    }
    const atomic = verb === V_CAS || verb === V_FAA;
    const bytes = atomic ? 8 : wr.bytes;
    if (!Number.isInteger(bytes) || bytes < 0 || bytes > 2 ** 31) throw new VerbsError('EINVAL', `${where}: bytes must be an integer in 0..2^31, got ${wr.bytes}`);
    const inline = wr.inline === true && !isReadOrAtomic(verb);
    if (inline && bytes > this.attrs.maxInline) {
      throw new VerbsError('EINVAL', `${where}: an inline payload of ${bytes} bytes exceeds max_inline_data (${this.attrs.maxInline})`);
    }
    if (t === QPT_UD && bytes > this.site.framing.mtu) {
      throw new VerbsError('EINVAL', `${where}: a UD datagram carries at most one MTU (${this.site.framing.mtu} bytes), got ${bytes}`);
    }
    const addr = wr.remoteAddr ?? 0;
    if (atomic && addr % 8 !== 0) throw new VerbsError('EINVAL', `${where}: atomics need an 8-byte aligned remote address, got ${addr}`);
    if (t === QPT_UD && wr.dest === undefined) throw new VerbsError('EINVAL', `${where}: a UD send needs a destination (dest: {host, qpn})`);
    if (this.sqOutstanding >= this.attrs.sqDepth) {
      throw new VerbsError('ENOMEM', `${where}: the send queue is full (${this.attrs.sqDepth} outstanding work requests)`);
    }
    const operand = verb === V_CAS ? (wr.swap ?? 0n) : (wr.add ?? 0n);
    const w = new SendWqe(
      this.qpn, wr.wrId, verb, bytes, wr.signaled ?? true, inline, wr.fence === true, wr.imm ?? 0, addr,
      wr.compare ?? 0n, operand, this.site.sim.now, this.appFlow, false,
    );
    if (t === QPT_UD) this.resolveDest!(w, wr.dest!.host, wr.dest!.qpn);
    this.postWqe(w);
    return w;
  }

  /** The flow record an application's work requests add to (set by the runtime). */
  appFlow: FlowRecord | null = null;
  /** Resolves a UD destination (set by the runtime): fills destHost, destConn, destHash or throws. */
  resolveDest: ((w: SendWqe, host: number, qpn: number) => void) | null = null;

  /** Queues a work request built by the transport (a static flow's message). */
  postWqe(w: SendWqe): void {
    const site = this.site;
    const now = site.sim.now;
    this.sqOutstanding++;
    const limits = site.device.limits;
    const noPayloadFetch = w.inline || isReadOrAtomic(w.verb) || w.bytes === 0;
    // the core writes the WQE and rings the doorbell (host CPU work, when modelled), then the NIC sees it
    const rung = site.posting != null ? site.posting.postSend(site.host, now) : now;
    w.visibleAt = rung + limits.doorbellPs + (noPayloadFetch ? 0 : limits.dmaReadPs);
    w.psns = w.verb === V_CAS || w.verb === V_FAA ? 1 : site.framing.packets(w.bytes);
    w.srcHost = site.host;
    if (consumesRecv(w.verb)) w.recvSeq = this.recvSeqNext++;
    if (this.state === QPS_ERR) {
      this.complete(w, WC_WR_FLUSH_ERR);
      return;
    }
    this.pending.push(w);
    site.nic.activate(this);
  }

  /** `ibv_post_recv`: a receive buffer of `wr.bytes`; throws a VerbsError in RESET or beyond the depth. */
  postRecv(wr: RecvWr): RecvWqe {
    checkPostRecv(`post_recv on QP ${this.qpn} (${this.type})`, this.state, wr, this.rq.length, this.attrs.rqDepth);
    const r = new RecvWqe(wr.wrId, wr.bytes, this.site.sim.now);
    if (this.state === QPS_ERR) {
      this.completeRecv(r, WC_WR_FLUSH_ERR, 0, WCO_RECV, null);
      return r;
    }
    this.rq.push(r);
    return r;
  }

  // ======================================================================= NIC side (SendQueue)

  hasData(): boolean {
    if (this.jobs.length > 0) return true;
    if (this.state !== QPS_RTS) return false;
    if (this.tx.peek() >= 0) return true;
    return this.pending.length > 0 && !this.blocked(this.pending.peek()!);
  }

  readyAt(now: Time): Time {
    let t = this.jobs.length > 0 ? this.jobReadyAt(now) : Infinity;
    if (this.state === QPS_RTS) {
      const r = this.requestReadyAt(now);
      if (r < t) t = r;
    }
    if (t === Infinity) return t;
    const dev = this.site.device;
    if (dev.stallUntil > t) t = dev.stallUntil;
    if (t <= now && dev.limits.qpCache > 0 && !this.inCache) {
      // the NIC must fetch this QP's context first: its send pipeline stalls meanwhile
      dev.fetch(this, now);
      return dev.stallUntil;
    }
    return t;
  }

  nextPacket(): Packet {
    const now = this.site.sim.now;
    if (this.site.device.limits.qpCache > 0) this.site.device.touch(this);
    if (this.jobs.length > 0 && this.jobReadyAt(now) <= now) return this.responsePacket(now);
    return this.requestPacket(now);
  }

  onNicPause(paused: boolean, now: Time): void {
    if (paused) {
      if (this.hasData()) this.nicPausedAt = now;
    } else if (this.nicPausedAt >= 0) {
      const m = this.active.peek() ?? this.pending.peek();
      if (m !== undefined && m.flow !== null) m.flow.nicPausedPs += now - this.nicPausedAt;
      this.nicPausedAt = -1;
    }
  }

  /** Whether `w` must wait: initiator depth exhausted, or fenced behind outstanding READs/atomics. */
  private blocked(w: SendWqe): boolean {
    if (this.outstandingRA === 0) return false;
    if (w.fence) return true;
    return isReadOrAtomic(w.verb) && this.outstandingRA >= this.raLimit();
  }

  /** READs/atomics this QP may keep outstanding: its initiator depth, capped by the peer's responder resources. */
  private raLimit(): number {
    const own = this.attrs.maxRdAtomic;
    const peer = this.peer === null ? own : this.peer.attrs.maxDestRdAtomic;
    return own < peer ? own : peer;
  }

  private requestReadyAt(now: Time): Time {
    if (this.rnrUntil > now) return this.rnrUntil;
    const tx = this.tx;
    const psn = tx.peek();
    let t = this.nextSendAt > now ? this.nextSendAt : now;
    if (psn < 0) {
      if (this.pending.length === 0) return Infinity;
      const w = this.pending.peek()!;
      if (this.blocked(w)) return Infinity;
      if (this.windowFull()) return Infinity;
      // the NIC sees the WQE, and the per-QP and per-NIC message rates allow a new one
      if (w.visibleAt > t) t = w.visibleAt;
      if (this.nextWqeAt > t) t = this.nextWqeAt;
      const dev = this.site.device;
      if (dev.nextWqeAt > t) t = dev.nextWqeAt;
      return t;
    }
    if (psn >= tx.next && this.windowFull()) return Infinity; // new data is window-limited; retransmissions are not
    return t;
  }

  /** RC: whether new data must wait for ACKs (QP window or congestion window). */
  private windowFull(): boolean {
    if (this.attrs.type !== QPT_RC) return false;
    const inflight = this.tx.next - this.tx.una;
    const w = this.attrs.windowPackets;
    if (w > 0 && inflight >= w) return true;
    // the CC window, but never below ack_every packets: the responder ACKs only every
    // ack_every packets, so a smaller window would wait for the retransmission timeout
    return inflight >= this.attrs.ackEvery && inflight * this.site.framing.mtu >= this.ccNow().windowBytes();
  }

  private jobReadyAt(now: Time): Time {
    const j = this.jobs.peek()!;
    let t = j.readyAt > now ? j.readyAt : now;
    if (j.next === j.start && this.site.device.nextWqeAt > t) t = this.site.device.nextWqeAt;
    if (j.kind === JOB_READ && this.nextSendAt > t) t = this.nextSendAt;
    return t;
  }

  private ccNow(): CongestionControl {
    if (this.cc === null) this.cc = this.makeCc !== null ? this.makeCc() : NO_CC;
    return this.cc;
  }

  /** The NIC starts the next posted work request: it takes its PSNs. */
  private release(now: Time): void {
    const w = this.pending.shift()!;
    const tx = this.tx;
    w.firstPsn = tx.end;
    tx.end += w.psns;
    w.startedAt = now;
    this.active.push(w);
    if (this.attrs.type === QPT_RC) this.peer!.inbound.push(w);
    if (isReadOrAtomic(w.verb)) this.outstandingRA++;
    const limits = this.site.device.limits;
    if (limits.msgIntervalPs > 0) this.site.device.nextWqeAt = now + limits.msgIntervalPs;
    if (limits.qpMsgIntervalPs > 0) this.nextWqeAt = now + limits.qpMsgIntervalPs;
  }

  /** The request-side work request holding `psn`. */
  private wqeAt(psn: number): SendWqe {
    const a = this.active;
    for (let i = 0; i < a.length; i++) {
      const w = a.at(i)!;
      if (psn < w.firstPsn + w.psns) return w;
    }
    throw new Error(`QP ${this.qpn}: no work request holds PSN ${psn}`);
  }

  private requestPacket(now: Time): Packet {
    const site = this.site;
    const tx = this.tx;
    let psn = tx.peek();
    if (psn < 0) {
      this.release(now);
      psn = tx.peek();
    }
    const w = this.wqeAt(psn);
    const k = psn - w.firstPsn;
    let op: number;
    let payload = 0;
    let count = 1;
    let flags = FLAG_FIRST | FLAG_LAST;
    const mtu = site.framing.mtu;
    if (w.verb === V_READ) {
      op = RC | READ_REQUEST;
      count = w.psns - k; // a READ request asks for the rest of the READ from this PSN
    } else if (w.verb === V_CAS || w.verb === V_FAA) {
      op = RC | (w.verb === V_CAS ? COMPARE_SWAP : FETCH_ADD);
    } else {
      const n = w.psns;
      const last = k === n - 1;
      payload = last ? w.bytes - k * mtu : mtu;
      const write = w.verb === V_WRITE || w.verb === V_WRITE_IMM;
      const imm = w.verb === V_WRITE_IMM || w.verb === V_SEND_IMM;
      op = segmentOpcode(this.prefix, write, imm, k, n);
      flags = (k === 0 ? FLAG_FIRST : 0) | (last ? FLAG_LAST : 0);
    }
    const ud = this.attrs.type === QPT_UD;
    const pkt = site.pool.acquire();
    pkt.src = site.host;
    pkt.dst = ud ? w.destHost : this.peer!.site.host;
    pkt.priority = this.priority;
    pkt.flowHash = ud ? w.destHash : this.flowHash;
    pkt.ecn = 2; // ECT(0): RoCEv2 NICs mark data ECN-capable
    pkt.conn = ud ? w.destConn : this.conn;
    pkt.type = op;
    pkt.psn = psn;
    pkt.flags = flags;
    pkt.payload = payload;
    pkt.frameBytes = site.framing.frame(op, payload);
    pkt.sentAt = now;
    pkt.wantsInt = this.feedback.int;
    pkt.ref = w;
    site.traffic.injectedPackets++;
    site.traffic.injectedBytes += pkt.frameBytes;
    const cc = this.ccNow();
    cc.onSend(pkt.frameBytes, now);
    if (w.flow !== null) {
      w.flow.packetsSent++;
      if (psn < tx.maxSent) w.flow.retxPackets++;
    }
    const fresh = psn >= tx.next;
    tx.sent(psn, count, now);
    this.pace(cc, pkt.frameBytes, now);
    if (this.attrs.type === QPT_RC) {
      if (!this.rto.armed) this.rto.setAfter(this.attrs.rtoPs);
      if (fresh && this.probeTimer !== null) this.armProbe(now);
    } else {
      // unreliable: nothing is acknowledged; the work request completes once its last packet is out
      tx.ack(psn + 1);
      if ((flags & FLAG_LAST) !== 0) this.completeHead(w);
    }
    return pkt;
  }

  /** Rate pacing: the next data packet no earlier than this one's wire time at the CC's rate. */
  private pace(cc: CongestionControl, frameBytes: number, now: Time): void {
    const rate = cc.rateBps();
    if (rate < this.site.nic.rateBps) {
      this.nextSendAt = now + Math.ceil(((frameBytes + (this.site.nic.wireOverheadBytes ?? ETH_PREAMBLE_IFG_BYTES)) * 8 * PS_PER_S) / rate);
    }
  }

  /** UC/UD: completes the head work request (sent whole). */
  private completeHead(w: SendWqe): void {
    this.active.shift();
    this.complete(w, WC_SUCCESS);
  }

  private responsePacket(now: Time): Packet {
    const site = this.site;
    const j = this.jobs.peek()!;
    const w = j.wqe;
    const pkt = site.pool.acquire();
    const peer = this.peer!;
    pkt.src = site.host;
    pkt.dst = peer.site.host;
    pkt.flowHash = this.flowHash;
    pkt.conn = this.conn;
    pkt.psn = j.next;
    pkt.sentAt = now;
    pkt.echoTs = j.reqSentAt;
    pkt.ref = j;
    if (j.next === j.start) {
      const limits = site.device.limits;
      if (limits.msgIntervalPs > 0) site.device.nextWqeAt = now + limits.msgIntervalPs;
    }
    if (j.kind === JOB_ATOMIC) {
      pkt.priority = this.ackPriority;
      pkt.type = RC | ATOMIC_ACKNOWLEDGE;
      pkt.flags = SYN_ACK;
      pkt.frameBytes = site.framing.frame(pkt.type, 0);
      j.next++;
    } else {
      const mtu = site.framing.mtu;
      const k = j.next - w.firstPsn; // index in the whole READ: sets the payload
      const payload = k === w.psns - 1 ? w.bytes - k * mtu : mtu;
      const op = readResponseOpcode(j.next - j.start, j.end - j.start); // position in this response
      pkt.priority = this.priority;
      pkt.ecn = 2;
      pkt.type = op;
      pkt.flags = (j.next === j.start ? FLAG_FIRST : 0) | (j.next === j.end - 1 ? FLAG_LAST : 0);
      pkt.payload = payload;
      pkt.frameBytes = site.framing.frame(op, payload);
      pkt.wantsInt = this.feedback.int;
      const cc = this.ccNow();
      cc.onSend(pkt.frameBytes, now);
      this.pace(cc, pkt.frameBytes, now);
      if (w.flow !== null) {
        w.flow.packetsSent++;
        if (j.retry) w.flow.retxPackets++;
      }
      j.next++;
    }
    site.traffic.injectedPackets++;
    site.traffic.injectedBytes += pkt.frameBytes;
    if (j.next === j.end) {
      this.jobs.shift();
      // the ACK/NAK that waited behind the responses goes next (from its own event: the port is
      // in the middle of pulling this packet)
      if (this.jobs.length === 0 && this.deferredSyn >= 0) this.ackTimer.set(now);
    }
    return pkt;
  }

  // ======================================================================= arriving packets

  /** A packet addressed to this QP arrived at its host (released to the pool after this returns). */
  onPacket(pkt: Packet): void {
    const st = this.state;
    if (st !== QPS_RTR && st !== QPS_RTS) return; // RESET, INIT, ERR: silently dropped
    const op = pkt.type;
    if (op === CNP) {
      this.ccNow().onCnp(this.site.sim.now);
      return;
    }
    const o = op & 0x1f;
    if (o === ACKNOWLEDGE) {
      if (this.attrs.type === QPT_RC) this.onAck(pkt);
    } else if (o === ATOMIC_ACKNOWLEDGE) {
      this.onResponse(pkt);
    } else if (isReadResponse(op)) {
      this.onResponse(pkt);
    } else if (this.attrs.type === QPT_RC) {
      this.onRequestRc(pkt);
    } else if (this.attrs.type === QPT_UC) {
      this.onRequestUc(pkt);
    } else {
      this.onRequestUd(pkt);
    }
  }

  /** RTO expiry, the deferred ACK is due, a reordering window ended (RACK) or the probe timeout came (TLP). */
  onEvent(kind: number): void {
    if (kind === EV_PROBE) {
      this.onProbeTimeout();
      return;
    }
    if (kind === EV_REORDER) {
      if (this.state !== QPS_RTS) return;
      const now = this.site.sim.now;
      const loss = this.tx.lossTimer(now);
      this.armReorder();
      if (loss) this.ccNow().onLoss(now);
      if (this.hasData()) this.site.nic.activate(this);
      return;
    }
    if (kind === EV_DEFERRED_ACK) {
      if (this.deferredSyn >= 0 && this.jobs.length === 0 && this.state !== QPS_ERR) {
        const syn = this.deferredSyn;
        this.deferredSyn = -1;
        this.sendControl(RC | ACKNOWLEDGE, syn, null, this.deferredEcho);
      }
      return;
    }
    const tx = this.tx;
    if (kind !== EV_RTO || tx.una >= tx.maxSent || this.state !== QPS_RTS) return;
    const now = this.site.sim.now;
    this.retries++;
    const head = this.active.peek();
    if (head !== undefined && head.flow !== null) head.flow.timeouts++;
    if (this.retries > this.attrs.retryCount) {
      // retry count exceeded: the head fails, the QP goes to the error state and flushes the rest
      if (head !== undefined) {
        this.active.shift();
        this.complete(head, WC_RETRY_EXC_ERR);
      }
      this.enterError();
      return;
    }
    this.ccNow().onTimeout(now);
    tx.timeout();
    if (this.tlp !== null) {
      this.tlp.reset();
      this.probeTimer!.cancel();
    }
    this.armReorder();
    this.respGapPsn = -1;
    this.rto.setAfter(this.attrs.rtoPs);
    if (this.hasData()) this.site.nic.activate(this);
  }

  // ---- requester: acknowledgements ----

  /**
   * The highest PSN a cumulative acknowledgement up to `psn` may cover: not past the first PSN of
   * an unanswered READ/atomic (its responses, not an ACK, complete it).
   */
  private ackCap(psn: number): number {
    if (this.outstandingRA === 0) return psn;
    const una = this.tx.una;
    const a = this.active;
    for (let i = 0; i < a.length; i++) {
      const w = a.at(i)!;
      if (w.firstPsn >= psn) break;
      if (isReadOrAtomic(w.verb)) {
        const cap = w.firstPsn > una ? w.firstPsn : una;
        return cap < psn ? cap : psn;
      }
    }
    return psn;
  }

  /** Completes the work requests `una` has passed, in posting order; resets the retry state and the RTO. */
  private progress(before: number): number {
    const tx = this.tx;
    const acked = tx.una - before;
    if (acked > 0) {
      this.retries = 0;
      while (this.active.length > 0) {
        const w = this.active.peek()!;
        if (w.firstPsn + w.psns > tx.una) break;
        this.active.shift();
        this.complete(w, WC_SUCCESS);
      }
      if (tx.una >= tx.maxSent) this.rto.cancel();
      else this.rto.setAfter(this.attrs.rtoPs);
    }
    return acked;
  }

  /** RACK: the reorder timer follows the sender's earliest pending reordering-window deadline. */
  private armReorder(): void {
    const timer = this.reorderTimer;
    if (timer === null) return;
    const t = this.tx.lossTimerAt;
    if (t === Infinity) timer.cancel();
    else timer.set(t);
  }

  /** Whether new data waits to go (ignoring the window): unsent PSNs, or a work request the NIC may start. */
  private hasNewData(): boolean {
    const tx = this.tx;
    return tx.next < tx.end || (this.pending.length > 0 && !this.blocked(this.pending.peek()!));
  }

  /**
   * TLP (RFC 8985 §7.2): with data outstanding, nothing SACKed, no recovery, no probe episode open
   * and nothing new the sender may send, the probe timer is set PTO after `now`; otherwise it is
   * cancelled. A PTO no earlier than the RTO is left to the RTO. Not while a READ or atomic is
   * outstanding: its responses, not ACKs, acknowledge it (a long READ's responses take longer than
   * 2·SRTT), and a gap in them is re-requested at once already.
   */
  private armProbe(now: Time): void {
    const timer = this.probeTimer;
    if (timer === null) return;
    const sr = this.sr!;
    const tlp = this.tlp!;
    if (this.state !== QPS_RTS || !sr.probeAllowed || tlp.open || this.rnrUntil > now || this.outstandingRA > 0 || (this.hasNewData() && !this.windowFull())) {
      timer.cancel();
      return;
    }
    const rtoLeft = this.rto.deadline - now;
    const pto = tlp.timeout(sr.rack!.srtt, sr.maxSent - sr.una, rtoLeft);
    if (pto >= rtoLeft) timer.cancel();
    else timer.set(now + pto);
  }

  /**
   * The probe timeout came (RFC 8985 §7.3): one probe, the highest-PSN outstanding packet again,
   * then the RTO restarts. Never new data, though the RFC prefers it when the window allows: here
   * the probe fires only when the window holds new data back, and a new packet in the middle of a
   * message may draw no ACK at all — the responder ACKs every `ack_every` packets — while a resent
   * one always does (a duplicate at once, with its D-SACK; the missing last packet completes the
   * message or its ACK group). With window_packets 4, 12 packets and the ACK of PSNs 4..7 lost, a
   * new-data probe drew nothing and the RTO, restarted by it, came 8.6 µs later than RACK alone's.
   */
  private onProbeTimeout(): void {
    const sr = this.sr!;
    const tlp = this.tlp!;
    if (this.state !== QPS_RTS || !sr.probeAllowed || tlp.open || this.outstandingRA > 0) return;
    const psn = sr.probeTail();
    tlp.sent(sr.maxSent, psn);
    this.rto.setAfter(this.attrs.rtoPs);
    this.site.nic.activate(this);
  }

  /** Re-requests from `psn` (lost READ/atomic responses), once per gap. */
  private regap(psn: number): void {
    if (this.respGapPsn === psn) return;
    this.respGapPsn = psn;
    this.tx.resend(psn);
  }

  private onAck(ack: Packet): void {
    const site = this.site;
    const now = site.sim.now;
    const tx = this.tx;
    const syn = ack.flags;
    let psn = ack.psn;
    let sack = ack.sackPsn;
    const cap = this.ackCap(psn);
    let implied = false;
    if (cap < psn) {
      // an ACK beyond an unanswered READ/atomic: its responses were lost (when they travel with
      // the ACKs, on one priority, they cannot have been overtaken)
      implied = this.ackPriority === this.priority;
      psn = cap;
      sack = -1;
    }
    const before = tx.una;
    if (syn === SYN_RNR_NAK) {
      tx.ack(psn);
      this.progress(before);
      this.onRnrNak(psn, now);
    } else if (syn === SYN_ACK || syn === SYN_NAK_PSN_SEQ) {
      const nak = syn === SYN_NAK_PSN_SEQ && !implied;
      let lossEpisode = nak ? tx.nak(psn, sack) : false;
      if (!nak) tx.ack(psn);
      // RACK: the acknowledged packet's send time (echoed) and a duplicate report (an ACK's sack)
      if (!implied && tx.feedback(ack.echoTs, now, syn === SYN_ACK ? sack : -1)) lossEpisode = true;
      this.armReorder();
      const acked = this.progress(before);
      if (acked > 0) this.rnrRetries = 0;
      if (this.tlp !== null) {
        // TLP (RFC 8985 §7.4): an episode whose resent probe is acknowledged without a duplicate
        // report repaired a loss; then the probe timer follows the new state
        if (this.tlp.probeAcked(tx.una, syn === SYN_ACK ? sack : -1) && !lossEpisode) lossEpisode = true;
        this.armProbe(now);
      }
      if (implied) this.regap(psn);
      const ev = this.ackEvent;
      ev.ackedBytes = acked * site.framing.mtu;
      ev.ackedPackets = acked;
      ev.markedPackets = ack.ecnEcho;
      ev.rttPs = now - ack.echoTs;
      ev.intHops = ack.intHops;
      ev.int = ack.int;
      ev.now = now;
      ev.inflightBytes = (tx.next - tx.una) * site.framing.mtu;
      const cc = this.ccNow();
      cc.onAck(ev);
      if (lossEpisode) cc.onLoss(now);
    } else {
      // invalid request, remote access or remote operational error: the request at psn fails
      tx.ack(psn);
      this.progress(before);
      const w = this.active.shift();
      if (w !== undefined) this.complete(w, syn === SYN_NAK_INVALID_REQUEST ? WC_REM_INV_REQ_ERR : syn === SYN_NAK_REMOTE_ACCESS ? WC_REM_ACCESS_ERR : WC_REM_OP_ERR);
      this.enterError();
      return;
    }
    if (this.state === QPS_RTS && this.hasData()) site.nic.activate(this);
  }

  /** An RNR NAK for `psn`: wait the responder's RNR timer, then resend from `psn` — or give up. */
  private onRnrNak(psn: number, now: Time): void {
    this.rnrRetries++;
    this.rnrNaks++;
    const limit = this.attrs.rnrRetry;
    if (limit !== 7 && this.rnrRetries > limit) {
      const w = this.active.peek();
      if (w !== undefined) {
        this.active.shift();
        this.complete(w, WC_RNR_RETRY_EXC_ERR);
      }
      this.enterError();
      return;
    }
    const timer = this.peer !== null ? this.peer.attrs.minRnrTimer : this.attrs.minRnrTimer;
    this.rnrUntil = now + RNR_TIMER_US[timer]! * 1_000_000;
    this.tx.resend(psn);
    this.rto.cancel();
    if (this.probeTimer !== null) this.probeTimer.cancel();
  }

  /** A READ response or an atomic ACK: data (or the old value) for the requester, and an acknowledgement. */
  private onResponse(pkt: Packet): void {
    if (this.attrs.type !== QPT_RC) return;
    const site = this.site;
    const now = site.sim.now;
    const j = pkt.ref as RespJob;
    const w = j.wqe;
    const tx = this.tx;
    const psn = pkt.psn;
    if (isReadResponse(pkt.type)) this.maybeCnp(pkt);
    if (w.status !== WC_PENDING || w.firstPsn < 0 || psn < tx.una) {
      // stale or duplicate: a re-sent READ response the requester already had is a spurious retransmission
      const had = w.status === WC_SUCCESS || (w.status === WC_PENDING && w.firstPsn >= 0 && psn < tx.una);
      if (had && j.retry && w.flow !== null && isReadResponse(pkt.type)) w.flow.spuriousRetx++;
      return;
    }
    const before = tx.una;
    // the responder answers in PSN order: everything before this READ/atomic has arrived
    const cap = this.ackCap(w.firstPsn);
    if (cap < w.firstPsn) {
      tx.ack(cap);
      this.regap(cap);
    } else {
      tx.ack(w.firstPsn);
      if (psn === tx.una) {
        if (j.kind === JOB_ATOMIC) w.result = j.value;
        else if (w.flow !== null) {
          // the READ's data is placed in the requester's memory
          w.flow.deliveredBytes += pkt.payload;
          w.flow.deliveredPackets++;
          w.flow.pauseDelayPs += pkt.pausedPs;
          if (pkt.ecn === 3) w.flow.ecnMarked++;
        }
        tx.ack(psn + 1);
        this.respGapPsn = -1;
      } else {
        this.regap(tx.una); // a response went missing: ask again from there
      }
    }
    const acked = this.progress(before);
    if (acked > 0) this.rnrRetries = 0;
    const ev = this.ackEvent;
    ev.ackedBytes = acked * site.framing.mtu;
    ev.ackedPackets = acked;
    ev.markedPackets = 0;
    ev.rttPs = now - pkt.echoTs;
    ev.intHops = 0;
    ev.int = null;
    ev.now = now;
    ev.inflightBytes = (tx.next - tx.una) * site.framing.mtu;
    this.ccNow().onAck(ev);
    if (this.state === QPS_RTS && this.hasData()) site.nic.activate(this);
  }

  // ---- responder ----

  private onRequestRc(pkt: Packet): void {
    const rx = this.rx;
    const psn = pkt.psn;
    const w = pkt.ref as SendWqe;
    const o = pkt.type & 0x1f;
    if (o === READ_REQUEST || o === COMPARE_SWAP || o === FETCH_ADD) {
      this.onReadAtomicRequest(pkt, w, o === READ_REQUEST);
      this.maybeCnp(pkt);
      return;
    }
    const first = (pkt.flags & FLAG_FIRST) !== 0;
    const needsRecv = (first && isSendVerb(w.verb)) || ((pkt.flags & FLAG_LAST) !== 0 && w.verb === V_WRITE_IMM);
    if (psn === rx.expected) {
      this.rnrWait = false;
      if (needsRecv) {
        if (this.rq.length === 0) {
          // receiver not ready: NAK; the requester waits the RNR timer and resends from here
          this.rnrWait = true;
          this.sendAck(SYN_RNR_NAK, pkt, -1);
          this.maybeCnp(pkt);
          return;
        }
        if (first && isSendVerb(w.verb) && this.rq.peek()!.bytes < w.bytes) {
          this.lengthError(w, pkt);
          return;
        }
      }
    } else if (psn > rx.expected) {
      if (this.rnrWait || (rx.keepsOutOfOrder && isSendVerb(w.verb) && this.rq.length <= w.recvSeq - this.rqConsumed)) {
        // dropped: after an RNR NAK until the retry, or a SEND with no RECV to place it in
        this.maybeCnp(pkt);
        return;
      }
    }
    const expectedBefore = rx.expected;
    const verdict = rx.arrive(psn);
    if (verdict === RX_IN_ORDER || (verdict === RX_OUT_OF_ORDER && rx.keepsOutOfOrder)) {
      // the packet's data is placed in memory
      const f = w.flow;
      if (f !== null) {
        f.deliveredBytes += pkt.payload;
        f.deliveredPackets++;
        f.pauseDelayPs += pkt.pausedPs;
        if (pkt.ecn === 3) f.ecnMarked++;
      }
      if (pkt.ecn === 3) this.markedSinceAck++;
    }
    if (verdict === RX_IN_ORDER) {
      const completed = this.completeInbound();
      if (this.state !== QPS_RTS && this.state !== QPS_RTR) return;
      // a packet that fills all or part of a hole is acknowledged at once (as TCP does, RFC 5681
      // §4.2): the sender is in loss recovery and, with its window full, waits for this ACK
      const gapFilled = rx.expected - expectedBefore > 1 || rx.heldOutOfOrder > 0;
      if (++this.unacked >= this.attrs.ackEvery || completed || gapFilled) this.sendAck(SYN_ACK, pkt, -1);
    } else if (verdict === RX_OUT_OF_ORDER) {
      if (rx.nakFor(psn)) this.sendAck(SYN_NAK_PSN_SEQ, pkt, rx.keepsOutOfOrder ? psn : -1);
    } else if (verdict === RX_DUPLICATE) {
      // a retransmission of a PSN this responder already has: spurious. The ACK reports it (as a
      // TCP D-SACK does, RFC 2883), which a RACK sender takes as reordering
      if (w.flow !== null) w.flow.spuriousRetx++;
      this.sendAck(SYN_ACK, pkt, psn);
    }
    this.maybeCnp(pkt);
  }

  private onReadAtomicRequest(pkt: Packet, w: SendWqe, read: boolean): void {
    const rx = this.rx;
    const psn = pkt.psn;
    const count = read ? w.firstPsn + w.psns - psn : 1;
    if (psn === rx.expected) {
      this.rnrWait = false;
      rx.arrive(psn, count);
      this.unacked = 0; // the responses carry the acknowledgement
      this.execute(w, psn, pkt.sentAt, read, false);
      this.completeInbound();
    } else if (psn < rx.expected) {
      // a duplicate: READs are re-executed, atomics answered with their saved result
      if (read) {
        this.readRetries++;
        this.reexecuteRead(w, psn, pkt.sentAt);
      } else {
        for (let i = 0; i < this.atomicCache.length; i++) {
          const c = this.atomicCache.at(i)!;
          if (c.start === psn && c.wqe === w) {
            const j = new RespJob(JOB_ATOMIC, w, psn, psn + 1, this.site.sim.now + this.site.device.limits.dmaReadPs, pkt.sentAt, true);
            j.value = c.value;
            this.atomicReplays++;
            this.pushJob(j);
            break;
          }
        }
      }
    } else if (rx.keepsOutOfOrder && !this.rnrWait) {
      // selective repeat: keep it, run it when the gap before it fills. Not selectively acked: the
      // requester must stay free to ask again for responses that get lost
      if (rx.arrive(psn, count) === RX_OUT_OF_ORDER) {
        this.heldRequests.push(new RespJob(read ? JOB_READ : JOB_ATOMIC, w, psn, psn + count, 0, pkt.sentAt, false));
        if (rx.nakFor(psn)) this.sendAck(SYN_NAK_PSN_SEQ, pkt, -1);
      }
    } else if (!this.rnrWait && rx.nakFor(psn)) {
      this.sendAck(SYN_NAK_PSN_SEQ, pkt, -1);
    }
  }

  /**
   * A duplicate READ request (the requester lost responses and asks again from `psn`): if the
   * READ's responses are still queued or being sent, that stream is abandoned and restarted, in
   * its place, from `psn` — the requester discards what follows its gap anyway, so finishing the
   * old stream would only put duplicates on the wire ahead of the data it is waiting for. This is
   * what Linux's soft-RoCE responder does (rxe_resp.c, duplicate_request(): the in-progress read
   * resource is reset to the duplicate's PSN). A READ no longer queued is executed again.
   */
  private reexecuteRead(w: SendWqe, psn: number, reqSentAt: Time): void {
    const jobs = this.jobs;
    for (let i = 0; i < jobs.length; i++) {
      const j = jobs.at(i)!;
      if (j.kind === JOB_READ && j.wqe === w) {
        jobs.set(i, new RespJob(JOB_READ, w, psn, w.firstPsn + w.psns, this.site.sim.now + this.site.device.limits.dmaReadPs, reqSentAt, true));
        this.site.nic.activate(this);
        return;
      }
    }
    this.execute(w, psn, reqSentAt, true, true);
  }

  /** Runs a READ (queues its responses after the DMA read) or an atomic (on this host's memory, now). */
  private execute(w: SendWqe, psn: number, reqSentAt: Time, read: boolean, retry: boolean): void {
    const site = this.site;
    const readyAt = site.sim.now + site.device.limits.dmaReadPs;
    if (read) {
      this.pushJob(new RespJob(JOB_READ, w, psn, w.firstPsn + w.psns, readyAt, reqSentAt, retry));
      return;
    }
    const mem = site.device.memory;
    const j = new RespJob(JOB_ATOMIC, w, psn, psn + 1, readyAt, reqSentAt, retry);
    j.value = w.verb === V_CAS ? mem.compareSwap(w.remoteAddr, w.compare, w.operand) : mem.fetchAdd(w.remoteAddr, w.operand);
    w.recvAt = site.sim.now;
    this.atomicCache.push(j);
    while (this.atomicCache.length > this.attrs.maxDestRdAtomic) this.atomicCache.shift();
    this.pushJob(j);
  }

  private pushJob(j: RespJob): void {
    this.jobs.push(j);
    this.site.nic.activate(this);
  }

  /** Pops the inbound messages the responder's expected PSN has passed; true if any completed. */
  private completeInbound(): boolean {
    const rx = this.rx;
    let completed = false;
    while (this.inbound.length > 0) {
      const m = this.inbound.peek()!;
      if (m.firstPsn + m.psns > rx.expected) break;
      this.inbound.shift();
      if (!isReadOrAtomic(m.verb)) {
        this.messageReceived(m);
        completed = true;
      }
      if (this.state === QPS_ERR) return completed;
    }
    // selective repeat: READs/atomics that arrived ahead of a gap run once it has filled
    while (this.heldRequests.length > 0 && this.heldRequests.peek()!.end <= rx.expected) {
      const h = this.heldRequests.shift()!;
      this.execute(h.wqe, h.start, h.reqSentAt, h.kind === JOB_READ, false);
    }
    return completed;
  }

  /** A SEND or WRITE is whole at the responder: receive completion, flow bookkeeping, WRITE notification. */
  private messageReceived(m: SendWqe): void {
    const site = this.site;
    const now = site.sim.now;
    m.recvAt = now;
    if (m.logRow >= 0 && site.messages !== null) site.messages.setRecv(m.logRow, now);
    if (m.flow !== null && m.endsFlow) m.flow.recvDone = now;
    if (consumesRecv(m.verb)) {
      const r = this.rq.shift();
      if (r === undefined) return; // UC/UD write-with-immediate without a RECV: the data stays, no completion
      this.rqConsumed++;
      const imm = m.verb === V_SEND_IMM || m.verb === V_WRITE_IMM;
      this.completeRecv(r, WC_SUCCESS, m.bytes, m.verb === V_WRITE_IMM ? WCO_RECV_RDMA_WITH_IMM : WCO_RECV, m, imm ? m.imm : undefined);
    } else if (this.listener !== null) {
      this.listener.onWriteLanded(this, m.bytes, now + site.device.limits.dmaWritePs);
    }
  }

  /** A SEND larger than the RECV it would consume: IBV_WC_LOC_LEN_ERR here, an invalid-request NAK there. */
  private lengthError(w: SendWqe, trigger: Packet): void {
    const r = this.rq.shift()!;
    this.rqConsumed++;
    this.completeRecv(r, WC_LOC_LEN_ERR, w.bytes, WCO_RECV, w);
    this.sendControl(RC | ACKNOWLEDGE, SYN_NAK_INVALID_REQUEST, trigger, trigger.sentAt);
    this.enterError();
  }

  private onRequestUc(pkt: Packet): void {
    const w = pkt.ref as SendWqe;
    const psn = pkt.psn;
    const first = (pkt.flags & FLAG_FIRST) !== 0;
    if (first) {
      this.ucCur = null; // an unfinished message before this one is lost
      if (isSendVerb(w.verb)) {
        const r = this.rq.peek();
        if (r === undefined) {
          this.dropsNoRecv++;
          this.maybeCnp(pkt);
          return; // no RECV: UC drops the message
        }
        if (r.bytes < w.bytes) {
          this.rq.shift();
          this.rqConsumed++;
          this.completeRecv(r, WC_LOC_LEN_ERR, w.bytes, WCO_RECV, w);
          this.enterError();
          return;
        }
      }
      this.ucCur = w;
    } else if (this.ucCur !== w || psn !== this.ucExpected) {
      // a packet of this message was lost: drop the rest until the next FIRST/ONLY
      this.ucCur = null;
      this.maybeCnp(pkt);
      return;
    }
    this.ucExpected = psn + 1;
    const f = w.flow;
    if (f !== null) {
      f.deliveredBytes += pkt.payload;
      f.deliveredPackets++;
      f.pauseDelayPs += pkt.pausedPs;
      if (pkt.ecn === 3) f.ecnMarked++;
    }
    if ((pkt.flags & FLAG_LAST) !== 0) {
      this.ucCur = null;
      this.messageReceived(w);
    }
    this.maybeCnp(pkt);
  }

  private onRequestUd(pkt: Packet): void {
    const w = pkt.ref as SendWqe;
    const r = this.rq.shift();
    if (r === undefined) {
      this.dropsNoRecv++;
      return;
    }
    this.rqConsumed++;
    const bytes = pkt.payload + UD_GRH_BYTES;
    if (r.bytes < bytes) {
      this.completeRecv(r, WC_LOC_LEN_ERR, bytes, WCO_RECV, w);
      return;
    }
    const f = w.flow;
    if (f !== null) {
      f.deliveredBytes += pkt.payload;
      f.deliveredPackets++;
    }
    const now = this.site.sim.now;
    w.recvAt = now;
    if (w.logRow >= 0 && this.site.messages !== null) this.site.messages.setRecv(w.logRow, now);
    if (w.flow !== null && w.endsFlow) w.flow.recvDone = now;
    this.completeRecv(r, WC_SUCCESS, bytes, WCO_RECV, w, w.verb === V_SEND_IMM ? w.imm : undefined, w.qpn);
  }

  /** DCQCN notification point: a CNP for a CE-marked data packet, at most one per interval. */
  private maybeCnp(pkt: Packet): void {
    const fb = this.feedback;
    const now = this.site.sim.now;
    if (fb.cnp && pkt.ecn === 3 && now - this.lastCnp >= fb.cnpIntervalPs) {
      this.lastCnp = now;
      this.sendControl(CNP, SYN_ACK, null, 0);
    }
  }

  /** An ACK or NAK for the current state, echoing `trigger`; held back while READ responses are queued. */
  private sendAck(syn: number, trigger: Packet, sack: number): void {
    this.unacked = 0;
    if (this.jobs.length > 0) {
      if (syn > this.deferredSyn) this.deferredSyn = syn;
      this.deferredEcho = trigger.sentAt;
      return;
    }
    const a = this.sendControl(RC | ACKNOWLEDGE, syn, trigger, trigger.sentAt);
    a.sackPsn = sack;
  }

  /** Builds and sends a control packet (ACK/NAK or CNP) to the peer. */
  private sendControl(op: number, syn: number, trigger: Packet | null, echoTs: Time): Packet {
    const site = this.site;
    const a = site.pool.acquire();
    a.src = site.host;
    a.dst = this.peer!.site.host;
    a.priority = this.ackPriority;
    a.flowHash = this.flowHash;
    a.conn = this.conn;
    a.type = op;
    a.flags = syn;
    a.psn = this.rx.expected;
    a.frameBytes = site.framing.frame(op, 0);
    a.sentAt = site.sim.now;
    a.echoTs = echoTs;
    if (op !== CNP) {
      a.ecnEcho = this.markedSinceAck;
      this.markedSinceAck = 0;
    }
    if (trigger !== null && trigger.wantsInt) copyInt(trigger, a);
    site.traffic.injectedPackets++;
    site.traffic.injectedBytes += a.frameBytes;
    site.nic.sendPacket(a);
    return a;
  }

  // ======================================================================= completions and errors

  /** A send-queue work request completed (in posting order): log, flow bookkeeping, completion entry. */
  private complete(w: SendWqe, status: number): void {
    const site = this.site;
    const now = site.sim.now;
    this.sqOutstanding--;
    if (w.startedAt >= 0 && isReadOrAtomic(w.verb)) this.outstandingRA--;
    if (w.verb === V_READ && status === WC_SUCCESS) w.recvAt = now;
    const peer = this.attrs.type === QPT_UD ? w.destHost : this.peer !== null ? this.peer.site.host : -1;
    const atomic = w.verb === V_CAS || w.verb === V_FAA;
    const visible = reportSend(site, this.qpn, peer, this.attrs.sendCq, w, status, atomic && status === WC_SUCCESS ? w.result : undefined);
    if (w.flow !== null && w.endsFlow) {
      if (w.verb === V_READ && status === WC_SUCCESS) w.flow.recvDone = now;
      const st = status === WC_SUCCESS ? 'done' : 'failed';
      if (this.attrs.type !== QPT_RC && site.endUnreliable !== undefined) site.endUnreliable(w.flow, st, visible);
      else site.flows.end(w.flow, st, visible);
    }
  }

  /** A receive work request completed. */
  private completeRecv(r: RecvWqe, status: number, bytes: number, opcode: number, from: SendWqe | null, imm?: number, srcQpn?: number): void {
    const src = from !== null ? from.srcHost : this.peer !== null ? this.peer.site.host : -1;
    const flow = from !== null && from.flow !== null ? from.flow.id : this.appFlow !== null ? this.appFlow.id : -1;
    reportRecv(this.site, this.qpn, src, flow, this.attrs.recvCq, r, status, bytes, opcode, imm, srcQpn);
  }

  /** Enters the error state: every outstanding work request completes with IBV_WC_WR_FLUSH_ERR. */
  private enterError(): void {
    if (this.state === QPS_ERR) return;
    this.state = QPS_ERR;
    this.rto.cancel();
    if (this.reorderTimer !== null) this.reorderTimer.cancel();
    if (this.probeTimer !== null) this.probeTimer.cancel();
    this.rnrUntil = 0;
    while (this.active.length > 0) this.complete(this.active.shift()!, WC_WR_FLUSH_ERR);
    while (this.pending.length > 0) this.complete(this.pending.shift()!, WC_WR_FLUSH_ERR);
    while (this.rq.length > 0) this.completeRecv(this.rq.shift()!, WC_WR_FLUSH_ERR, 0, WCO_RECV, null);
    this.jobs.clear();
    this.heldRequests.clear();
    this.inbound.clear();
    this.deferredSyn = -1;
    this.site.device.evict(this);
  }

  /** Back to RESET: queues emptied without completions, sequence state cleared. */
  private reset(): void {
    if (this.state !== QPS_ERR && (this.active.length > 0 || this.pending.length > 0)) this.enterError();
    this.state = QPS_RESET;
    this.rq.clear();
    this.sqOutstanding = 0;
  }

  /** Still-pending work requests (for the log at the end of a run). */
  forEachPending(fn: (w: SendWqe) => void): void {
    for (let i = 0; i < this.active.length; i++) fn(this.active.at(i)!);
    for (let i = 0; i < this.pending.length; i++) fn(this.pending.at(i)!);
  }
}
