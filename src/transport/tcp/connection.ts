import { ETH_PREAMBLE_IFG_BYTES, type Packet } from '../../fabric/packet.js';
import type { FlowRecord } from '../../metrics/flow-table.js';
import type { Actor } from '../../sim/actor.js';
import { PS_PER_S, ms, us, type Time } from '../../sim/time.js';
import { Timer } from '../../sim/timer.js';
import type { AckEvent } from '../cc/congestion-control.js';
import type { SendQueue } from '../endpoint.js';
import { RttEstimator } from '../reliability/rtt-estimator.js';
import { SeqBitmap } from '../reliability/seq-bitmap.js';
import type { Connection, ConnectionContext, PostOptions } from '../transport.js';
import type { TcpFraming } from './framing.js';
import type { TcpParams } from './params.js';
import { FlowContent, type TcpContent } from './content.js';

/** Packet types of TCP (in `Packet.type`; other transports' opcodes are below 0x100). */
export const TCP_DATA = 0x100;
export const TCP_ACK = 0x101;
export const TCP_SYN = 0x102;
export const TCP_SYNACK = 0x103;
/** TCP flags carried in `Packet.flags`: ECN-Echo on ACKs (RFC 3168). */
export const TCP_FLAG_ECE = 0x40;

/** The TCP header's window field is 16 bits (RFC 9293). */
const MAX_WINDOW_FIELD = 65535;

/** Linux TCP_MAX_QUICKACKS: segments ACKed at once at the start and after a long silence. */
const QUICKACKS = 16;

const EV_RTO = 0;
const EV_DELACK = 1;

/** What a TCP connection needs besides the generic connection context. */
export interface TcpSetup {
  /** Header sizes; its `mss` is the largest segment payload (what the window counts in). */
  fr: TcpFraming;
}

