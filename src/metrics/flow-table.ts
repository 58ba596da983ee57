import type { Time } from '../sim/time.js';

/** Outcome of a flow. */
export type FlowStatus = 'pending' | 'done' | 'failed';

/** Everything measured about one flow (one RDMA message / transfer). */
export class FlowRecord {
  /** Time the last byte was delivered in order at the receiver, ps (-1: not yet). */
  recvDone: Time = -1;
  /** Time the sender saw the completion (last ACK), ps (-1: not yet). */
  finish: Time = -1;
  /** Ideal completion time on an idle fabric, ps. */
  idealFct: Time = 0;
  /** Data packets transmitted, first transmissions and retransmissions. */
  packetsSent = 0;
  /** Data packets retransmitted. */
  retxPackets = 0;
  /** Retransmission timeouts. */
  timeouts = 0;
  /** Retransmissions the receiver reported as duplicates (TCP D-SACK, RFC 2883): spurious ones. */
  spuriousRetx = 0;
  /** Data packets that arrived with ECN CE. */
  ecnMarked = 0;
  /** Payload bytes delivered to the receiver (placed in its memory). */
  deliveredBytes = 0;
  /** Data packets delivered to the receiver. */
  deliveredPackets = 0;
  /** Sum over delivered data packets of the time each spent queued behind PFC pauses, ps. */
  pauseDelayPs = 0;
  /** Time the sender's NIC was paused (for the flow's priority) while the flow had data to send, ps. */
  nicPausedPs = 0;
  status: FlowStatus = 'pending';

  constructor(
    readonly id: number,
    readonly src: number,
    readonly dst: number,
    readonly bytes: number,
    readonly start: Time,
    readonly transport: string,
    readonly verb: string,
  ) {}
}

/** The flows of a run; tells the runner when the last one has ended. */
export class FlowTable {
  readonly records: FlowRecord[] = [];
  private open = 0;
  /** Called once when every flow is done or failed. */
  onAllEnded: (() => void) | null = null;

  add(r: FlowRecord): FlowRecord {
    this.records.push(r);
    this.open++;
    return r;
  }

  /** Flows neither done nor failed. */
  get remaining(): number {
    return this.open;
  }

  /** Marks a flow ended (done or failed) at time `t`. */
  end(r: FlowRecord, status: 'done' | 'failed', t: Time): void {
    if (r.status !== 'pending') return;
    r.status = status;
    if (status === 'done') r.finish = t;
    if (--this.open === 0 && this.onAllEnded !== null) this.onAllEnded();
  }
}
