import type { FlowRecord } from '../../metrics/flow-table.js';
import type { Actor } from '../../sim/actor.js';
import { Ring } from '../../sim/ring.js';
import type { Time } from '../../sim/time.js';
import { Timer } from '../../sim/timer.js';
import type { CompletionQueue } from '../rdma/completion-queue.js';
import { VerbsError } from '../rdma/errors.js';
import type { MessageLog } from '../rdma/message-log.js';
import type { RdmaDevice } from '../rdma/nic-limits.js';
import type { QpTypeName } from '../rdma/queue-pair.js';
import { QPS_ERR, QPS_INIT, QPS_RESET, QPS_RTR, QPS_RTS, QP_STATE_NAMES, checkPostRecv, qpTransition, reportRecv, reportSend, type QpStateName } from '../rdma/verbs-common.js';
import type { VerbsQp, WriteListener } from '../rdma/verbs-runtime.js';
import {
  RecvWqe,
  SendWqe,
  V_READ,
  V_SEND,
  V_WRITE,
  V_WRITE_IMM,
  WCO_RECV,
  WCO_RECV_RDMA_WITH_IMM,
  WC_LOC_LEN_ERR,
  WC_REM_OP_ERR,
  WC_SUCCESS,
  WC_WR_FLUSH_ERR,
  verbCode,
  type RecvWr,
  type SendWr,
} from '../rdma/work-request.js';
import type { FlowTable } from '../../metrics/flow-table.js';
import type { Simulator } from '../../sim/simulator.js';
import { DDP_UNTAGGED_HEADER, RDMAP_IMMEDIATE, RDMAP_READ_REQUEST, RDMAP_TERMINATE, type IwarpFraming } from './framing.js';
import { IwarpStream, M_IMM, M_MPA_REP, M_MPA_REQ, M_READ_REQ, M_READ_RESP, M_RTR, M_SEND, M_TERMINATE, M_WRITE, StreamMsg, type StreamEnd } from './stream.js';
import { mpaFrameBytes } from './mpa-setup.js';
import type { PostSendHook } from '../rdma/posting.js';

/** What every iWARP QP on one host shares. */
export interface IwarpSite {
  sim: Simulator;
  flows: FlowTable;
  device: RdmaDevice;
  host: number;
  messages: MessageLog | null;
  /** DDP tagged (WRITE, READ response) and untagged (SEND) framing. */
  tagged: IwarpFraming;
  untagged: IwarpFraming;
  /** The host CPU's posting work per send work request (src/transport/rdma/posting.ts; absent or null: free). */
  posting?: PostSendHook | null;
}

/** An iWARP QP's attributes, resolved. */
export interface IwarpQpAttrs {
  sqDepth: number;
  rqDepth: number;
  maxInline: number;
  /** Outbound RDMA Read Queue depth: READs outstanding as initiator. */
  ord: number;
  /** Inbound RDMA Read Queue depth: Read Requests accepted as responder. */
  ird: number;
  sendCq: CompletionQueue | null;
  recvCq: CompletionQueue | null;
}

const EV_PUMP = 0;

/** A Read Request the responder holds until its data has been read from memory. */
class ReadJob {
  constructor(
    readonly req: StreamMsg,
    readonly readyAt: Time,
  ) {}
}