/**
 * One direction of a TCP connection: a byte stream from `src` to `dst`, the sender at one end and
 * the receiver at the other (one object holds both halves, as a QP pair does). What the stream
 * carries is its {@link TcpContent}: one flow's bytes (`post`, the `tcp` transport) or the MPA
 * FPDUs of an iWARP queue pair's messages, appended as they are posted (`attach`). The TCP runs
 * in the host: a host stack model (src/host/, the `hosts:` block) charges its segments' CPU
 * work there; this class models the protocol only.
 *
 * With `handshake`, the sender first sends a SYN and the receiver answers with a SYN-ACK (78-byte
 * frames with timestamps); data starts when the SYN-ACK arrives, whose round trip is the first
 * RTT sample; a lost SYN or SYN-ACK is resent after the RTO (initial_rto_ms, doubling). Without
 * it the connection is open from the start and the idle path's round trip seeds the estimator.
 *
 * Sequence numbers count segments: the content fixes each segment's payload and frame when it is
 * appended (one flow: segment k carries stream bytes [k·MSS, min((k+1)·MSS, bytes))), and the
 * sender never re-segments, so a segment number and a byte offset name the same thing.
 *
 * **Sender.** The NIC pulls segments lazily (SendQueue). A segment may go when the congestion
 * window has room for it above `pipe` (RFC 6675 §2: the segments believed in flight) and, for new
 * data, when the receive window advertised by the last ACK covers it; retransmissions ignore the
 * receive window. The window is the congestion control's `windowBytes()`, its rate paces.
 *
 * - Scoreboard: SACKed segments (bitmap, RFC 2018), the highest SACKed edge, and in loss recovery
 *   the segments retransmitted and not yet acknowledged or SACKed.
 * - Loss recovery (RFC 6675, simplified): it starts on `dupack_threshold` duplicate ACKs or when
 *   that many segments above the cumulative ACK are SACKed; the congestion control hears
 *   `onLoss(now, flightBytes)` once per episode. In recovery every un-SACKed segment below the
 *   highest SACKed one is taken as lost (no reordering in this fabric unless packets are sprayed)
 *   and a partial ACK marks the new oldest segment lost (RFC 6582); each lost segment is resent
 *   once, lowest first, before new data, and `pipe` = lost-free segments above the highest SACK
 *   + retransmissions in flight. Recovery ends when the cumulative ACK passes the highest
 *   segment sent when it began. Without SACK (`sack: false`) this is NewReno: one hole per partial
 *   ACK. With `prr` (default) the amount sent during recovery follows RFC 6937's proportional rate
 *   reduction instead of the halved window ({@link prrBudget}).
 * - D-SACK (RFC 2883): an ACK whose first SACK block lies below its cumulative ACK or inside its
 *   second block reports a duplicate: counted as a spurious retransmission (`spuriousRetx`, the
 *   flow's `spurious_retx`) and not taken as SACK information.
 * - Retransmission timeout (RFC 6298, {@link RttEstimator}): armed when a segment goes out with
 *   none armed, restarted by every ACK of new data, cancelled when all is acknowledged. On expiry:
 *   RTO doubles, the congestion control hears `onTimeout`, every un-SACKed outstanding segment is
 *   taken as lost and resent from the oldest as the (now one-segment) window allows.
 * - RTT samples: with timestamps, every ACK of new data (RFC 7323: TSecr); without, only ACKs
 *   that cover no retransmitted segment (Karn's algorithm).
 *
 * **Receiver.** Delivers in order (the application reads at once, so the advertised window is
 * `rwnd_bytes` less the out-of-order bytes held, as the 16-bit window field carries it: in units
 * of 2^wscale bytes with RFC 7323 window scaling, at most 65535 bytes without), reports a
 * duplicate segment as a D-SACK block, keeps out-of-order segments as SACK blocks
 * (the block of the latest segment first, then the lowest ones; 3 with timestamps, 4 without).
 * Delayed ACKs: one per `ack_every` in-order segments or when the delayed-ACK timer runs out;
 * an immediate ACK for an out-of-order or duplicate segment, one that fills a gap, and the
 * last segment of a message (the PSH of a write); Linux's quickack mode ACKs the first 16
 * segments at once, and again 16 after a silence longer than the minimum RTO (the sender is
 * restarting from a small window). Behind a host model with GRO / LRO (src/host/cpu.ts) the
 * receiver sees what Linux's TCP sees, one skb per super-packet: a segment delivered with
 * `Packet.rxMergeOpen` waits, and the decision above is made once when the host reports the
 * super-packet complete ({@link onRxMergeEnd}) — so a super-packet of two or more segments gets
 * one ACK at once, a lone segment waits for the next as before, and each quick ACK covers a
 * super-packet; out-of-order, duplicate, gap-filling and end-of-message segments are still ACKed
 * at once, inside a super-packet too. ACKs echo the send time of the earliest
 * segment they acknowledge (TSecr) and, as ECN-Echo, how many CE-marked segments arrived since
 * the last ACK — the per-segment accuracy of a DCTCP receiver; a classic RFC 3168 sender reads
 * it as ECE and cuts once per window (the CWR handshake itself is not modelled).
 */
export class TcpConnection implements Connection, SendQueue, Actor {
  actorId = -1;
  inNic = false;
  readonly priority: number;
  private readonly ackPriority: number;
  private fr: TcpFraming;
  private readonly p: TcpParams;
  private readonly mss: number;
  /** What the stream carries (null until posted or attached). */
  private content: TcpContent | null = null;
  /** The handshake is done (always, without `handshake`). */
  private established: boolean;
  /** Closed (an iWARP stream after a Terminate): sends nothing, ignores what arrives. */
  closed = false;
  /** Timeouts of the SYN (Karn's rule for the handshake's RTT sample). */
  private synTimeouts = 0;
  /** Window scale shift both ends use (RFC 7323; 0 without `window_scaling`). */
  readonly wscale: number;
  /** Retransmissions the receiver reported as duplicates (D-SACK, RFC 2883). */
  spuriousRetx = 0;
  /** Receiver: a duplicate segment the next ACK reports as a D-SACK block (-1: none). */
  private dsackSeg = -1;
  /** PRR (RFC 6937) state of the current fast-recovery episode, in segments. */
  prrOn = false;
  private prrSsthresh = 0;
  private prrRecoverFs = 1;
  private prrDelivered = 0;
  prrOut = 0;
  private prrSndcnt = 0;

