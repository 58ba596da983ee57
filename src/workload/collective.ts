import { z } from 'zod';
import { ConfigError } from '../sim/errors.js';
import { ns, type Time } from '../sim/time.js';
import { at, hostRef, requireHosts, resolveHost, startNsParam } from './common.js';
import type { AppCompletion, AppQp, RdmaApi, RdmaApp } from './rdma-app.js';
import type { WorkloadContext } from './workload.js';

/**
 * The engine shared by the collectives (ring and tree all-reduce, all-gather, reduce-scatter):
 * a collective is a list of point-to-point messages between ranks, each with the messages it
 * depends on (its inputs). A message is posted the moment the last of its inputs has arrived
 * whole at its sender (at the iteration's start when it has none): the data dependencies of a
 * real collective, with no other synchronisation. Each rank's outgoing messages to one peer go
 * over one RC QP, in posting order.
 */

/** Parameters every collective takes. */
export const collectiveParams = z
  .object({
    hosts: z
      .union([z.literal('all'), z.array(hostRef).min(2)])
      .default('all')
      .describe("the ranks: 'all' hosts or a list of hosts (at least 2), in rank order (the ring's order; the tree's heap order, rank 0 the root)"),
    bytes: z.int().min(1).max(2 ** 40).default(1 << 20).describe('buffer bytes per rank (the NCCL size: input of all-reduce and reduce-scatter, output of all-gather)'),
    verb: z
      .enum(['write_imm', 'send'])
      .default('write_imm')
      .describe("how a chunk moves: an RDMA WRITE with immediate (its immediate completes a RECV at the receiver) or a SEND"),
    iterations: z.int().min(1).max(100_000).default(1).describe('collectives run back to back, each starting when the previous has completed on every rank'),
    start_ns: startNsParam,
  })
  .strict();

/** Validated collective parameters. */
export type CollectiveParams = z.output<typeof collectiveParams>;

/** Columns of collectives.csv. */
export const COLLECTIVES_COLUMNS = ['app', 'collective', 'algorithm', 'ranks', 'bytes', 'verb', 'iteration', 'messages', 'time_us', 'algbw_gbps', 'busbw_gbps'] as const;

/** One point-to-point message of a collective: ranks are positions in the rank list. */
export interface CollectiveMessage {
  from: number;
  to: number;
  bytes: number;
  /** Indices of the messages (into the same list) that must have arrived at `from` first. */
  deps: number[];
}

/** A collective algorithm: its messages for `ranks` ranks and `bytes` per rank, and NCCL's bus-bandwidth factor. */
export interface CollectiveAlgorithm {
  collective: string;
  algorithm: string;
  messages(ranks: number, bytes: number): CollectiveMessage[];
  /** busbw = algbw × factor (NCCL's definition: 2(N−1)/N for all-reduce, (N−1)/N for all-gather and reduce-scatter). */
  busFactor(ranks: number): number;
}

/** Bytes of chunk `c` of `n` when `bytes` is split as evenly as possible. */
export function chunkBytes(bytes: number, n: number, c: number): number {
  return Math.floor(((c + 1) * bytes) / n) - Math.floor((c * bytes) / n);
}

/** The ranks of a collective: every host, or the listed ones (distinct). */
export function collectiveRanks(p: CollectiveParams, ctx: WorkloadContext, name: string): number[] {
  requireHosts(ctx, 2, name);
  if (p.hosts === 'all') return ctx.hosts.map((_, i) => i);
  const seen = new Set<number>();
  return p.hosts.map((ref, i) => {
    const h = resolveHost(ref, ctx, 'hosts', i);
    if (seen.has(h)) throw new ConfigError(`host ${ctx.hosts[h]} is listed twice`, at(ctx, 'hosts', i));
    seen.add(h);
    return h;
  });
}

const OK = 'IBV_WC_SUCCESS';

/** Runs a collective's message list `iterations` times over the ranks' hosts; one collectives.csv row per iteration. */
export class CollectiveApp implements RdmaApp {
  readonly label: string;
  readonly verb: string;
  readonly src: number;
  readonly dst: number;
  readonly startAt: Time;
  readonly plannedBytes: number;
  private api!: RdmaApi;
  private readonly msgs: CollectiveMessage[];
  /** Per message: inputs still missing in this iteration. */
  private missing: number[] = [];
  /** Per message: the messages that depend on it. */
  private readonly dependents: number[][];
  /** Per directed edge `from·N + to` (rank positions): the sender's QP, and the receiver's. */
  private readonly out = new Map<number, AppQp>();
  private readonly recvQps = new Map<number, AppQp>();
  /** Receiving QP (`host:qpn`) → its edge. */
  private readonly inQp = new Map<string, number>();
  /** Per edge: message ids posted and not yet arrived, in posting order (RC delivers in order). */
  private readonly inflight = new Map<number, number[]>();
  private arrived = 0;
  private iteration = 0;
  private iterStart = 0;
  private errors = 0;
  private stopped = false;

