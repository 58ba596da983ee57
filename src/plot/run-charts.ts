import type { TopLevelSpec } from 'vega-lite';
import { percentileSorted, type Table } from './data.js';
import { FIGURE_CONFIG, HEIGHT, WIDTH } from './render.js';

/**
 * The figures of one run, as Vega-Lite specs with their data inlined. Each builder returns a
 * {@link Figure}, or a {@link Skipped} saying why the run has nothing to show (no PAUSE frames,
 * samples turned off, no cpu.csv).
 */

/** A figure to render. */
export interface Figure {
  /** File name without `.svg`. */
  name: string;
  title: string;
  /** What it shows, for index.html. */
  caption: string;
  spec: TopLevelSpec;
}

/** A figure that was not drawn, and why. */
export interface Skipped {
  name: string;
  title: string;
  skipped: string;
}

/** Most series (flows, ports) drawn in one figure. */
export const MAX_SERIES = 12;
/** Most points per series (longer series are reduced per time bucket). */
export const MAX_POINTS = 600;

/** Number formatting for axis titles. */
const US = 'time (µs)';

function base(title: string, subtitle: string): { title: { text: string; subtitle: string }; width: number; height: number; config: never } {
  return { title: { text: title, subtitle }, width: WIDTH, height: HEIGHT, config: FIGURE_CONFIG as never };
}

/** Finished flows' (bytes, slowdown, fct) from flows.csv. */
function finishedFlows(flows: Table): { bytes: number; slowdown: number; fctUs: number }[] {
  const out: { bytes: number; slowdown: number; fctUs: number }[] = [];
  for (const r of flows.rows) {
    if (flows.text(r, 'status') !== 'done') continue;
    const slowdown = flows.num(r, 'slowdown');
    const bytes = flows.num(r, 'bytes');
    if (Number.isFinite(slowdown) && Number.isFinite(bytes)) out.push({ bytes, slowdown, fctUs: flows.num(r, 'fct_ns') / 1000 });
  }
  return out;
}

/** `1.5 MB`-style size labels. */
export function sizeLabel(bytes: number): string {
  if (bytes >= 1e9) return `${+(bytes / 1e9).toPrecision(3)} GB`;
  if (bytes >= 1e6) return `${+(bytes / 1e6).toPrecision(3)} MB`;
  if (bytes >= 1e3) return `${+(bytes / 1e3).toPrecision(3)} KB`;
  return `${bytes} B`;
}

