import { FlowRecord, type FlowTable } from '../metrics/flow-table.js';
import type { Actor } from '../sim/actor.js';
import { ConfigError } from '../sim/errors.js';
import { Ring } from '../sim/ring.js';
import type { Rng } from '../sim/rng.js';
import type { Simulator } from '../sim/simulator.js';
import type { Time } from '../sim/time.js';
import type { CompletionQueue } from '../transport/rdma/completion-queue.js';
import { VerbsError } from '../transport/rdma/errors.js';
import type { VerbsQp, VerbsRuntime } from '../transport/rdma/verbs-runtime.js';
import type { AppCq, AppQp, AppQpOptions, RdmaApi, RdmaApp } from '../workload/rdma-app.js';

/** A result table an application recorded (written as `<name>.csv`). */
export interface AppTable {
  name: string;
  columns: string[];
  rows: (string | number)[][];
}

/** The tables applications record, by name, in the order first recorded. */
export class AppTables {
  private readonly byName = new Map<string, AppTable>();

  record(name: string, row: Record<string, string | number>): void {
    let t = this.byName.get(name);
    if (t === undefined) {
      t = { name, columns: Object.keys(row), rows: [] };
      this.byName.set(name, t);
    }
    t.rows.push(t.columns.map((c) => row[c] ?? ''));
  }

  all(): AppTable[] {
    return [...this.byName.values()];
  }
}

const EV_START = 0;
const EV_TIMER = 1;
const EV_WRITE = 2;

/**
 * Runs one application on the verbs runtime: it is the app's {@link RdmaApi}, its timer and
 * write-notification actor, and the owner of its flows.csv row (which ends when the app calls
 * `finish`). A verbs error the app provokes (a post beyond the queue depth, an inline payload
 * above the NIC's limit, a UD datagram above the MTU) becomes a ConfigError naming the workload.
 */
class AppRunner implements RdmaApi, Actor {
  actorId = -1;
  /** Bytes of WRITEs that landed, in the order their notifications are due. */
  private readonly landed = new Ring<number>(4);

  constructor(
    private readonly sim: Simulator,
    private readonly rt: VerbsRuntime,
    private readonly app: RdmaApp,
    private readonly rec: FlowRecord,
    private readonly flows: FlowTable,
    private readonly tables: AppTables,
    private readonly hostKeys: readonly string[],
    readonly rng: Rng,
    private readonly file: string | undefined,
  ) {
    sim.register(this);
  }

  get now(): Time {
    return this.sim.now;
  }

  get mtu(): number {
    return this.rt.mtu;
  }

  get maxInline(): number {
    return this.rt.devices.limits.maxInline;
  }

  hostName(host: number): string {
    return this.hostKeys[host] ?? String(host);
  }

  createCq(host: number): AppCq {
    const cq = this.rt.createCq(host);
    cq.handler = (c) => this.guard(() => this.app.onCompletion(c));
    return cq;
  }

  createQp(host: number, options: AppQpOptions = {}): AppQp {
    const qp = this.rt.createQp(host, {
      ...options,
      sendCq: (options.sendCq as CompletionQueue | undefined) ?? null,
      recvCq: (options.recvCq as CompletionQueue | undefined) ?? null,
    });
    qp.appFlow = this.rec;
    qp.listener = this;
    return qp;
  }

  connect(a: AppQp, b: AppQp): void {
    this.rt.connect(a as VerbsQp, b as VerbsQp, `app${this.rec.id}/${a.qpn}`);
  }

  schedule(delayPs: Time, tag: number): void {
    this.sim.after(delayPs, this, EV_TIMER, tag);
  }

  readWord(host: number, addr: number): bigint {
    return this.rt.memory(host).read(addr);
  }

  writeWord(host: number, addr: number, value: bigint): void {
    this.rt.memory(host).write(addr, value);
  }

  nicCache(host: number): { hits: number; misses: number } {
    const d = this.rt.devices.get(host);
    return { hits: d.cacheHits, misses: d.cacheMisses };
  }

  record(table: string, row: Record<string, string | number>): void {
    this.tables.record(table, row);
  }

  finish(): void {
    this.flows.end(this.rec, 'done', this.sim.now);
  }

  /** QpListener: a WRITE landed; the app's polling loop sees it at `at`. */
  onWriteLanded(qp: VerbsQp, bytes: number, at: Time): void {
    if (this.app.onWrite === undefined) return;
    this.landed.push(bytes);
    this.sim.at(at, this, EV_WRITE, qp.qpn);
  }

  onEvent(kind: number, arg: number): void {
    if (kind === EV_START) this.guard(() => this.app.start(this));
    else if (kind === EV_TIMER) this.guard(() => this.app.onTimer?.(arg));
    else {
      const bytes = this.landed.shift()!;
      this.guard(() => this.app.onWrite!(this.rt.qp(arg)!, bytes));
    }
  }

  private guard(fn: () => void): void {
    try {
      fn();
    } catch (e) {
      if (e instanceof VerbsError) throw new ConfigError(`${this.app.label}: ${e.message}`, { file: this.file, field: e.field ?? 'workload' });
      throw e;
    }
  }
}

/**
 * Starts `apps` on the runtime: each gets a flows.csv row (id after the static flows, its
 * planned bytes, no ideal FCT) and runs from its start time.
 */
export function startApps(
  apps: readonly RdmaApp[],
  rt: VerbsRuntime | null,
  ctx: { sim: Simulator; flows: FlowTable; transport: string; hostKeys: readonly string[]; file?: string | undefined },
): AppTables {
  const tables = new AppTables();
  if (apps.length === 0) return tables;
  if (rt === null) throw new ConfigError(`transport '${ctx.transport}' carries no RDMA verbs, so the workload's applications cannot run`, { file: ctx.file, field: 'transport.kind' });
  const rng = ctx.sim.rng.fork('apps');
  for (const [i, app] of apps.entries()) {
    const rec = ctx.flows.add(new FlowRecord(ctx.flows.records.length, app.src, app.dst, app.plannedBytes, app.startAt, ctx.transport, app.verb));
    rec.idealFct = NaN;
    const runner = new AppRunner(ctx.sim, rt, app, rec, ctx.flows, tables, ctx.hostKeys, rng.fork(String(i)), ctx.file);
    ctx.sim.at(app.startAt, runner, EV_START);
  }
  return tables;
}
