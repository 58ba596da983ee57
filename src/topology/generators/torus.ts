import { z } from 'zod';
import type { TopologyGenerator } from '../generator.js';
import { TopologyBuilder } from './builder.js';
import { count, linkParams } from './params.js';

const params = z
  .object({
    dims: z
      .array(z.number().int().min(2).describe('ring size, an integer ≥ 2'))
      .min(2)
      .max(3)
      .default([4, 4])
      .describe('ring size per dimension: 2 or 3 sizes, each ≥ 2 (default [4, 4])'),
    hosts_per_switch: count(1, 'hosts on each switch'),
    ...linkParams(),
  })
  .strict();

/** Parameters of {@link torus}. */
export type TorusParams = z.infer<typeof params>;

/** All coordinates of a grid with the given sizes, first coordinate slowest (row-major). */
export function gridCoords(dims: readonly number[]): number[][] {
  let coords: number[][] = [[]];
  for (const n of dims) coords = coords.flatMap((c) => Array.from({ length: n }, (_, i) => [...c, i]));
  return coords;
}

/** The switch at `coords`: `sw{x}_{y}` or `sw{x}_{y}_{z}`. */
export const torusSwitchName = (coords: readonly number[]): string => `sw${coords.join('_')}`;

/**
 * A 2-D or 3-D torus of switches `sw{x}_{y}[_{z}]` (attribute `coords`), each joined to its +1
 * and −1 neighbour in every dimension with wrap-around, and `hosts_per_switch` hosts per switch
 * (hosts carry their switch's `coords` too). A switch has 2 torus links per dimension, except in
 * a dimension of size 2, where the +1 and −1 neighbours are the same switch: there the pair is
 * joined by ONE link, not two parallel ones, so that dimension adds 1 to the degree. Switches and
 * hosts are numbered in row-major coordinate order. Edges: host links, then for each switch, each
 * dimension, the link to its +1 neighbour.
 */
export const torus: TopologyGenerator<TorusParams> = {
  name: 'torus',
  description: '2-D or 3-D torus of switches with wrap-around links',
  params,
  size: (p) => {
    const switches = p.dims.reduce((a: number, b: number) => a * b, 1);
    return { nodes: switches * (1 + p.hosts_per_switch), links: switches * (p.hosts_per_switch + p.dims.length) };
  },
  build(p) {
    const b = new TopologyBuilder();
    const all = gridCoords(p.dims);
    for (const c of all) b.switch(torusSwitchName(c), { layer: 'torus', coords: c });
    const link = { rate_gbps: p.rate_gbps, delay_ns: p.delay_ns };
    for (const c of all) {
      for (let k = 0; k < p.hosts_per_switch; k++) b.host(torusSwitchName(c), link, { coords: [...c] });
    }
    for (const c of all) {
      p.dims.forEach((n, d) => {
        // In a ring of 2 the +1 neighbour of 1 is 0, already linked from 0's side.
        if (n === 2 && c[d] === 1) return;
        const next = [...c];
        next[d] = (c[d]! + 1) % n;
        b.link(torusSwitchName(c), torusSwitchName(next), link);
      });
    }
    return b.graph;
  },
};