/** FCT slowdown by flow size: a box per size when there are few sizes, else a scatter with p50/p99 per size bucket. */
export function slowdownBySize(flows: Table): Figure | Skipped {
  const title = 'FCT slowdown by flow size';
  const done = finishedFlows(flows);
  if (done.length === 0) return { name: 'fct-slowdown', title, skipped: 'no flow finished' };
  const subtitle = `${done.length} of ${flows.rows.length} flows finished; slowdown = FCT / FCT alone on an idle fabric`;
  const sizes = [...new Set(done.map((f) => f.bytes))].sort((a, b) => a - b);
  if (sizes.length <= 8) {
    const values = done.map((f) => ({ size: sizeLabel(f.bytes), bytes: f.bytes, slowdown: f.slowdown }));
    return {
      name: 'fct-slowdown',
      title,
      caption: `${subtitle}. One box per flow size (whiskers: min and max), every flow as a dot.`,
      spec: {
        ...base(title, subtitle),
        data: { values },
        layer: [
          {
            mark: { type: 'boxplot', extent: 'min-max', size: 28, opacity: 0.6 },
            encoding: {
              x: { field: 'size', type: 'ordinal', sort: { field: 'bytes', op: 'min' }, title: 'flow size' },
              y: { field: 'slowdown', type: 'quantitative', title: 'slowdown', scale: { zero: false } },
            },
          },
          {
            mark: { type: 'point', filled: true, size: 24, opacity: 0.7, color: '#333' },
            encoding: {
              x: { field: 'size', type: 'ordinal', sort: { field: 'bytes', op: 'min' } },
              y: { field: 'slowdown', type: 'quantitative' },
            },
          },
        ],
      } as TopLevelSpec,
    };
  }
  // many sizes: log-spaced buckets, four per decade
  const buckets = new Map<number, number[]>();
  for (const f of done) {
    const b = Math.floor(Math.log10(Math.max(1, f.bytes)) * 4);
    let list = buckets.get(b);
    if (list === undefined) buckets.set(b, (list = []));
    list.push(f.slowdown);
  }
  const stats: { bytes: number; stat: string; slowdown: number }[] = [];
  for (const [b, list] of [...buckets].sort((x, y) => x[0] - y[0])) {
    list.sort((x, y) => x - y);
    const center = 10 ** ((b + 0.5) / 4);
    stats.push({ bytes: center, stat: 'p50', slowdown: percentileSorted(list, 50) }, { bytes: center, stat: 'p99', slowdown: percentileSorted(list, 99) });
  }
  const points = done.length > 5000 ? done.filter((_, i) => i % Math.ceil(done.length / 5000) === 0) : done;
  const maxSlow = Math.max(...done.map((f) => f.slowdown));
  const yScale = maxSlow > 50 ? { type: 'log' as const } : { zero: false };
  return {
    name: 'fct-slowdown',
    title,
    caption: `${subtitle}. Each dot is a flow${points.length < done.length ? ` (${points.length} of them shown)` : ''}; the lines are the median and 99th percentile per size bucket (four per decade).`,
    spec: {
      ...base(title, subtitle),
      layer: [
        {
          data: { values: points.map((f) => ({ bytes: f.bytes, slowdown: f.slowdown })) },
          mark: { type: 'point', filled: true, size: 14, opacity: 0.35, color: '#4c78a8' },
          encoding: {
            x: { field: 'bytes', type: 'quantitative', scale: { type: 'log' }, title: 'flow size (bytes)' },
            y: { field: 'slowdown', type: 'quantitative', scale: yScale, title: 'slowdown' },
          },
        },
        {
          data: { values: stats },
          mark: { type: 'line', point: true, strokeWidth: 2 },
          encoding: {
            x: { field: 'bytes', type: 'quantitative', scale: { type: 'log' } },
            y: { field: 'slowdown', type: 'quantitative' },
            color: { field: 'stat', type: 'nominal', title: 'per size bucket', scale: { range: ['#f58518', '#e45756'] } },
          },
        },
      ],
    } as TopLevelSpec,
  };
}

/** Empirical CDF points of `values` (sorted copy), at most ~2000 steps. */
export function cdfPoints(values: readonly number[]): { x: number; fraction: number }[] {
  const sorted = values.slice().sort((a, b) => a - b);
  const n = sorted.length;
  const step = Math.max(1, Math.floor(n / 2000));
  const out: { x: number; fraction: number }[] = [];
  for (let i = 0; i < n; i += step) out.push({ x: sorted[i]!, fraction: (i + 1) / n });
  if (n > 0 && out[out.length - 1]!.fraction !== 1) out.push({ x: sorted[n - 1]!, fraction: 1 });
  return out;
}

/** CDF of the flows' slowdowns. */
export function slowdownCdf(flows: Table): Figure | Skipped {
  const title = 'CDF of FCT slowdown';
  const done = finishedFlows(flows);
  if (done.length === 0) return { name: 'fct-cdf', title, skipped: 'no flow finished' };
  const slow = done.map((f) => f.slowdown).sort((a, b) => a - b);
  const subtitle = `${done.length} finished flows; p50 ${percentileSorted(slow, 50).toFixed(2)}, p99 ${percentileSorted(slow, 99).toFixed(2)}`;
  const logX = slow[slow.length - 1]! / Math.max(1e-9, slow[0]!) > 50;
  return {
    name: 'fct-cdf',
    title,
    caption: `Fraction of finished flows whose slowdown (FCT over the ideal FCT) is at most x. ${subtitle}.`,
    spec: {
      ...base(title, subtitle),
      data: { values: cdfPoints(slow) },
      mark: { type: 'line', interpolate: 'step-after', strokeWidth: 2 },
      encoding: {
        x: { field: 'x', type: 'quantitative', title: 'slowdown', scale: logX ? { type: 'log' } : { zero: false } },
        y: { field: 'fraction', type: 'quantitative', title: 'fraction of flows', scale: { domain: [0, 1] } },
      },
    } as TopLevelSpec,
  };
}

