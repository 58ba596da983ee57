import type { FlowRecord, FlowTable } from '../../metrics/flow-table.js';
import type { Time } from '../../sim/time.js';
import type { TcpFraming } from './framing.js';

/**
 * What one direction of a TCP connection carries: its segments, as the sender has them so far
 * (the count may grow while the connection runs), and what happens when they are acknowledged
 * (at the sender) or delivered in order (at the receiver). {@link FlowContent} is one flow's
 * bytes (the `tcp` transport); an iWARP queue pair appends the MPA FPDUs of its messages
 * (../iwarp/stream.ts). Segment numbers start at 0; a segment's payload and frame never change
 * once it exists, so a retransmission is the same frame.
 */
export interface TcpContent {
  /** Segments in the stream so far: the sender may send [0, segments). */
  readonly segments: number;
  /** Payload (application) bytes of segment `seg` (one the receiver has not delivered yet). */
  payload(seg: number): number;
  /** Frame bytes (Ethernet header to FCS) of segment `seg`. */
  frameBytes(seg: number): number;
  /** The flow whose counters segment `seg` adds to (null: none, or no longer known). */
  flowOf(seg: number): FlowRecord | null;
  /** Whether `seg` ends a message (its PSH: the receiver ACKs it at once). */
  endsMessage(seg: number): boolean;
  /** Sender: the cumulative ACK now covers every segment below `una`. */
  acked(una: number, now: Time): void;
  /** Receiver: segments [from, to) have been delivered in order. */
  delivered(from: number, to: number, now: Time): void;
}

/**
 * One flow's bytes as a TCP stream: segment k carries bytes [k·MSS, min((k+1)·MSS, bytes)). The
 * flow ends when the last segment is acknowledged; its `recvDone` is when the last byte arrived.
 */
export class FlowContent implements TcpContent {
  readonly segments: number;

  constructor(
    private readonly flow: FlowRecord,
    private readonly fr: TcpFraming,
    private readonly flows: FlowTable,
  ) {
    this.segments = fr.segments(flow.bytes);
  }

  payload(seg: number): number {
    return this.fr.payload(this.flow.bytes, seg);
  }

  frameBytes(seg: number): number {
    return this.fr.dataFrame(this.payload(seg));
  }

  flowOf(): FlowRecord {
    return this.flow;
  }

  endsMessage(seg: number): boolean {
    return seg >= this.segments - 1;
  }

  acked(una: number, now: Time): void {
    if (una >= this.segments) this.flows.end(this.flow, 'done', now);
  }

  delivered(from: number, to: number, now: Time): void {
    const mss = this.fr.mss;
    const bytes = this.flow.bytes;
    this.flow.deliveredBytes += Math.min(to * mss, bytes) - Math.min(from * mss, bytes);
    if (to >= this.segments && this.flow.recvDone < 0) this.flow.recvDone = now;
  }
}
