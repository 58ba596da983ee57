import { readFileSync, readdirSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';
import { VERSION } from '../../src/version.js';

/** Every .ts file under a folder. */
function sources(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const p = join(dir, name);
    return statSync(p).isDirectory() ? sources(p) : p.endsWith('.ts') ? [p] : [];
  });
}

/**
 * The layers of DESIGN.md, lowest first. A module may import from its own layer and from the
 * layers it builds on, never from a layer above:
 *   sim ← metrics ← fabric ← transport ← host ← experiment ← cli, and sim ← topology, sim ← workload
 * (topology and workload feed the experiment layer).
 */
const mayImport: Record<string, string[]> = {
  sim: ['sim'],
  metrics: ['sim', 'metrics'],
  topology: ['sim', 'topology'],
  workload: ['sim', 'workload'],
  // the fabric compiles a topology graph's description (types only at run time)
  fabric: ['sim', 'metrics', 'topology', 'fabric'],
  transport: ['sim', 'metrics', 'fabric', 'transport'],
  host: ['sim', 'metrics', 'fabric', 'transport', 'host'],
  experiment: ['sim', 'metrics', 'fabric', 'transport', 'host', 'topology', 'workload', 'experiment', 'version.js'],
  // figures read result files back; they never run the simulator
  plot: ['sim', 'metrics', 'plot', 'version.js'],
  cli: ['sim', 'metrics', 'fabric', 'transport', 'host', 'topology', 'workload', 'experiment', 'plot', 'cli', 'version.js'],
};

function layerOf(file: string): string {
  return relative('src', file).split('/')[0]!;
}

describe('architecture', () => {
  const files = sources('src');

  it('imports follow the layer order of DESIGN.md', () => {
    const violations: string[] = [];
    for (const f of files) {
      const layer = layerOf(f);
      const allowed = mayImport[layer];
      if (allowed === undefined) continue; // index.ts, version.ts: the public surface
      const text = readFileSync(f, 'utf8');
      for (const m of text.matchAll(/from '(\.[^']+)'/g)) {
        const target = relative('src', join(f, '..', m[1]!));
        const targetLayer = target.split('/')[0]!;
        if (!allowed.includes(targetLayer)) violations.push(`${f} imports ${m[1]} (layer ${targetLayer})`);
      }
    }
    expect(violations).toEqual([]);
  });

  it('src/ never uses Math.random or Date.now (randomness from seeded streams only)', () => {
    const offenders = files.filter((f) => /Math\.random\(|Date\.now\(/.test(readFileSync(f, 'utf8')));
    expect(offenders).toEqual([]);
  });

  it('the library version matches package.json', () => {
    expect(VERSION).toBe(JSON.parse(readFileSync('package.json', 'utf8')).version);
  });

  it('no test is focused or skipped', () => {
    const tests = sources('test').filter((f) => f.endsWith('.test.ts'));
    const flagged = tests.filter((f) => /\b(it|test|describe)\.(only|skip)\(|\bx(it|describe)\(/.test(readFileSync(f, 'utf8')));
    expect(flagged).toEqual([]);
  });
});
