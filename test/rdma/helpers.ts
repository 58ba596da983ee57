import { runExperiment, type RunResult } from '../../src/experiment/run.js';
import type { AppCompletion, AppQp, RdmaApi, RdmaApp } from '../../src/workload/rdma-app.js';
import { checkConservation } from '../helpers/run.js';

/** Serialization of a frame of `bytes` (+ 20 B preamble/IFG) at `gbps`, in ps. */
export const ser = (bytes: number, gbps = 100): number => ((bytes + 20) * 8 * 1000) / gbps;

/** RoCEv2 frame bytes outside the transport's extended headers: Eth 14 + IPv4 20 + UDP 8 + BTH 12 + ICRC 4 + FCS 4. */
export const BASE = 62;
export const RETH = 16;
export const AETH = 4;
export const ATOMIC_ETH = 28;
export const ATOMIC_ACK_ETH = 8;
export const DETH = 8;
export const ACK = BASE + AETH;

/** Time for one packet of `frame` bytes to cross `hops` store-and-forward hops of `delayPs` each. */
export const trip = (frame: number, hops = 2, delayPs = 1_000_000, gbps = 100): number => hops * (ser(frame, gbps) + delayPs);

/** Two hosts on one 100 Gb/s switch, 1 µs per cable: every path is 2 hops. */
export const STAR2 = { generator: 'star', params: { hosts: 2, rate_gbps: 100, delay_ns: 1000 } };
export const star = (hosts: number) => ({ generator: 'star', params: { hosts, rate_gbps: 100, delay_ns: 1000 } });

type Hook<A extends unknown[]> = (app: ScriptApp, ...args: A) => void;

/** A scripted application: `script` runs at start; completions, landed writes and timers are recorded and handed to hooks. */
export class ScriptApp implements RdmaApp {
  readonly label = 'script';
  readonly verb = 'script';
  readonly plannedBytes = 0;
  api!: RdmaApi;
  readonly completions: AppCompletion[] = [];
  readonly writes: { qpn: number; bytes: number; t: number }[] = [];
  /** Anything the script wants to keep. */
  readonly state: Record<string, any> = {};

  constructor(
    private readonly script: Hook<[RdmaApi]>,
    private readonly hooks: { onCompletion?: Hook<[AppCompletion]>; onTimer?: Hook<[number]>; onWrite?: Hook<[AppQp, number]> } = {},
    readonly src = 0,
    readonly dst = 1,
    readonly startAt = 0,
  ) {}

  start(api: RdmaApi): void {
    this.api = api;
    this.script(this, api);
  }

  onCompletion(c: AppCompletion): void {
    this.completions.push(c);
    this.hooks.onCompletion?.(this, c);
  }

  onTimer(tag: number): void {
    this.hooks.onTimer?.(this, tag);
  }

  onWrite(qp: AppQp, bytes: number): void {
    this.writes.push({ qpn: qp.qpn, bytes, t: this.api.now });
    this.hooks.onWrite?.(this, qp, bytes);
  }
}

/** Runs `apps` on `topology` (idle workload), checking conservation; extra experiment fields merge in. */
export function runApps(apps: RdmaApp[], experiment: Record<string, unknown> = {}): RunResult {
  const r = runExperiment({ name: 'apps', topology: STAR2, workload: { kind: 'idle' }, outputs: { samples_interval_ns: 0 }, ...experiment }, { apps });
  checkConservation(r);
  return r;
}

/** A connected RC (or UC) pair between hosts 0 and 1 with one CQ per host; returns [client, server, cqClient, cqServer]. */
export function pair(api: RdmaApi, options: Record<string, unknown> = {}, hosts: [number, number] = [0, 1]) {
  const c0 = api.createCq(hosts[0]);
  const c1 = api.createCq(hosts[1]);
  const a = api.createQp(hosts[0], { sendCq: c0, recvCq: c0, ...options });
  const b = api.createQp(hosts[1], { sendCq: c1, recvCq: c1, ...options });
  api.connect(a, b);
  return { a, b, cqa: c0, cqb: c1 };
}
