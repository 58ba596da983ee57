import type { Time } from '../../sim/time.js';
import type { Connection, ConnectionContext } from '../transport.js';
import type { CompletionQueue } from './completion-queue.js';
import type { HostMemory } from './memory.js';
import type { RdmaDevices } from './nic-limits.js';
import type { QpStateName, QpTypeName } from './queue-pair.js';
import type { RdmaEnv } from './runtime.js';
import type { RecvWr, SendWr } from './work-request.js';

/** Told when a WRITE (without immediate) has landed whole in a QP's host memory (a polling application sees it). */
export interface WriteListener {
  onWriteLanded(qp: VerbsQp, bytes: number, at: Time): void;
}

/**
 * A queue pair as applications and the experiment runner see it, whatever carries it: the IB
 * transport of RoCE and InfiniBand (rdma/queue-pair.ts) or iWARP's RDMAP/DDP/MPA over TCP
 * (iwarp/queue-pair.ts).
 */
export interface VerbsQp {
  readonly qpn: number;
  readonly host: number;
  readonly type: QpTypeName;
  readonly stateName: QpStateName;
  /** The flow record the application's work requests add to. */
  appFlow: import('../../metrics/flow-table.js').FlowRecord | null;
  /** Told when a WRITE lands in this QP's memory. */
  listener: WriteListener | null;
  postSend(wr: SendWr): unknown;
  postRecv(wr: RecvWr): unknown;
  modify(to: QpStateName): void;
}

/** QP attributes an application may set; absent ones take the transport's defaults. */
export interface VerbsQpOptions {
  type?: QpTypeName;
  sendCq?: CompletionQueue | null;
  recvCq?: CompletionQueue | null;
  sqDepth?: number;
  rqDepth?: number;
  /** Initiator depth (iWARP: ORD). */
  maxRdAtomic?: number;
  /** Responder resources (iWARP: IRD). */
  maxDestRdAtomic?: number;
  minRnrTimer?: number;
  rnrRetry?: number;
  retryCount?: number;
  maxInline?: number;
}

/**
 * The verbs runtime of a run, the seam between applications (src/experiment/rdma-apps.ts) and the
 * transport that carries their work requests: `RdmaRuntime` (IB transport: RoCEv1/v2,
 * InfiniBand) or `IwarpRuntime` (iWARP). A transport supplies one through
 * `TransportVariant.verbsRuntime`; both share completion queues, work requests, NIC limits and
 * the message log.
 */
export interface VerbsRuntime {
  /** Payload bytes per packet (what `RdmaApi.mtu` reports). */
  readonly mtu: number;
  readonly devices: RdmaDevices;
  createCq(host: number): CompletionQueue;
  createQp(host: number, options?: VerbsQpOptions): VerbsQp;
  /** Connects two QPs on different hosts and moves both to RTS; `label` names their random streams. */
  connect(a: VerbsQp, b: VerbsQp, label?: string): number;
  /** A QP by number, or undefined. */
  qp(qpn: number): VerbsQp | undefined;
  memory(host: number): HostMemory;
  /** A static flow's connection (one message on a fresh QP pair). */
  flowConnection(ctx: ConnectionContext<unknown>): Connection;
  /** Logs every work request still pending (once, at the end of the run). */
  logPending(): void;
}

/** What a transport's verbs runtime is built from: the verbs environment less the IB framing. */
export type VerbsEnv = Omit<RdmaEnv, 'framing' | 'params'> & {
  /** The transport's parameters (validated by its schema). */
  params: unknown;
  /** Round trip of one full packet and its ACK on the idle path from `src` to `dst`, ps. */
  baseRttPs(src: number, dst: number, flowHash: number): number;
};
