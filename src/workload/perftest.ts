import { z } from 'zod';
import { ConfigError } from '../sim/errors.js';
import { ns, type Time } from '../sim/time.js';
import { at, hostRef, requireHosts, resolveHost, startNsParam } from './common.js';
import type { AppCompletion, AppCq, AppQp, AppSendWr, QpType, RdmaApi, RdmaApp } from './rdma-app.js';
import type { WorkloadVariant } from './workload.js';

/** Parameters of the perftest workload. */
export const perftestParams = z
  .object({
    test: z.enum(['lat', 'bw']).describe("'lat': ping-pong latency (ib_*_lat); 'bw': a window of outstanding messages (ib_*_bw)"),
    verb: z.enum(['send', 'write', 'read', 'atomic']).describe('the verb measured (perftest ib_send_*, ib_write_*, ib_read_*, ib_atomic_*)'),
    atomic: z.enum(['faa', 'cas']).default('faa').describe("atomic verb: fetch-and-add or compare-and-swap (perftest -A)"),
    qp_type: z.enum(['rc', 'uc', 'ud']).default('rc').describe('QP type (perftest -c): UC has no READ or atomics, UD only SEND of at most one MTU'),
    client: hostRef.optional().describe('the client host (default: the first host)'),
    server: hostRef.optional().describe('the server host (default: the second host)'),
    sizes: z.array(z.int().min(0).max(2 ** 31)).min(1).default([64, 4096]).describe('message sizes in bytes, measured one after the other (perftest -s; -a sweeps 2..8M); atomics are 8 bytes'),
    iterations: z.int().min(1).max(10_000_000).default(1000).describe('messages per size (perftest -n)'),
    tx_depth: z.int().min(1).max(65536).default(128).describe('bw: messages outstanding per QP (perftest -t)'),
    rx_depth: z.int().min(1).max(65536).default(512).describe('RECVs posted per QP for SEND tests (perftest -r)'),
    cq_mod: z.int().min(1).max(65536).default(100).describe('bw: one signaled completion per this many sends (perftest -Q)'),
    qps: z.int().min(1).max(65536).default(1).describe('QPs between client and server; bw messages go round robin over them (perftest -q)'),
    inline_bytes: z.int().min(0).max(4096).optional().describe("payloads up to this size are sent inline (perftest -I; default: the NIC's max_inline_bytes)"),
    start_ns: startNsParam,
    gap_ns: z.number().min(0).max(1e12).default(0).describe('idle time between one size and the next, ns'),
  })
  .strict();

/** Validated perftest parameters. */
export type PerftestParams = z.output<typeof perftestParams>;

/** Columns of perftest.csv. */
export const PERFTEST_COLUMNS = [
  'app', 'test', 'qp_type', 'qps', 'client', 'server', 'bytes', 'iterations', 't_min_us', 't_max_us', 't_typical_us', 't_avg_us',
  't_stdev_us', 't_p99_us', 't_p999_us', 'bw_avg_gbps', 'msg_rate_mpps', 'qp_cache_misses', 'errors',
] as const;

const OK = 'IBV_WC_SUCCESS';
const TIMER_NEXT_SIZE = 0;
/** Remote address every write, read and atomic targets (perftest uses one buffer). */
const ADDR = 0;

/** Nearest-rank percentile of sorted numbers (perftest reports observed values). */
function rank(sorted: readonly number[], p: number): number {
  return sorted[Math.min(sorted.length, Math.max(1, Math.ceil((p / 100) * sorted.length))) - 1]!;
}

/**
 * One perftest run between a client and a server, over a sweep of message sizes, the way the
 * perftest tools measure:
 *
 * - **lat** (ib_send_lat, ib_write_lat, ib_read_lat, ib_atomic_lat): one message at a time. SEND
 *   and WRITE ping-pong: the server answers each message with one of the same size (a SEND when
 *   its RECV completes; a WRITE when its polling loop sees the client's WRITE land), and each
 *   sample is half the round trip, the one-way latency perftest prints. READ and atomics: each
 *   sample is the full round trip from post to completion, as perftest prints for them.
 *   `t_typical` is the median; percentiles are nearest-rank.
 * - **bw** (ib_*_bw): the client keeps `tx_depth` messages outstanding per QP (signaling one in
 *   `cq_mod`), round robin over `qps` QPs, until `iterations` have completed; bandwidth is
 *   iterations × size over the time from the first post to the last completion. READs and atomics
 *   are further limited by the QP's initiator depth (`transport.max_rd_atomic`).
 */