  // ---- sender ----
  /** Oldest unacknowledged segment. */
  una = 0;
  /** Next new segment (also the highest sent + 1). */
  nxt = 0;
  private readonly sacked = new SeqBitmap();
  sackedCount = 0;
  private highSackEnd = 0;
  private readonly retx = new SeqBitmap();
  private retxOut = 0;
  /** Retransmitted segments end below this (Karn's algorithm without timestamps). */
  private retxEnd = 0;
  recovering = false;
  private recoveryPoint = 0;
  /** In recovery, un-SACKed segments below this are lost. */
  private lostLimit = 0;
  private retxNext = 0;
  private dupAcks = 0;
  /** The first retransmission of a recovery episode is due (sent whatever the window). */
  private fastRetx = false;
  /** The receive window the last ACK advertised, bytes. */
  private rwnd: number;
  private nextSendAt: Time = 0;
  readonly rtt: RttEstimator;
  private readonly rtoTimer: Timer;
  private readonly ev: AckEvent = { ackedBytes: 0, ackedPackets: 0, markedPackets: 0, rttPs: 0, intHops: 0, int: null, inflightBytes: 0, now: 0, inRecovery: false };

  // ---- receiver ----
  private rcvNxt = 0;
  /** Out-of-order segments held, as sorted disjoint [start, end) pairs. */
  private readonly ooo: number[] = [];
  private oooBytes = 0;
  private lastOoo = -1;
  private pendingAcks = 0;
  private markedSinceAck = 0;
  private echoTs: Time = 0;
  /** Segments still to be ACKed at once (Linux quickack mode). */
  private quickAcks = QUICKACKS;
  private lastDataAt: Time = -1;
  private readonly delAck: Timer;
  private readonly delAckPs: Time;

  constructor(
    private readonly ctx: ConnectionContext<TcpParams>,
    setup: TcpSetup,
  ) {
    this.p = ctx.params;
    this.fr = setup.fr;
    this.mss = setup.fr.mss;
    this.priority = this.p.priority;
    this.ackPriority = this.p.ack_priority ?? this.p.priority;
    let scale = 0;
    if (this.p.window_scaling) while (scale < 14 && this.p.rwnd_bytes / 2 ** scale > MAX_WINDOW_FIELD) scale++;
    this.wscale = scale;
    this.rwnd = this.advertisedWindow(0);
    this.rtt = new RttEstimator(ms(this.p.min_rto_ms), ms(this.p.max_rto_ms), ms(this.p.initial_rto_ms), us(this.p.clock_granularity_us));
    this.rtoTimer = new Timer(ctx.sim, this, EV_RTO);
    this.delAck = new Timer(ctx.sim, this, EV_DELACK);
    this.delAckPs = us(this.p.delayed_ack_us);
    // without a simulated handshake, the SYN/SYN-ACK exchange it stands for would have given the
    // estimator one RTT sample (RFC 6298 §2.2): the idle path's round trip
    this.established = !this.p.handshake;
    if (this.established && ctx.baseRttPs !== undefined && ctx.baseRttPs > 0) this.rtt.sample(ctx.baseRttPs);
  }

  /** Posts the stream of a `tcp` flow (verb `write`): one message of `flow.bytes`. */
  post(flow: FlowRecord, _options?: PostOptions): void {
    if (this.content !== null) throw new Error(`TCP connection ${this.ctx.conn}: one stream per connection`);
    if (flow.verb !== 'write') throw new Error(`connection ${this.ctx.conn} cannot carry '${flow.verb}'`);
    this.attach(new FlowContent(flow, this.fr, this.ctx.flows));
  }

  /** Starts the stream with `content` (whose segments may grow later: call {@link wake} then). */
  attach(content: TcpContent): void {
    this.content = content;
    if (this.established) this.wake();
    else this.sendSyn(TCP_SYN, 0);
  }

  /** The content has new segments (or a window opened): put the sender on its NIC. */
  wake(): void {
    if (this.hasData()) this.ctx.srcNic.activate(this);
  }

