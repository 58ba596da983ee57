import type { Rng } from '../sim/rng.js';
import type { Time } from '../sim/time.js';

/**
 * RDMA applications: closed-loop programs that create completion queues and queue pairs, post
 * work requests and react to completions, the way a verbs program does. This is their view of
 * the simulator, independent of the transport (RoCEv2, RoCEv1, later InfiniBand); the experiment
 * runner connects it to the verbs layer (src/transport/rdma/). A workload that returns apps from
 * `apps()` runs them; each app is one row of flows.csv (its whole run) and its work requests are
 * rows of messages.csv.
 */

/** Queue-pair types: reliable connection, unreliable connection, unreliable datagram. */
export type QpType = 'rc' | 'uc' | 'ud';
/** Send-queue verbs. `cas` and `faa` are the 8-byte atomics (compare-and-swap, fetch-and-add). */
export type SendVerb = 'send' | 'send_imm' | 'write' | 'write_imm' | 'read' | 'cas' | 'faa';
/** QP states (`ibv_qp_state`). */
export type QpState = 'RESET' | 'INIT' | 'RTR' | 'RTS' | 'ERR';

/** A send work request (`ibv_send_wr` with one scatter entry). */
export interface AppSendWr {
  wrId: number;
  verb: SendVerb;
  /** Message bytes (8 for atomics, ignored). */
  bytes: number;
  /** Produce a completion on success (default true); errors always complete. */
  signaled?: boolean;
  /** Payload in the WQE: no DMA read of it (at most the QP's max inline). */
  inline?: boolean;
  /** Wait for this QP's outstanding READs and atomics first. */
  fence?: boolean;
  imm?: number;
  remoteAddr?: number;
  compare?: bigint;
  swap?: bigint;
  add?: bigint;
  /** UD only: the destination host and UD QP number. */
  dest?: { host: number; qpn: number };
}

/** A receive work request: one buffer of `bytes`. */
export interface AppRecvWr {
  wrId: number;
  bytes: number;
}

/** A completion queue. */
export interface AppCq {
  readonly id: number;
  readonly host: number;
}

/** A completion (`ibv_wc`). */
export interface AppCompletion {
  readonly cq: AppCq;
  readonly wrId: number;
  /** `IBV_WC_SUCCESS`, `IBV_WC_RNR_RETRY_EXC_ERR`, ... */
  readonly status: string;
  /** `IBV_WC_SEND`, `IBV_WC_RDMA_WRITE`, `IBV_WC_RDMA_READ`, `IBV_WC_COMP_SWAP`, `IBV_WC_FETCH_ADD`, `IBV_WC_RECV`, `IBV_WC_RECV_RDMA_WITH_IMM`. */
  readonly opcode: string;
  readonly bytes: number;
  readonly qpn: number;
  readonly host: number;
  /** When the application sees it, ps. */
  readonly timestampPs: Time;
  readonly imm: number | undefined;
  readonly srcQpn: number | undefined;
  /** An atomic's result: the remote word before it. */
  readonly value: bigint | undefined;
}

/** A queue pair. Posting errors throw (like the errno of `ibv_post_send`). */
export interface AppQp {
  readonly qpn: number;
  readonly host: number;
  readonly type: QpType;
  readonly stateName: QpState;
  postSend(wr: AppSendWr): unknown;
  postRecv(wr: AppRecvWr): unknown;
  modify(state: QpState): void;
}

/** QP attributes an application may set; absent ones take the transport's defaults. */
export interface AppQpOptions {
  type?: QpType;
  sendCq?: AppCq;
  recvCq?: AppCq;
  sqDepth?: number;
  rqDepth?: number;
  maxRdAtomic?: number;
  maxDestRdAtomic?: number;
  minRnrTimer?: number;
  rnrRetry?: number;
  retryCount?: number;
  maxInline?: number;
}

/** What an application can do. Times in ps. */
export interface RdmaApi {
  /** Current simulated time, ps. */
  readonly now: Time;
  /** Payload bytes per packet (the largest UD datagram). */
  readonly mtu: number;
  /** The NIC's largest inline payload. */
  readonly maxInline: number;
  /** The application's own random stream. */
  readonly rng: Rng;
  /** Node key of a host (`h3`). */
  hostName(host: number): string;
  createCq(host: number): AppCq;
  createQp(host: number, options?: AppQpOptions): AppQp;
  /** Connects two RC or UC QPs on different hosts and moves both to RTS. */
  connect(a: AppQp, b: AppQp): void;
  /** Calls `onTimer(tag)` `delayPs` from now. */
  schedule(delayPs: Time, tag: number): void;
  /** The 8-byte word at `addr` of a host's memory (what atomics act on). */
  readWord(host: number, addr: number): bigint;
  writeWord(host: number, addr: number, value: bigint): void;
  /** QP-context cache hits and misses of a host's NIC so far. */
  nicCache(host: number): { hits: number; misses: number };
  /** Adds a row to the result table `table` (written as `<table>.csv`; every row of a table has the first row's columns). */
  record(table: string, row: Record<string, string | number>): void;
  /** The application is done (its flows.csv row ends). */
  finish(): void;
}

/** A closed-loop RDMA application. */
export interface RdmaApp {
  /** Names it in messages and tables (`perftest write_lat h0→h1`). */
  readonly label: string;
  /** Its main hosts, for flows.csv (e.g. client and server). */
  readonly src: number;
  readonly dst: number;
  /** What flows.csv calls its verb (`write`, `rpc`, ...). */
  readonly verb: string;
  /** When it starts, ps. */
  readonly startAt: Time;
  /** Payload bytes it will move (flows.csv `bytes`). */
  readonly plannedBytes: number;
  /** Called once at `start`. */
  start(api: RdmaApi): void;
  /** A completion on one of its CQs became visible. */
  onCompletion(c: AppCompletion): void;
  /** A WRITE (without immediate) landed whole in memory behind one of its QPs, and a polling loop saw it. */
  onWrite?(qp: AppQp, bytes: number): void;
  /** A timer it scheduled fired. */
  onTimer?(tag: number): void;
}