class PerftestApp implements RdmaApp {
  readonly label: string;
  readonly verb: string;
  readonly plannedBytes: number;
  private api!: RdmaApi;
  private cqClient!: AppCq;
  private cqServer!: AppCq;
  private readonly client: AppQp[] = [];
  private readonly server: AppQp[] = [];
  private sizeIdx = 0;
  private size = 0;
  private inlineMax = 0;
  private recvBytes = 0;
  // lat
  private iter = 0;
  private postedAt = 0;
  private samples: number[] = [];
  // bw
  private posted = 0;
  private completed = 0;
  private firstPost = 0;
  private lastCompletion = 0;
  private rr = 0;
  private outstanding: number[] = [];
  private sinceSignal: number[] = [];
  /** Per QP: the unsignaled sends each signaled completion covers, in posting order. */
  private batches: number[][] = [];
  private misses0 = 0;
  private errors = 0;
  private stopped = false;

  constructor(
    private readonly p: PerftestParams,
    readonly src: number,
    readonly dst: number,
    readonly startAt: Time,
    names: string,
  ) {
    const v = p.verb === 'atomic' ? p.atomic : p.verb;
    this.verb = v;
    this.label = `perftest ${v}_${p.test} ${names}`;
    const per = p.verb === 'atomic' ? 8 : 0;
    this.plannedBytes = p.sizes.reduce((s, b) => s + (per || b), 0) * p.iterations;
  }

  start(api: RdmaApi): void {
    this.api = api;
    const p = this.p;
    this.inlineMax = p.inline_bytes ?? api.maxInline;
    const type: QpType = p.qp_type;
    this.cqClient = api.createCq(this.src);
    this.cqServer = api.createCq(this.dst);
    const send = p.verb === 'send';
    const depth = { sqDepth: Math.max(p.tx_depth, 2), rqDepth: p.rx_depth };
    for (let q = 0; q < p.qps; q++) {
      const c = api.createQp(this.src, { type, sendCq: this.cqClient, recvCq: this.cqClient, ...depth });
      const s = api.createQp(this.dst, { type, sendCq: this.cqServer, recvCq: this.cqServer, ...depth });
      if (type === 'ud') {
        for (const qp of [c, s]) for (const st of ['INIT', 'RTR', 'RTS'] as const) qp.modify(st);
      } else api.connect(c, s);
      this.client.push(c);
      this.server.push(s);
      this.outstanding.push(0);
      this.sinceSignal.push(0);
      this.batches.push([]);
    }
    // SEND tests need RECVs big enough for the largest size (UD buffers also hold the 40-byte GRH)
    this.recvBytes = Math.max(...p.sizes) + (type === 'ud' ? 40 : 0);
    if (send) {
      for (let q = 0; q < p.qps; q++) {
        for (let i = 0; i < p.rx_depth; i++) {
          this.server[q]!.postRecv({ wrId: i, bytes: this.recvBytes });
          if (p.test === 'lat') this.client[q]!.postRecv({ wrId: i, bytes: this.recvBytes });
        }
      }
    }
    this.startSize();
  }

  private startSize(): void {
    const p = this.p;
    this.size = p.verb === 'atomic' ? 8 : p.sizes[this.sizeIdx]!;
    this.misses0 = this.api.nicCache(this.src).misses;
    this.errors = 0;
    if (p.test === 'lat') {
      this.iter = 0;
      this.samples = [];
      this.postLat();
    } else {
      this.posted = 0;
      this.completed = 0;
      this.firstPost = this.api.now;
      this.fill();
    }
  }

