import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { main } from '../../src/cli/main.js';

const tmp = mkdtempSync(join(tmpdir(), 'fabricsim-cli-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

async function cli(...argv: string[]) {
  let out = '';
  let err = '';
  const code = await main(argv, { out: (t) => (out += t), err: (t) => (err += t) });
  return { code, out, err };
}

function file(name: string, text: string): string {
  const p = join(tmp, name);
  writeFileSync(p, text);
  return p;
}

describe('fabricsim run', () => {
  it('runs an experiment, prints a summary and writes every result file with complete: true', async () => {
    const dir = join(tmp, 'quick');
    const r = await cli('run', 'experiments/quickstart.yaml', '--out', dir);
    expect(r.err).toBe('');
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/8\/8 flows done/);
    expect(r.out).toContain(dir);
    for (const f of ['run.json', 'flows.csv', 'ports.csv', 'samples.csv', 'pfc.csv', 'summary.csv']) expect(existsSync(join(dir, f)), f).toBe(true);
    const meta = JSON.parse(readFileSync(join(dir, 'run.json'), 'utf8'));
    expect(meta.complete).toBe(true);
    expect(meta.config.fabric.mtu).toBe(1024);
    expect(meta.events).toBeGreaterThan(0);
    expect(readFileSync(join(dir, 'flows.csv'), 'utf8').split('\n')[0]).toContain('fct_ns,ideal_fct_ns,slowdown');
  });

  it('--seed and --set override the file', async () => {
    const dir = join(tmp, 'over');
    const r = await cli('run', 'experiments/quickstart.yaml', '--out', dir, '--seed', '7', '--set', 'fabric.mtu=4096', '--quiet');
    expect(r.code).toBe(0);
    expect(r.out.trim()).toBe(dir);
    const meta = JSON.parse(readFileSync(join(dir, 'run.json'), 'utf8'));
    expect(meta.seed).toBe(7);
    expect(meta.config.fabric.mtu).toBe(4096);
  });

  it.each([
    ['a missing file', ['run', join(tmp, 'nope.yaml')], /nope\.yaml: cannot read experiment file/],
    ['a YAML syntax error', ['run', file('syntax.yaml', 'name: x\nworkload: [\n')], /syntax\.yaml:\d+:\d+/],
    ['an unknown field', ['run', file('unknown.yaml', 'name: x\nworkload: {kind: incast, bytes: 1000}\nfabrik: {}\n')], /unknown\.yaml.*fabrik/],
    ['an impossible MTU', ['run', file('mtu.yaml', 'name: x\nworkload: {kind: incast, bytes: 1000}\nfabric: {mtu: 100}\n')], /mtu\.yaml: fabric\.mtu/],
    ['an unknown host', ['run', file('host.yaml', 'name: x\nworkload: {kind: incast, receiver: h999, senders: 2, bytes: 1000}\n')], /host\.yaml: workload\.receiver/],
    ['an unknown generator', ['run', file('gen.yaml', 'name: x\ntopology: {generator: hypercube}\nworkload: {kind: incast, bytes: 1000}\n')], /gen\.yaml: topology\.generator/],
    ['a bad --set', ['run', 'experiments/quickstart.yaml', '--set', 'fabric.mtu'], /--set/],
    ['a bad --seed', ['run', 'experiments/quickstart.yaml', '--seed', '-3'], /--seed/],
    ['an unknown command', ['frobnicate'], /unknown command/],
  ])('%s exits with code 2 and one clear message, no stack trace', async (_what, argv, message) => {
    const r = await cli(...argv);
    expect(r.code).toBe(2);
    expect(r.err).toMatch(message);
    expect(r.err).not.toMatch(/\n\s+at /);
    expect(r.err.trim().split('\n').length).toBeLessThanOrEqual(2);
  });

  it('a bad experiment writes no result files', async () => {
    const dir = join(tmp, 'bad');
    const r = await cli('run', file('bad.yaml', 'name: x\nworkload: {kind: incast, bytes: -1}\n'), '--out', dir);
    expect(r.code).toBe(2);
    expect(existsSync(dir)).toBe(false);
  });
});

describe('fabricsim topo / list / schema', () => {
  it('generates a fat tree, saves it and describes it', async () => {
    const out = join(tmp, 'ft.json');
    const r = await cli('topo', 'fat-tree', '--k', '4', '--out', out);
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/16 hosts, 20 switches/);
    const d = await cli('topo', 'describe', out);
    expect(d.code).toBe(0);
    expect(d.out).toMatch(/host hops:\s+2\.\.6/);
  });

  it('rejects bad generator parameters with the field', async () => {
    const r = await cli('topo', 'fat-tree', '--k', '3');
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/params\.k.*even/);
    const u = await cli('topo', 'leaf-spine', '--leafs', '3');
    expect(u.code).toBe(2);
    expect(u.err).toMatch(/leafs/);
  });

  it('lists every registry with defaults', async () => {
    const r = await cli('list');
    expect(r.code).toBe(0);
    for (const name of ['fat-tree', 'leaf-spine', 'dragonfly', 'torus', 'roce-v2', 'none', 'incast', 'permutation']) expect(r.out).toContain(name);
    expect(r.out).toMatch(/ack_every \(integer\) = 4/);
    expect((await cli('list', 'nonsense')).code).toBe(2);
  });

  it('prints the JSON Schema of experiment files', async () => {
    const r = await cli('schema');
    expect(r.code).toBe(0);
    const schema = JSON.parse(r.out);
    expect(Object.keys(schema.properties)).toEqual(expect.arrayContaining(['name', 'topology', 'fabric', 'transport', 'cc', 'workload', 'stop', 'outputs']));
  });
});
