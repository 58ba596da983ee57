/** A flow of an imported flow file, as a row of a trace CSV (see the `trace` workload). */
export interface TraceRow {
  src: string;
  dst: string;
  bytes: number;
  start_ns: number;
  priority?: number;
}

/** The rows as a trace CSV (`src,dst,bytes,start_ns[,priority]`), in file order. */
export function traceCsv(rows: readonly TraceRow[]): string {
  const prio = rows.some((r) => r.priority !== undefined);
  const head = ['src', 'dst', 'bytes', 'start_ns', ...(prio ? ['priority'] : [])].join(',');
  const body = rows.map((r) => [r.src, r.dst, r.bytes, r.start_ns, ...(prio ? [r.priority ?? ''] : [])].join(','));
  return [head, ...body].join('\n') + '\n';
}

/** The lines of a text file with their 1-based numbers, blank lines and `#` comments dropped, split into fields. */
export function dataLines(text: string): { line: number; fields: string[] }[] {
  const out: { line: number; fields: string[] }[] = [];
  text.split(/\r?\n/).forEach((raw, i) => {
    const s = raw.replace(/#.*$/, '').trim();
    if (s !== '') out.push({ line: i + 1, fields: s.split(/\s+/) });
  });
  return out;
}

/** A non-negative decimal number in a field, exactly as written (no exponent needed for the formats imported). */
export function decimal(text: string): number {
  return /^[0-9]*\.?[0-9]+(?:[eE][-+]?[0-9]+)?$/.test(text) ? Number(text) : NaN;
}

/** Nanoseconds from `value` in a unit `scale` ns long, rounded to the picosecond (no binary-fraction noise). */
export function toNs(value: number, scale: number): number {
  return Math.round(value * scale * 1000) / 1000;
}
