import { cpSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { XMLParser, XMLValidator } from 'fast-xml-parser';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadExperimentFile } from '../../src/experiment/load.js';
import { writeResults } from '../../src/experiment/output.js';
import { runExperiment } from '../../src/experiment/run.js';
import { plotResults, type PlotReport } from '../../src/plot/plot.js';
import { cli, SMALL_SWEEP, writeFile } from '../sweep/helpers.js';

const tmp = mkdtempSync(join(tmpdir(), 'fabricsim-plot-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

/**
 * Checks that `file` is a well-formed SVG document drawn by Vega: an <svg> root with a size,
 * mark groups, and marks with geometry. Returns the mark kinds found (line, symbol, rect, ...).
 */
function checkSvg(file: string): string[] {
  const text = readFileSync(file, 'utf8');
  expect(XMLValidator.validate(text), file).toBe(true);
  const doc = new XMLParser({ ignoreAttributes: false, attributeNamePrefix: '' }).parse(text) as Record<string, unknown>;
  const svg = doc.svg as Record<string, string> | undefined;
  expect(svg, `${file}: no <svg> root`).toBeDefined();
  expect(Number(svg!.width)).toBeGreaterThan(100);
  expect(Number(svg!.height)).toBeGreaterThan(50);
  const kinds = [...text.matchAll(/class="mark-([a-z]+) role-mark/g)].map((m) => m[1]!);
  expect(kinds.length, `${file}: no marks`).toBeGreaterThan(0);
  // marks carry geometry: a path with drawing commands or a sized rect
  expect(/<path[^>]* d="M[^"]+"/.test(text) || /<rect[^>]* width="[1-9]/.test(text), `${file}: marks without geometry`).toBe(true);
  return [...new Set(kinds)];
}

function checkReport(r: PlotReport): void {
  for (const f of r.figures) checkSvg(join(r.out, f.file));
  const html = readFileSync(r.html, 'utf8');
  expect(html.startsWith('<!doctype html>')).toBe(true);
  for (const f of r.figures) expect(html).toContain(`<img src="${f.file}"`);
}

const experiments = readdirSync('experiments').filter((f) => /\.(ya?ml|json)$/.test(f));

describe('fabricsim plot: a run', () => {
  it.each(experiments)('%s: valid SVG figures and an index.html with the parameters', async (file) => {
    const { config } = loadExperimentFile(`experiments/${file}`);
    // as written, with an event cap as a guard against a slow future experiment
    const result = runExperiment({ ...config, stop: { max_events: 3_000_000, ...config.stop } }, { file });
    const dir = join(tmp, file.replace(/\.\w+$/, ''));
    writeResults(result, dir, { file });
    const r = await plotResults(dir);
    expect(r.kind).toBe('run');
    expect(r.out).toBe(join(dir, 'plots'));
    const names = r.figures.map((f) => f.name);
    // a finished flow with an ideal FCT has a slowdown to draw (an RDMA application's row has no ideal)
    if (result.flows.records.some((f) => f.status === 'done' && f.idealFct > 0)) expect(names).toEqual(expect.arrayContaining(['fct-slowdown', 'fct-cdf']));
    else expect(r.skipped.filter((s) => s.skipped === 'no flow finished').map((s) => s.name)).toEqual(['fct-slowdown', 'fct-cdf']); // e.g. a deadlock
    if (config.outputs.samples_interval_ns > 0) expect(names).toContain('throughput');
    if (result.fabric.pfcLog.length > 0) expect(names).toContain('pfc');
    else expect(r.skipped.map((s) => s.name)).toContain('pfc');
    // cpu.csv (and its figure) only when some host has a stack model
    if (result.hostStacks != null) expect(names).toContain('cpu');
    else expect(names).not.toContain('cpu');
    checkReport(r);
    const html = readFileSync(r.html, 'utf8');
    expect(html).toContain(`fabricsim: ${config.name}`);
    expect(html).toContain('fabric.mtu');
    expect(html).toContain(String(config.fabric.mtu));
  });

  it('draws CPU by stage only when the run has a cpu.csv (long or wide form)', async () => {
    const src = join(tmp, 'quickstart.yaml'.replace('.yaml', ''));
    if (!existsSync(src)) writeResults(runExperiment(loadExperimentFile('experiments/quickstart.yaml').config), src);
    const long = join(tmp, 'with-cpu');
    cpSync(src, long, { recursive: true });
    rmSync(join(long, 'plots'), { recursive: true, force: true });
    writeFileSync(join(long, 'cpu.csv'), 'host,core,stage,busy_ns,items\nh0,0,rx,1200,10\nh0,0,tx,800,10\nh1,0,rx,400,3\n');
    const r = await plotResults(long, { out: join(tmp, 'cpu-plots') });
    expect(r.out).toBe(join(tmp, 'cpu-plots'));
    expect(r.figures.map((f) => f.name)).toContain('cpu');
    expect(checkSvg(join(r.out, 'cpu.svg'))).toContain('rect');
    writeFileSync(join(long, 'cpu.csv'), 'host,busy_ns,syscall_ns,copy_ns,softirq_ns\nh0,100,10,20,30\nh1,50,5,5,5\n');
    const wide = await plotResults(long, { out: join(tmp, 'cpu-wide') });
    expect(wide.figures.map((f) => f.name)).toContain('cpu');
    checkSvg(join(wide.out, 'cpu.svg'));
  });
});

describe('fabricsim plot: a sweep', () => {
  const sweepDir = join(tmp, 'sweep');
  beforeAll(async () => {
    const file = writeFile(tmp, 'small.yaml', SMALL_SWEEP);
    const r = await cli('sweep', file, '--jobs', '1', '--out', sweepDir, '--quiet');
    if (r.code !== 0) throw new Error(r.err);
  });

  it('compares the runs: each metric by each swept value, and the slowdown CDFs of the runs', async () => {
    const r = await plotResults(sweepDir);
    expect(r.kind).toBe('sweep');
    expect(r.figures.map((f) => f.name).sort()).toEqual([
      'sweep-delivered_mpps-by-fabric.mtu',
      'sweep-delivered_mpps-by-workload.bytes',
      'sweep-fct-cdf',
      'sweep-goodput_gbps-by-fabric.mtu',
      'sweep-goodput_gbps-by-workload.bytes',
      'sweep-slowdown_p99-by-fabric.mtu',
      'sweep-slowdown_p99-by-workload.bytes',
    ]);
    checkReport(r);
    const html = readFileSync(r.html, 'utf8');
    expect(html).toContain('href="../run-0001-mtu-1024_bytes-65536/"');
    expect(html).toContain('workload.bytes');
  });

  it('the command line plots a folder and rejects one without results', async () => {
    const ok = await cli('plot', join(sweepDir, 'run-0002-mtu-1024_bytes-131072'));
    expect(ok.code, ok.err).toBe(0);
    expect(ok.out).toMatch(/run .*: 5 figures in .*plots/);
    expect(ok.out).toMatch(/open .*index\.html/);
    const bad = await cli('plot', tmp);
    expect(bad.code).toBe(2);
    expect(bad.err).toMatch(/holds no fabricsim results/);
    expect((await cli('plot', join(tmp, 'nope'))).code).toBe(2);
  });
});