/** Rows of samples.csv for one metric, grouped by entity: [t_ns, value] in time order. */
export function seriesOf(samples: Table, metric: string): Map<string, [number, number][]> {
  const out = new Map<string, [number, number][]>();
  for (const r of samples.rows) {
    if (samples.text(r, 'metric') !== metric) continue;
    const e = samples.text(r, 'entity');
    let s = out.get(e);
    if (s === undefined) out.set(e, (s = []));
    s.push([samples.num(r, 't_ns'), samples.num(r, 'value')]);
  }
  return out;
}

/** A series reduced to at most `MAX_POINTS` points: per time bucket, the mean (`mean`) or the maximum (`max`). */
export function reduceSeries(points: readonly [number, number][], t0: number, t1: number, how: 'mean' | 'max'): [number, number][] {
  if (points.length <= MAX_POINTS || !(t1 > t0)) return points.slice();
  const width = (t1 - t0) / MAX_POINTS;
  const out: [number, number][] = [];
  let bucket = -1;
  let acc = 0;
  let n = 0;
  const flush = () => {
    if (n > 0) out.push([t0 + bucket * width, how === 'mean' ? acc / n : acc]);
  };
  for (const [t, v] of points) {
    const b = Math.min(MAX_POINTS - 1, Math.floor((t - t0) / width));
    if (b !== bucket) {
      flush();
      bucket = b;
      acc = how === 'mean' ? 0 : -Infinity;
      n = 0;
    }
    acc = how === 'mean' ? acc + v : Math.max(acc, v);
    n++;
  }
  flush();
  return out;
}

function timeSpan(series: Map<string, [number, number][]>): [number, number] {
  let t0 = Infinity;
  let t1 = -Infinity;
  for (const s of series.values()) {
    if (s.length === 0) continue;
    t0 = Math.min(t0, s[0]![0]);
    t1 = Math.max(t1, s[s.length - 1]![0]);
  }
  return [t0, t1];
}

/** Throughput of each flow over time (samples.csv rate_gbps). */
export function throughput(samples: Table | null): Figure | Skipped {
  const title = 'Throughput per flow';
  const series: Map<string, [number, number][]> = samples === null ? new Map() : seriesOf(samples, 'rate_gbps');
  if (series.size === 0) return { name: 'throughput', title, skipped: 'samples.csv has no rate_gbps rows (outputs.samples_interval_ns is 0?)' };
  const ranked = [...series].map(([e, s]) => ({ e, s, total: s.reduce((a, p) => a + p[1], 0) })).sort((a, b) => b.total - a.total || a.e.localeCompare(b.e, 'en', { numeric: true }));
  const shown = ranked.slice(0, MAX_SERIES);
  const [t0, t1] = timeSpan(series);
  const values = shown.flatMap(({ e, s }) => reduceSeries(s, t0, t1, 'mean').map(([t, v]) => ({ t_us: t / 1000, flow: e, rate_gbps: v })));
  const subtitle = shown.length < series.size ? `the ${shown.length} flows that delivered most, of ${series.size}` : `${series.size} flow${series.size === 1 ? '' : 's'}`;
  return {
    name: 'throughput',
    title,
    caption: `Payload delivered per sampling interval, in Gb/s (samples.csv rate_gbps): ${subtitle}.`,
    spec: {
      ...base(title, subtitle),
      data: { values },
      mark: { type: 'line', strokeWidth: 1.5, interpolate: 'step-after' },
      encoding: {
        x: { field: 't_us', type: 'quantitative', title: US },
        y: { field: 'rate_gbps', type: 'quantitative', title: 'throughput (Gb/s)' },
        color: { field: 'flow', type: 'nominal', title: 'flow', sort: shown.map((x) => x.e) },
      },
    } as TopLevelSpec,
  };
}