  constructor(
    private readonly alg: CollectiveAlgorithm,
    private readonly p: CollectiveParams,
    private readonly hosts: readonly number[],
    names: string,
  ) {
    this.msgs = alg.messages(hosts.length, p.bytes);
    this.label = `${alg.collective} ${alg.algorithm} ${names}`;
    this.verb = p.verb;
    this.src = hosts[0]!;
    this.dst = hosts[1]!;
    this.startAt = ns(p.start_ns);
    this.plannedBytes = this.msgs.reduce((s, m) => s + m.bytes, 0) * p.iterations;
    this.dependents = this.msgs.map(() => []);
    this.msgs.forEach((m, i) => m.deps.forEach((d) => this.dependents[d]!.push(i)));
  }

  private edge(from: number, to: number): number {
    return from * this.hosts.length + to;
  }

  start(api: RdmaApi): void {
    this.api = api;
    const n = this.hosts.length;
    const perEdge = new Map<number, number>();
    for (const m of this.msgs) perEdge.set(this.edge(m.from, m.to), (perEdge.get(this.edge(m.from, m.to)) ?? 0) + 1);
    const cqs = this.hosts.map((h) => api.createCq(h));
    for (const [e, count] of [...perEdge.entries()].sort((a, b) => a[0] - b[0])) {
      const from = Math.floor(e / n);
      const to = e % n;
      const depth = { sqDepth: 2 * count + 16, rqDepth: count + 16 };
      const a = api.createQp(this.hosts[from]!, { sendCq: cqs[from], recvCq: cqs[from], ...depth });
      const b = api.createQp(this.hosts[to]!, { sendCq: cqs[to], recvCq: cqs[to], ...depth });
      api.connect(a, b);
      this.out.set(e, a);
      this.inQp.set(`${b.host}:${b.qpn}`, e);
      this.recvQps.set(e, b);
      this.inflight.set(e, []);
    }
    this.startIteration();
  }

  private startIteration(): void {
    this.iterStart = this.api.now;
    this.arrived = 0;
    this.missing = this.msgs.map((m) => m.deps.length);
    // every receive buffer is posted before any chunk moves (no RNR)
    for (const m of this.msgs) {
      this.recvQps.get(this.edge(m.from, m.to))!.postRecv({ wrId: 0, bytes: this.p.verb === 'send' ? m.bytes : 0 });
    }
    this.msgs.forEach((m, i) => {
      if (m.deps.length === 0) this.post(i);
    });
  }

  private post(i: number): void {
    const m = this.msgs[i]!;
    const e = this.edge(m.from, m.to);
    this.inflight.get(e)!.push(i);
    const verb = this.p.verb === 'send' ? 'send' : 'write_imm';
    this.out.get(e)!.postSend({ wrId: i, verb, bytes: m.bytes, signaled: false, imm: i, remoteAddr: 0 });
  }

  onCompletion(c: AppCompletion): void {
    if (this.stopped) return;
    if (c.status !== OK) {
      this.errors++;
      this.finishRun();
      return;
    }
    if (c.opcode !== 'IBV_WC_RECV' && c.opcode !== 'IBV_WC_RECV_RDMA_WITH_IMM') return;
    const e = this.inQp.get(`${c.host}:${c.qpn}`);
    if (e === undefined) return;
    const i = this.inflight.get(e)!.shift()!;
    this.arrived++;
    for (const d of this.dependents[i]!) if (--this.missing[d]! === 0) this.post(d);
    if (this.arrived === this.msgs.length) this.endIteration();
  }

  private endIteration(): void {
    const api = this.api;
    const p = this.p;
    const dur = api.now - this.iterStart;
    const n = this.hosts.length;
    const algbw = dur > 0 ? (p.bytes * 8 * 1000) / dur : 0;
    api.record('collectives', {
      app: this.label, collective: this.alg.collective, algorithm: this.alg.algorithm, ranks: n, bytes: p.bytes, verb: p.verb, iteration: this.iteration,
      messages: this.msgs.length, time_us: dur / 1e6, algbw_gbps: algbw, busbw_gbps: algbw * this.alg.busFactor(n),
    });
    if (++this.iteration < p.iterations) this.startIteration();
    else this.finishRun();
  }

  private finishRun(): void {
    if (this.stopped) return;
    this.stopped = true;
    if (this.errors > 0) {
      this.api.record('collectives', {
        app: this.label, collective: this.alg.collective, algorithm: this.alg.algorithm, ranks: this.hosts.length, bytes: this.p.bytes, verb: this.p.verb,
        iteration: this.iteration, messages: this.msgs.length, time_us: '', algbw_gbps: '', busbw_gbps: '',
      });
    }
    this.api.finish();
  }
}

/** The `apps()` of a collective workload: one app over the ranks. */
export function collectiveApps(alg: CollectiveAlgorithm, p: CollectiveParams, ctx: WorkloadContext, name: string): RdmaApp[] {
  const ranks = collectiveRanks(p, ctx, name);
  if (p.bytes < ranks.length) throw new ConfigError(`bytes (${p.bytes}) must be at least the number of ranks (${ranks.length}) so every chunk is non-empty`, at(ctx, 'bytes'));
  const names = ranks.length <= 4 ? ranks.map((h) => ctx.hosts[h]).join(',') : `${ctx.hosts[ranks[0]!]}..${ctx.hosts[ranks[ranks.length - 1]!]} (${ranks.length} ranks)`;
  return [new CollectiveApp(alg, p, ranks, names)];
}
