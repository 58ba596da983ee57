import { z } from 'zod';
import { NODE_ROLES } from './validate.js';

/**
 * zod schemas of the topology file format: a graphology JSON export (`graph.export()`) whose
 * node and edge attributes are {@link NodeAttributes} and {@link EdgeAttributes}. Unknown
 * attributes are rejected so that a misspelt one (`buffer_byte`) is not silently ignored.
 */

/** Node attributes in a topology file. */
export const nodeAttributesSchema = z
  .object({
    role: z.enum(NODE_ROLES as ['host', 'switch', 'router']).describe('host, switch or router'),
    layer: z.string().optional().describe('tier or group label (host, leaf, spine, edge, agg, core, router, ...)'),
    group: z.number().int().min(0).optional().describe('pod / group index'),
    buffer_bytes: z.number().int().positive().optional().describe('shared packet buffer of a switch, bytes'),
    subnet: z.string().optional().describe('L3 subnet label'),
    coords: z.array(z.number().int()).optional().describe('torus coordinates'),
    lid: z.number().int().min(1).max(0xbfff).optional().describe('InfiniBand LID: a host\'s base LID or a switch\'s port-0 LID, unicast 1 … 49151'),
    guid: z.string().regex(/^[0-9a-fA-F]{1,16}$/).optional().describe('InfiniBand GUID, up to 16 hex digits'),
  })
  .strict();

/** Edge (link) attributes in a topology file. */
export const edgeAttributesSchema = z
  .object({
    rate_gbps: z.number().positive().describe('line rate in Gb/s, both directions (> 0)'),
    delay_ns: z.number().min(0).describe('one-way propagation delay in ns (≥ 0)'),
  })
  .strict();

/** Graph attributes in a topology file. */
export const graphAttributesSchema = z
  .object({
    name: z.string().optional(),
    generator: z.string().optional(),
    params: z.record(z.string(), z.unknown()).optional(),
  })
  .strict();

const key = z.union([z.string().min(1), z.number()]);

/** One entry of `nodes`. */
export const nodeEntrySchema = z.object({ key, attributes: nodeAttributesSchema }).strict();

/** One entry of `edges`. Every edge is an undirected (full-duplex) link. */
export const edgeEntrySchema = z
  .object({
    key: key.optional(),
    source: key,
    target: key,
    attributes: edgeAttributesSchema,
    undirected: z
      .literal(true, { error: 'directed edges are not supported: every edge is a full-duplex link (leave `undirected` out or set it to true)' })
      .optional(),
  })
  .strict();

/**
 * The outer shape of a topology file. `nodes` and `edges` entries are checked one by one with
 * {@link nodeEntrySchema} and {@link edgeEntrySchema}, so errors name `nodes[3]` rather than `nodes.3`.
 */
export const topologyFileSchema = z
  .object({
    attributes: graphAttributesSchema.optional(),
    options: z
      .object({
        type: z.enum(['undirected', 'mixed'], { error: "a topology is an undirected graph: use type 'undirected'" }).optional(),
        multi: z.boolean().optional(),
        allowSelfLoops: z.boolean().optional(),
      })
      .strict()
      .optional(),
    nodes: z.array(z.unknown()),
    edges: z.array(z.unknown()).default([]),
  })
  .strict();
