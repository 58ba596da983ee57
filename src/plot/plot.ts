import { existsSync, readdirSync, statSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import { writeFileAtomic } from '../metrics/csv.js';
import { ConfigError } from '../sim/errors.js';
import { flatten, readJson, readTable, type Table } from './data.js';
import { indexHtml, type HtmlSection } from './html.js';
import { renderSvg } from './render.js';
import { cpuByStage, pfcTimeline, queues, slowdownBySize, slowdownCdf, throughput, type Figure, type Skipped } from './run-charts.js';
import { metricByAxis, slowdownCdfByRun, SWEEP_METRICS, sweptColumns } from './sweep-charts.js';

/**
 * `fabricsim plot`: SVG figures of a results folder and an index.html that shows them with the
 * run's parameters. A run folder (run.json, flows.csv, ...) gets: FCT slowdown by flow size and
 * its CDF, throughput per flow over time, queue depth over time, the PFC pause timeline, and CPU
 * by stage when the run wrote a cpu.csv. A sweep folder (summary.csv with one row per run and
 * the run folders) gets figures that compare its runs.
 */

/** What `plotResults` wrote. */
export interface PlotReport {
  kind: 'run' | 'sweep';
  /** The plots folder (absolute). */
  out: string;
  /** The figures written, as `<name>.svg` files in `out`. */
  figures: { name: string; file: string; title: string; caption: string }[];
  /** Figures not drawn, and why. */
  skipped: Skipped[];
  /** The index.html path. */
  html: string;
}

/** Options of {@link plotResults}. */
export interface PlotOptions {
  /** Where to write (default `<dir>/plots`). */
  out?: string;
}

async function writeFigures(out: string, candidates: (Figure | Skipped)[]): Promise<{ figures: PlotReport['figures']; skipped: Skipped[] }> {
  const figures: PlotReport['figures'] = [];
  const skipped: Skipped[] = [];
  for (const c of candidates) {
    if ('skipped' in c) {
      skipped.push(c);
      continue;
    }
    const svg = await renderSvg(c.spec);
    const file = `${c.name}.svg`;
    writeFileAtomic(out, file, svg);
    figures.push({ name: c.name, file, title: c.title, caption: c.caption });
  }
  return { figures, skipped };
}

function runFacts(meta: Record<string, unknown> | null): [string, string][] {
  if (meta === null) return [];
  const keys = ['name', 'seed', 'complete', 'stop_reason', 'sim_time_ns', 'events', 'wall_ms', 'events_per_s', 'version', 'file'];
  const rows: [string, string][] = keys.filter((k) => meta[k] !== undefined && meta[k] !== null).map((k) => [k, String(meta[k])]);
  const warnings = meta.warnings;
  if (Array.isArray(warnings)) warnings.forEach((w, i) => rows.push([`warning ${i + 1}`, String(w)]));
  return rows;
}

/** Plots one run folder. */
async function plotRun(dir: string, out: string): Promise<PlotReport> {
  const flows = readTable(dir, 'flows.csv');
  if (flows === null) throw new ConfigError(`${dir} has no flows.csv: not a fabricsim results folder (expected run.json, flows.csv, samples.csv, ...)`);
  const meta = readJson(dir);
  const samples = readTable(dir, 'samples.csv');
  const endNs = typeof meta?.sim_time_ns === 'number' ? meta.sim_time_ns : 0;
  const candidates = [
    slowdownBySize(flows),
    slowdownCdf(flows),
    throughput(samples),
    queues(samples),
    pfcTimeline(readTable(dir, 'pfc.csv'), endNs),
  ];
  const cpu = cpuByStage(readTable(dir, 'cpu.csv'));
  if (!('skipped' in cpu) || existsSync(join(dir, 'cpu.csv'))) candidates.push(cpu);
  const { figures, skipped } = await writeFigures(out, candidates);
  const name = typeof meta?.name === 'string' ? meta.name : dir;
  const sections: HtmlSection[] = [{ title: 'Run', rows: runFacts(meta) }];
  if (meta?.config !== undefined) sections.push({ title: 'Parameters (the resolved experiment, every default filled in)', rows: flatten(meta.config) });
  const complete = meta?.complete === false ? ' This run did not complete (run.json complete: false): the figures show what it measured before it stopped.' : '';
  const html = indexHtml({
    title: `fabricsim: ${name}`,
    intro: `Results in ${dir}.${complete}`,
    figures,
    notes: skipped.map((s) => `${s.title}: not drawn — ${s.skipped}.`),
    sections,
  });
  writeFileAtomic(out, 'index.html', html);
  return { kind: 'run', out, figures, skipped, html: join(out, 'index.html') };
}

/** Plots a sweep folder: compares its runs. */
async function plotSweep(dir: string, out: string, summary: Table): Promise<PlotReport> {
  const axes = sweptColumns(summary);
  const candidates: (Figure | Skipped)[] = [];
  for (const metric of Object.keys(SWEEP_METRICS)) for (const axis of axes) candidates.push(metricByAxis(summary, axis, axes, metric));
  if (axes.length === 0) candidates.push({ name: 'sweep', title: 'Runs compared', skipped: 'summary.csv names no swept values (columns between run and name)' });
  const runs = summary.rows.map((r) => summary.text(r, 'run'));
  candidates.push(slowdownCdfByRun(runs.map((run) => ({ label: run, flows: readTable(join(dir, run), 'flows.csv') }))));
  const { figures, skipped } = await writeFigures(out, candidates);
  const manifest = readJson(dir, 'sweep.json');
  const plan = manifest?.plan as { name?: string; file?: string; base?: unknown; seedRule?: string; axes?: { path: string; values: unknown[] }[] } | undefined;
  const show = ['run', ...axes, 'complete', 'flows_done', 'flows', 'slowdown_p50', 'slowdown_p99', 'goodput_gbps', 'pause_frames', 'drops'].filter((c) => summary.has(c));
  const sections: HtmlSection[] = [
    {
      title: 'Runs',
      columns: show,
      table: summary.rows.map((r) => show.map((c) => summary.text(r, c))),
      links: runs.map((run) => (existsSync(join(dir, run)) ? `${relative(out, join(dir, run))}/` : null)),
    },
  ];
  if (plan?.axes !== undefined) sections.push({ title: 'Swept values', rows: plan.axes.map((a) => [a.path, a.values.map((v) => JSON.stringify(v)).join(', ')]) });
  if (plan?.base !== undefined) sections.push({ title: 'Base experiment (before the swept values)', rows: flatten(plan.base), collapsed: true });
  const html = indexHtml({
    title: `fabricsim sweep: ${plan?.name ?? dir}`,
    intro: `${summary.rows.length} runs in ${dir}${plan?.seedRule ? ` (seeds: ${plan.seedRule})` : ''}. Plot one run with fabricsim plot ${dir}/<run folder>.`,
    figures,
    notes: skipped.map((s) => `${s.title}: not drawn — ${s.skipped}.`),
    sections,
  });
  writeFileAtomic(out, 'index.html', html);
  return { kind: 'sweep', out, figures, skipped, html: join(out, 'index.html') };
}

/** Whether `dir` looks like a sweep folder: a summary.csv starting with a `run` column and run-* folders. */
function isSweep(dir: string, summary: Table | null): summary is Table {
  if (summary === null || summary.columns[0] !== 'run') return false;
  if (existsSync(join(dir, 'sweep.json'))) return true;
  return readdirSync(dir).some((n) => n.startsWith('run-') && statSync(join(dir, n)).isDirectory());
}

/**
 * Writes the figures of a run or sweep folder as SVG files plus an index.html into
 * `options.out` (default `<dir>/plots`). A ConfigError when `dir` holds no fabricsim results.
 */
export async function plotResults(dir: string, options: PlotOptions = {}): Promise<PlotReport> {
  const abs = resolve(dir);
  if (!existsSync(abs) || !statSync(abs).isDirectory()) throw new ConfigError(`${dir}: no such results folder`);
  const out = resolve(options.out ?? join(abs, 'plots'));
  const summary = readTable(abs, 'summary.csv');
  if (isSweep(abs, summary)) return plotSweep(abs, out, summary);
  if (!existsSync(join(abs, 'flows.csv'))) {
    throw new ConfigError(`${dir} holds no fabricsim results: expected a run folder (run.json, flows.csv, ...) or a sweep folder (sweep.json, summary.csv, run-* folders)`);
  }
  return plotRun(abs, out);
}
