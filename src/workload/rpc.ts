import { z } from 'zod';
import { ConfigError } from '../sim/errors.js';
import { ns, type Time } from '../sim/time.js';
import { at, hostRef, requireHosts, resolveHost, startNsParam } from './common.js';
import type { AppCompletion, AppQp, RdmaApi, RdmaApp } from './rdma-app.js';
import type { WorkloadVariant } from './workload.js';

/** Parameters of the RPC workload. */
export const rpcParams = z
  .object({
    server: hostRef.optional().describe('the server host (default: the first host)'),
    clients: z
      .union([z.int().min(1).describe('how many clients: the hosts after the server, in order'), z.array(hostRef).min(1).describe('the client hosts')])
      .optional()
      .describe('client hosts, as a count or a list (default: every other host)'),
    request_bytes: z.int().min(0).max(2 ** 31).default(64).describe('request size: a SEND from client to server'),
    response_bytes: z.int().min(0).max(2 ** 31).default(1024).describe('response size'),
    reply: z
      .enum(['send', 'write', 'write_imm'])
      .default('send')
      .describe("how the server answers: 'send' (the client's RECV completes), 'write' (the client polls memory for it) or 'write_imm' (a WRITE whose immediate completes a client RECV)"),
    concurrency: z.int().min(1).max(4096).default(1).describe('requests each client keeps outstanding'),
    requests: z.int().min(1).max(10_000_000).default(1000).describe('requests per client'),
    think_ns: z.number().min(0).max(1e12).default(0).describe('client think time between a response and the next request on that slot, ns (mean, if exponential)'),
    think: z.enum(['fixed', 'exponential']).default('fixed').describe('think-time distribution'),
    service_ns: z.number().min(0).max(1e12).default(0).describe('server time to process a request before replying, ns (requests are served in parallel)'),
    inline_bytes: z.int().min(0).max(4096).optional().describe("messages up to this size are sent inline (default: the NIC's max_inline_bytes)"),
    start_ns: startNsParam,
  })
  .strict();

/** Validated RPC parameters. */
export type RpcParams = z.output<typeof rpcParams>;

const OK = 'IBV_WC_SUCCESS';
/** Timer tags: 0 = a reply is due; 1 + slot = a slot's think time ended. */
const TIMER_SERVE = 0;

/**
 * One RPC client and its connection to the server: `concurrency` request slots, each a closed
 * loop — SEND a request, wait for the response, think, repeat — on one RC QP. The server side
 * (its own QP on the server host) answers every request after `service_ns` with a SEND, a WRITE
 * or a WRITE with immediate of `response_bytes`. Responses come back in request order (RC), so
 * the client matches them to slots first-in first-out. Latency is request post to response seen.
 */
class RpcClientApp implements RdmaApp {
  readonly label: string;
  readonly verb = 'rpc';
  readonly plannedBytes: number;
  private api!: RdmaApi;
  private qc!: AppQp;
  private qs!: AppQp;
  private issued = 0;
  private done = 0;
  private readonly postedAt: number[];
  /** Slots with a request outstanding, oldest first. */
  private readonly inflight: number[] = [];
  private served = 0;
  private readonly latencies: number[] = [];
  private firstPost = 0;
  private inlineMax = 0;
  private errors = 0;

  constructor(
    private readonly p: RpcParams,
    readonly src: number,
    readonly dst: number,
    readonly startAt: Time,
    clientName: string,
  ) {
    this.label = `rpc ${clientName}`;
    this.plannedBytes = p.requests * (p.request_bytes + p.response_bytes);
    this.postedAt = new Array<number>(p.concurrency).fill(0);
  }

  private get repliesToRecv(): boolean {
    return this.p.reply !== 'write';
  }

  start(api: RdmaApi): void {
    this.api = api;
    const p = this.p;
    this.inlineMax = p.inline_bytes ?? api.maxInline;
    const cqc = api.createCq(this.src);
    const cqs = api.createCq(this.dst);
    const depth = { sqDepth: Math.max(16, 2 * p.concurrency), rqDepth: Math.max(16, 2 * p.concurrency) };
    this.qc = api.createQp(this.src, { sendCq: cqc, recvCq: cqc, ...depth });
    this.qs = api.createQp(this.dst, { sendCq: cqs, recvCq: cqs, ...depth });
    api.connect(this.qc, this.qs);
    for (let i = 0; i < p.concurrency; i++) {
      this.qs.postRecv({ wrId: i, bytes: p.request_bytes });
      if (this.repliesToRecv) this.qc.postRecv({ wrId: i, bytes: p.response_bytes });
    }
    this.firstPost = api.now;
    for (let slot = 0; slot < p.concurrency && this.issued < p.requests; slot++) this.issue(slot);
  }

