import type { Actor } from '../sim/actor.js';
import { Ring } from '../sim/ring.js';
import type { Simulator } from '../sim/simulator.js';
import { PS_PER_S, us, type Time } from '../sim/time.js';
import { Timer } from '../sim/timer.js';
import type { Packet, PacketPool } from '../fabric/packet.js';
import { ETH_PREAMBLE_IFG_BYTES } from '../fabric/packet.js';
import type { FlowRecord, FlowTable } from '../metrics/flow-table.js';
import type { TrafficCounters } from '../metrics/traffic.js';
import type { AckEvent, CcFeedback, CongestionControl } from './cc/congestion-control.js';
import { copyInt } from '../fabric/telemetry/int.js';
import type { Endpoint, NicHandle, SendQueue } from './endpoint.js';
import type { Framing } from './transport.js';
import { GoBackNReceiver, GoBackNSender } from './reliability/go-back-n.js';
import { RX_IN_ORDER, RX_OUT_OF_ORDER, type ReceiverRecovery, type SenderRecovery } from './reliability/reliability.js';
import { SelectiveRepeatReceiver, SelectiveRepeatSender } from './reliability/selective-repeat.js';
import type { RoceV2Params } from './roce-v2-params.js';

/** RoCEv2 opcodes this model uses (its own codes, in `Packet.type`). */
export const OP_WRITE = 1;
export const OP_ACK = 2;
export const OP_NAK = 3;
/** Congestion notification packet (RoCEv2 CNP, BTH opcode 0x81). */
export const OP_CNP = 4;
/** `Packet.flags` bits. */
export const FLAG_FIRST = 1;
export const FLAG_LAST = 2;

const RTO = 0;

/** A message queued on the QP: a PSN range. */
interface Message {
  flow: FlowRecord;
  firstPsn: number;
  packets: number;
}

/** Everything a QP needs from the run. */
export interface RoceV2QpContext {
  sim: Simulator;
  pool: PacketPool;
  traffic: TrafficCounters;
  flows: FlowTable;
  /** Connection index (the packet's `conn`). */
  conn: number;
  src: number;
  dst: number;
  srcNic: NicHandle;
  dstNic: NicHandle;
  params: RoceV2Params;
  /** Payload bytes per packet (the IB MTU). */
  mtu: number;
  /** Frame sizes (RoCEv2 or RoCEv1 headers). */
  frames: Framing;
  cc: CongestionControl;
  feedback: CcFeedback;
  /** 5-tuple hash incl. this QP's UDP source port. */
  flowHash: number;
}

/** The message holding `psn` in `ring`, or undefined. */
function messageOf(ring: Ring<Message>, psn: number): Message | undefined {
  for (let i = 0; i < ring.length; i++) {
    const m = ring.at(i)!;
    if (psn < m.firstPsn + m.packets) return psn >= m.firstPsn ? m : undefined;
  }
  return undefined;
}

/**
 * A RoCE (v2, or v1 with its own framing) reliable-connection queue pair carrying RDMA WRITEs,
 * both ends in one object.
 *
 * Requester: messages are segmented lazily into MTU packets with consecutive PSNs
 * (FIRST/MIDDLE/LAST; RETH on the first); which PSN goes out next is the loss-recovery policy's
 * choice (`transport.loss_recovery`): go-back-N (a NAK or a timeout resends everything from the
 * missing PSN) or IRN-style selective repeat (only the holes). The RTO timer is pushed back on
 * progress; `retry_count` timeouts in a row without progress fail the QP's messages.
 *
 * Responder: ACKs are cumulative (they carry the next expected PSN) and coalesced, one per
 * `ack_every` in-order packets and always on the last packet of a message; out-of-order packets
 * are answered with a NAK (go-back-N: once per gap; selective repeat: each, with its PSN as a
 * selective ack); duplicates with an ACK so that a sender recovering by timeout learns how far it
 * got. CE-marked packets are echoed in ACKs and, when the congestion control asks, answered with
 * CNPs (at most one per interval). PSNs are unbounded integers (the 24-bit wrap is not modelled).
 */
export class RoceV2Qp implements SendQueue, Endpoint, Actor {
  actorId = -1;
  inNic = false;
  readonly priority: number;
  private readonly ackPriority: number;
  private readonly messages = new Ring<Message>(4);
  private readonly tx: SenderRecovery;
  private retries = 0;
  private nextSendAt: Time = 0;
  /** When the NIC was paused with this QP holding data (-1: not paused). */
  private nicPausedAt: Time = -1;
  private readonly rto: Timer;
  private readonly rtoPs: Time;
  // responder
  private readonly rx: ReceiverRecovery;
  private unacked = 0;
  private readonly ackBytes: number;
  /** Messages whose last byte the responder has not yet received, oldest first. */
  private readonly inbound = new Ring<Message>(4);
  /** CE-marked packets since the last ACK (the ECN echo of the next ACK). */
  private markedSinceAck = 0;
  /** Time of the last CNP this responder sent (-Infinity: none yet). */
  private lastCnp = -Infinity;
  /** Reused for every ACK handed to the congestion control. */
  private readonly ackEvent: AckEvent = { ackedBytes: 0, ackedPackets: 0, markedPackets: 0, rttPs: 0, intHops: 0, int: null, inflightBytes: 0, now: 0 };

