import type { PacketPool, Packet } from '../../fabric/packet.js';
import type { FlowRecord, FlowTable } from '../../metrics/flow-table.js';
import type { TrafficCounters } from '../../metrics/traffic.js';
import type { Actor } from '../../sim/actor.js';
import { ConfigError } from '../../sim/errors.js';
import type { Simulator } from '../../sim/simulator.js';
import { us } from '../../sim/time.js';
import type { CcFeedback, CongestionControl } from '../cc/congestion-control.js';
import type { Endpoint, NicHandle } from '../endpoint.js';
import type { RoceV2Params } from '../roce-v2-params.js';
import type { Connection, ConnectionContext, PostOptions } from '../transport.js';
import { CompletionQueue } from './completion-queue.js';
import { VerbsError } from './errors.js';
import type { RdmaFraming } from './framing.js';
import type { HostMemory } from './memory.js';
import type { MessageLog } from './message-log.js';
import { RdmaDevices } from './nic-limits.js';
import { NO_CC, QPT_UC, QPT_UD, QP_TYPE_NAMES, QueuePair, type QpAttrs, type QpSite } from './queue-pair.js';
import { SendWqe, V_READ, V_SEND, V_WRITE, WC_PENDING } from './work-request.js';
import type { VerbsQpOptions, VerbsRuntime } from './verbs-runtime.js';
import type { PostSendHook } from './posting.js';

/** The reverse direction of a connection hashes differently (as its UDP source port would). */
export const REVERSE_HASH_SALT = 0x5bd1e995;
/** QP numbers start here (0 and 1 are the IB special QPs). */
const FIRST_QPN = 2;

/** Everything the RDMA layer needs from the run. */
export interface RdmaEnv {
  sim: Simulator;
  pool: PacketPool;
  traffic: TrafficCounters;
  flows: FlowTable;
  /** Each host's NIC, by host id. */
  nics: readonly NicHandle[];
  /**
   * The run's endpoint table: packets reach their endpoint by `Packet.conn`. Static flows' entries
   * are added by the run; connections made by applications and UD QPs are appended here.
   */
  endpoints: Endpoint[];
  framing: RdmaFraming;
  /** The transport's parameters: the default attributes of every QP. */
  params: RoceV2Params;
  devices: RdmaDevices;
  /** Where completed work requests are logged; null: not logged. */
  messages: MessageLog | null;
  feedback: CcFeedback;
  /** The transport's 5-tuple hash of packets from `src` to `dst` for a QP with `entropy`. */
  flowHash(src: number, dst: number, entropy: number): number;
  /** Draws a new QP's entropy (its UDP source port). */
  entropy(): number;
  /** A congestion control for what `src` sends to `dst` on a QP hashing to `flowHash`; `label` names its random stream. */
  makeCc(src: number, dst: number, flowHash: number, label: string): CongestionControl;
  /** The host CPU's cost of posting send work requests (set from the host models); absent: free. */
  posting?: PostSendHook | null;
}

/** What an application may set when it creates a QP; absent fields take the transport's defaults (the verbs-layer options). */
export type QpOptions = VerbsQpOptions;

/** Both QPs of an RC/UC connection behind one endpoint index: a packet goes to the QP on the host it reached. */
export class QpPair implements Endpoint {
  constructor(
    readonly a: QueuePair,
    readonly b: QueuePair,
  ) {}

  onPacket(pkt: Packet, host: number): void {
    (host === this.a.host ? this.a : this.b).onPacket(pkt);
  }
}

/**
 * A static flow's connection: an RC (or UC) QP pair carrying one message, `flow.verb` of
 * `flow.bytes` from `a` (the flow's source) to `b`; a `send` consumes a RECV the receiver posts
 * before it (or later, or never: see {@link PostOptions}).
 */
export class FlowConnection extends QpPair implements Connection, Actor {
  actorId = -1;
  private recvBytes = 0;
  private recvWrId = 0;

  constructor(
    private readonly sim: Simulator,
    a: QueuePair,
    b: QueuePair,
  ) {
    super(a, b);
  }

