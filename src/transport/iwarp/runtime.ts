import type { Packet } from '../../fabric/packet.js';
import type { FlowRecord } from '../../metrics/flow-table.js';
import { ConfigError } from '../../sim/errors.js';
import type { Simulator } from '../../sim/simulator.js';
import { CompletionQueue } from '../rdma/completion-queue.js';
import { VerbsError } from '../rdma/errors.js';
import type { HostMemory } from '../rdma/memory.js';
import { RdmaDevices } from '../rdma/nic-limits.js';
import { NO_CC } from '../rdma/queue-pair.js';
import { REVERSE_HASH_SALT } from '../rdma/runtime.js';
import type { VerbsEnv, VerbsQpOptions, VerbsRuntime } from '../rdma/verbs-runtime.js';
import { SendWqe, V_READ, V_SEND, V_WRITE, WC_PENDING } from '../rdma/work-request.js';
import type { CongestionControl } from '../cc/congestion-control.js';
import { TCP_ACK, TCP_SYNACK, TcpConnection } from '../tcp/connection.js';
import type { Connection, ConnectionContext, Framing, FramingOptions, PostOptions } from '../transport.js';
import { IwarpFraming } from './framing.js';
import type { IwarpParams } from './params.js';
import { IwarpQp, type IwarpSite } from './queue-pair.js';
import { IwarpStream } from './stream.js';

/** QP numbers start here, as on the IB transport. */
const FIRST_QPN = 2;

/**
 * Both directions of an iWARP connection behind one endpoint index: a data segment (or SYN)
 * goes to the stream whose receiver is on the host it reached, an ACK (or SYN-ACK) to the stream
 * whose sender is.
 */
export class IwarpConnection implements Connection {
  constructor(
    private readonly sim: Simulator,
    readonly a: IwarpQp,
    readonly b: IwarpQp,
    /** a → b and b → a. */
    readonly ab: TcpConnection,
    readonly ba: TcpConnection,
  ) {}

  onPacket(pkt: Packet, host: number): void {
    const toSender = pkt.type === TCP_ACK || pkt.type === TCP_SYNACK;
    // a's stream has its sender on a's host and its receiver on b's
    const aSide = host === this.a.host;
    (aSide === toSender ? this.ab : this.ba).onPacket(pkt);
  }

  /** `host`'s GRO completed a super-packet of data segments: the stream whose receiver is there decides its ACK. */
  onRxMergeEnd(host: number): void {
    (host === this.a.host ? this.ba : this.ab).onRxMergeEnd();
  }

  /**
   * A static flow's message: `flow.verb` of `flow.bytes` from a (the flow's source) to b; a READ
   * reads b's memory into a's. A SEND's RECV is posted at b first (iWARP has no RNR retry).
   */
  post(flow: FlowRecord, options: PostOptions = {}): void {
    const verb = flow.verb === 'send' ? V_SEND : flow.verb === 'read' ? V_READ : V_WRITE;
    if (verb === V_SEND) {
      if (options.recvDelayPs !== undefined && options.recvDelayPs !== 0) {
        throw new ConfigError(
          `flow ${flow.id}: iWARP has no RNR retry (a SEND without a posted RECV terminates the connection), so a SEND needs its RECV posted before it (recv_delay_ns must be 0 or absent)`,
          { field: 'workload.list' },
        );
      }
      this.b.postRecv({ wrId: flow.id, bytes: flow.bytes });
    }
    this.a.postWqe(new SendWqe(this.a.qpn, flow.id, verb, flow.bytes, true, false, false, 0, 0, 0n, 0n, this.sim.now, flow, true));
  }
}

/**
 * The verbs runtime of an iWARP run: creates iWARP QPs (RC only) and CQs on hosts, and connects
 * QP pairs by one TCP connection each (two {@link IwarpStream}s, each with its own congestion
 * control made by the run, and an RTO seeded with the idle path's round trip as the MPA
 * connection setup would have measured it; the TCP handshake is simulated with `handshake: true`,
 * which opens each direction with a SYN/SYN-ACK, and MPA's Request/Reply exchange with
 * `mpa_handshake`, by default on with `handshake`: mpa-setup.ts). Static flows and
 * applications share it, so the message log and NIC limits see all of a host's QPs.
 */