  constructor(private readonly ctx: RoceV2QpContext) {
    this.priority = ctx.params.priority;
    this.ackPriority = ctx.params.ack_priority ?? ctx.params.priority;
    this.rtoPs = us(ctx.params.rto_us);
    this.rto = new Timer(ctx.sim, this, RTO);
    this.ackBytes = ctx.frames.ackFrameBytes;
    const selective = ctx.params.loss_recovery === 'selective-repeat';
    this.tx = selective ? new SelectiveRepeatSender() : new GoBackNSender();
    this.rx = selective ? new SelectiveRepeatReceiver() : new GoBackNReceiver();
  }

  /** Posts a WRITE of `flow.bytes` bytes. */
  post(flow: FlowRecord): void {
    const packets = Math.max(1, Math.ceil(flow.bytes / this.ctx.mtu));
    const m: Message = { flow, firstPsn: this.tx.end, packets };
    this.messages.push(m);
    this.inbound.push(m);
    this.tx.end += packets;
    this.ctx.srcNic.activate(this);
  }

  // ---- requester: SendQueue ----

  hasData(): boolean {
    return this.tx.peek() >= 0;
  }

  readyAt(now: Time): Time {
    const psn = this.tx.peek();
    if (psn >= this.tx.next) {
      // new data is limited by the window; retransmissions are not
      const inflight = this.tx.next - this.tx.una;
      const w = this.ctx.params.window_packets;
      if (w > 0 && inflight >= w) return Infinity;
      // the CC window, but never below ack_every packets: the responder ACKs only every
      // ack_every packets, so a smaller window would wait for the retransmission timeout
      if (inflight >= this.ctx.params.ack_every && inflight * this.ctx.mtu >= this.ctx.cc.windowBytes()) return Infinity;
    }
    return this.nextSendAt > now ? this.nextSendAt : now;
  }

  nextPacket(): Packet {
    const ctx = this.ctx;
    const psn = this.tx.peek();
    const m = messageOf(this.messages, psn)!;
    const k = psn - m.firstPsn;
    const last = k === m.packets - 1;
    const payload = last ? m.flow.bytes - k * ctx.mtu : ctx.mtu;
    const pkt = ctx.pool.acquire();
    pkt.src = ctx.src;
    pkt.dst = ctx.dst;
    pkt.priority = this.priority;
    pkt.flowHash = ctx.flowHash;
    pkt.ecn = 2; // ECT(0): RoCEv2 NICs mark data ECN-capable
    pkt.conn = ctx.conn;
    pkt.type = OP_WRITE;
    pkt.psn = psn;
    pkt.flags = (k === 0 ? FLAG_FIRST : 0) | (last ? FLAG_LAST : 0);
    pkt.payload = payload;
    pkt.frameBytes = ctx.frames.frameBytes(m.flow.bytes, k);
    pkt.sentAt = ctx.sim.now;
    pkt.wantsInt = ctx.feedback.int;
    ctx.traffic.injectedPackets++;
    ctx.traffic.injectedBytes += pkt.frameBytes;
    ctx.cc.onSend(pkt.frameBytes, ctx.sim.now);
    m.flow.packetsSent++;
    if (psn < this.tx.maxSent) m.flow.retxPackets++;
    this.tx.sent(psn);
    const rate = ctx.cc.rateBps();
    if (rate < ctx.srcNic.rateBps) {
      this.nextSendAt = ctx.sim.now + Math.ceil(((pkt.frameBytes + ETH_PREAMBLE_IFG_BYTES) * 8 * PS_PER_S) / rate);
    }
    if (!this.rto.armed) this.rto.setAfter(this.rtoPs);
    return pkt;
  }

  onNicPause(paused: boolean, now: Time): void {
    if (paused) {
      if (this.hasData()) this.nicPausedAt = now;
    } else if (this.nicPausedAt >= 0) {
      const m = this.messages.peek();
      if (m !== undefined) m.flow.nicPausedPs += now - this.nicPausedAt;
      this.nicPausedAt = -1;
    }
  }

  // ---- both ends: Endpoint ----

  onPacket(pkt: Packet, host: number): void {
    if (pkt.type === OP_WRITE) {
      if (host === this.ctx.dst) this.onData(pkt);
    } else if (host === this.ctx.src) {
      if (pkt.type === OP_CNP) this.ctx.cc.onCnp(this.ctx.sim.now);
      else this.onAck(pkt);
    }
  }

