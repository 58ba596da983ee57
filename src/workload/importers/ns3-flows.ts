import { ConfigError } from '../../sim/errors.js';
import { dataLines, decimal, toNs, type TraceRow } from './trace-rows.js';

/**
 * Reads the flow file of the ns-3 HPCC RDMA simulator (`mix/flow.txt`):
 *
 * ```
 * flow_count
 * src dst priority dport size start_time     (flow_count lines; size in bytes, start in seconds)
 * ```
 *
 * Node ids become host keys `h<id>`, as the ns-3 topology importer names them; the priority
 * (ns-3's priority group, 3 for RDMA in HPCC's scripts) becomes the flow's traffic class when
 * it is 0..7; the destination port is dropped. Start times keep their absolute value (HPCC's
 * flows usually start at 2 s: the trace workload's `start_ns` can shift them). Every malformed
 * line is a ConfigError naming `name:line`.
 */
export function parseNs3Flows(text: string, name: string): TraceRow[] {
  const lines = dataLines(text);
  const fail = (line: number, msg: string): never => {
    throw new ConfigError(`${name}:${line}: ${msg}`, { file: name });
  };
  if (lines.length === 0) fail(1, 'empty file; expected the number of flows on the first line');
  const head = lines[0]!;
  const count = head.fields.length === 1 && /^\d+$/.test(head.fields[0]!) ? Number(head.fields[0]) : -1;
  if (count < 0) fail(head.line, `expected the number of flows on the first line; found "${head.fields.join(' ')}"`);
  const rows = lines.slice(1);
  if (rows.length !== count) fail((rows[Math.min(count, rows.length)] ?? head).line, `the first line says ${count} flows but the file has ${rows.length} flow lines`);
  return rows.map((l): TraceRow => {
    if (l.fields.length !== 6) fail(l.line, `expected "src dst priority dport size start_time" (6 fields); found ${l.fields.length}: "${l.fields.join(' ')}"`);
    const [s, d, p, port, size, start] = l.fields as [string, string, string, string, string, string];
    const id = (t: string, what: string): number => (/^\d+$/.test(t) ? Number(t) : fail(l.line, `${what} must be a node id (a whole number); found "${t}"`));
    const src = id(s, 'src');
    const dst = id(d, 'dst');
    if (src === dst) fail(l.line, `src and dst are the same node (${src})`);
    const prio = id(p, 'priority');
    id(port, 'dport');
    const bytes = /^\d+$/.test(size) ? Number(size) : NaN;
    if (!Number.isSafeInteger(bytes) || bytes < 1) fail(l.line, `size must be a whole number of bytes >= 1; found "${size}"`);
    const t = decimal(start);
    if (!Number.isFinite(t) || t > 1000) fail(l.line, `start_time must be a time in seconds in [0, 1000]; found "${start}"`);
    const row: TraceRow = { src: `h${src}`, dst: `h${dst}`, bytes, start_ns: toNs(t, 1e9) };
    if (prio <= 7) row.priority = prio;
    return row;
  });
}