  /** Stops the stream for good: nothing more is sent, timers are cancelled, arrivals are ignored. */
  close(): void {
    this.closed = true;
    this.rtoTimer.cancel();
    this.delAck.cancel();
  }

  /** Sends a SYN (sender) or SYN-ACK (receiver, echoing the SYN's send time). */
  private sendSyn(type: number, echoTs: Time): void {
    const ctx = this.ctx;
    const syn = type === TCP_SYN;
    const a = ctx.pool.acquire();
    a.src = syn ? ctx.src : ctx.dst;
    a.dst = syn ? ctx.dst : ctx.src;
    a.priority = syn ? this.priority : this.ackPriority;
    a.flowHash = ctx.flowHash;
    a.conn = ctx.conn;
    a.type = type;
    a.frameBytes = this.fr.synFrame();
    a.sentAt = ctx.sim.now;
    a.echoTs = echoTs;
    a.window = Math.min(this.p.rwnd_bytes, MAX_WINDOW_FIELD); // a SYN's window is never scaled (RFC 7323 §2.2)
    ctx.traffic.injectedPackets++;
    ctx.traffic.injectedBytes += a.frameBytes;
    (syn ? ctx.srcNic : ctx.dstNic).sendPacket(a);
    if (syn && !this.rtoTimer.armed) this.rtoTimer.setAfter(this.rtt.rto);
  }

  onEvent(kind: number): void {
    if (this.closed) return;
    if (kind === EV_RTO) this.onRto();
    else if (this.pendingAcks > 0) this.sendAck(this.echoTs);
  }

  onPacket(pkt: Packet): void {
    if (this.closed) return;
    if (pkt.type === TCP_DATA) this.onData(pkt);
    else if (pkt.type === TCP_ACK) this.onAck(pkt);
    else if (pkt.type === TCP_SYN) this.sendSyn(TCP_SYNACK, pkt.sentAt);
    else if (!this.established) {
      // the SYN-ACK: open, with its RTT sample (Karn: not after a retransmitted SYN, whose
      // SYN-ACK is ambiguous, unless timestamps tell)
      this.established = true;
      this.rwnd = pkt.window;
      if (this.p.timestamps || this.synTimeouts === 0) this.rtt.sample(this.ctx.sim.now - pkt.echoTs);
      this.rtoTimer.cancel();
      this.wake();
    }
  }

  // ======================================================================= sender

  /** Segments believed in flight (RFC 6675 pipe). */
  pipe(): number {
    if (!this.recovering) return this.nxt - this.una - this.sackedCount;
    // without SACK each duplicate ACK is one more segment that has left the network (RFC 5681's
    // window inflation, counted the other way round)
    const p = this.nxt - this.lostLimit + this.retxOut - (this.p.sack ? 0 : this.dupAcks);
    return p > 0 ? p : 0;
  }

  /** The next segment to send (a lost one first), or -1. */
  private pick(): number {
    if (this.recovering) {
      let s = Math.max(this.retxNext, this.una);
      while (s < this.lostLimit && (this.sacked.has(this.una, s) || this.retx.has(this.una, s))) s++;
      this.retxNext = s;
      if (s < this.lostLimit) return s;
    }
    return this.nxt < this.content!.segments ? this.nxt : -1;
  }

  hasData(): boolean {
    return this.established && !this.closed && this.content !== null && this.una < this.content.segments && this.pick() >= 0;
  }

  readyAt(now: Time): Time {
    const s = this.pick();
    if (s < 0) return Infinity;
    const pipe = this.pipe();
    // the fast retransmit goes whatever the window (RFC 6675 §5 step 4.2, RFC 5681 §3.2 step 2)
    const fast = this.fastRetx && s < this.nxt;
    if (!fast) {
      if (this.prrOn) {
        if (this.prrSndcnt <= 0) return Infinity;
      } else if (pipe > 0 && (pipe + 1) * this.mss > this.ctx.cc.windowBytes()) return Infinity;
    }
    if (s === this.nxt && this.nxt > this.una && (this.nxt - this.una + 1) * this.mss > this.rwnd) return Infinity;
    return this.nextSendAt > now ? this.nextSendAt : now;
  }

