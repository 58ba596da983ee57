import { mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { MultiUndirectedGraph } from 'graphology';
import { ConfigError } from '../sim/errors.js';
import { parseWith } from '../sim/parse.js';
import { edgeEntrySchema, nodeEntrySchema, topologyFileSchema } from './schema.js';
import type { EdgeAttributes, GraphAttributes, NodeAttributes, Topology } from './types.js';
import { validateTopology } from './validate.js';

export { describeTopology, formatDescription } from './describe.js';
export type { TopologyDescription } from './describe.js';

/**
 * Reads a topology file: a graphology JSON export (`{attributes, options, nodes: [{key,
 * attributes}], edges: [{key?, source, target, attributes}]}`), checks every attribute and then
 * the whole graph ({@link validateTopology}). Every problem is a {@link ConfigError} naming the file
 * and, where it has one, the field (`nodes[3].attributes.role`, `edges[7].attributes.rate_gbps`).
 * Edges without a key get `e<index>`.
 */
export function loadTopology(file: string): Topology {
  const doc = parseWith(topologyFileSchema, readJson(file), { file });
  const g: Topology = new MultiUndirectedGraph<NodeAttributes, EdgeAttributes, GraphAttributes>();
  if (doc.attributes) g.replaceAttributes(doc.attributes);

  const nodeIndex = new Map<string, number>();
  doc.nodes.forEach((raw, i) => {
    const field = `nodes[${i}]`;
    const node = parseWith(nodeEntrySchema, raw, { file, field });
    const key = String(node.key);
    const first = nodeIndex.get(key);
    if (first !== undefined) throw new ConfigError(`duplicate node '${key}' (first at nodes[${first}])`, { file, field: `${field}.key` });
    nodeIndex.set(key, i);
    g.addNode(key, node.attributes);
  });

  const edges = doc.edges.map((raw, i) => parseWith(edgeEntrySchema, raw, { file, field: `edges[${i}]` }));
  const explicitKeys = new Set(edges.flatMap((e) => (e.key === undefined ? [] : [String(e.key)])));
  const edgeIndex = new Map<string, number>();
  edges.forEach((e, i) => {
    const field = `edges[${i}]`;
    for (const end of ['source', 'target'] as const) {
      if (!g.hasNode(String(e[end]))) {
        throw new ConfigError(`unknown node '${e[end]}'; an edge must join two nodes listed in 'nodes'`, { file, field: `${field}.${end}` });
      }
    }
    const key = e.key === undefined ? freshKey(i, explicitKeys) : String(e.key);
    const first = edgeIndex.get(key);
    if (first !== undefined) throw new ConfigError(`duplicate edge '${key}' (first at edges[${first}])`, { file, field: `${field}.key` });
    edgeIndex.set(key, i);
    g.addUndirectedEdgeWithKey(key, String(e.source), String(e.target), e.attributes);
  });

  validateTopology(g, { file });
  return g;
}

/** `e<i>`, or a variant of it no explicit key uses. */
function freshKey(i: number, taken: ReadonlySet<string>): string {
  let key = `e${i}`;
  while (taken.has(key)) key += '_';
  return key;
}

function readJson(file: string): unknown {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (e) {
    const err = e as NodeJS.ErrnoException;
    const why = err.code === 'ENOENT' ? 'topology file not found' : `cannot read topology file: ${err.message}`;
    throw new ConfigError(why, { file });
  }
  try {
    return JSON.parse(text);
  } catch (e) {
    throw new ConfigError(`not valid JSON: ${jsonErrorMessage(e as Error, text)}`, { file });
  }
}

/** JSON.parse's message, with the line and column added when it only gives a position. */
function jsonErrorMessage(e: Error, text: string): string {
  const m = /at position (\d+)/.exec(e.message);
  if (!m || /line \d+/.test(e.message)) return e.message;
  const before = text.slice(0, Number(m[1]));
  const line = before.split('\n').length;
  const column = before.length - before.lastIndexOf('\n');
  return `${e.message} (line ${line} column ${column})`;
}

/**
 * Writes `g` to `file` as pretty-printed graphology JSON, atomically: the text goes to
 * `${file}.tmp-<pid>` first and is renamed into place, so `file` is never seen half-written.
 * Creates the directory if needed.
 */
export function saveTopology(g: Topology, file: string): void {
  mkdirSync(dirname(file), { recursive: true });
  const tmp = `${file}.tmp-${process.pid}`;
  try {
    writeFileSync(tmp, JSON.stringify(g.export(), null, 2) + '\n');
    renameSync(tmp, file);
  } catch (e) {
    rmSync(tmp, { force: true });
    throw e;
  }
}