  post(flow: FlowRecord, options: PostOptions = {}): void {
    const verb = flow.verb === 'send' ? V_SEND : flow.verb === 'read' ? V_READ : V_WRITE;
    if (verb === V_SEND) {
      const delay = options.recvDelayPs;
      if (delay === undefined || delay === 0) this.b.postRecv({ wrId: flow.id, bytes: flow.bytes });
      else if (delay !== null) {
        this.recvBytes = flow.bytes;
        this.recvWrId = flow.id;
        if (this.actorId < 0) this.sim.register(this);
        this.sim.after(delay, this, 0);
      }
    }
    const w = new SendWqe(this.a.qpn, flow.id, verb, flow.bytes, true, false, false, 0, 0, 0n, 0n, this.sim.now, flow, true);
    this.a.postWqe(w);
  }

  /** The receiver posts the delayed RECV. */
  onEvent(): void {
    if (this.b.stateName === 'RTS' || this.b.stateName === 'RTR') this.b.postRecv({ wrId: this.recvWrId, bytes: this.recvBytes });
  }
}

/** How often a drain wait checks whether the fabric is empty, ps. */
const DRAIN_POLL_PS = 1_000_000;

/**
 * Holds the end of static flows on unreliable QPs until no data packet is left in the fabric, so
 * the run does not stop with their last packets in flight. Their finish time stays the send
 * completion. Checks once per µs while any wait.
 */
class DrainWait implements Actor {
  actorId = -1;
  private readonly waiting: { flow: FlowRecord; status: 'done' | 'failed'; t: number }[] = [];
  private armed = false;

  constructor(
    private readonly sim: Simulator,
    private readonly traffic: TrafficCounters,
    private readonly flows: FlowTable,
  ) {
    sim.register(this);
  }

  end(flow: FlowRecord, status: 'done' | 'failed', t: number): void {
    this.waiting.push({ flow, status, t });
    if (!this.armed) {
      this.armed = true;
      this.sim.after(0, this, 0);
    }
  }

  onEvent(): void {
    this.armed = false;
    if (this.traffic.inFlightPackets > 0) {
      this.armed = true;
      this.sim.after(DRAIN_POLL_PS, this, 0);
      return;
    }
    const w = this.waiting.splice(0);
    for (const x of w) this.flows.end(x.flow, x.status, x.t);
  }
}

/**
 * The verbs runtime of a run: it creates completion queues and queue pairs on hosts, connects RC
 * and UC QPs (each connection gets an endpoint index, a 5-tuple hash per direction and a
 * congestion control per direction, made when that direction first sends data), addresses UD QPs
 * by (host, QP number), and gives atomics each host's memory. Static flows and applications share
 * it, so NIC limits (message rate, QP-context cache) see all of a host's QPs.
 */
export class RdmaRuntime implements VerbsRuntime {
  private readonly sites = new Map<number, QpSite>();
  /** Every QP, by QP number − 2. */
  readonly qps: QueuePair[] = [];
  readonly cqs: CompletionQueue[] = [];
  private drain: DrainWait | null = null;

  constructor(readonly env: RdmaEnv) {}

  /** Payload bytes per packet (the path MTU). */
  get mtu(): number {
    return this.env.framing.mtu;
  }

  get devices(): RdmaDevices {
    return this.env.devices;
  }

  /** A private runtime for a connection made without one (a transport used outside runExperiment). */
  static fromContext(ctx: ConnectionContext<RoceV2Params>): RdmaRuntime {
    const nics: NicHandle[] = [];
    nics[ctx.src] = ctx.srcNic;
    nics[ctx.dst] = ctx.dstNic;
    return new RdmaRuntime({
      sim: ctx.sim,
      pool: ctx.pool,
      traffic: ctx.traffic,
      flows: ctx.flows,
      nics,
      endpoints: [],
      framing: ctx.frames.rdma!,
      params: ctx.params,
      devices: new RdmaDevices(),
      messages: null,
      feedback: ctx.feedback,
      flowHash: () => ctx.flowHash,
      entropy: () => 0,
      makeCc: () => NO_CC,
    });
  }