  nextPacket(): Packet {
    const ctx = this.ctx;
    const now = ctx.sim.now;
    const content = this.content!;
    const s = this.pick();
    const flow = content.flowOf(s);
    const payload = content.payload(s);
    const pkt = ctx.pool.acquire();
    pkt.src = ctx.src;
    pkt.dst = ctx.dst;
    pkt.priority = this.priority;
    pkt.flowHash = ctx.flowHash;
    pkt.ecn = this.p.ecn ? 2 : 0;
    pkt.conn = ctx.conn;
    pkt.type = TCP_DATA;
    pkt.psn = s;
    pkt.payload = payload;
    pkt.frameBytes = content.frameBytes(s);
    pkt.sentAt = now;
    ctx.traffic.injectedPackets++;
    ctx.traffic.injectedBytes += pkt.frameBytes;
    if (flow !== null) flow.packetsSent++;
    if (this.prrOn) {
      this.prrOut++;
      this.prrSndcnt--;
    }
    if (s < this.nxt) {
      this.fastRetx = false;
      this.retx.add(this.una, s);
      this.retxOut++;
      this.retxNext = s + 1;
      if (s + 1 > this.retxEnd) this.retxEnd = s + 1;
      if (flow !== null) flow.retxPackets++;
    } else {
      this.nxt++;
    }
    const cc = ctx.cc;
    cc.onSend(pkt.frameBytes, now);
    const rate = cc.rateBps();
    if (rate < ctx.srcNic.rateBps) this.nextSendAt = now + Math.ceil(((pkt.frameBytes + ETH_PREAMBLE_IFG_BYTES) * 8 * PS_PER_S) / rate);
    if (!this.rtoTimer.armed) this.rtoTimer.setAfter(this.rtt.rto);
    return pkt;
  }

