import type { FlowRecord } from '../../metrics/flow-table.js';
import type { Time } from '../../sim/time.js';

/**
 * Work requests: what an application posts to a queue pair (`ibv_post_send` / `ibv_post_recv`),
 * and the codes of their completions (`struct ibv_wc`). Status and opcode numbers are libibverbs'
 * `enum ibv_wc_status` and `enum ibv_wc_opcode` values, so they read the same as in a real trace.
 */

/** Send-queue verbs (this model's codes). */
export const V_SEND = 0;
export const V_SEND_IMM = 1;
export const V_WRITE = 2;
export const V_WRITE_IMM = 3;
export const V_READ = 4;
export const V_CAS = 5;
export const V_FAA = 6;
/** A receive work request (for the message log). */
export const V_RECV = 7;
/** Names of the verbs, as experiment files and messages.csv spell them. */
export const VERB_NAMES = ['send', 'send_imm', 'write', 'write_imm', 'read', 'cas', 'faa', 'recv'] as const;
/** A send-queue verb by name. */
export type SendVerbName = (typeof VERB_NAMES)[0 | 1 | 2 | 3 | 4 | 5 | 6];

/** The verb code of a send-queue verb name, or -1. */
export function verbCode(name: string): number {
  const i = VERB_NAMES.indexOf(name as SendVerbName);
  return i >= 0 && i < V_RECV ? i : -1;
}

/** SEND and SEND with immediate: they consume a RECV at the responder. */
export const isSendVerb = (v: number): boolean => v === V_SEND || v === V_SEND_IMM;
/** READ and the atomics: they wait for responses and count against the outstanding-read limit. */
export const isReadOrAtomic = (v: number): boolean => v === V_READ || v === V_CAS || v === V_FAA;
/** Verbs that consume a RECV at the responder (SEND, SEND with immediate, WRITE with immediate). */
export const consumesRecv = (v: number): boolean => v === V_SEND || v === V_SEND_IMM || v === V_WRITE_IMM;

/** `enum ibv_wc_status`. */
export const WC_SUCCESS = 0;
export const WC_LOC_LEN_ERR = 1;
export const WC_LOC_QP_OP_ERR = 2;
export const WC_LOC_PROT_ERR = 4;
export const WC_WR_FLUSH_ERR = 5;
export const WC_REM_INV_REQ_ERR = 9;
export const WC_REM_ACCESS_ERR = 10;
export const WC_REM_OP_ERR = 11;
export const WC_RETRY_EXC_ERR = 12;
export const WC_RNR_RETRY_EXC_ERR = 13;
/** Not a libibverbs status: the work request has not completed (messages.csv `pending`). */
export const WC_PENDING = -1;

const STATUS_NAMES: Record<number, string> = {
  [WC_SUCCESS]: 'IBV_WC_SUCCESS',
  [WC_LOC_LEN_ERR]: 'IBV_WC_LOC_LEN_ERR',
  [WC_LOC_QP_OP_ERR]: 'IBV_WC_LOC_QP_OP_ERR',
  [WC_LOC_PROT_ERR]: 'IBV_WC_LOC_PROT_ERR',
  [WC_WR_FLUSH_ERR]: 'IBV_WC_WR_FLUSH_ERR',
  [WC_REM_INV_REQ_ERR]: 'IBV_WC_REM_INV_REQ_ERR',
  [WC_REM_ACCESS_ERR]: 'IBV_WC_REM_ACCESS_ERR',
  [WC_REM_OP_ERR]: 'IBV_WC_REM_OP_ERR',
  [WC_RETRY_EXC_ERR]: 'IBV_WC_RETRY_EXC_ERR',
  [WC_RNR_RETRY_EXC_ERR]: 'IBV_WC_RNR_RETRY_EXC_ERR',
  [WC_PENDING]: 'pending',
};

/** The libibverbs name of a completion status (`IBV_WC_SUCCESS`, ...). */
export function statusName(status: number): string {
  return STATUS_NAMES[status] ?? `status_${status}`;
}

/** `enum ibv_wc_opcode`. */
export const WCO_SEND = 0;
export const WCO_RDMA_WRITE = 1;
export const WCO_RDMA_READ = 2;
export const WCO_COMP_SWAP = 3;
export const WCO_FETCH_ADD = 4;
export const WCO_RECV = 128;
export const WCO_RECV_RDMA_WITH_IMM = 129;