export class IwarpRuntime implements VerbsRuntime {
  readonly qps: IwarpQp[] = [];
  readonly cqs: CompletionQueue[] = [];
  private readonly sites = new Map<number, IwarpSite>();
  private readonly tagged: IwarpFraming;
  private readonly untagged: IwarpFraming;

  constructor(
    readonly env: VerbsEnv,
    readonly params: IwarpParams,
    private readonly framingOptions: FramingOptions,
    private readonly frames: Framing,
  ) {
    const { mtu, vlan } = framingOptions;
    this.tagged = new IwarpFraming(mtu, vlan, params.timestamps, params.mpa_markers, true);
    this.untagged = new IwarpFraming(mtu, vlan, params.timestamps, params.mpa_markers, false);
  }

  /** A private runtime for a connection made outside runExperiment (no message log, no CC on the reverse direction). */
  static fromContext(ctx: ConnectionContext<IwarpParams>): IwarpRuntime {
    const nics = [];
    nics[ctx.src] = ctx.srcNic;
    nics[ctx.dst] = ctx.dstNic;
    return new IwarpRuntime(
      {
        sim: ctx.sim, pool: ctx.pool, traffic: ctx.traffic, flows: ctx.flows, nics, endpoints: [], params: ctx.params,
        devices: new RdmaDevices(), messages: null, feedback: ctx.feedback,
        flowHash: () => ctx.flowHash, entropy: () => 0, makeCc: () => NO_CC, baseRttPs: () => ctx.baseRttPs ?? 0,
      },
      ctx.params, ctx.framing, ctx.frames,
    );
  }

  /** RDMA payload of a full WRITE segment. */
  get mtu(): number {
    return this.tagged.mss;
  }

  get devices(): RdmaDevices {
    return this.env.devices;
  }

  private site(host: number): IwarpSite {
    let s = this.sites.get(host);
    if (s === undefined) {
      if (this.env.nics[host] === undefined) throw new RangeError(`no host ${host}`);
      const e = this.env;
      s = { sim: e.sim, flows: e.flows, device: e.devices.get(host), host, messages: e.messages, tagged: this.tagged, untagged: this.untagged, posting: e.posting ?? null };
      this.sites.set(host, s);
    }
    return s;
  }

  memory(host: number): HostMemory {
    return this.env.devices.get(host).memory;
  }

  qp(qpn: number): IwarpQp | undefined {
    return this.qps[qpn - FIRST_QPN];
  }

  createCq(host: number): CompletionQueue {
    this.site(host);
    const cq = new CompletionQueue(this.env.sim, this.cqs.length, host);
    this.cqs.push(cq);
    return cq;
  }

  /** `ibv_create_qp` on `host`: RC only (iWARP has no UC or UD), in RESET. */
  createQp(host: number, options: VerbsQpOptions = {}, params: IwarpParams = this.params): IwarpQp {
    if (options.type !== undefined && options.type !== 'rc') {
      throw new VerbsError('EINVAL', `create_qp: iWARP has only reliable connected QPs (qp_type rc), not '${options.type}'`, 'workload.qp_type');
    }
    for (const cq of [options.sendCq, options.recvCq]) {
      if (cq !== undefined && cq !== null && cq.host !== host) throw new VerbsError('EINVAL', `create_qp: CQ ${cq.id} is on host ${cq.host}, not host ${host}`);
    }
    const qp = new IwarpQp(this.site(host), FIRST_QPN + this.qps.length, {
      sqDepth: options.sqDepth ?? params.sq_depth,
      rqDepth: options.rqDepth ?? params.rq_depth,
      maxInline: options.maxInline ?? this.env.devices.limits.maxInline,
      ord: options.maxRdAtomic ?? params.ord,
      ird: options.maxDestRdAtomic ?? params.ird,
      sendCq: options.sendCq ?? null,
      recvCq: options.recvCq ?? null,
    });
    this.qps.push(qp);
    return qp;
  }

