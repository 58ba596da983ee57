import { describe, expect, it } from 'vitest';
import { run } from '../helpers/run.js';

/** The run warnings about cyclic buffer dependencies for a topology and routing (a tiny workload). */
function cbdWarnings(topology: Record<string, unknown>, fabric: Record<string, unknown> = {}): string[] {
  const r = run({ name: 'cbd', topology, fabric, workload: { kind: 'flows', list: [{ src: 'h0', dst: 'h1', bytes: 1000 }] } });
  return r.warnings.filter((w) => w.includes('cyclic buffer dependency'));
}

describe('the static check for cyclic buffer dependencies before a run', () => {
  it('warns for a ring with shortest-path routing, naming one cycle of ring links', () => {
    const w = cbdWarnings({ generator: 'ring', params: { switches: 5 } });
    expect(w).toHaveLength(1);
    expect(w[0]).toMatch(/PFC can deadlock: sw\d:\d>sw\d( → sw\d:\d>sw\d){5}; use fabric\.routing\.algorithm: updown$/);
  });

  it('does not warn for the same ring with up*/down* routing', () => {
    expect(cbdWarnings({ generator: 'ring', params: { switches: 5 } }, { routing: { algorithm: 'updown' } })).toEqual([]);
  });

  it('does not warn for a fat tree or a leaf-spine', () => {
    expect(cbdWarnings({ generator: 'fat-tree', params: { k: 4 } })).toEqual([]);
    expect(cbdWarnings({ generator: 'leaf-spine', params: {} })).toEqual([]);
  });

  it('does not check lossy fabrics (no PFC, no deadlock)', () => {
    expect(cbdWarnings({ generator: 'ring', params: { switches: 5 } }, { pfc: { enabled: false } })).toEqual([]);
  });
});
