import { z } from 'zod';
import { ConfigError } from '../sim/errors.js';
import { joinPath } from '../sim/parse.js';
import { ns, type Time } from '../sim/time.js';
import type { FlowSpec, WorkloadContext } from './workload.js';

/** Largest start time or jitter accepted, in ns (1000 s: far below the 2^53 ps limit). */
const MAX_NS = 1e12;

/** A host named by its node key (`'h3'`) or by its host index (`3`). */
export const hostRef = z
  .union([z.string().min(1), z.int().min(0)])
  .describe("a host: its node key (\"h3\") or its host index (3)");

/** A host reference as written in a file. */
export type HostRef = z.infer<typeof hostRef>;

/** Message size in bytes. */
export const bytesParam = z.int().min(1).describe('message size in bytes');

/** Start time of the flows in nanoseconds. */
export const startNsParam = z
  .number()
  .min(0)
  .max(MAX_NS)
  .default(0)
  .describe('start time in nanoseconds');

/** Start-time jitter in nanoseconds. */
export const jitterNsParam = z
  .number()
  .min(0)
  .max(MAX_NS)
  .default(0)
  .describe('each flow starts at start_ns + uniform[0, jitter_ns) ns (0: all at start_ns)');

/** The RDMA verb of the flows. */
export const verbParam = z
  .enum(['write', 'send', 'read'])
  .default('write')
  .describe("RDMA verb of every flow: 'write', 'send' (the receiver pre-posts a RECV) or 'read' (the source reads `bytes` from the destination)");

/** `where` for a ConfigError at `ctx.field` + `path`. */
export function at(ctx: WorkloadContext, ...path: (string | number)[]): { file?: string; field: string } {
  return { file: ctx.file, field: joinPath(ctx.field, path) };
}

/** A few host names for an error message (`h0, h1, h2, …, h15`). */
function someHosts(hosts: readonly string[]): string {
  if (hosts.length <= 5) return hosts.join(', ');
  return `${hosts.slice(0, 3).join(', ')}, …, ${hosts[hosts.length - 1]}`;
}

/**
 * The host id of `ref`; a ConfigError at `ctx.field`.`path` names the valid hosts otherwise.
 */
export function resolveHost(ref: HostRef, ctx: WorkloadContext, ...path: (string | number)[]): number {
  const n = ctx.hosts.length;
  const id = typeof ref === 'number' ? (ref < n ? ref : -1) : ctx.hosts.indexOf(ref);
  if (id < 0) {
    const what = typeof ref === 'number' ? `host index ${ref}` : `host '${ref}'`;
    const valid = n === 0 ? 'the topology has no hosts' : `expected one of ${someHosts(ctx.hosts)} or an index 0..${n - 1}`;
    throw new ConfigError(`unknown ${what}; ${valid} (${n} host${n === 1 ? '' : 's'})`, at(ctx, ...path));
  }
  return id;
}

/** Throws a ConfigError at `ctx.field` unless the topology has at least `min` hosts. */
export function requireHosts(ctx: WorkloadContext, min: number, workload: string): void {
  if (ctx.hosts.length < min) {
    throw new ConfigError(
      `the ${workload} workload needs at least ${min} hosts; the topology has ${ctx.hosts.length}`,
      at(ctx),
    );
  }
}

/**
 * Start times: `start_ns` plus, when `jitter_ns > 0`, a uniform draw in [0, jitter) from `rng`,
 * rounded down to a whole picosecond (so a start never reaches `start + jitter`).
 */
export function startTimes(startNs: number, jitterNs: number, count: number, ctx: WorkloadContext): Time[] {
  const start = ns(startNs);
  const jitter = ns(jitterNs);
  if (jitter === 0) return new Array<Time>(count).fill(start);
  const rng = ctx.rng.fork('jitter');
  return Array.from({ length: count }, () => start + Math.floor(rng.next() * jitter));
}

/** Orders flows by (start, src, dst), keeping generation order among equals; in place. */
export function sortFlows(flows: FlowSpec[]): FlowSpec[] {
  return flows.sort((a, b) => a.start - b.start || a.src - b.src || a.dst - b.dst);
}