/** Queue depth over time of the switch ports with the deepest queues (samples.csv queue_bytes). */
export function queues(samples: Table | null): Figure | Skipped {
  const title = 'Queue depth over time';
  const series: Map<string, [number, number][]> = samples === null ? new Map() : seriesOf(samples, 'queue_bytes');
  if (series.size === 0) return { name: 'queues', title, skipped: 'samples.csv has no queue_bytes rows (no switch queue ever held a packet, or samples are off)' };
  const ranked = [...series]
    .map(([e, s]) => ({ e, s, max: s.reduce((a, p) => Math.max(a, p[1]), 0) }))
    .filter((x) => x.max > 0)
    .sort((a, b) => b.max - a.max || a.e.localeCompare(b.e));
  if (ranked.length === 0) return { name: 'queues', title, skipped: 'every switch queue stayed empty' };
  const shown = ranked.slice(0, 8);
  const [t0, t1] = timeSpan(series);
  const values = shown.flatMap(({ e, s }) => reduceSeries(s, t0, t1, 'max').map(([t, v]) => ({ t_us: t / 1000, port: e, kib: v / 1024 })));
  const subtitle = `the ${shown.length} port${shown.length === 1 ? '' : 's'} with the deepest queues, of ${ranked.length} that queued`;
  return {
    name: 'queues',
    title,
    caption: `Bytes queued at switch egress ports (samples.csv queue_bytes, a step function): ${subtitle}.`,
    spec: {
      ...base(title, subtitle),
      data: { values },
      mark: { type: 'line', interpolate: 'step-after', strokeWidth: 1.5 },
      encoding: {
        x: { field: 't_us', type: 'quantitative', title: US },
        y: { field: 'kib', type: 'quantitative', title: 'queue (KiB)' },
        color: { field: 'port', type: 'nominal', title: 'port', sort: shown.map((x) => x.e) },
      },
    } as TopLevelSpec,
  };
}

/**
 * Merges, in place, intervals of the same lane separated by less than `gap` (below a pixel at the
 * figure's width): credit stalls come and go per packet and would otherwise draw thousands of bars.
 */
function mergeCloseIntervals(intervals: { lane: string; start: number; end: number }[], gap: number): void {
  intervals.sort((a, b) => a.lane.localeCompare(b.lane) || a.start - b.start);
  let w = 0;
  for (const iv of intervals) {
    const last = w > 0 ? intervals[w - 1]! : null;
    if (last !== null && last.lane === iv.lane && iv.start - last.end < gap) last.end = Math.max(last.end, iv.end);
    else intervals[w++] = iv;
  }
  intervals.length = w;
}

/**
 * PFC pause timeline: when each port was paused (pfc.csv paused → unpaused), per priority; on a
 * credit fabric, when each port's VL waited for credits (credit_stall → credit_resume).
 */
export function pfcTimeline(pfc: Table | null, endNs: number): Figure | Skipped {
  const title = 'PFC pause timeline';
  if (pfc === null || pfc.rows.length === 0) return { name: 'pfc', title, skipped: 'no PFC PAUSE frames in this run (pfc.csv is empty)' };
  const open = new Map<string, number>();
  const intervals: { lane: string; start: number; end: number }[] = [];
  let pausesSent = 0;
  for (const r of pfc.rows) {
    const kind = pfc.text(r, 'kind');
    const lane = `${pfc.text(r, 'port')} p${pfc.text(r, 'priority')}`;
    const t = pfc.num(r, 't_ns');
    if (kind === 'pause_tx') pausesSent++;
    if ((kind === 'paused' || kind === 'credit_stall') && !open.has(lane)) open.set(lane, t);
    else if ((kind === 'unpaused' || kind === 'credit_resume') && open.has(lane)) {
      intervals.push({ lane, start: open.get(lane)!, end: t });
      open.delete(lane);
    }
  }
  for (const [lane, start] of open) intervals.push({ lane, start, end: Math.max(start, endNs) });
  if (intervals.length === 0) return { name: 'pfc', title, skipped: `${pausesSent} PAUSE frame(s) sent, but no port was paused` };
  mergeCloseIntervals(intervals, endNs / 1000);
  const total = new Map<string, { paused: number; first: number }>();
  for (const iv of intervals) {
    const x = total.get(iv.lane) ?? { paused: 0, first: iv.start };
    x.paused += iv.end - iv.start;
    x.first = Math.min(x.first, iv.start);
    total.set(iv.lane, x);
  }
  const lanes = [...total].sort((a, b) => b[1].paused - a[1].paused || a[0].localeCompare(b[0])).slice(0, 30);
  const keep = new Set(lanes.map((l) => l[0]));
  const order = lanes.sort((a, b) => a[1].first - b[1].first || a[0].localeCompare(b[0])).map((l) => l[0]);
  const values = intervals.filter((iv) => keep.has(iv.lane)).map((iv) => ({ lane: iv.lane, start_us: iv.start / 1000, end_us: Math.max(iv.end, iv.start + 1) / 1000 }));
  const subtitle = `${pausesSent} PAUSE frame(s) sent; ${total.size} port/priority lane(s) paused${total.size > keep.size ? `, the ${keep.size} paused longest shown` : ''}`;
  return {
    name: 'pfc',
    title,
    caption: `Each bar is a time a port could not send on that priority because its peer had paused it (pfc.csv paused → unpaused) or, on a credit fabric, had not returned the credits its head packet needed (credit_stall → credit_resume). ${subtitle}.`,
    spec: {
      ...base(title, subtitle),
      height: Math.max(80, Math.min(600, 18 * order.length)),
      data: { values },
      mark: { type: 'bar', height: 10, color: '#e45756' },
      encoding: {
        x: { field: 'start_us', type: 'quantitative', title: US },
        x2: { field: 'end_us' },
        y: { field: 'lane', type: 'nominal', title: 'port (paused side), priority', sort: order },
      },
    } as TopLevelSpec,
  };
}

