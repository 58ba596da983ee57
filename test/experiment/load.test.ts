import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { applySet, loadExperimentFile } from '../../src/experiment/index.js';
import { configError } from './helpers.js';

const dir = mkdtempSync(join(tmpdir(), 'fabricsim-load-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

let counter = 0;
/** Writes `text` to a fresh file with extension `ext` and returns its path. */
function write(text: string, ext = '.yaml', sub = ''): string {
  const folder = join(dir, sub);
  mkdirSync(folder, { recursive: true });
  const file = join(folder, `exp${counter++}${ext}`);
  writeFileSync(file, text);
  return file;
}

const QUICK = `# quickstart
name: quick
topology:
  generator: leaf-spine
  params: { leaves: 2 }
workload:
  kind: incast
  senders: 3
  bytes: 65536
`;

describe('loadExperimentFile', () => {
  it('reads and validates a YAML file', () => {
    const file = write(QUICK);
    const loaded = loadExperimentFile(file);
    expect(loaded.file).toBe(file);
    expect(loaded.baseDir).toBe(dir);
    expect(loaded.config.name).toBe('quick');
    expect(loaded.config.topology).toMatchObject({ generator: 'leaf-spine', params: { leaves: 2, spines: 2 } });
    expect(loaded.config.fabric.mtu).toBe(1024);
    expect(loaded.raw).toMatchObject({ name: 'quick', topology: { params: { leaves: 2 } } });
  });

  it('reads a .yml file and a JSON file', () => {
    expect(loadExperimentFile(write(QUICK, '.yml')).config.name).toBe('quick');
    const json = JSON.stringify({ name: 'j', workload: { kind: 'permutation', bytes: 10 }, fabric: { mtu: 4096 } }, null, 2);
    const c = loadExperimentFile(write(json, '.json')).config;
    expect(c.name).toBe('j');
    expect(c.fabric.mtu).toBe(4096);
  });

  it('reports a missing file by name', () => {
    const missing = join(dir, 'nope.yaml');
    const e = configError(() => loadExperimentFile(missing));
    expect(e.message).toContain(missing);
    expect(e.message).toContain('no such file');
  });

  it('reports an empty file', () => {
    expect(configError(() => loadExperimentFile(write('  \n'))).message).toContain('empty');
  });

  it('reports a YAML syntax error with file:line:col and the line', () => {
    const file = write('name: q\nseed: 1\nworkload: : x\n');
    const e = configError(() => loadExperimentFile(file));
    expect(e.message).toContain(`${file}:3:11: YAML syntax error: Nested mappings`);
    expect(e.message).toContain('workload: : x');
    expect(e.message).not.toContain('    at '); // no stack
  });

  it('reports a duplicate YAML key as a syntax error at its line', () => {
    const e = configError(() => loadExperimentFile(write('name: a\nseed: 1\nname: b\n')));
    expect(e.message).toMatch(/:3:1: YAML syntax error: .*unique/);
  });

  it('reports a JSON syntax error with file:line:col', () => {
    const file = write('{\n  "name": "q",\n  "workload": { "kind": "incast", }\n}\n', '.json');
    const e = configError(() => loadExperimentFile(file));
    expect(e.message).toContain(`${file}:3:35: JSON syntax error: `);
  });

  it('reports a schema error with the file and field', () => {
    const file = write(QUICK + 'fabric: { mtu: 100 }\n');
    const e = configError(() => loadExperimentFile(file));
    expect(e.field).toBe('fabric.mtu');
    expect(e.message).toContain(`${file}: fabric.mtu: `);
  });

  it('applies --set overrides (numbers, booleans, strings, lists, array indices) before validation', () => {
    const loaded = loadExperimentFile(write(QUICK), {
      set: [
        'fabric.mtu=2048',
        'fabric.pfc.enabled=false',
        'fabric.pfc.priorities=[3, 4]',
        'fabric.pfc.priorities.0=5',
        'fabric.ecn={kind: threshold, k_bytes: 30000}',
        'transport.kind=roce-v2',
        'topology.params.spines=4',
        'workload.senders=[h0, 1]',
        'description=',
      ],
    });
    const c = loaded.config;
    expect(c.fabric.mtu).toBe(2048);
    expect(c.fabric.pfc.enabled).toBe(false);
    expect(c.fabric.pfc.priorities).toEqual([5, 4]);
    expect(c.fabric.ecn).toEqual({ kind: 'threshold', k_bytes: 30000 });
    expect(c.transport.kind).toBe('roce-v2');
    expect(c.topology).toMatchObject({ params: { leaves: 2, spines: 4 } });
    expect(c.workload.senders).toEqual(['h0', 1]);
    expect(c.description).toBe('');
    expect(loaded.raw).toMatchObject({ fabric: { mtu: 2048 } });
  });

  it('reports an override that breaks the schema at its field', () => {
    const e = configError(() => loadExperimentFile(write(QUICK), { set: ['fabric.pfc.quanta=0'] }));
    expect(e.field).toBe('fabric.pfc.quanta');
  });

  it('overrides the seed', () => {
    const file = write(QUICK + 'seed: 9\n');
    expect(loadExperimentFile(file).config.seed).toBe(9);
    expect(loadExperimentFile(file, { seed: 42 }).config.seed).toBe(42);
    expect(loadExperimentFile(file, { seed: 42, set: ['seed=7'] }).config.seed).toBe(42);
  });

  it("resolves topology.file against the experiment file's folder", () => {
    const file = write('name: t\ntopology: { file: ../topologies/ring.json }\nworkload: { kind: permutation, bytes: 1 }\n', '.yaml', 'experiments');
    expect(loadExperimentFile(file).config.topology).toEqual({ file: join(dir, 'topologies', 'ring.json') });
  });
});

describe('applySet', () => {
  const base = () => ({ name: 'q', fabric: { pfc: { priorities: [3] } } });

  it('sets a value at a dotted path without modifying the input', () => {
    const raw = base();
    expect(applySet(raw, 'fabric.pfc.xoff_bytes=1e5')).toEqual({ name: 'q', fabric: { pfc: { priorities: [3], xoff_bytes: 100000 } } });
    expect(raw).toEqual(base());
  });

  it('creates missing objects, and lists for index segments', () => {
    expect(applySet({}, 'a.b.c=true')).toEqual({ a: { b: { c: true } } });
    expect(applySet({}, 'workload.list.0.src=h1')).toEqual({ workload: { list: [{ src: 'h1' }] } });
    expect(applySet(null, 'name=x')).toEqual({ name: 'x' });
  });

  it('indexes and appends to lists', () => {
    expect(applySet(base(), 'fabric.pfc.priorities.0=5')).toEqual({ name: 'q', fabric: { pfc: { priorities: [5] } } });
    expect(applySet(base(), 'fabric.pfc.priorities.1=4')).toEqual({ name: 'q', fabric: { pfc: { priorities: [3, 4] } } });
  });

  it('parses values as YAML scalars and flow collections', () => {
    const at = (v: string) => (applySet({}, `x=${v}`) as { x: unknown }).x;
    expect(at('3')).toBe(3);
    expect(at('-2.5')).toBe(-2.5);
    expect(at('true')).toBe(true);
    expect(at('roce-v2')).toBe('roce-v2');
    expect(at('"007"')).toBe('007');
    expect(at('[1, 2]')).toEqual([1, 2]);
    expect(at('{a: 1}')).toEqual({ a: 1 });
    expect(at('a=b')).toBe('a=b');
  });

  it('rejects malformed overrides, naming them', () => {
    for (const bad of ['fabric.mtu', '=3', ' =3', 'a..b=1', '.a=1', 'a.=1', 'x=[1,', 'name.first=1', 'fabric.pfc.priorities.5=1', 'fabric.pfc.priorities.x=1', '__proto__.x=1']) {
      const e = configError(() => applySet(base(), bad));
      expect(e.message).toContain(`'${bad}'`);
    }
  });
});