  /** RTO expiry. */
  onEvent(kind: number): void {
    const tx = this.tx;
    if (kind !== RTO || tx.una >= tx.maxSent) return;
    const ctx = this.ctx;
    this.retries++;
    const head = this.messages.peek();
    if (head !== undefined) head.flow.timeouts++;
    if (this.retries > ctx.params.retry_count) {
      // retry count exceeded: the QP goes to the error state and flushes its messages
      while (this.messages.length > 0) ctx.flows.end(this.messages.shift()!.flow, 'failed', ctx.sim.now);
      tx.ack(tx.end);
      return;
    }
    ctx.cc.onTimeout(ctx.sim.now);
    tx.timeout();
    this.rto.setAfter(this.rtoPs);
    if (this.hasData()) ctx.srcNic.activate(this);
  }

  private onAck(ack: Packet): void {
    const ctx = this.ctx;
    const tx = this.tx;
    const nak = ack.type === OP_NAK;
    const before = tx.una;
    const lossEpisode = nak ? tx.nak(ack.psn, ack.sackPsn) : false;
    if (!nak) tx.ack(ack.psn);
    const acked = tx.una - before;
    const ev = this.ackEvent;
    ev.ackedBytes = acked * ctx.mtu;
    ev.ackedPackets = acked;
    ev.markedPackets = ack.ecnEcho;
    ev.rttPs = ctx.sim.now - ack.echoTs;
    ev.intHops = ack.intHops;
    ev.int = ack.int;
    ev.now = ctx.sim.now;
    if (acked > 0) {
      this.retries = 0;
      while (this.messages.length > 0) {
        const m = this.messages.peek()!;
        if (m.firstPsn + m.packets > tx.una) break;
        this.messages.shift();
        ctx.flows.end(m.flow, 'done', ctx.sim.now);
      }
      if (tx.una >= tx.maxSent) this.rto.cancel();
      else this.rto.setAfter(this.rtoPs);
    }
    ev.inflightBytes = (tx.next - tx.una) * ctx.mtu;
    ctx.cc.onAck(ev);
    if (lossEpisode) ctx.cc.onLoss(ctx.sim.now);
    if (this.hasData()) ctx.srcNic.activate(this);
  }

  // ---- responder ----

  private onData(pkt: Packet): void {
    const ctx = this.ctx;
    const rx = this.rx;
    const verdict = rx.arrive(pkt.psn);
    if (verdict === RX_IN_ORDER || (verdict === RX_OUT_OF_ORDER && rx.keepsOutOfOrder)) {
      // the packet's data is placed in memory
      const m = messageOf(this.inbound, pkt.psn)!;
      m.flow.deliveredBytes += pkt.payload;
      m.flow.deliveredPackets++;
      m.flow.pauseDelayPs += pkt.pausedPs;
      if (pkt.ecn === 3) {
        m.flow.ecnMarked++;
        this.markedSinceAck++;
      }
    }
    if (verdict === RX_IN_ORDER) {
      let completed = false;
      while (this.inbound.length > 0) {
        const m = this.inbound.peek()!;
        if (m.firstPsn + m.packets > rx.expected) break;
        m.flow.recvDone = ctx.sim.now;
        this.inbound.shift();
        completed = true;
      }
      if (++this.unacked >= ctx.params.ack_every || completed) this.sendAck(OP_ACK, pkt, -1);
    } else if (verdict === RX_OUT_OF_ORDER) {
      if (rx.nakFor(pkt.psn)) this.sendAck(OP_NAK, pkt, rx.keepsOutOfOrder ? pkt.psn : -1);
    } else {
      this.sendAck(OP_ACK, pkt, -1); // duplicate
    }
    // DCQCN notification point: a CNP for a CE-marked packet, at most one per interval per QP
    const fb = ctx.feedback;
    if (fb.cnp && pkt.ecn === 3 && ctx.sim.now - this.lastCnp >= fb.cnpIntervalPs) {
      this.lastCnp = ctx.sim.now;
      this.sendControl(OP_CNP, null);
    }
  }

  /** Sends an ACK or NAK for the current state, echoing `trigger`'s timestamp and telemetry. */
  private sendAck(op: number, trigger: Packet, sack: number): void {
    this.unacked = 0;
    const a = this.sendControl(op, trigger);
    a.sackPsn = sack;
    a.ecnEcho = this.markedSinceAck;
    this.markedSinceAck = 0;
  }

  /** Builds and sends a responder → requester control packet (ACK, NAK, CNP). */
  private sendControl(op: number, trigger: Packet | null): Packet {
    const ctx = this.ctx;
    const a = ctx.pool.acquire();
    a.src = ctx.dst;
    a.dst = ctx.src;
    a.priority = this.ackPriority;
    a.flowHash = ctx.flowHash ^ 0x5bd1e995;
    a.conn = ctx.conn;
    a.type = op;
    a.psn = this.rx.expected;
    a.frameBytes = this.ackBytes;
    a.sentAt = ctx.sim.now;
    if (trigger !== null) {
      a.echoTs = trigger.sentAt;
      if (trigger.wantsInt) copyInt(trigger, a);
    }
    ctx.traffic.injectedPackets++;
    ctx.traffic.injectedBytes += a.frameBytes;
    ctx.dstNic.sendPacket(a);
    return a;
  }
}