  private onAck(pkt: Packet): void {
    const content = this.content;
    if (content === null) return;
    // a first SACK block below the cumulative ACK or inside the second is a D-SACK (RFC 2883
    // §4): the receiver got that segment twice. Nothing duplicates packets in this fabric, so
    // each one reports a spurious retransmission (counted even after the stream is done).
    const sack = pkt.sack;
    let b0 = 0;
    if (pkt.sackBlocks > 0 && (sack![1]! <= pkt.psn || (pkt.sackBlocks > 1 && sack![0]! >= sack![2]! && sack![1]! <= sack![3]!))) {
      b0 = 1;
      this.spuriousRetx++;
      const f = content.flowOf(Math.min(this.una, content.segments - 1));
      if (f !== null) f.spuriousRetx++;
    }
    if (this.una >= content.segments) return;
    const now = this.ctx.sim.now;
    this.rwnd = pkt.window;
    let newly = 0;
    let newBytes = 0;
    // SACK blocks (after a D-SACK)
    for (let b = b0; b < pkt.sackBlocks; b++) {
      const start = Math.max(sack![2 * b]!, this.una);
      const end = Math.min(sack![2 * b + 1]!, this.nxt);
      for (let q = start; q < end; q++) {
        if (this.sacked.has(this.una, q)) continue;
        this.sacked.add(this.una, q);
        this.sackedCount++;
        newly++;
        newBytes += content.payload(q);
        if (this.retx.has(this.una, q)) {
          this.retx.delete(q);
          this.retxOut--;
        }
      }
      if (end > this.highSackEnd) this.highSackEnd = end;
    }
    // the cumulative ACK
    const ackSeg = Math.min(pkt.psn, this.nxt);
    const oldUna = this.una;
    if (ackSeg > oldUna) {
      for (let q = oldUna; q < ackSeg; q++) {
        if (this.sacked.has(oldUna, q)) {
          this.sacked.delete(q);
          this.sackedCount--;
        } else {
          newly++;
          newBytes += content.payload(q);
        }
        if (this.retx.has(oldUna, q)) {
          this.retx.delete(q);
          this.retxOut--;
        }
      }
      this.una = ackSeg;
      this.dupAcks = 0;
      if (this.highSackEnd < ackSeg) this.highSackEnd = ackSeg;
      if (this.p.timestamps || oldUna >= this.retxEnd) this.rtt.sample(now - pkt.echoTs);
    } else if (pkt.psn === this.una && this.nxt > this.una) {
      this.dupAcks++;
    }
    // loss recovery
    if (this.recovering) {
      if (this.una >= this.recoveryPoint) {
        this.recovering = false;
        this.fastRetx = false;
        this.retxOut = 0;
        this.prrOn = false;
      } else {
        if (ackSeg > oldUna && this.una + 1 > this.lostLimit) this.lostLimit = this.una + 1;
        if (this.highSackEnd > this.lostLimit) this.lostLimit = this.highSackEnd;
      }
    }
    const thresh = this.p.dupack_threshold;
    if (!this.recovering && this.una < this.nxt && (this.dupAcks >= thresh || this.sackedCount >= thresh)) {
      this.recovering = true;
      this.recoveryPoint = this.nxt;
      this.lostLimit = Math.max(this.highSackEnd, this.una + 1);
      this.retxNext = this.una;
      this.fastRetx = true;
      this.ctx.cc.onLoss(now, (this.nxt - this.una) * this.mss);
      // PRR (RFC 6937 §3): at the start of recovery ssthresh is the window the CC just cut to,
      // RecoverFS the data outstanding
      const w = this.ctx.cc.windowBytes();
      this.prrOn = this.p.prr && Number.isFinite(w);
      this.prrSsthresh = Math.max(1, Math.floor(w / this.mss));
      this.prrRecoverFs = this.nxt - this.una;
      this.prrDelivered = 0;
      this.prrOut = 0;
    }
    if (this.prrOn) this.prrBudget(newly);
    const ev = this.ev;
    ev.ackedBytes = newBytes;
    ev.ackedPackets = newly;
    ev.markedPackets = pkt.ecnEcho;
    ev.rttPs = now - pkt.echoTs;
    ev.inflightBytes = this.pipe() * this.mss;
    ev.inRecovery = this.recovering;
    ev.now = now;
    this.ctx.cc.onAck(ev);
    if (ackSeg > oldUna) {
      if (this.una < this.nxt) this.rtoTimer.set(now + this.rtt.rto);
      else this.rtoTimer.cancel();
      content.acked(this.una, now);
      if (this.closed) return;
    }
    if (this.hasData()) this.ctx.srcNic.activate(this);
  }

  /**
   * Proportional rate reduction (RFC 6937 §3, in segments): on every ACK of a recovery episode
   * the segments it delivered (acknowledged or SACKed) add to prr_delivered, and the sender may
   * send sndcnt more: while pipe > ssthresh, ⌈prr_delivered · ssthresh / RecoverFS⌉ − prr_out
   * (one segment per two delivered after a halving), else the slow-start reduction bound
   * min(ssthresh − pipe, max(prr_delivered − prr_out, delivered) + 1) (PRR-SSRB). At the end of
   * recovery pipe is ssthresh, reached smoothly instead of after half a window of silence.
   */
  private prrBudget(delivered: number): void {
    this.prrDelivered += delivered;
    const pipe = this.pipe();
    const ss = this.prrSsthresh;
    const snd =
      pipe > ss
        ? Math.ceil((this.prrDelivered * ss) / this.prrRecoverFs) - this.prrOut
        : Math.min(ss - pipe, Math.max(this.prrDelivered - this.prrOut, delivered) + 1);
    this.prrSndcnt = snd > 0 ? snd : 0;
  }