  private issue(slot: number): void {
    const p = this.p;
    this.postedAt[slot] = this.api.now;
    this.inflight.push(slot);
    this.issued++;
    this.qc.postSend({ wrId: slot, verb: 'send', bytes: p.request_bytes, signaled: false, inline: p.request_bytes <= this.inlineMax });
  }

  private reply(): void {
    const p = this.p;
    const seq = this.served++;
    const verb = p.reply === 'send' ? 'send' : p.reply === 'write' ? 'write' : 'write_imm';
    this.qs.postSend({ wrId: seq, verb, bytes: p.response_bytes, signaled: false, inline: p.response_bytes <= this.inlineMax, imm: seq, remoteAddr: 0 });
  }

  onCompletion(c: AppCompletion): void {
    if (c.status !== OK) {
      this.errors++; // the request (or its reply) is lost with its QP; the client stops short of `requests`
      return;
    }
    if (c.host === this.dst) {
      if (c.opcode !== 'IBV_WC_RECV') return;
      this.qs.postRecv({ wrId: c.wrId, bytes: this.p.request_bytes });
      if (this.p.service_ns > 0) this.api.schedule(ns(this.p.service_ns), TIMER_SERVE);
      else this.reply();
      return;
    }
    if (c.opcode === 'IBV_WC_RECV' || c.opcode === 'IBV_WC_RECV_RDMA_WITH_IMM') {
      this.qc.postRecv({ wrId: c.wrId, bytes: this.p.response_bytes });
      this.responded();
    }
  }

  onWrite(qp: AppQp): void {
    if (qp.host === this.src && this.p.reply === 'write') this.responded();
  }

  private responded(): void {
    const slot = this.inflight.shift()!;
    this.latencies.push(this.api.now - this.postedAt[slot]!);
    this.done++;
    if (this.done === this.p.requests) return this.finish();
    if (this.issued >= this.p.requests) return;
    const think = this.p.think_ns;
    if (think <= 0) this.issue(slot);
    else {
      const t = this.p.think === 'fixed' ? ns(think) : Math.max(0, Math.round(this.api.rng.exponential(think * 1000)));
      this.api.schedule(t, 1 + slot);
    }
  }

  onTimer(tag: number): void {
    if (tag === TIMER_SERVE) this.reply();
    else this.issue(tag - 1);
  }

  private finish(): void {
    const api = this.api;
    const p = this.p;
    const s = this.latencies.slice().sort((a, b) => a - b);
    const rank = (q: number): number => s[Math.min(s.length, Math.max(1, Math.ceil((q / 100) * s.length))) - 1]!;
    const dur = api.now - this.firstPost;
    const us = (ps: number): number => ps / 1e6;
    api.record('rpc', {
      app: this.label, client: api.hostName(this.src), server: api.hostName(this.dst), reply: p.reply, concurrency: p.concurrency,
      request_bytes: p.request_bytes, response_bytes: p.response_bytes, requests: p.requests, duration_us: us(dur),
      throughput_mrps: dur > 0 ? (p.requests * 1e6) / dur : 0, lat_avg_us: us(s.reduce((a, b) => a + b, 0) / s.length),
      lat_p50_us: us(rank(50)), lat_p99_us: us(rank(99)), lat_p999_us: us(rank(99.9)), lat_max_us: us(s[s.length - 1]!), errors: this.errors,
    });
    api.finish();
  }
}

/**
 * RPC over RDMA: clients SEND requests to one server, which answers each with a SEND, a WRITE or
 * a WRITE with immediate (the shapes of FaSST/eRPC-style and HERD/FaRM-style RPC). Closed loop,
 * `concurrency` outstanding requests per client, optional think and service times; one row per
 * client in rpc.csv.
 */
export const rpc: WorkloadVariant<RpcParams> = {
  name: 'rpc',
  description: 'closed-loop RPC: clients SEND requests, the server replies with SEND, WRITE or WRITE-with-immediate; rows in rpc.csv',
  params: rpcParams,
  generate() {
    return [];
  },
  apps(p, ctx) {
    requireHosts(ctx, 2, 'rpc');
    const server = p.server === undefined ? 0 : resolveHost(p.server, ctx, 'server');
    const others = ctx.hosts.map((_, i) => i).filter((i) => i !== server);
    let clients: number[];
    if (p.clients === undefined) clients = others;
    else if (typeof p.clients === 'number') {
      if (p.clients > others.length) throw new ConfigError(`${p.clients} clients requested but only ${others.length} hosts besides the server exist`, at(ctx, 'clients'));
      clients = others.slice(0, p.clients);
    } else {
      clients = p.clients.map((ref, i) => {
        const h = resolveHost(ref, ctx, 'clients', i);
        if (h === server) throw new ConfigError(`client ${String(ref)} is the server`, at(ctx, 'clients', i));
        return h;
      });
    }
    return clients.map((c) => new RpcClientApp(p, c, server, ns(p.start_ns), ctx.hosts[c]!));
  },
};