  /** The work request the client (or, answering, the server) posts for one message. */
  private wr(wrId: number, from: AppQp, to: AppQp, signaled: boolean): AppSendWr {
    const p = this.p;
    const bytes = this.size;
    const inline = bytes <= this.inlineMax && (p.verb === 'send' || p.verb === 'write');
    const base = { wrId, bytes, signaled, inline, remoteAddr: ADDR };
    switch (p.verb) {
      case 'send':
        return from.type === 'ud' ? { ...base, verb: 'send', dest: { host: to.host, qpn: to.qpn } } : { ...base, verb: 'send' };
      case 'write':
        return { ...base, verb: 'write' };
      case 'read':
        return { ...base, verb: 'read' };
      default:
        return p.atomic === 'faa' ? { ...base, verb: 'faa', add: 1n } : { ...base, verb: 'cas', compare: 0n, swap: 0n };
    }
  }

  // ---- latency ----

  private postLat(): void {
    this.postedAt = this.api.now;
    const sig = this.p.verb === 'read' || this.p.verb === 'atomic';
    this.client[0]!.postSend(this.wr(this.iter, this.client[0]!, this.server[0]!, sig));
  }

  private latSample(): void {
    const rtt = this.api.now - this.postedAt;
    const p = this.p;
    this.samples.push(p.verb === 'read' || p.verb === 'atomic' ? rtt : rtt / 2);
    if (++this.iter < p.iterations) this.postLat();
    else this.endSize();
  }

  onWrite(qp: AppQp): void {
    if (this.p.test !== 'lat' || this.p.verb !== 'write') return;
    if (qp.host === this.dst) this.server[0]!.postSend(this.wr(this.iter, this.server[0]!, this.client[0]!, false));
    else this.latSample();
  }

  onCompletion(c: AppCompletion): void {
    if (this.stopped) return;
    const p = this.p;
    if (c.status !== OK) {
      this.errors++;
      if (p.test === 'lat' || c.opcode !== 'IBV_WC_RECV') this.abort();
      return;
    }
    const onServer = c.host === this.dst;
    if (c.opcode === 'IBV_WC_RECV') {
      const q = this.indexOf(c.qpn, onServer ? this.server : this.client);
      (onServer ? this.server : this.client)[q]!.postRecv({ wrId: c.wrId, bytes: this.recvBytes });
      if (p.test === 'lat') {
        if (onServer) this.server[0]!.postSend(this.wr(this.iter, this.server[0]!, this.client[0]!, false));
        else this.latSample();
      }
      return;
    }
    if (onServer) return;
    if (p.test === 'lat') {
      if (p.verb === 'read' || p.verb === 'atomic') this.latSample();
      return;
    }
    // bw: a signaled send completion covers its batch
    const q = this.indexOf(c.qpn, this.client);
    const n = this.batches[q]!.shift()!;
    this.outstanding[q]! -= n;
    this.completed += n;
    this.lastCompletion = this.api.now;
    if (this.completed >= p.iterations) this.endSize();
    else this.fill();
  }

  private indexOf(qpn: number, qps: readonly AppQp[]): number {
    for (let i = 0; i < qps.length; i++) if (qps[i]!.qpn === qpn) return i;
    return 0;
  }

  // ---- bandwidth ----

  private fill(): void {
    const p = this.p;
    const nq = this.client.length;
    let idle = 0;
    while (this.posted < p.iterations && idle < nq) {
      const q = this.rr;
      this.rr = (this.rr + 1) % nq;
      if (this.outstanding[q]! >= p.tx_depth) {
        idle++;
        continue;
      }
      idle = 0;
      const last = this.posted === p.iterations - 1;
      const n = ++this.sinceSignal[q]!;
      const signaled = n >= p.cq_mod || last || this.outstanding[q]! + 1 >= p.tx_depth;
      if (signaled) {
        this.batches[q]!.push(n);
        this.sinceSignal[q] = 0;
      }
      this.outstanding[q]!++;
      this.posted++;
      this.client[q]!.postSend(this.wr(this.posted, this.client[q]!, this.server[q]!, signaled));
    }
  }

  // ---- results ----