/**
 * An iWARP queue pair (RFC 5040 RDMAP over RFC 5041 DDP over RFC 5044 MPA over TCP): the verbs
 * of an RC QP, carried as RDMAP messages on the two directions of one offloaded TCP connection
 * (iwarp/stream.ts). iWARP has only reliable connected QPs and, in RFC 5040, no atomics and no
 * immediate data. `write_imm` is RFC 7306's RDMA Write with Immediate Data: the WRITE, then an
 * Immediate Data message (untagged DDP, 8 bytes) that consumes a RECV at the responder
 * (IBV_WC_RECV_RDMA_WITH_IMM); `send_imm`, `cas` and `faa` (RFC 7306 atomics) are refused at post
 * time.
 *
 * **Requester.** A posted work request becomes visible to the NIC after the doorbell (and the DMA
 * read of a non-inline payload); the NIC then starts it — appends its FPDUs to the TCP stream —
 * in posting order, at most `msg_rate_mpps` per µs per NIC and `qp_msg_rate_mpps` per QP (the
 * `nic` block; the QP-context cache is not modelled for iWARP). A READ also waits for a free slot of the outbound read queue: at most
 * min(`ord`, the peer's `ird`) READs outstanding (MPA negotiates ORD down to the peer's IRD); a
 * fenced request waits for every outstanding READ. A SEND or WRITE completes when TCP has
 * acknowledged its last segment (the data is in the peer's TCP, RFC 5040 §5.1: the sender learns
 * nothing of placement); a READ when its last Read Response segment has arrived in order.
 * Completions are reported in posting order.
 *
 * **Responder.** A SEND is placed into the next posted RECV. iWARP has no RNR NAK: a SEND that
 * finds no RECV posted (or one too small) is a DDP error (RFC 5041 §7.2 / RFC 5040 §7): the
 * receiving QP completes the RECV with IBV_WC_LOC_LEN_ERR if there was one, goes to the error
 * state (flushing its work requests) and sends an RDMAP Terminate message in its stream; when the
 * Terminate arrives the peer completes that SEND with IBV_WC_REM_OP_ERR if TCP had not already
 * acknowledged it (then it completed with success: the sender could not know), flushes the rest
 * and both streams stop. A WRITE lands without the receiver's CPU (a polling application sees it
 * after the DMA write). A Read Request is answered by the NIC: after the DMA read of the data the
 * Read Response (DDP tagged, as a WRITE) is appended to the responder's own stream, in request
 * order with its own messages; a request beyond `ird` outstanding terminates the connection.
 */
export class IwarpQp implements VerbsQp, StreamEnd, Actor {
  actorId = -1;
  state = QPS_RESET;
  readonly type: QpTypeName = 'rc';
  appFlow: FlowRecord | null = null;
  listener: WriteListener | null = null;
  peer: IwarpQp | null = null;
  /** The stream this QP sends on (to its peer); set by connect. */
  out: IwarpStream | null = null;
  /** The stream this QP receives (from its peer). */
  in: IwarpStream | null = null;

  /** Posted, not yet started by the NIC. */
  private readonly pending = new Ring<SendWqe>(4);
  /** Started request messages (SEND, WRITE, Read Request) in posting order, not yet completed. */
  private readonly active = new Ring<StreamMsg>(4);
  private readonly rq = new Ring<RecvWqe>(4);
  /** Read Requests waiting for their data at this responder. */
  private readonly jobs = new Ring<ReadJob>(2);
  private sqOutstanding = 0;
  /** READs outstanding as initiator. */
  private readsOut = 0;
  /** Read Requests held as responder (arrived, response not yet started). */
  private readsIn = 0;
  /** Per-QP message-rate clock: earliest start of the next work request. */
  private nextWqeAt: Time = 0;
  private readonly pumpTimer: Timer;
  /** Terminate messages this QP sent (a protocol error it detected). */
  terminatesSent = 0;
  /**
   * MPA connection setup in progress (mpa-setup.ts): the initiator waits for the MPA Reply, the
   * responder for the initiator's first FPDU; no FPDU of this QP's is started meanwhile.
   */
  private mpaWait = false;

  constructor(
    private readonly site: IwarpSite,
    readonly qpn: number,
    readonly attrs: IwarpQpAttrs,
  ) {
    this.pumpTimer = new Timer(site.sim, this, EV_PUMP);
  }

