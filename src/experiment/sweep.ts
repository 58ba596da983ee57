import { resolve } from 'node:path';
import { ConfigError } from '../sim/errors.js';
import { parseWith } from '../sim/parse.js';
import { applySet, readExperimentRaw } from './load.js';
import { validateExperiment, type ExperimentConfig } from './schema.js';
import { sweepSchema, SWEEP_PATH, UNSWEEPABLE } from './sweep-schema.js';

/**
 * Sweeps: an experiment plus a grid of dotted field paths → values. Planning is pure: the grid,
 * each run's values, folder and seed are a function of the file and the command line, so every
 * machine, shard and `--jobs` setting agrees on what run 7 is.
 *
 * - Axes: the file's `sweep:` block in its order, then each `--set path=v1,v2,...` with two or
 *   more values in command-line order (a `--set` on a path the file already sweeps replaces that
 *   axis). A `--set` with one value on any other path is a plain override of the base.
 * - Order: the cartesian product with the last axis varying fastest; runs are numbered from 1.
 * - Folders: `run-0001-<slug>` (at least four digits), the slug made of each axis's last path
 *   segment and value.
 * - Seeds: a `seed` axis gives each run its seed as written (the same seeds for every setting:
 *   common random numbers). Otherwise, with `sameSeed`, every run uses the base seed; by default
 *   each run's seed is derived from the base seed and the run's values:
 *   `seed = FNV-1a-32("<base seed>\n" + canonical JSON of {path: value})` (keys sorted), so a
 *   run's seed does not depend on the grid's order, its other values, `--jobs` or `--shard`.
 */

/** Largest number of runs in one sweep. */
export const MAX_SWEEP_RUNS = 100_000;

/** One axis of the grid. */
export interface SweepAxis {
  /** Dotted field path (`fabric.mtu`). */
  path: string;
  /** The values it takes, in order. */
  values: unknown[];
}

/** One run of a sweep. */
export interface SweepRun {
  /** 1-based run number (the order of the grid). */
  run: number;
  /** Folder name under the sweep's directory: `run-0001-mtu-1024`. */
  dir: string;
  /** This run's value of each axis, in axis order. */
  values: unknown[];
  /** The run's seed. */
  seed: number;
}

/** How run seeds are chosen (see the module doc). */
export type SeedRule = 'derived' | 'same' | 'axis';

/** A planned sweep: what to run, independent of where and with how many jobs. */
export interface SweepPlan {
  /** The experiment's name. */
  name: string;
  /** The experiment file, absolute. */
  file: string;
  /** The experiment as read, with single-valued overrides applied and the `sweep` block removed. */
  base: Record<string, unknown>;
  /** The base seed (the file's `seed`, or `--seed`). */
  baseSeed: number;
  seedRule: SeedRule;
  axes: SweepAxis[];
  runs: SweepRun[];
}

/** A planned sweep with each run's validated experiment. */
export interface PlannedSweep {
  plan: SweepPlan;
  /** `configs[i]` is the validated experiment of `plan.runs[i]`. */
  configs: ExperimentConfig[];
}

/** Options of {@link planSweep}. */
export interface SweepPlanOptions {
  /** `path=value` or `path=v1,v2,...` assignments (see {@link splitSetValues}). */
  set?: readonly string[];
  /** Replaces the file's seed (the base seed). */
  seed?: number;
  /** Every run uses the base seed (unless a `seed` axis gives them). */
  sameSeed?: boolean;
}

/**
 * Splits the value text of a sweep `--set` at commas that are outside brackets, braces and quotes:
 * `1024,4096` → two values; `[1,2]`, `{a: 1, b: 2}` and `"a,b"` are one value each (YAML flow
 * syntax), so `--set 'x=[1,2],[3,4]'` gives two lists.
 */
export function splitSetValues(text: string): string[] {
  const out: string[] = [];
  let depth = 0;
  let quote: string | null = null;
  let start = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    if (quote !== null) {
      if (c === '\\' && quote === '"') i++;
      else if (c === quote) quote = null;
    } else if (c === '"' || c === "'") quote = c;
    else if (c === '[' || c === '{') depth++;
    else if (c === ']' || c === '}') depth = Math.max(0, depth - 1);
    else if (c === ',' && depth === 0) {
      out.push(text.slice(start, i));
      start = i + 1;
    }
  }
  out.push(text.slice(start));
  return out;
}

