import { readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { main } from '../../src/cli/main.js';

/** Runs the CLI in-process and captures its output. */
export async function cli(...argv: string[]): Promise<{ code: number; out: string; err: string }> {
  let out = '';
  let err = '';
  const code = await main(argv, { out: (t) => (out += t), err: (t) => (err += t) });
  return { code, out, err };
}

/**
 * A small experiment for sweeps: a 6-to-1 incast of 64 KB on a 2-leaf fabric with PFC (a few
 * tens of milliseconds per run), with a 2 × 2 sweep block.
 */
export const SMALL_SWEEP = `# a small sweep for tests
name: small-sweep
seed: 5
topology:
  generator: leaf-spine
  params: { leaves: 2, spines: 2, hosts_per_leaf: 4, rate_gbps: 100, delay_ns: 500 }
fabric: { mtu: 1024, pfc: { enabled: true, priorities: [3], xoff_bytes: 32768, xon_bytes: 16384 } }
workload: { kind: incast, receiver: h0, senders: 6, bytes: 65536 }
outputs: { samples_interval_ns: 2000 }
sweep:
  fabric.mtu: [1024, 4096]
  workload.bytes: [65536, 131072]
`;

/** Writes `text` to `dir/name` and returns the path. */
export function writeFile(dir: string, name: string, text: string): string {
  const p = join(dir, name);
  writeFileSync(p, text);
  return p;
}

/** Every file under `dir` (relative paths, sorted), optionally only those matching `filter`. */
export function filesUnder(dir: string, filter: (rel: string) => boolean = () => true): string[] {
  const out: string[] = [];
  const walk = (d: string) => {
    for (const name of readdirSync(d)) {
      const p = join(d, name);
      if (statSync(p).isDirectory()) walk(p);
      else if (filter(relative(dir, p))) out.push(relative(dir, p));
    }
  };
  walk(dir);
  return out.sort();
}

/** The CSV files of a sweep folder's runs and its summary (run.json holds wall-clock times, so it is left out). */
export const isResultCsv = (rel: string): boolean => rel.endsWith('.csv') && (rel === 'summary.csv' || rel.startsWith('run-'));

/** Asserts that every result CSV (and sweep.json) of `a` is byte-identical in `b`; returns the files compared. */
export function sameResults(a: string, b: string): string[] {
  const files = filesUnder(a, (rel) => isResultCsv(rel) || rel === 'sweep.json');
  const other = filesUnder(b, (rel) => isResultCsv(rel) || rel === 'sweep.json');
  if (JSON.stringify(files) !== JSON.stringify(other)) throw new Error(`different files:\n${files.join(' ')}\nvs\n${other.join(' ')}`);
  for (const f of files) {
    if (!readFileSync(join(a, f)).equals(readFileSync(join(b, f)))) throw new Error(`${f} differs between ${a} and ${b}`);
  }
  return files;
}