  private onRto(): void {
    if (!this.established) {
      // the SYN (or its SYN-ACK) was lost: send it again, backing off (RFC 6298 §5)
      this.synTimeouts++;
      const f = this.content!.flowOf(0);
      if (f !== null) f.timeouts++;
      this.rtt.backoff();
      this.sendSyn(TCP_SYN, 0);
      return;
    }
    const content = this.content;
    if (content === null || this.una >= content.segments || this.una >= this.nxt) return;
    const now = this.ctx.sim.now;
    const flow = content.flowOf(this.una);
    if (flow !== null) flow.timeouts++;
    this.rtt.backoff();
    this.ctx.cc.onTimeout(now);
    for (let q = this.una; q < this.nxt; q++) this.retx.delete(q);
    this.retxOut = 0;
    this.recovering = true;
    this.prrOn = false;
    this.recoveryPoint = this.nxt;
    this.lostLimit = this.nxt;
    this.retxNext = this.una;
    this.dupAcks = 0;
    this.fastRetx = false;
    this.nextSendAt = 0;
    this.rtoTimer.setAfter(this.rtt.rto);
    this.ctx.srcNic.activate(this);
  }

  // ======================================================================= receiver

  private onData(pkt: Packet): void {
    const content = this.content!;
    const seg = pkt.psn;
    const flow = content.flowOf(seg);
    if (pkt.ecn === 3) {
      if (flow !== null) flow.ecnMarked++;
      this.markedSinceAck++;
    }
    if (seg < this.rcvNxt || this.held(seg)) {
      this.dsackSeg = seg;
      this.sendAck(pkt.sentAt); // a duplicate: ACK at once, reporting it as a D-SACK
      return;
    }
    if (flow !== null) flow.deliveredPackets++;
    const now = this.ctx.sim.now;
    // a silence longer than an RTO means the sender restarts from a small window: ACK quickly
    if (this.lastDataAt >= 0 && now - this.lastDataAt > this.rtt.minRto) this.quickAcks = QUICKACKS;
    this.lastDataAt = now;
    if (seg > this.rcvNxt) {
      this.hold(seg);
      this.oooBytes += content.payload(seg);
      this.lastOoo = seg;
      this.sendAck(pkt.sentAt); // out of order: a duplicate ACK with SACK blocks, at once
      return;
    }
    const hadGap = this.ooo.length > 0;
    let end = seg + 1;
    if (hadGap && this.ooo[0] === end) {
      end = this.ooo[1]!;
      this.ooo.splice(0, 2);
      this.oooBytes -= this.streamBytes(seg + 1, end);
    }
    const from = this.rcvNxt;
    this.rcvNxt = end;
    const done = content.endsMessage(end - 1);
    content.delivered(from, end, now);
    if (this.closed) return;
    if (this.pendingAcks === 0) this.echoTs = pkt.sentAt;
    this.pendingAcks++;
    if (hadGap || done) {
      // filling a gap, or the end of a message: an ACK at once (an ACK of new data, so it counts
      // as a quick ACK), even inside a GRO super-packet
      if (this.quickAcks > 0) this.quickAcks--;
      this.sendAck(this.echoTs);
    } else if (!pkt.rxMergeOpen) this.ackCheck();
    // else the host's GRO holds this segment's super-packet open: decide when it is complete
  }

  /**
   * The host's GRO / LRO completed the super-packet holding the latest segments (delivered with
   * `rxMergeOpen`): the ACK decision Linux's TCP makes once per skb (`__tcp_ack_snd_check`,
   * net/ipv4/tcp_input.c), so a super-packet gets one ACK for all its segments.
   */
  onRxMergeEnd(_host?: number): void {
    if (!this.closed && this.pendingAcks > 0) this.ackCheck();
  }

  /**
   * The delayed-ACK decision for the in-order data received since the last ACK (`pendingAcks`
   * segments, one wire segment or one GRO super-packet's worth): an ACK at once in quickack mode
   * or once `ack_every` segments are waiting (Linux: more than one full-sized segment since the
   * last ACK, `rcv_nxt - rcv_wup > rcv_mss`, with rcv_mss the wire MSS of a GRO skb), else the
   * delayed-ACK timer. Quickack counts ACKs sent, as Linux does since 6.6 (tcp_dec_quickack_mode,
   * "tcp: fix quick-ack counting to count actual ACKs of new data"): per segment without GRO.
   */
  private ackCheck(): void {
    const quick = this.quickAcks > 0;
    if (quick) this.quickAcks--;
    if (quick || this.pendingAcks >= this.p.ack_every || this.delAckPs === 0) this.sendAck(this.echoTs);
    else if (!this.delAck.armed) this.delAck.set(this.ctx.sim.now + this.delAckPs);
  }