  /** The shared state of the QPs on `host`. */
  site(host: number): QpSite {
    let s = this.sites.get(host);
    if (s === undefined) {
      const nic = this.env.nics[host];
      if (nic === undefined) throw new RangeError(`no host ${host}`);
      const e = this.env;
      s = {
        sim: e.sim, pool: e.pool, traffic: e.traffic, flows: e.flows, nic, device: e.devices.get(host), host, framing: e.framing, messages: e.messages, posting: e.posting ?? null,
        endUnreliable: (flow, status, t) => {
          if (this.drain === null) this.drain = new DrainWait(e.sim, e.traffic, e.flows);
          this.drain.end(flow, status, t);
        },
      };
      this.sites.set(host, s);
    }
    return s;
  }

  /** The memory of `host` (what atomics act on). */
  memory(host: number): HostMemory {
    return this.env.devices.get(host).memory;
  }

  /** A QP by number, or undefined. */
  qp(qpn: number): QueuePair | undefined {
    return this.qps[qpn - FIRST_QPN];
  }

  /** `ibv_create_cq` on `host`. */
  createCq(host: number): CompletionQueue {
    this.site(host);
    const cq = new CompletionQueue(this.env.sim, this.cqs.length, host);
    this.cqs.push(cq);
    return cq;
  }

  /**
   * `ibv_create_qp` on `host`, in RESET (UD QPs get their endpoint at once); `params` (default: the
   * run's transport parameters) supplies the attributes `options` leaves out.
   */
  createQp(host: number, options: QpOptions = {}, params?: RoceV2Params): QueuePair {
    const p = params ?? this.env.params;
    const type = QP_TYPE_NAMES.indexOf(options.type ?? 'rc');
    if (type < 0) throw new VerbsError('EINVAL', `create_qp: unknown QP type '${String(options.type)}'; expected rc, uc or ud`);
    const attrs: QpAttrs = {
      type,
      sqDepth: options.sqDepth ?? p.sq_depth,
      rqDepth: options.rqDepth ?? p.rq_depth,
      maxInline: options.maxInline ?? this.env.devices.limits.maxInline,
      maxRdAtomic: options.maxRdAtomic ?? p.max_rd_atomic,
      maxDestRdAtomic: options.maxDestRdAtomic ?? p.max_dest_rd_atomic,
      minRnrTimer: options.minRnrTimer ?? p.min_rnr_timer,
      rnrRetry: options.rnrRetry ?? p.rnr_retry,
      retryCount: options.retryCount ?? p.retry_count,
      rtoPs: us(p.rto_us),
      ackEvery: p.ack_every,
      windowPackets: p.window_packets,
      selectiveRepeat: p.loss_recovery === 'selective-repeat',
      lossDetection: p.loss_detection,
      tailLossProbe: p.loss_detection === 'rack' && p.tail_loss_probe !== false,
      priority: p.priority,
      ackPriority: p.ack_priority ?? p.priority,
      sendCq: options.sendCq ?? null,
      recvCq: options.recvCq ?? null,
    };
    for (const cq of [attrs.sendCq, attrs.recvCq]) {
      if (cq !== null && cq.host !== host) throw new VerbsError('EINVAL', `create_qp: CQ ${cq.id} is on host ${cq.host}, not host ${host}`);
    }
    const qp = new QueuePair(this.site(host), FIRST_QPN + this.qps.length, attrs);
    this.qps.push(qp);
    if (type === QPT_UD) {
      const e = this.env;
      const conn = e.endpoints.length;
      e.endpoints.push(qp);
      const entropy = e.entropy();
      qp.bind(null, conn, e.flowHash(host, host, entropy), null, null, e.feedback);
      qp.resolveDest = (w, dstHost, dstQpn) => {
        const d = this.qp(dstQpn);
        if (d === undefined || d.host !== dstHost || d.attrs.type !== QPT_UD) {
          throw new VerbsError('EINVAL', `post_send on QP ${qp.qpn} (ud): no UD QP ${dstQpn} on host ${dstHost}`);
        }
        w.destHost = dstHost;
        w.destConn = d.conn;
        w.destHash = e.flowHash(host, dstHost, entropy);
      };
    }
    return qp;
  }