  /** Connects `a` and `b` by a new TCP connection and moves both to RTS; returns its endpoint index. */
  connect(a: IwarpQp, b: IwarpQp, label?: string): number {
    if (a.host === b.host) throw new VerbsError('EINVAL', `connect: QPs ${a.qpn} and ${b.qpn} are on the same host (loopback is not modelled)`);
    if (a.peer !== null || b.peer !== null) throw new VerbsError('EINVAL', `connect: QP ${a.peer !== null ? a.qpn : b.qpn} is already connected`);
    const e = this.env;
    const conn = e.endpoints.length;
    const hash = e.flowHash(a.host, b.host, e.entropy());
    const name = label ?? `qp${a.qpn}`;
    e.endpoints.push(this.join(a, b, conn, hash, e.makeCc(a.host, b.host, hash, name), e.baseRttPs(a.host, b.host, hash), this.params));
    return conn;
  }

  /** A static flow's connection: a fresh QP pair on endpoint `ctx.conn`, the flow's hash and congestion control forward. */
  flowConnection(ctx: ConnectionContext<unknown>): IwarpConnection {
    const p = ctx.params as IwarpParams;
    const a = this.createQp(ctx.src, {}, p);
    const b = this.createQp(ctx.dst, {}, p);
    return this.join(a, b, ctx.conn, ctx.flowHash, ctx.cc, ctx.baseRttPs ?? this.env.baseRttPs(ctx.src, ctx.dst, ctx.flowHash), p);
  }

  /** Makes the two streams of a connection and moves both QPs to RTS. */
  private join(a: IwarpQp, b: IwarpQp, conn: number, hash: number, cc: CongestionControl, baseRttPs: number, p: IwarpParams): IwarpConnection {
    const e = this.env;
    const back = hash ^ REVERSE_HASH_SALT;
    const ab = new IwarpStream(a, b);
    const ba = new IwarpStream(b, a);
    const ctx = (src: number, dst: number, flowHash: number, c: CongestionControl): ConnectionContext<IwarpParams> => ({
      sim: e.sim, pool: e.pool, traffic: e.traffic, flows: e.flows, conn, src, dst, srcNic: e.nics[src]!, dstNic: e.nics[dst]!,
      params: p, framing: this.framingOptions, frames: this.frames, cc: c, feedback: e.feedback, flowHash, baseRttPs,
    });
    const tab = new TcpConnection(ctx(a.host, b.host, hash, cc), { fr: this.tagged });
    const tba = new TcpConnection(ctx(b.host, a.host, back, e.makeCc(b.host, a.host, back, `${conn}/r`)), { fr: this.tagged });
    ab.tcp = tab;
    ba.tcp = tba;
    a.peer = b;
    b.peer = a;
    a.out = ab;
    a.in = ba;
    b.out = ba;
    b.in = ab;
    tab.attach(ab);
    tba.attach(ba);
    if (p.mpa_handshake ?? p.handshake) {
      // MPA connection setup (mpa-setup.ts): a, which connects, is the initiator
      a.startMpa(true);
      b.startMpa(false);
    }
    a.toRts();
    b.toRts();
    return new IwarpConnection(e.sim, a, b, tab, tba);
  }

  logPending(): void {
    const log = this.env.messages;
    if (log === null) return;
    for (const qp of this.qps) {
      qp.forEachPending((w) => {
        w.logRow = log.add(w.flow !== null ? w.flow.id : -1, qp.qpn, qp.host, qp.peer !== null ? qp.peer.host : -1, w.verb, w.bytes, w.postedAt, w.startedAt, -1, w.recvAt, WC_PENDING);
      });
    }
  }
}