/** A value read as `--set` reads it (YAML; empty is the empty string). */
function yamlValue(path: string, text: string, assignment: string): unknown {
  try {
    return (applySet({}, `v=${text}`) as { v: unknown }).v;
  } catch (e) {
    throw new ConfigError(`bad --set '${assignment}': ${(e as Error).message.replace(/^bad --set '[^']*': /, '')}`, { field: path });
  }
}

/** `raw` with `value` at `path` (the same semantics as `--set`). */
export function setValue(raw: unknown, path: string, value: unknown): unknown {
  return applySet(raw, `${path}=${JSON.stringify(value)}`);
}

/** A stable text for a value: JSON with object keys sorted. */
export function canonicalJson(v: unknown): string {
  if (Array.isArray(v)) return `[${v.map(canonicalJson).join(',')}]`;
  if (v !== null && typeof v === 'object') {
    const o = v as Record<string, unknown>;
    return `{${Object.keys(o)
      .sort()
      .map((k) => `${JSON.stringify(k)}:${canonicalJson(o[k])}`)
      .join(',')}}`;
  }
  return JSON.stringify(v) ?? 'null';
}

/** 32-bit FNV-1a of the UTF-8 bytes of `text`, as an unsigned integer. */
export function fnv1a32(text: string): number {
  let h = 0x811c9dc5;
  for (const byte of Buffer.from(text, 'utf8')) {
    h ^= byte;
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return h >>> 0;
}

/** The derived seed of a run: FNV-1a-32 of the base seed and the run's values (see the module doc). */
export function deriveSeed(baseSeed: number, axes: readonly SweepAxis[], values: readonly unknown[]): number {
  const assignment: Record<string, unknown> = {};
  axes.forEach((a, i) => (assignment[a.path] = values[i]));
  return fnv1a32(`${baseSeed}\n${canonicalJson(assignment)}`);
}

/** A value as it appears in a folder name and in messages: scalars as text, others as compact JSON. */
export function valueText(v: unknown): string {
  if (typeof v === 'string') return v;
  if (typeof v === 'number' || typeof v === 'boolean' || v === null) return String(v);
  return canonicalJson(v);
}

/** The folder-name slug of a run's values: `mtu-1024_enabled-false` (at most 48 characters). */
export function runSlug(axes: readonly SweepAxis[], values: readonly unknown[]): string {
  const parts = axes.map((a, i) => {
    const key = a.path.split('.').pop()!;
    const v = valueText(values[i])
      .replace(/[^A-Za-z0-9.+-]+/g, '-')
      .replace(/^-+|-+$/g, '');
    return `${key}-${v}`;
  });
  return parts.join('_').slice(0, 48).replace(/[-_.]+$/, '');
}

/** `path=value, path=value` of a run, for messages. */
export function runLabel(axes: readonly SweepAxis[], values: readonly unknown[]): string {
  return axes.map((a, i) => `${a.path}=${valueText(values[i])}`).join(', ') || '(no axes)';
}

/** Every combination of the axes' values, the last axis fastest. */
function cartesian(axes: readonly SweepAxis[]): unknown[][] {
  let combos: unknown[][] = [[]];
  for (const a of axes) combos = combos.flatMap((c) => a.values.map((v) => [...c, v]));
  return combos;
}

function checkPath(path: string, what: string): void {
  if (!SWEEP_PATH.test(path)) throw new ConfigError(`${what}: '${path}' is not a dotted field path such as fabric.mtu`);
  if ((UNSWEEPABLE as readonly string[]).includes(path.split('.')[0]!)) {
    throw new ConfigError(`${what}: the fields ${UNSWEEPABLE.join(' and ')} cannot be swept`);
  }
}

/**
 * Plans the sweep of an experiment file: reads it, builds the grid from its `sweep:` block and
 * `options.set`, and validates every run's experiment (so a bad value is reported, naming the
 * run, before anything runs). Throws a ConfigError for any problem.
 */
export function planSweep(file: string, options: SweepPlanOptions = {}): PlannedSweep {
  const { raw: read, baseDir } = readExperimentRaw(file);
  if (read === null || typeof read !== 'object' || Array.isArray(read)) {
    throw new ConfigError('an experiment must be a mapping of fields (name, topology, workload, ...)', { file });
  }
  const { sweep: sweepBlock, ...rest } = read as Record<string, unknown>;
  let base: unknown = rest;
  const fileAxes = parseWith(sweepSchema, sweepBlock, { file, field: 'sweep' }) ?? {};
  const axes: SweepAxis[] = Object.entries(fileAxes).map(([path, values]) => ({ path, values }));

  for (const assignment of options.set ?? []) {
    const eq = assignment.indexOf('=');
    const path = eq < 0 ? '' : assignment.slice(0, eq).trim();
    if (eq < 0 || path === '') throw new ConfigError(`bad --set '${assignment}': expected <dotted.path>=<value> or <dotted.path>=<v1>,<v2>,...`);
    const texts = splitSetValues(assignment.slice(eq + 1));
    const existing = axes.find((a) => a.path === path);
    if (texts.length === 1 && existing === undefined) {
      base = applySet(base, assignment);
      continue;
    }
    checkPath(path, `bad --set '${assignment}'`);
    const values = texts.map((t) => yamlValue(path, t, assignment));
    if (existing !== undefined) existing.values = values;
    else axes.push({ path, values });
  }
  if (options.seed !== undefined) base = { ...(base as object), seed: options.seed };

  const baseRecord = base as Record<string, unknown>;
  const name = typeof baseRecord.name === 'string' ? baseRecord.name : '';
  const seedValue = baseRecord.seed ?? 1;
  if (!Number.isSafeInteger(seedValue) || (seedValue as number) < 0) {
    throw new ConfigError(`expected a whole number >= 0; found ${JSON.stringify(seedValue)}`, { file, field: 'seed' });
  }
  const baseSeed = seedValue as number;
  const total = axes.reduce((n, a) => n * a.values.length, 1);
  if (total > MAX_SWEEP_RUNS) {
    throw new ConfigError(`the sweep has ${total} runs (${axes.map((a) => a.values.length).join(' × ')}); at most ${MAX_SWEEP_RUNS} are allowed`, { file, field: 'sweep' });
  }
  const seedAxis = axes.findIndex((a) => a.path === 'seed');
  const seedRule: SeedRule = seedAxis >= 0 ? 'axis' : options.sameSeed ? 'same' : 'derived';
  const width = Math.max(4, String(total).length);

  const runs: SweepRun[] = [];
  const configs: ExperimentConfig[] = [];
  cartesian(axes).forEach((values, i) => {
    const run = i + 1;
    const label = runLabel(axes, values);
    let raw: unknown = base;
    try {
      for (const [k, a] of axes.entries()) raw = setValue(raw, a.path, values[k]);
    } catch (e) {
      if (e instanceof ConfigError) throw new ConfigError(`sweep run ${run} (${label}): ${e.message.replace(/^bad --set '[^']*': /, '')}`, { file });
      throw e;
    }
    const seed = seedRule === 'axis' ? (values[seedAxis] as number) : seedRule === 'same' ? baseSeed : deriveSeed(baseSeed, axes, values);
    raw = { ...(raw as object), seed };
    let config: ExperimentConfig;
    try {
      config = validateExperiment(raw, { file, baseDir });
    } catch (e) {
      if (e instanceof ConfigError) throw new ConfigError(`${e.message} (in sweep run ${run}: ${label})`);
      throw e;
    }
    const slug = runSlug(axes, values);
    runs.push({ run, dir: `run-${String(run).padStart(width, '0')}${slug === '' ? '' : `-${slug}`}`, values, seed: config.seed });
    configs.push(config);
  });
  return { plan: { name: configs[0]?.name ?? name, file: resolve(file), base: baseRecord, baseSeed, seedRule, axes, runs }, configs };
}

/** A `--shard i/N` argument. */
export interface Shard {
  /** 0-based index of this shard. */
  index: number;
  /** Number of shards. */
  count: number;
}

/** Parses `i/N` (0 <= i < N). */
export function parseShard(text: string): Shard {
  const m = /^\s*(\d+)\s*\/\s*(\d+)\s*$/.exec(text);
  const index = m ? Number(m[1]) : NaN;
  const count = m ? Number(m[2]) : NaN;
  if (!m || !(count >= 1) || !(index < count)) {
    throw new ConfigError(`--shard must be i/N with 0 <= i < N (e.g. 0/4 for the first of four shards); found '${text}'`);
  }
  return { index, count };
}

/** The runs of shard `index` of `count`: run numbers r with (r − 1) mod count = index (round robin). */
export function shardRuns<T extends { run: number }>(runs: readonly T[], shard: Shard | undefined): T[] {
  if (shard === undefined) return runs.slice();
  return runs.filter((r) => (r.run - 1) % shard.count === shard.index);
}

/** The identity of a plan, for checking that shards belong to the same sweep. */
export function planKey(plan: SweepPlan): string {
  return canonicalJson(plan);
}