  /** Payload bytes of segments [a, b). */
  private streamBytes(a: number, b: number): number {
    let n = 0;
    for (let q = a; q < b; q++) n += this.content!.payload(q);
    return n;
  }

  private held(seg: number): boolean {
    const o = this.ooo;
    for (let i = 0; i < o.length; i += 2) if (seg >= o[i]! && seg < o[i + 1]!) return true;
    return false;
  }

  /** Adds `seg` (not held, above rcvNxt) to the out-of-order blocks, merging neighbours. */
  private hold(seg: number): void {
    const o = this.ooo;
    let i = 0;
    while (i < o.length && o[i + 1]! < seg) i += 2;
    if (i < o.length && o[i + 1] === seg) {
      o[i + 1] = seg + 1;
      if (i + 2 < o.length && o[i + 2] === seg + 1) {
        o[i + 1] = o[i + 3]!;
        o.splice(i + 2, 2);
      }
    } else if (i < o.length && o[i] === seg + 1) {
      o[i] = seg;
    } else {
      o.splice(i, 0, seg, seg + 1);
    }
  }

  /**
   * The window an ACK advertises: the free receive buffer as the 16-bit field carries it, in
   * units of 2^wscale bytes (rounded down, at most 65535 units).
   */
  private advertisedWindow(held: number): number {
    const free = Math.max(0, this.p.rwnd_bytes - held);
    const unit = 2 ** this.wscale;
    return Math.min(Math.floor(free / unit), MAX_WINDOW_FIELD) * unit;
  }

  private sendAck(echoTs: Time): void {
    const ctx = this.ctx;
    const a = ctx.pool.acquire();
    a.src = ctx.dst;
    a.dst = ctx.src;
    a.priority = this.ackPriority;
    a.flowHash = ctx.flowHash;
    a.conn = ctx.conn;
    a.type = TCP_ACK;
    a.psn = this.rcvNxt;
    a.window = this.advertisedWindow(this.oooBytes);
    a.ecnEcho = this.markedSinceAck;
    a.flags = this.markedSinceAck > 0 ? TCP_FLAG_ECE : 0;
    let n = 0;
    const dsack = this.dsackSeg;
    this.dsackSeg = -1;
    if (this.p.sack && (dsack >= 0 || this.ooo.length > 0)) {
      const o = this.ooo;
      const sack = a.sack ?? (a.sack = new Float64Array(8));
      if (dsack >= 0) {
        // D-SACK (RFC 2883): the duplicate segment as the first block
        sack[0] = dsack;
        sack[1] = dsack + 1;
        n = 1;
      }
      const max = Math.min(this.fr.maxSackBlocks, n + o.length / 2);
      // then the block of the latest out-of-order segment (RFC 2018) — or, for a duplicate of a
      // held segment, the block holding it, so that the D-SACK block lies inside the second
      const key = dsack >= this.rcvNxt ? dsack : this.lastOoo;
      let first = -1;
      for (let i = 0; i < o.length; i += 2) {
        if (key >= o[i]! && key < o[i + 1]!) first = i;
      }
      if (first >= 0 && n < max) {
        sack[2 * n] = o[first]!;
        sack[2 * n + 1] = o[first + 1]!;
        n++;
      }
      for (let i = 0; i < o.length && n < max; i += 2) {
        if (i === first) continue;
        sack[2 * n] = o[i]!;
        sack[2 * n + 1] = o[i + 1]!;
        n++;
      }
    }
    a.sackBlocks = n;
    a.frameBytes = this.fr.ackFrame(n);
    a.sentAt = ctx.sim.now;
    a.echoTs = echoTs;
    ctx.traffic.injectedPackets++;
    ctx.traffic.injectedBytes += a.frameBytes;
    ctx.dstNic.sendPacket(a);
    this.pendingAcks = 0;
    this.markedSinceAck = 0;
    this.delAck.cancel();
  }
}
