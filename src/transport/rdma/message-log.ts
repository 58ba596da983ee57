import type { Time } from '../../sim/time.js';

/** Column offsets of a message-log row. */
export const ML_FLOW = 0;
export const ML_QPN = 1;
export const ML_HOST = 2;
export const ML_PEER = 3;
export const ML_VERB = 4;
export const ML_BYTES = 5;
export const ML_POST = 6;
export const ML_START = 7;
export const ML_COMPLETE = 8;
export const ML_RECV = 9;
export const ML_STATUS = 10;
const STRIDE = 11;

/**
 * One row per work request (messages.csv): the flow or application it belongs to, the QP, the
 * verb, the size, and its times: posted, started on the wire, completed at its own QP, and when the
 * data was whole at the receiver. Rows are appended when a work request completes (or at the end
 * of the run, still pending); the receive time of an unreliable (UC/UD) send, known only after the
 * sender's completion, is filled in later. Column-wise in one growable Float64Array: no object per
 * row. Absent times are -1.
 */
export class MessageLog {
  private data = new Float64Array(1024 * STRIDE);
  private rows = 0;

  get length(): number {
    return this.rows;
  }

  get(row: number, col: number): number {
    return this.data[row * STRIDE + col]!;
  }

  /** Sets the receive time of a logged row. */
  setRecv(row: number, t: Time): void {
    this.data[row * STRIDE + ML_RECV] = t;
  }

  /** Appends a row; returns its index. */
  add(flow: number, qpn: number, host: number, peer: number, verb: number, bytes: number, post: Time, start: Time, complete: Time, recv: Time, status: number): number {
    if ((this.rows + 1) * STRIDE > this.data.length) {
      const n = new Float64Array(this.data.length * 2);
      n.set(this.data);
      this.data = n;
    }
    const b = this.rows * STRIDE;
    const d = this.data;
    d[b + ML_FLOW] = flow;
    d[b + ML_QPN] = qpn;
    d[b + ML_HOST] = host;
    d[b + ML_PEER] = peer;
    d[b + ML_VERB] = verb;
    d[b + ML_BYTES] = bytes;
    d[b + ML_POST] = post;
    d[b + ML_START] = start;
    d[b + ML_COMPLETE] = complete;
    d[b + ML_RECV] = recv;
    d[b + ML_STATUS] = status;
    return this.rows++;
  }
}