/**
 * CPU by stage from cpu.csv: in long form (a `stage` column and a busy-time column such as
 * `busy_ns`) the busy time per stage summed over hosts and cores, stacked by host when there are
 * few; in wide form (`<stage>_busy_ns` or `<stage>_ns` columns) the same per column.
 */
export function cpuByStage(cpu: Table | null): Figure | Skipped {
  const title = 'CPU by stage';
  if (cpu === null) return { name: 'cpu', title, skipped: 'no cpu.csv in this run' };
  const rows: { host: string; stage: string; busy_us: number }[] = [];
  const hostOf = (r: string[]) => cpu.text(r, 'host') || cpu.text(r, 'node') || 'all';
  if (cpu.has('stage')) {
    const valueCol = ['busy_ns', 'cpu_ns', 'time_ns', 'ns'].find((c) => cpu.has(c)) ?? cpu.columns.find((c) => c.endsWith('_ns'));
    if (valueCol === undefined) return { name: 'cpu', title, skipped: 'cpu.csv has a stage column but no busy-time (_ns) column' };
    for (const r of cpu.rows) {
      const v = cpu.num(r, valueCol);
      if (Number.isFinite(v)) rows.push({ host: hostOf(r), stage: cpu.text(r, 'stage'), busy_us: v / 1000 });
    }
  } else {
    const stageCols = cpu.columns.filter((c) => /_ns$/.test(c) && !/^(t|time|start|end|wall)_ns$/.test(c) && c !== 'busy_ns');
    if (stageCols.length === 0) return { name: 'cpu', title, skipped: 'cpu.csv has neither a stage column nor per-stage _ns columns' };
    for (const r of cpu.rows) {
      for (const c of stageCols) {
        const v = cpu.num(r, c);
        if (Number.isFinite(v)) rows.push({ host: hostOf(r), stage: c.replace(/(_busy)?_ns$/, ''), busy_us: v / 1000 });
      }
    }
  }
  if (rows.length === 0) return { name: 'cpu', title, skipped: 'cpu.csv has no rows' };
  const hosts = [...new Set(rows.map((r) => r.host))];
  const stack = hosts.length <= MAX_SERIES;
  return {
    name: 'cpu',
    title,
    caption: `Busy CPU time per processing stage (cpu.csv), summed over cores${stack ? ', stacked by host' : ' and hosts'}.`,
    spec: {
      ...base(title, `${hosts.length} host${hosts.length === 1 ? '' : 's'}`),
      data: { values: rows },
      mark: { type: 'bar' },
      encoding: {
        x: { field: 'stage', type: 'nominal', title: 'stage', sort: '-y' },
        y: { aggregate: 'sum', field: 'busy_us', type: 'quantitative', title: 'busy time (µs)' },
        ...(stack ? { color: { field: 'host', type: 'nominal', title: 'host' } } : {}),
      },
    } as TopLevelSpec,
  };
}
