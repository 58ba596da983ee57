import { z } from 'zod';
import { parseCsv } from '../sim/csv-read.js';
import { ConfigError } from '../sim/errors.js';
import { ns } from '../sim/time.js';
import { at, resolveHost, sortFlows, startNsParam, verbParam } from './common.js';
import { readWorkloadFile } from './files.js';
import type { FlowSpec, WorkloadContext, WorkloadVariant } from './workload.js';

/** Parameters of the trace workload. */
export const traceParams = z
  .object({
    file: z
      .string()
      .min(1)
      .describe("a CSV flow trace with a header: src,dst,bytes,start_ns (optional priority), relative to the experiment file's folder"),
    start_ns: startNsParam.describe("added to every flow's start_ns, in nanoseconds"),
    verb: verbParam,
  })
  .strict();

/** Validated trace parameters. */
export type TraceParams = z.output<typeof traceParams>;

/** Columns a trace must have; `priority` is optional, other columns are ignored. */
export const TRACE_COLUMNS = ['src', 'dst', 'bytes', 'start_ns'] as const;

/** A host field of a trace: a node key, or a host index written as digits. */
function traceHost(text: string, ctx: WorkloadContext, where: string): number {
  const ref = /^\d+$/.test(text) ? Number(text) : text;
  try {
    return resolveHost(ref, ctx, 'file');
  } catch (e) {
    throw e instanceof ConfigError ? new ConfigError(`${where}: ${e.message.replace(/^.*?file: /, '')}`, at(ctx, 'file')) : e;
  }
}

/**
 * Parses a flow trace: a CSV file whose header names at least `src`, `dst`, `bytes` and
 * `start_ns` (any order; `priority` 0..7 is used when present; other columns are ignored). Hosts
 * are node keys (`h3`) or host indices (`3`); `bytes` a whole number ≥ 1; `start_ns` ≥ 0 (may
 * have a fraction, kept to the picosecond). Every problem is a ConfigError naming the file and line.
 */
export function parseTrace(text: string, name: string, ctx: WorkloadContext, startNs = 0, verb: FlowSpec['verb'] = 'write'): FlowSpec[] {
  const table = parseCsv(text, { comments: true });
  const col = (c: string) => table.columns.indexOf(c);
  const missing = TRACE_COLUMNS.filter((c) => col(c) < 0);
  if (missing.length > 0) {
    throw new ConfigError(`${name}: the header must name ${TRACE_COLUMNS.join(', ')}; missing ${missing.join(', ')} (found: ${table.columns.join(', ') || 'nothing'})`, at(ctx, 'file'));
  }
  const [iSrc, iDst, iBytes, iStart, iPrio] = [col('src'), col('dst'), col('bytes'), col('start_ns'), col('priority')];
  const offset = ns(startNs);
  return sortFlows(
    table.rows.map((row, k): FlowSpec => {
      const where = `${name}:${table.lines[k]}`;
      const field = (i: number) => (row[i] ?? '').trim();
      const src = traceHost(field(iSrc), ctx, where);
      const dst = traceHost(field(iDst), ctx, where);
      if (src === dst) throw new ConfigError(`${where}: src and dst are the same host (${ctx.hosts[src]})`, at(ctx, 'file'));
      const bytes = Number(field(iBytes));
      if (!Number.isSafeInteger(bytes) || bytes < 1) throw new ConfigError(`${where}: bytes must be a whole number >= 1; found "${field(iBytes)}"`, at(ctx, 'file'));
      const startText = field(iStart);
      const start = Number(startText);
      if (startText === '' || !Number.isFinite(start) || start < 0 || start > 1e12) {
        throw new ConfigError(`${where}: start_ns must be a number of nanoseconds in [0, 1e12]; found "${startText}"`, at(ctx, 'file'));
      }
      const flow: FlowSpec = { src, dst, bytes, start: offset + Math.round(start * 1000), verb };
      if (iPrio >= 0 && field(iPrio) !== '') {
        const prio = Number(field(iPrio));
        if (!Number.isInteger(prio) || prio < 0 || prio > 7) throw new ConfigError(`${where}: priority must be 0..7; found "${field(iPrio)}"`, at(ctx, 'file'));
        flow.priority = prio;
      }
      return flow;
    }),
  );
}

/** Replays a flow trace (CSV: src,dst,bytes,start_ns) as it is. */
export const trace: WorkloadVariant<TraceParams> = {
  name: 'trace',
  description: 'replays a flow trace: a CSV file with src,dst,bytes,start_ns (and optionally priority) per flow',
  params: traceParams,
  generate(p, ctx) {
    const { text } = readWorkloadFile(p.file, ctx, 'file');
    const flows = parseTrace(text, p.file, ctx, p.start_ns, p.verb);
    if (flows.length === 0) throw new ConfigError(`${p.file}: the trace has no flows`, at(ctx, 'file'));
    return flows;
  },
};