  get host(): number {
    return this.site.host;
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

  /** READs started and not yet answered. */
  get outstandingReads(): number {
    return this.readsOut;
  }

  /** READs this QP may keep outstanding: its ORD, capped by the peer's IRD (MPA negotiation). */
  get readLimit(): number {
    const own = this.attrs.ord;
    const peer = this.peer === null ? own : this.peer.attrs.ird;
    return own < peer ? own : peer;
  }

  // ======================================================================= verbs

  /** `ibv_modify_qp`: RESET → INIT → RTR (connected) → RTS, any → ERR, any → RESET. */
  modify(to: QpStateName): void {
    const target = qpTransition(this.qpn, this.state, to, this.peer !== null, 'iwarp rc');
    if (target === QPS_ERR) return this.enterError();
    if (target === QPS_RESET) {
      if (this.state !== QPS_ERR && (this.active.length > 0 || this.pending.length > 0)) this.enterError();
      this.rq.clear();
      this.sqOutstanding = 0;
    }
    this.state = target;
    if (target === QPS_RTS) this.pump(this.site.sim.now);
  }

  /** RESET → INIT → RTR → RTS. */
  toRts(): void {
    if (this.state === QPS_RESET) this.modify('INIT');
    if (this.state === QPS_INIT) this.modify('RTR');
    if (this.state === QPS_RTR) this.modify('RTS');
  }

  /**
   * MPA connection setup (mpa-setup.ts) on a connected QP, before it reaches RTS: the initiator
   * puts an MPA Request frame first in its stream; both hold their FPDUs until it completes.
   */
  startMpa(initiator: boolean): void {
    this.mpaWait = true;
    if (initiator) this.out!.append(new StreamMsg(M_MPA_REQ, null, mpaFrameBytes(), this.site.untagged));
  }

  /** `ibv_post_send`: SEND, WRITE or READ; throws a VerbsError as the errno would be. */
  postSend(wr: SendWr): SendWqe {
    const verb = verbCode(wr.verb);
    const where = `post_send on iWARP QP ${this.qpn}`;
    if (verb !== V_SEND && verb !== V_WRITE && verb !== V_READ && verb !== V_WRITE_IMM) {
      throw new VerbsError('EINVAL', `${where}: iWARP carries send, write, read (RFC 5040) and write_imm (RFC 7306); '${String(wr.verb)}' needs send with immediate or atomics (not modelled)`);
    }
    if (this.state !== QPS_RTS && this.state !== QPS_ERR) throw new VerbsError('EINVAL', `${where}: the QP is in ${this.stateName}; sends need RTS`);
    const bytes = wr.bytes;
    if (!Number.isInteger(bytes) || bytes < 0 || bytes > 2 ** 31) throw new VerbsError('EINVAL', `${where}: bytes must be an integer in 0..2^31, got ${bytes}`);
    const inline = wr.inline === true && verb !== V_READ;
    if (inline && bytes > this.attrs.maxInline) throw new VerbsError('EINVAL', `${where}: an inline payload of ${bytes} bytes exceeds max_inline_data (${this.attrs.maxInline})`);
    if (this.sqOutstanding >= this.attrs.sqDepth) throw new VerbsError('ENOMEM', `${where}: the send queue is full (${this.attrs.sqDepth} outstanding work requests)`);
    const w = new SendWqe(this.qpn, wr.wrId, verb, bytes, wr.signaled ?? true, inline, wr.fence === true, wr.imm ?? 0, wr.remoteAddr ?? 0, 0n, 0n, this.site.sim.now, this.appFlow, false);
    this.postWqe(w);
    return w;
  }

  /** Queues a work request (an application's, or a static flow's message). */
  postWqe(w: SendWqe): void {
    const site = this.site;
    const now = site.sim.now;
    const limits = site.device.limits;
    this.sqOutstanding++;
    w.srcHost = site.host;
    // the core writes the WQE and rings the doorbell (host CPU work, when modelled), then the NIC sees it
    const rung = site.posting != null ? site.posting.postSend(site.host, now) : now;
    w.visibleAt = rung + limits.doorbellPs + (w.inline || w.verb === V_READ || w.bytes === 0 ? 0 : limits.dmaReadPs);
    if (this.state === QPS_ERR) {
      this.complete(w, WC_WR_FLUSH_ERR);
      return;
    }
    this.pending.push(w);
    this.pump(now);
  }

  /** `ibv_post_recv`. */
  postRecv(wr: RecvWr): RecvWqe {
    checkPostRecv(`post_recv on iWARP QP ${this.qpn}`, this.state, wr, this.rq.length, this.attrs.rqDepth);
    const r = new RecvWqe(wr.wrId, wr.bytes, this.site.sim.now);
    if (this.state === QPS_ERR) this.completeRecv(r, WC_WR_FLUSH_ERR, 0, null);
    else this.rq.push(r);
    return r;
  }

  // ======================================================================= the NIC starts messages

  onEvent(): void {
    this.pump(this.site.sim.now);
  }

  /**
   * Starts what is due: Read Responses whose data has been read, then posted work requests the
   * NIC sees, in order, while the read queue has room; arms the timer for the next one due.
   */
  private pump(now: Time): void {
    if (this.state !== QPS_RTS || this.mpaWait) return;
    let next = Infinity;
    const jobs = this.jobs;
    while (jobs.length > 0) {
      const j = jobs.peek()!;
      if (j.readyAt > now) {
        next = j.readyAt;
        break;
      }
      jobs.shift();
      this.readsIn--;
      const w = j.req.wqe!;
      this.out!.append(new StreamMsg(M_READ_RESP, w, w.bytes, this.site.tagged));
    }
    const pending = this.pending;
    const site = this.site;
    const dev = site.device;
    while (pending.length > 0) {
      const w = pending.peek()!;
      // the NIC sees the WQE, and its message rates (per NIC, per QP) allow another
      let t = w.visibleAt;
      if (dev.nextWqeAt > t) t = dev.nextWqeAt;
      if (this.nextWqeAt > t) t = this.nextWqeAt;
      if (t > now) {
        if (t < next) next = t;
        break;
      }
      if ((w.fence && this.readsOut > 0) || (w.verb === V_READ && this.readsOut >= this.readLimit)) break; // resumed by a READ's completion
      pending.shift();
      w.startedAt = now;
      if (dev.limits.msgIntervalPs > 0) dev.nextWqeAt = now + dev.limits.msgIntervalPs;
      if (dev.limits.qpMsgIntervalPs > 0) this.nextWqeAt = now + dev.limits.qpMsgIntervalPs;
      let m: StreamMsg;
      if (w.verb === V_READ) {
        this.readsOut++;
        m = new StreamMsg(M_READ_REQ, w, 0, site.untagged, DDP_UNTAGGED_HEADER + RDMAP_READ_REQUEST);
      } else if (w.verb === V_SEND) {
        m = new StreamMsg(M_SEND, w, w.bytes, site.untagged);
      } else if (w.verb === V_WRITE_IMM) {
        // RFC 7306: an RDMA Write, then an Immediate Data message (untagged, 8 bytes) that
        // consumes a RECV; the work request completes with the latter
        this.out!.append(new StreamMsg(M_WRITE, w, w.bytes, site.tagged));
        m = new StreamMsg(M_IMM, w, 0, site.untagged, DDP_UNTAGGED_HEADER + RDMAP_IMMEDIATE);
      } else {
        m = new StreamMsg(M_WRITE, w, w.bytes, site.tagged);
      }
      this.active.push(m);
      this.out!.append(m);
    }
    if (next !== Infinity) this.pumpTimer.set(next);
  }

  // ======================================================================= stream events

  onMessageAcked(m: StreamMsg): void {
    if (m.kind === M_TERMINATE) {
      this.out!.tcp!.close(); // the peer has the Terminate: this stream is done
      return;
    }
    if (this.state === QPS_ERR) return;
    if (m.kind === M_SEND || m.kind === M_WRITE || m.kind === M_IMM) {
      m.done = true;
      this.drain();
    }
  }

  onMessageStart(m: StreamMsg, now: Time): void {
    if ((m.kind !== M_SEND && m.kind !== M_IMM) || this.state === QPS_ERR) return;
    const r = this.rq.peek();
    if (r !== undefined && (m.kind === M_IMM || r.bytes >= m.bytes)) return;
    // DDP: no untagged buffer for the SEND or Immediate Data (or too small): a fatal error for the stream
    if (r !== undefined) {
      this.rq.shift();
      this.completeRecv(r, WC_LOC_LEN_ERR, m.bytes, m.wqe);
    }
    this.terminate(m);
  }

  onMessageDelivered(m: StreamMsg, now: Time): void {
    if (m.kind === M_TERMINATE) {
      this.onTerminate(m);
      return;
    }
    if (this.state === QPS_ERR) return;
    if (m.kind === M_MPA_REQ) {
      // responder: the MPA Reply answers at once; FPDUs wait for the initiator's first
      this.out!.append(new StreamMsg(M_MPA_REP, null, mpaFrameBytes(), this.site.untagged));
      return;
    }
    if (m.kind === M_MPA_REP) {
      // initiator: setup done; its first FPDU is RFC 6581's zero-length RDMA WRITE, then its messages
      this.out!.append(new StreamMsg(M_RTR, null, 0, this.site.tagged));
      this.mpaWait = false;
      this.pump(now);
      return;
    }
    if (this.mpaWait) {
      // responder: the initiator's first FPDU arrived, so this QP may send its own
      this.mpaWait = false;
      this.pump(now);
    }
    if (m.kind === M_RTR) return;
    const site = this.site;
    const w = m.wqe!;
    if (m.kind === M_READ_RESP) {
      // at the initiator: the READ's data is whole in memory
      w.recvAt = now;
      this.readsOut--;
      for (let i = 0; i < this.active.length; i++) {
        const a = this.active.at(i)!;
        if (a.wqe === w) {
          a.done = true;
          break;
        }
      }
      this.drain();
      this.pump(now);
      return;
    }
    if (m.kind === M_READ_REQ) {
      if (this.readsIn >= this.attrs.ird) {
        this.terminate(m); // beyond the inbound read queue: a protocol error
        return;
      }
      this.readsIn++;
      this.jobs.push(new ReadJob(m, now + site.device.limits.dmaReadPs));
      this.pump(now);
      return;
    }
    if (m.kind === M_WRITE && w.verb === V_WRITE_IMM) return; // its Immediate Data follows
    w.recvAt = now;
    if (w.logRow >= 0 && site.messages !== null) site.messages.setRecv(w.logRow, now);
    if (w.flow !== null && w.endsFlow) w.flow.recvDone = now;
    if (m.kind === M_SEND) {
      const r = this.rq.shift()!;
      this.completeRecv(r, WC_SUCCESS, m.bytes, w);
    } else if (m.kind === M_IMM) {
      const r = this.rq.shift()!;
      this.completeRecv(r, WC_SUCCESS, w.bytes, w, WCO_RECV_RDMA_WITH_IMM, w.imm);
    } else if (this.listener !== null) {
      this.listener.onWriteLanded(this, m.bytes, now + site.device.limits.dmaWritePs);
    }
  }

  /** Completes the head work requests that are done, in posting order. */
  private drain(): void {
    const a = this.active;
    while (a.length > 0 && a.peek()!.done) this.complete(a.shift()!.wqe!, WC_SUCCESS);
  }

  // ======================================================================= errors

  /**
   * A fatal error found here (RFC 5040 §7): this QP goes to ERR and sends an RDMAP Terminate
   * (untagged DDP, Terminate header + the offending segment's DDP header) in its stream.
   */
  private terminate(cause: StreamMsg): void {
    this.terminatesSent++;
    this.enterError();
    const site = this.site;
    const t = new StreamMsg(M_TERMINATE, cause.wqe, 0, site.untagged, DDP_UNTAGGED_HEADER + RDMAP_TERMINATE);
    this.out!.append(t);
  }

  /** The peer's Terminate arrived: the SEND it names fails (unless already complete), the rest flush, the streams stop. */
  private onTerminate(t: StreamMsg): void {
    if (this.state !== QPS_ERR) {
      const a = this.active;
      while (a.length > 0 && a.peek()!.done) this.complete(a.shift()!.wqe!, WC_SUCCESS);
      if (a.length > 0 && t.wqe !== null && a.peek()!.wqe === t.wqe) this.complete(a.shift()!.wqe!, WC_REM_OP_ERR);
      this.enterError();
    }
    this.out!.tcp!.close();
  }

  /** Enters the error state: every outstanding work request completes with IBV_WC_WR_FLUSH_ERR. */
  private enterError(): void {
    if (this.state === QPS_ERR) return;
    this.state = QPS_ERR;
    this.pumpTimer.cancel();
    while (this.active.length > 0) this.complete(this.active.shift()!.wqe!, WC_WR_FLUSH_ERR);
    while (this.pending.length > 0) this.complete(this.pending.shift()!, WC_WR_FLUSH_ERR);
    while (this.rq.length > 0) this.completeRecv(this.rq.shift()!, WC_WR_FLUSH_ERR, 0, null);
    this.jobs.clear();
  }

  // ======================================================================= completions

  /** A send-queue work request completed: log, completion entry, flow bookkeeping. */
  private complete(w: SendWqe, status: number): void {
    const site = this.site;
    this.sqOutstanding--;
    if (w.verb === V_READ && w.startedAt >= 0 && status !== WC_SUCCESS) this.readsOut--;
    const visible = reportSend(site, this.qpn, this.peer !== null ? this.peer.host : -1, this.attrs.sendCq, w, status);
    if (w.flow !== null && w.endsFlow) {
      if (w.verb === V_READ && status === WC_SUCCESS) w.flow.recvDone = site.sim.now;
      site.flows.end(w.flow, status === WC_SUCCESS ? 'done' : 'failed', visible);
    }
  }

  private completeRecv(r: RecvWqe, status: number, bytes: number, from: SendWqe | null, opcode = WCO_RECV, imm?: number): void {
    const flow = from !== null && from.flow !== null ? from.flow.id : this.appFlow !== null ? this.appFlow.id : -1;
    reportRecv(this.site, this.qpn, this.peer !== null ? this.peer.host : -1, flow, this.attrs.recvCq, r, status, bytes, opcode, imm);
  }

  /** Still-pending work requests (for the log at the end of a run). */
  forEachPending(fn: (w: SendWqe) => void): void {
    for (let i = 0; i < this.active.length; i++) fn(this.active.at(i)!.wqe!);
    for (let i = 0; i < this.pending.length; i++) fn(this.pending.at(i)!);
  }
}

