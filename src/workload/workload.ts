import type { Variant } from '../sim/registry.js';
import type { Rng } from '../sim/rng.js';
import type { Time } from '../sim/time.js';
import type { RdmaApp } from './rdma-app.js';

/** The RDMA verbs a static flow can use (one message of `bytes`). */
export type Verb = 'write' | 'send' | 'read';

/** One flow (an RDMA message / transfer) to simulate. */
export interface FlowSpec {
  /** Sending host id (an index into {@link WorkloadContext.hosts}). */
  src: number;
  /** Receiving host id; never equal to `src`. */
  dst: number;
  /** Message size in bytes (> 0). */
  bytes: number;
  /** When the work request is posted, in picoseconds. */
  start: Time;
  /** The RDMA verb. */
  verb: Verb;
  /** Traffic class (0..7) of this flow; absent: the transport's own `priority`. Set by `mix`. */
  priority?: number;
  /** The transport block (`kind` + parameters) of this flow; absent: the experiment's. Set by `mix`. */
  transport?: { kind: string; [param: string]: unknown };
  /**
   * A `send` flow: when the receiver posts the RECV it consumes, ps after the send is posted
   * (absent or 0: pre-posted; null: never, so the send meets RNR NAKs).
   */
  recvDelay?: Time | null;
}

/** What a workload generator may use: the hosts, a random stream and where its config came from. */
export interface WorkloadContext {
  /** Host node keys; the index is the host id used in {@link FlowSpec}. */
  hosts: readonly string[];
  /** The workload's own random stream (fork it for each independent choice). */
  rng: Rng;
  /** Experiment file, for error messages. */
  file?: string;
  /** Dotted field path of the workload block, for error messages (`workload`). */
  field: string;
  /**
   * Line rate of each host's link in Gb/s (same index as `hosts`), for workloads that target a
   * load (`poisson`); absent when the caller has no topology (then such a workload needs its own
   * rate parameter).
   */
  hostRatesGbps?: readonly number[];
  /** Folder that relative paths in the workload's parameters (trace or CDF files) are resolved against; default: the experiment file's folder, else the working directory. */
  baseDir?: string;
}

/**
 * A workload: a zod schema of its parameters and a generator of flows. `generate` returns the
 * flows sorted by (start, src, dst) and throws a `ConfigError` naming the field for a parameter
 * that only the hosts can check (an unknown host, more senders than hosts).
 */
export interface WorkloadVariant<P = unknown> extends Variant<P> {
  /** The flows for `params` on `ctx.hosts`, sorted by (start, src, dst). */
  generate(params: P, ctx: WorkloadContext): FlowSpec[];
  /** Closed-loop RDMA applications to run (rdma-app.ts), for workloads that are programs rather than flows. */
  apps?(params: P, ctx: WorkloadContext): RdmaApp[];
}