const WC_OPCODE_BY_VERB = [WCO_SEND, WCO_SEND, WCO_RDMA_WRITE, WCO_RDMA_WRITE, WCO_RDMA_READ, WCO_COMP_SWAP, WCO_FETCH_ADD];
const OPCODE_NAMES: Record<number, string> = {
  [WCO_SEND]: 'IBV_WC_SEND',
  [WCO_RDMA_WRITE]: 'IBV_WC_RDMA_WRITE',
  [WCO_RDMA_READ]: 'IBV_WC_RDMA_READ',
  [WCO_COMP_SWAP]: 'IBV_WC_COMP_SWAP',
  [WCO_FETCH_ADD]: 'IBV_WC_FETCH_ADD',
  [WCO_RECV]: 'IBV_WC_RECV',
  [WCO_RECV_RDMA_WITH_IMM]: 'IBV_WC_RECV_RDMA_WITH_IMM',
};

/** The completion opcode of a send-queue verb. */
export const wcOpcodeOf = (verb: number): number => WC_OPCODE_BY_VERB[verb]!;
/** The libibverbs name of a completion opcode. */
export const opcodeNameOf = (op: number): string => OPCODE_NAMES[op] ?? `opcode_${op}`;

/** Where a UD datagram goes: a host and a UD QP number on it. */
export interface UdAddress {
  host: number;
  qpn: number;
}

/** A send work request as an application posts it (`struct ibv_send_wr`, one scatter entry). */
export interface SendWr {
  /** The application's id, returned in the completion. */
  wrId: number;
  verb: SendVerbName;
  /** Message size in bytes (8 for the atomics; ignored there). */
  bytes: number;
  /** Produce a completion on success (IBV_SEND_SIGNALED); default true. Errors always complete. */
  signaled?: boolean;
  /** Carry the payload in the WQE (IBV_SEND_INLINE): no DMA read of it; at most the QP's max inline. */
  inline?: boolean;
  /** Wait for every earlier READ and atomic of this QP to complete first (IBV_SEND_FENCE). */
  fence?: boolean;
  /** Immediate data (send_imm, write_imm). */
  imm?: number;
  /** Remote address (READ, WRITE and the atomics; 8-byte aligned for atomics). */
  remoteAddr?: number;
  /** Compare value (cas). */
  compare?: bigint;
  /** Swap value (cas). */
  swap?: bigint;
  /** Value to add (faa). */
  add?: bigint;
  /** Destination of a UD datagram. */
  dest?: UdAddress;
}

/** A receive work request (`struct ibv_recv_wr`, one buffer of `bytes`). */
export interface RecvWr {
  wrId: number;
  bytes: number;
}

/** Bytes of the Global Route Header a UD receive buffer must hold before the payload (IBA §11.4.1.2). */
export const UD_GRH_BYTES = 40;

/**
 * A posted send work request: the application's request plus what the requester (and, as the
 * packet headers would tell it, the responder) track about it. One object per message.
 */
export class SendWqe {
  /** PSN of its first packet (-1 until the NIC starts it). */
  firstPsn = -1;
  /** PSNs it occupies: packets of a SEND/WRITE, response packets of a READ, 1 for an atomic. */
  psns = 1;
  /** When the NIC can see it (post + doorbell (+ DMA read of the payload when not inline)), ps. */
  visibleAt = 0;
  /** When its first packet left, ps (-1: not yet). */
  startedAt = -1;
  /** When it completed at the requester, ps (-1: not yet). */
  completedAt = -1;
  /** When the responder had the whole message (SEND/WRITE) or the requester had the whole READ response, ps. */
  recvAt = -1;
  status = WC_PENDING;
  /** The atomic's result: the remote word before the operation. */
  result: bigint = 0n;
  /** Index among the RECV-consuming requests of its QP (matches the responder's RECVs in order). */
  recvSeq = -1;
  /** Row in the message log (-1: not logged yet). */
  logRow = -1;
  /** The requester's host. */
  srcHost = -1;
  /** UD: destination host, its endpoint index and the 5-tuple hash towards it. */
  destHost = -1;
  destConn = -1;
  destHash = 0;

  constructor(
    readonly qpn: number,
    readonly wrId: number,
    readonly verb: number,
    readonly bytes: number,
    readonly signaled: boolean,
    readonly inline: boolean,
    readonly fence: boolean,
    readonly imm: number,
    readonly remoteAddr: number,
    readonly compare: bigint,
    /** Swap value (cas) or addend (faa). */
    readonly operand: bigint,
    readonly postedAt: Time,
    /** The flow (or application) whose counters this message adds to; null for none. */
    readonly flow: FlowRecord | null,
    /** Whether its completion ends `flow` (a static flow is one message). */
    readonly endsFlow: boolean,
  ) {}
}

/** A posted receive work request. */
export class RecvWqe {
  /** Row in the message log (-1: not logged yet). */
  logRow = -1;
  constructor(
    readonly wrId: number,
    readonly bytes: number,
    readonly postedAt: Time,
  ) {}
}