  /**
   * Connects RC or UC QPs `a` and `b` on different hosts (exchanging QP numbers and PSNs, as an
   * application does out of band) and moves both to RTS. Returns the connection's endpoint index.
   * `label` names the random streams of its congestion controls.
   */
  connect(a: QueuePair, b: QueuePair, label?: string): number {
    if (a.attrs.type === QPT_UD || b.attrs.type === QPT_UD) throw new VerbsError('EINVAL', 'connect: UD QPs are not connected; address them per send');
    if (a.attrs.type !== b.attrs.type) throw new VerbsError('EINVAL', `connect: QP ${a.qpn} is ${a.type} but QP ${b.qpn} is ${b.type}`);
    if (a.host === b.host) throw new VerbsError('EINVAL', `connect: QPs ${a.qpn} and ${b.qpn} are on the same host (loopback is not modelled)`);
    if (a.peer !== null || b.peer !== null) throw new VerbsError('EINVAL', `connect: QP ${a.peer !== null ? a.qpn : b.qpn} is already connected`);
    const e = this.env;
    const conn = e.endpoints.length;
    e.endpoints.push(new QpPair(a, b));
    const hash = e.flowHash(a.host, b.host, e.entropy());
    const name = label ?? `qp${a.qpn}`;
    a.bind(b, conn, hash, null, () => e.makeCc(a.host, b.host, hash, name), e.feedback);
    b.bind(a, conn, hash ^ REVERSE_HASH_SALT, null, () => e.makeCc(b.host, a.host, hash ^ REVERSE_HASH_SALT, `${name}/r`), e.feedback);
    a.toRts();
    b.toRts();
    return conn;
  }

  /**
   * A static flow's connection (what an RDMA transport's `connect` returns): a fresh QP pair of the
   * transport's `qp_type` between the flow's hosts, on endpoint `ctx.conn` with hash `ctx.flowHash`
   * and congestion control `ctx.cc` for the source; the reverse direction's is made when it first
   * sends data (READ responses).
   */
  flowConnection(ctx: ConnectionContext<RoceV2Params>): FlowConnection {
    const type = ctx.params.qp_type ?? 'rc';
    const a = this.createQp(ctx.src, { type }, ctx.params);
    const b = this.createQp(ctx.dst, { type }, ctx.params);
    const e = this.env;
    const back = ctx.flowHash ^ REVERSE_HASH_SALT;
    a.bind(b, ctx.conn, ctx.flowHash, ctx.cc, null, ctx.feedback);
    b.bind(a, ctx.conn, back, null, () => e.makeCc(ctx.dst, ctx.src, back, `${ctx.conn}/r`), ctx.feedback);
    a.toRts();
    b.toRts();
    return new FlowConnection(ctx.sim, a, b);
  }

  /** Logs every work request still pending (call once, at the end of the run). */
  logPending(): void {
    const log = this.env.messages;
    if (log === null) return;
    for (const qp of this.qps) {
      qp.forEachPending((w) => {
        const peer = qp.attrs.type === QPT_UD ? w.destHost : qp.peer !== null ? qp.peer.host : -1;
        w.logRow = log.add(w.flow !== null ? w.flow.id : -1, qp.qpn, qp.host, peer, w.verb, w.bytes, w.postedAt, w.startedAt, -1, w.recvAt, WC_PENDING);
      });
    }
  }
}

/** Throws a ConfigError when a static flow's verb cannot run on the transport's QP type. */
export function checkFlowVerb(qpType: string, verb: string, where: { file?: string }): void {
  if (qpType === QP_TYPE_NAMES[QPT_UC] && verb === 'read') {
    throw new ConfigError(`UC QPs carry no RDMA READ (the flows use verb 'read'); use qp_type: rc`, { ...where, field: 'transport.qp_type' });
  }
}
