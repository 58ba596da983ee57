import { expect } from 'vitest';
import { ConfigError } from '../../src/sim/errors.js';
import type { Topology } from '../../src/topology/types.js';

/** Runs `fn`, expects a ConfigError, and returns it. */
export function configError(fn: () => unknown): ConfigError {
  try {
    fn();
  } catch (e) {
    expect(e).toBeInstanceOf(ConfigError);
    return e as ConfigError;
  }
  throw new Error('expected a ConfigError, but nothing was thrown');
}

/** Node keys with the given role, in insertion order. */
export const nodesWithRole = (g: Topology, role: string): string[] => g.filterNodes((_n, a) => a.role === role);

/** Node keys in the given layer, in insertion order. */
export const nodesInLayer = (g: Topology, layer: string): string[] => g.filterNodes((_n, a) => a.layer === layer);

/** Number of edges whose two ends are in layers `x` and `y` (either way round). */
export function edgesBetweenLayers(g: Topology, x: string, y: string): number {
  return g.filterEdges((_e, _a, s, t, sa, ta) => (sa.layer === x && ta.layer === y) || (sa.layer === y && ta.layer === x)).length;
}

/** Connected-component count by an independent breadth-first search. */
export function componentCount(g: Topology): number {
  const seen = new Set<string>();
  let components = 0;
  for (const start of g.nodes()) {
    if (seen.has(start)) continue;
    components++;
    const queue = [start];
    seen.add(start);
    while (queue.length > 0) {
      for (const n of g.neighbors(queue.pop()!)) {
        if (!seen.has(n)) {
          seen.add(n);
          queue.push(n);
        }
      }
    }
  }
  return components;
}
