import { ConfigError } from '../../sim/errors.js';
import { dataLines, decimal, toNs, type TraceRow } from './trace-rows.js';

/**
 * Reads an htsim connection matrix (`.cm`, as htsim's ConnectionMatrix loads it):
 *
 * ```
 * Nodes 128
 * Connections 2
 * 1->0 id 1 start 0 size 2000000
 * 2->0 start 10.5 size 2000000 prio 3
 * ```
 *
 * A header of `Nodes N`, `Connections C` (and `Triggers T`, `Failures F`), then one line per
 * connection: `SRC->DST` and key-value pairs, `start` (µs, as htsim's save() writes it and its
 * RoCE/EQDS drivers read it), `size` (bytes), `id`, `prio`, `send_done_trigger`,
 * `recv_done_trigger`. Hosts `0..N−1` become `h0..`, the fabricsim generators' host keys.
 * Connections started by a `trigger` (htsim's dependent flows) and `failure` lines cannot be
 * expressed as a flow trace and are rejected with their line; so is any count that does not match
 * the header, and every malformed line (`name:line`).
 */
export function parseHtsimCm(text: string, name: string): TraceRow[] {
  const fail = (line: number, msg: string): never => {
    throw new ConfigError(`${name}:${line}: ${msg}`, { file: name });
  };
  let nodes = -1;
  let declared = -1;
  let lastLine = 1;
  const rows: TraceRow[] = [];
  for (const l of dataLines(text)) {
    lastLine = l.line;
    const [first, ...rest] = l.fields as [string, ...string[]];
    const headerValue = (): number => (rest.length === 1 && /^\d+$/.test(rest[0]!) ? Number(rest[0]) : fail(l.line, `expected "${first} <count>"; found "${l.fields.join(' ')}"`));
    if (first === 'Nodes') nodes = headerValue();
    else if (first === 'Connections') declared = headerValue();
    else if (first === 'Triggers' || first === 'Failures') {
      if (headerValue() > 0) fail(l.line, `${first.toLowerCase()} are not supported: fabricsim imports timed connections only (start), not triggered ones`);
    } else if (first === 'trigger' || first === 'failure') fail(l.line, `${first} lines are not supported: fabricsim imports timed connections only`);
    else {
      const m = /^(\d+)->(\d+)$/.exec(first);
      if (m === null) fail(l.line, `expected a connection "SRC->DST start <us> size <bytes>" or a header line; found "${first}"`);
      if (nodes < 0) fail(l.line, 'a connection before the "Nodes N" header');
      const src = Number(m![1]);
      const dst = Number(m![2]);
      for (const h of [src, dst]) if (h >= nodes) fail(l.line, `node ${h} does not exist (Nodes ${nodes}: ids 0..${nodes - 1})`);
      if (src === dst) fail(l.line, `src and dst are the same node (${src})`);
      let start: number | undefined;
      let size: number | undefined;
      for (let i = 0; i < rest.length; i += 2) {
        const key = rest[i]!;
        const value = rest[i + 1];
        if (value === undefined) fail(l.line, `"${key}" has no value`);
        if (key === 'start') {
          start = decimal(value!);
          if (!Number.isFinite(start) || start > 1e9) fail(l.line, `start must be a time in µs >= 0; found "${value}"`);
        } else if (key === 'size') {
          size = /^\d+$/.test(value!) ? Number(value) : NaN;
          if (!Number.isSafeInteger(size) || size < 1) fail(l.line, `size must be a whole number of bytes >= 1; found "${value}"`);
        } else if (key === 'trigger') fail(l.line, 'triggered connections are not supported: fabricsim imports timed connections only (start)');
        else if (key === 'id' || key === 'prio' || key === 'send_done_trigger' || key === 'recv_done_trigger') {
          if (!/^\d+$/.test(value!)) fail(l.line, `${key} must be a whole number; found "${value}"`);
        } else fail(l.line, `unknown token "${key}"; expected start, size, id, prio, send_done_trigger or recv_done_trigger`);
      }
      if (start === undefined) fail(l.line, 'no start time (start <µs>)');
      if (size === undefined) fail(l.line, 'no size (size <bytes>)');
      rows.push({ src: `h${src}`, dst: `h${dst}`, bytes: size!, start_ns: toNs(start!, 1e3) });
    }
  }
  if (nodes < 0) fail(1, 'no "Nodes N" header');
  if (declared >= 0 && declared !== rows.length) fail(lastLine, `the header says Connections ${declared} but the file has ${rows.length}`);
  return rows;
}