  private endSize(): void {
    const p = this.p;
    const api = this.api;
    const us = (ps: number): number => ps / 1e6;
    const row: Record<string, string | number> = {
      app: this.label, test: `${this.verb}_${p.test}`, qp_type: p.qp_type, qps: p.qps, client: api.hostName(this.src), server: api.hostName(this.dst),
      bytes: this.size, iterations: p.iterations, t_min_us: '', t_max_us: '', t_typical_us: '', t_avg_us: '', t_stdev_us: '', t_p99_us: '',
      t_p999_us: '', bw_avg_gbps: '', msg_rate_mpps: '', qp_cache_misses: api.nicCache(this.src).misses - this.misses0, errors: this.errors,
    };
    if (p.test === 'lat') {
      const s = this.samples.slice().sort((a, b) => a - b);
      const mean = s.reduce((a, b) => a + b, 0) / s.length;
      const sd = Math.sqrt(s.reduce((a, b) => a + (b - mean) ** 2, 0) / s.length);
      Object.assign(row, {
        t_min_us: us(s[0]!), t_max_us: us(s[s.length - 1]!), t_typical_us: us(s[Math.floor(s.length / 2)]!), t_avg_us: us(mean),
        t_stdev_us: us(sd), t_p99_us: us(rank(s, 99)), t_p999_us: us(rank(s, 99.9)),
      });
    } else {
      const dur = this.lastCompletion - this.firstPost;
      row.bw_avg_gbps = dur > 0 ? (p.iterations * this.size * 8 * 1000) / dur : 0;
      row.msg_rate_mpps = dur > 0 ? (p.iterations * 1e6) / dur : 0;
    }
    api.record('perftest', row);
    if (++this.sizeIdx < (p.verb === 'atomic' ? 1 : p.sizes.length)) {
      if (p.gap_ns > 0) api.schedule(ns(p.gap_ns), TIMER_NEXT_SIZE);
      else this.startSize();
    } else {
      this.stopped = true;
      api.finish();
    }
  }

  private abort(): void {
    this.stopped = true;
    this.api.record('perftest', { app: this.label, test: `${this.verb}_${this.p.test}`, qp_type: this.p.qp_type, qps: this.p.qps, client: this.api.hostName(this.src), server: this.api.hostName(this.dst), bytes: this.size, iterations: this.p.iterations, t_min_us: '', t_max_us: '', t_typical_us: '', t_avg_us: '', t_stdev_us: '', t_p99_us: '', t_p999_us: '', bw_avg_gbps: '', msg_rate_mpps: '', qp_cache_misses: '', errors: this.errors });
    this.api.finish();
  }

  onTimer(tag: number): void {
    if (tag === TIMER_NEXT_SIZE) this.startSize();
  }
}

/**
 * perftest-style microbenchmarks (the linux-rdma perftest suite: ib_send_lat, ib_write_bw, ...):
 * latency or bandwidth of one verb between a client and a server over a sweep of message sizes,
 * one row per size in perftest.csv.
 */
export const perftest: WorkloadVariant<PerftestParams> = {
  name: 'perftest',
  description: 'perftest-style latency (ping-pong) or bandwidth (window) of one verb over a sweep of message sizes; rows in perftest.csv',
  params: perftestParams,
  generate() {
    return [];
  },
  apps(p, ctx) {
    requireHosts(ctx, 2, 'perftest');
    const client = p.client === undefined ? 0 : resolveHost(p.client, ctx, 'client');
    const server = p.server === undefined ? (client === 1 ? 0 : 1) : resolveHost(p.server, ctx, 'server');
    if (client === server) throw new ConfigError(`client and server are the same host (${ctx.hosts[client]})`, at(ctx, 'server'));
    if (p.qp_type === 'uc' && (p.verb === 'read' || p.verb === 'atomic')) {
      throw new ConfigError(`UC QPs carry no ${p.verb === 'read' ? 'RDMA READ' : 'atomics'}; use qp_type: rc`, at(ctx, 'qp_type'));
    }
    if (p.qp_type === 'ud' && p.verb !== 'send') throw new ConfigError(`UD QPs carry SENDs only, not ${p.verb}`, at(ctx, 'qp_type'));
    if (p.test === 'lat' && p.qps > 1) throw new ConfigError('latency tests use one QP (qps: 1)', at(ctx, 'qps'));
    return [new PerftestApp(p, client, server, ns(p.start_ns), `${ctx.hosts[client]}→${ctx.hosts[server]}`)];
  },
};
