import type { Simulator } from '../../sim/simulator.js';
import type { Time } from '../../sim/time.js';
import { Completion, type CompletionQueue } from './completion-queue.js';
import { VerbsError } from './errors.js';
import type { MessageLog } from './message-log.js';
import type { RdmaDevice } from './nic-limits.js';
import { V_RECV, WC_LOC_LEN_ERR, WC_SUCCESS, wcOpcodeOf, type RecvWqe, type RecvWr, type SendWqe } from './work-request.js';

/**
 * What every queue pair does the same way whatever carries its messages (the IB transport of
 * rdma/queue-pair.ts, or iWARP's RDMAP over TCP in iwarp/queue-pair.ts): the QP state machine,
 * receive-queue checks, and reporting a finished work request (messages.csv row + completion).
 */

/** QP states (IBA §10.3.1; `enum ibv_qp_state` without the SQ-drain states). */
export const QPS_RESET = 0;
export const QPS_INIT = 1;
export const QPS_RTR = 2;
export const QPS_RTS = 3;
export const QPS_ERR = 4;
export const QP_STATE_NAMES = ['RESET', 'INIT', 'RTR', 'RTS', 'ERR'] as const;
export type QpStateName = (typeof QP_STATE_NAMES)[number];

/**
 * The state `ibv_modify_qp` moves a QP to: RESET → INIT → RTR → RTS, any state → ERR, any → RESET;
 * throws a VerbsError (EINVAL) for any other transition, or for RTR without a connected peer.
 */
export function qpTransition(qpn: number, from: number, to: QpStateName, connected: boolean, what: string): number {
  const target = QP_STATE_NAMES.indexOf(to);
  const ok =
    target === QPS_ERR ||
    target === QPS_RESET ||
    (target === QPS_INIT && (from === QPS_RESET || from === QPS_INIT)) ||
    (target === QPS_RTR && from === QPS_INIT) ||
    (target === QPS_RTS && (from === QPS_RTR || from === QPS_RTS));
  if (!ok) throw new VerbsError('EINVAL', `modify_qp: QP ${qpn} cannot go from ${QP_STATE_NAMES[from]} to ${to}`);
  if (target === QPS_RTR && !connected) throw new VerbsError('EINVAL', `modify_qp: QP ${qpn} (${what}) needs a remote QP to go to RTR; connect it first`);
  return target;
}

/** `ibv_post_recv`'s checks: not in RESET, a size ≥ 0, room in the receive queue. */
export function checkPostRecv(where: string, state: number, wr: RecvWr, posted: number, depth: number): void {
  if (state === QPS_RESET) throw new VerbsError('EINVAL', `${where}: the QP is in RESET; receives need INIT or later`);
  if (!Number.isInteger(wr.bytes) || wr.bytes < 0) throw new VerbsError('EINVAL', `${where}: bytes must be an integer ≥ 0, got ${wr.bytes}`);
  if (posted >= depth) throw new VerbsError('ENOMEM', `${where}: the receive queue is full (${depth} RECVs posted)`);
}

/** Where a QP reports finished work requests. */
export interface ReportSite {
  sim: Simulator;
  device: RdmaDevice;
  host: number;
  messages: MessageLog | null;
}

/**
 * A send work request finished with `status` at QP `qpn` (whose peer is `peerHost`): its
 * messages.csv row, and its completion on `cq` when signaled or failed. Returns when the
 * application can see it (the NIC's DMA write of the entry).
 */
export function reportSend(site: ReportSite, qpn: number, peerHost: number, cq: CompletionQueue | null, w: SendWqe, status: number, value?: bigint): Time {
  const now = site.sim.now;
  w.status = status;
  w.completedAt = now;
  if (site.messages !== null) w.logRow = site.messages.add(w.flow !== null ? w.flow.id : -1, qpn, site.host, peerHost, w.verb, w.bytes, w.postedAt, w.startedAt, now, w.recvAt, status);
  const visible = now + site.device.limits.dmaWritePs;
  if (cq !== null && (w.signaled || status !== WC_SUCCESS)) cq.push(new Completion(cq, w.wrId, status, wcOpcodeOf(w.verb), w.bytes, qpn, site.host, visible, undefined, undefined, value));
  return visible;
}

/** A receive work request finished: its messages.csv row (`flowId`, from `srcHost`) and its completion on `cq`. */
export function reportRecv(site: ReportSite, qpn: number, srcHost: number, flowId: number, cq: CompletionQueue | null, r: RecvWqe, status: number, bytes: number, opcode: number, imm?: number, srcQpn?: number): void {
  const now = site.sim.now;
  if (site.messages !== null) r.logRow = site.messages.add(flowId, qpn, site.host, srcHost, V_RECV, bytes, r.postedAt, -1, now, status === WC_SUCCESS ? now : -1, status);
  if (cq !== null) cq.push(new Completion(cq, r.wrId, status, opcode, status === WC_SUCCESS || status === WC_LOC_LEN_ERR ? bytes : 0, qpn, site.host, now + site.device.limits.dmaWritePs, imm, srcQpn, undefined));
}
