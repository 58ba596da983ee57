/**
 * The topology layer: fabric descriptions as graphology graphs, the generators that make them,
 * their validation, and topology files. Depends only on `sim`.
 */

/** Graph, node, edge and graph-attribute types of a topology. */
export type { EdgeAttributes, GraphAttributes, NodeAttributes, NodeRole, Topology } from './types.js';

/** The interface every topology generator implements. */
export type { TopologyGenerator } from './generator.js';

/**
 * The generator registry (`generators.get('fat-tree')`), {@link buildTopology} (name + params →
 * validated graph, errors as ConfigErrors with field paths), the generators themselves and their
 * parameter types.
 */
export {
  buildTopology,
  dragonfly,
  dragonflyGlobalLinks,
  dragonflyGroups,
  dumbbell,
  fatTree,
  generators,
  leafSpine,
  leafSpineUplinkRate,
  star,
  torus,
} from './generators/index.js';
/** Parameter types of the generators (the output of each generator's `params` schema). */
export type {
  DragonflyParams,
  DumbbellParams,
  FatTreeParams,
  LeafSpineParams,
  StarParams,
  TorusParams,
} from './generators/index.js';

/** Checks that a graph is a simulatable topology; throws a ConfigError naming the node or edge. */
export { validateTopology, NODE_ROLES } from './validate.js';

/** Topology files (graphology JSON): atomic save and validated load. */
export { loadTopology, saveTopology } from './io.js';

/** Plain-data summary of a topology and its human-readable rendering. */
export { describeTopology, formatDescription } from './describe.js';
/** The summary returned by {@link describeTopology}. */
export type { TopologyDescription } from './describe.js';

/** zod schemas of the topology file's node, edge and graph attributes. */
export { edgeAttributesSchema, graphAttributesSchema, nodeAttributesSchema } from './schema.js';
