import type { TopLevelSpec } from 'vega-lite';
import type { Table } from './data.js';
import { FIGURE_CONFIG, HEIGHT, WIDTH } from './render.js';
import { cdfPoints, MAX_SERIES, type Figure, type Skipped } from './run-charts.js';

/**
 * Figures that compare the runs of a sweep: each summary metric against each swept value (the
 * other swept values as colours), and the slowdown CDFs of the runs overlaid.
 */

/** The summary.csv metrics compared across runs, with their axis titles. */
export const SWEEP_METRICS: Record<string, string> = {
  slowdown_p99: 'p99 FCT slowdown',
  goodput_gbps: 'goodput (Gb/s)',
  delivered_mpps: 'packets delivered (Mpps)',
};

/** The swept columns of a sweep's summary.csv: those between `run` and the run's own `name`. */
export function sweptColumns(summary: Table): string[] {
  const start = summary.columns.indexOf('run');
  const end = summary.columns.indexOf('name');
  if (start !== 0 || end < 0) return [];
  return summary.columns.slice(1, end);
}

/** A file-name-safe form of a path. */
export function fileSafe(s: string): string {
  return s.replace(/[^A-Za-z0-9.-]+/g, '_');
}

/** A swept path as a legend names it: its last segment (`rate_gbps`), or the whole path when another axis ends the same way. */
function legendKey(path: string, axes: readonly string[]): string {
  const last = path.split('.').pop()!;
  return axes.filter((a) => a.split('.').pop() === last).length > 1 ? path : last;
}

/** `metric` against swept column `axis`, one line per combination of the other swept columns. */
export function metricByAxis(summary: Table, axis: string, axes: readonly string[], metric: string): Figure | Skipped {
  const label = SWEEP_METRICS[metric] ?? metric;
  const title = `${label} by ${axis}`;
  const name = `sweep-${fileSafe(metric)}-by-${fileSafe(axis)}`;
  if (!summary.has(metric)) return { name, title, skipped: `summary.csv has no ${metric} column` };
  const others = axes.filter((a) => a !== axis);
  const numeric = summary.rows.every((r) => summary.text(r, axis) !== '' && Number.isFinite(Number(summary.text(r, axis))));
  const values = summary.rows
    .map((r) => ({
      x: numeric ? Number(summary.text(r, axis)) : summary.text(r, axis),
      y: summary.num(r, metric),
      group: others.map((o) => `${legendKey(o, others)}=${summary.text(r, o)}`).join(', ') || 'all runs',
      run: summary.text(r, 'run'),
    }))
    .filter((v) => Number.isFinite(v.y));
  if (values.length === 0) return { name, title, skipped: `no run has a ${metric} value` };
  const order = [...new Set(summary.rows.map((r) => summary.text(r, axis)))];
  const groups = new Set(values.map((v) => v.group));
  const color = groups.size > 1 && groups.size <= MAX_SERIES ? { color: { field: 'group', type: 'nominal', title: others.join(', ') } } : {};
  const subtitle = `${values.length} runs${others.length > 0 ? `; lines: the other swept values${groups.size > MAX_SERIES ? ` (${groups.size} combinations, not coloured)` : ''}` : ''}`;
  return {
    name,
    title,
    caption: `${label} of each run (summary.csv ${metric}) against ${axis}; ${subtitle}.`,
    spec: {
      title: { text: title, subtitle },
      width: WIDTH,
      height: HEIGHT,
      config: FIGURE_CONFIG as never,
      data: { values },
      mark: { type: 'line', point: { filled: true, size: 50 }, strokeWidth: 1.5 },
      encoding: {
        x: numeric
          ? { field: 'x', type: 'quantitative', title: axis, scale: { zero: false } }
          : { field: 'x', type: 'ordinal', title: axis, sort: order },
        y: { field: 'y', type: 'quantitative', title: label, scale: { zero: metric === 'goodput_gbps' || metric === 'delivered_mpps' } },
        ...(groups.size > MAX_SERIES ? { detail: { field: 'group', type: 'nominal' } } : color),
      },
    } as TopLevelSpec,
  };
}

/** The slowdown CDF of every run, overlaid (up to {@link MAX_SERIES} * 2 runs). */
export function slowdownCdfByRun(runs: readonly { label: string; flows: Table | null }[]): Figure | Skipped {
  const title = 'CDF of FCT slowdown per run';
  const name = 'sweep-fct-cdf';
  if (runs.length > MAX_SERIES * 2) return { name, title, skipped: `${runs.length} runs are too many lines for one figure (at most ${MAX_SERIES * 2})` };
  const values: { x: number; fraction: number; run: string }[] = [];
  for (const r of runs) {
    if (r.flows === null) continue;
    const slow = r.flows.rows.filter((row) => r.flows!.text(row, 'status') === 'done').map((row) => r.flows!.num(row, 'slowdown')).filter(Number.isFinite);
    for (const p of cdfPoints(slow)) values.push({ ...p, run: r.label });
  }
  if (values.length === 0) return { name, title, skipped: 'no run has finished flows' };
  const max = Math.max(...values.map((v) => v.x));
  const min = Math.min(...values.map((v) => v.x));
  return {
    name,
    title,
    caption: 'Fraction of finished flows whose slowdown is at most x, one line per run.',
    spec: {
      title: { text: title, subtitle: `${runs.length} runs` },
      width: WIDTH,
      height: HEIGHT,
      config: FIGURE_CONFIG as never,
      data: { values },
      mark: { type: 'line', interpolate: 'step-after', strokeWidth: 1.5 },
      encoding: {
        x: { field: 'x', type: 'quantitative', title: 'slowdown', scale: max / Math.max(1e-9, min) > 50 ? { type: 'log' } : { zero: false } },
        y: { field: 'fraction', type: 'quantitative', title: 'fraction of flows', scale: { domain: [0, 1] } },
        color: { field: 'run', type: 'nominal', title: 'run', sort: runs.map((r) => r.label) },
      },
    } as TopLevelSpec,
  };
}
