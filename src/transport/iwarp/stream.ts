import type { FlowRecord } from '../../metrics/flow-table.js';
import { Ring } from '../../sim/ring.js';
import type { Time } from '../../sim/time.js';
import type { SendWqe } from '../rdma/work-request.js';
import type { TcpConnection } from '../tcp/connection.js';
import type { TcpContent } from '../tcp/content.js';
import { fpduBytes, type IwarpFraming } from './framing.js';

/** RDMAP messages on an iWARP stream (RFC 5040 §4.3 opcodes, the ones modelled). */
export const M_SEND = 0;
export const M_WRITE = 1;
export const M_READ_REQ = 2;
export const M_READ_RESP = 3;
export const M_TERMINATE = 4;
/** RFC 7306 Immediate Data (the second message of a WRITE with immediate). */
export const M_IMM = 5;
/** MPA Request and Reply frames (RFC 5044 §7.1; mpa-setup.ts): connection setup, not FPDUs. */
export const M_MPA_REQ = 6;
export const M_MPA_REP = 7;
/** RFC 6581's ready-to-receive message: the initiator's first FPDU, a zero-length RDMA WRITE. */
export const M_RTR = 8;

/**
 * One RDMAP message in a TCP stream: its DDP segments are MPA FPDUs, one per TCP segment,
 * `nSeg` of them from `firstSeg`. `wqe` is the work request it carries out (for a READ
 * response: the initiator's READ, as the Read Request's sink STag/offset name it). Its frames
 * depend on where it sits in the stream (`fpduStart`: FPDU bytes before it), where the markers
 * fall.
 */
export class StreamMsg {
  firstSeg = 0;
  /** FPDU bytes (markers not counted) of the stream before this message. */
  fpduStart = 0;
  readonly nSeg: number;
  /** FPDU bytes of a full segment, and of the whole message. */
  private readonly fullFpdu: number;
  readonly fpduTotal: number;
  /** The sender has it acknowledged (SEND/WRITE: the work request may complete). */
  done = false;

  constructor(
    readonly kind: number,
    readonly wqe: SendWqe | null,
    readonly bytes: number,
    private readonly framing: IwarpFraming,
    /** ULPDU bytes before the payload: the DDP/RDMAP headers. */
    private readonly header = framing.ddpHeader(),
  ) {
    const mss = framing.mss;
    this.nSeg = bytes <= mss ? 1 : Math.ceil(bytes / mss);
    this.fullFpdu = fpduBytes(header + mss);
    // an MPA Request/Reply is `bytes` of plain TCP payload: no FPDU, so no FPDU bytes (markers
    // count from the first FPDU)
    this.fpduTotal = isMpaFrame(kind) ? 0 : (this.nSeg - 1) * this.fullFpdu + fpduBytes(header + bytes - (this.nSeg - 1) * mss);
  }

  get endSeg(): number {
    return this.firstSeg + this.nSeg;
  }

  payload(seg: number): number {
    const k = seg - this.firstSeg;
    const mss = this.framing.mss;
    return k < this.nSeg - 1 ? mss : this.bytes - k * mss;
  }

  frameBytes(seg: number): number {
    if (isMpaFrame(this.kind)) return this.framing.plainFrame(this.bytes);
    const k = seg - this.firstSeg;
    return this.framing.frameAt(fpduBytes(this.header + this.payload(seg)), this.fpduStart + k * this.fullFpdu);
  }
}

/** Whether a stream message of `kind` is an MPA Request or Reply frame (not an FPDU). */
export function isMpaFrame(kind: number): boolean {
  return kind === M_MPA_REQ || kind === M_MPA_REP;
}

/** What a queue pair does with the messages of a stream (iwarp/queue-pair.ts). */
export interface StreamEnd {
  /** Sender: TCP acknowledged the whole of `m`. */
  onMessageAcked(m: StreamMsg): void;
  /** Receiver: the first segment of `m` arrived in order (placement starts: a SEND needs its RECV). */
  onMessageStart(m: StreamMsg, now: Time): void;
  /** Receiver: the whole of `m` arrived in order. */
  onMessageDelivered(m: StreamMsg, now: Time): void;
}

/**
 * One direction of an iWARP connection: the RDMAP messages a queue pair sends, in the order its
 * NIC started them, as the content of a {@link TcpConnection} (one MPA FPDU per TCP segment).
 * Messages stay in `out` until TCP has acknowledged them and in `in` until the receiver has them
 * whole; a segment is found by binary search among the unacknowledged messages.
 */
export class IwarpStream implements TcpContent {
  segments = 0;
  /** FPDU bytes (markers not counted) appended so far. */
  fpduBytes = 0;
  /** Messages not yet wholly acknowledged (sender side), in stream order. */
  private readonly out = new Ring<StreamMsg>(8);
  /** Messages not yet wholly delivered (receiver side), in stream order. */
  private readonly in = new Ring<StreamMsg>(8);
  /** The TCP connection carrying the stream (set once made). */
  tcp: TcpConnection | null = null;

  constructor(
    readonly sender: StreamEnd,
    readonly receiver: StreamEnd,
  ) {}

  /** Appends `m` to the stream and wakes the sender. */
  append(m: StreamMsg): void {
    m.firstSeg = this.segments;
    m.fpduStart = this.fpduBytes;
    this.segments += m.nSeg;
    this.fpduBytes += m.fpduTotal;
    this.out.push(m);
    this.in.push(m);
    this.tcp!.wake();
  }

  /** The unacknowledged message holding `seg`, or null. */
  private find(seg: number): StreamMsg | null {
    const o = this.out;
    let lo = 0;
    let hi = o.length - 1;
    while (lo <= hi) {
      const mid = (lo + hi) >> 1;
      const m = o.at(mid)!;
      if (seg < m.firstSeg) hi = mid - 1;
      else if (seg >= m.endSeg) lo = mid + 1;
      else return m;
    }
    return null;
  }

  payload(seg: number): number {
    const m = this.find(seg);
    return m === null ? 0 : m.payload(seg);
  }

  frameBytes(seg: number): number {
    return this.find(seg)!.frameBytes(seg);
  }

  flowOf(seg: number): FlowRecord | null {
    const m = this.find(seg);
    return m === null || m.wqe === null ? null : m.wqe.flow;
  }

  endsMessage(seg: number): boolean {
    const m = this.find(seg);
    return m !== null && seg === m.endSeg - 1;
  }

  acked(una: number): void {
    const o = this.out;
    while (o.length > 0 && o.peek()!.endSeg <= una) this.sender.onMessageAcked(o.shift()!);
  }

  delivered(from: number, to: number, now: Time): void {
    const inb = this.in;
    while (inb.length > 0) {
      const m = inb.peek()!;
      if (m.firstSeg >= to) break;
      const a = from > m.firstSeg ? from : m.firstSeg;
      const b = to < m.endSeg ? to : m.endSeg;
      const f = m.wqe === null ? null : m.wqe.flow;
      if (f !== null) for (let q = a; q < b; q++) f.deliveredBytes += m.payload(q);
      if (a === m.firstSeg) this.receiver.onMessageStart(m, now);
      if (this.tcp!.closed) return;
      if (b < m.endSeg) break;
      inb.shift();
      this.receiver.onMessageDelivered(m, now);
      if (this.tcp!.closed) return;
    }
  }
}
