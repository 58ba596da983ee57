import { parseWith, joinPath } from '../../sim/parse.js';
import { ConfigError } from '../../sim/errors.js';
import { Registry } from '../../sim/registry.js';
import type { TopologyGenerator } from '../generator.js';
import type { Topology } from '../types.js';
import { validateTopology } from '../validate.js';
import { dragonfly } from './dragonfly.js';
import { dumbbell } from './dumbbell.js';
import { fatTree } from './fat-tree.js';
import { leafSpine } from './leaf-spine.js';
import { ring } from './ring.js';
import { star } from './star.js';
import { torus } from './torus.js';

/**
 * The largest topology (nodes + links) a generator may build (a k=64 fat tree has 267,264).
 * The forwarding tables (switches × hosts entries) usually limit a run before this does.
 */
export const MAX_TOPOLOGY_ELEMENTS = 500_000;

/** Every topology generator, by name. A new generator is one file plus one line here. */
export const generators = new Registry<TopologyGenerator>('topology generator')
  .add(star)
  .add(dumbbell)
  .add(leafSpine)
  .add(fatTree)
  .add(dragonfly)
  .add(torus)
  .add(ring);

/**
 * Builds the topology of generator `name` with `params` (a plain object, as read from a file or
 * the command line; missing fields take their defaults) and records how it was made in the graph
 * attributes `{name, generator, params}` (params with defaults filled in).
 *
 * `where.field` is the path of the topology object in the caller's input (e.g. `topology`): an
 * unknown generator is reported at `<field>.generator` and a bad parameter at
 * `<field>.params.<param>` (e.g. `topology.params.k`), both as {@link ConfigError}s naming
 * `where.file`. The result passes {@link validateTopology}.
 */
export function buildTopology(name: string, params: unknown, where: { file?: string; field?: string } = {}): Topology {
  const gen = generators.get(name, { file: where.file, field: joinPath(where.field, ['generator']) });
  const parsed: Record<string, unknown> = parseWith(gen.params, params ?? {}, {
    file: where.file,
    field: joinPath(where.field, ['params']),
  });
  const size = gen.size(parsed);
  if (!(size.nodes + size.links <= MAX_TOPOLOGY_ELEMENTS)) {
    throw new ConfigError(
      `these parameters make ${size.nodes.toLocaleString('en-US')} nodes and ${size.links.toLocaleString('en-US')} links; fabricsim handles up to ${MAX_TOPOLOGY_ELEMENTS.toLocaleString('en-US')} nodes + links in one run (make the topology smaller)`,
      { file: where.file, field: joinPath(where.field, ['params']) },
    );
  }
  const g = gen.build(parsed);
  g.replaceAttributes({ name, generator: name, params: parsed });
  validateTopology(g, { file: where.file });
  return g;
}

export { dragonfly, dumbbell, fatTree, leafSpine, ring, star, torus };
export { leafSpineUplinkRate } from './leaf-spine.js';
export { dragonflyGlobalLinks, dragonflyGroups } from './dragonfly.js';
export type { StarParams } from './star.js';
export type { DumbbellParams } from './dumbbell.js';
export type { LeafSpineParams } from './leaf-spine.js';
export type { FatTreeParams } from './fat-tree.js';
export type { DragonflyParams } from './dragonfly.js';
export type { TorusParams } from './torus.js';
export type { RingParams } from './ring.js';
