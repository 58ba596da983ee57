import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { buildTopology, generators } from '../../src/topology/generators/index.js';
import { loadTopology, saveTopology } from '../../src/topology/io.js';
import { configError } from './helpers.js';

const dir = mkdtempSync(join(tmpdir(), 'fabricsim-topology-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** Writes `data` (JSON-encoded unless a string) to a fresh file in the temp dir. */
let fileNo = 0;
function writeTemp(data: unknown): string {
  const file = join(dir, `t${fileNo++}.json`);
  writeFileSync(file, typeof data === 'string' ? data : JSON.stringify(data));
  return file;
}

/** A graphology export of a 3-host star, as plain JSON data to break. */
const starExport = () => JSON.parse(JSON.stringify(buildTopology('star', { hosts: 3 }).export()));

describe('saveTopology / loadTopology', () => {
  it('round-trips every generator to an equal export', () => {
    for (const name of generators.names()) {
      const g = buildTopology(name, {});
      const file = join(dir, 'sub', `${name}.json`);
      saveTopology(g, file);
      const loaded = loadTopology(file);
      expect(loaded.export(), name).toEqual(g.export());
      expect(loaded.getAttributes(), name).toEqual(g.getAttributes());
    }
    expect(readdirSync(join(dir, 'sub')).filter((f) => f.includes('.tmp-'))).toEqual([]);
  });

  it('writes pretty-printed JSON and replaces an existing file', () => {
    const file = join(dir, 'pretty.json');
    writeFileSync(file, 'old');
    saveTopology(buildTopology('star', { hosts: 2 }), file);
    const text = readFileSync(file, 'utf8');
    expect(text).toMatch(/^\{\n {2}"options"/);
    expect(JSON.parse(text).nodes).toHaveLength(3);
    expect(existsSync(`${file}.tmp-${process.pid}`)).toBe(false);
  });

  it('gives keyless edges the keys e<index>', () => {
    const data = starExport();
    for (const e of data.edges) delete e.key;
    data.edges[1].key = 'e0'; // an explicit key wins; the keyless first edge gets another one
    const g = loadTopology(writeTemp(data));
    expect(g.edges()).toEqual(['e0_', 'e0', 'e2']);
  });
});

describe('loadTopology errors name the file and the field', () => {
  it('missing file', () => {
    const file = join(dir, 'nope.json');
    const err = configError(() => loadTopology(file));
    expect(err.file).toBe(file);
    expect(err.message).toBe(`${file}: topology file not found`);
  });

  it('malformed JSON, with the parser message and a line', () => {
    const file = writeTemp('{\n  "nodes": [\n    {"key": "a",}\n  ]\n}');
    const err = configError(() => loadTopology(file));
    expect(err.file).toBe(file);
    expect(err.message).toMatch(new RegExp(`^${file.replace(/[.\\]/g, '\\$&')}: not valid JSON: .*line 3`));
  });

  it('a bad node attribute: nodes[3].attributes.role', () => {
    const data = starExport();
    data.nodes[3].attributes.role = 'hots';
    const file = writeTemp(data);
    const err = configError(() => loadTopology(file));
    expect(err.field).toBe('nodes[3].attributes.role');
    expect(err.message).toContain(`${file}: nodes[3].attributes.role: `);
    expect(err.message).toContain('"hots"');
  });

  it('a bad edge attribute: edges[2].attributes.rate_gbps', () => {
    const data = starExport();
    data.edges[2].attributes.rate_gbps = 0;
    const err = configError(() => loadTopology(writeTemp(data)));
    expect(err.field).toBe('edges[2].attributes.rate_gbps');
    expect(err.message).toContain('found 0');
  });

  it('a negative delay, a misspelt attribute, a missing attribute', () => {
    const neg = starExport();
    neg.edges[1].attributes.delay_ns = -3;
    expect(configError(() => loadTopology(writeTemp(neg))).field).toBe('edges[1].attributes.delay_ns');
    const typo = starExport();
    typo.nodes[0].attributes.buffer_byte = 1000;
    const err = configError(() => loadTopology(writeTemp(typo)));
    expect(err.field).toBe('nodes[0].attributes');
    expect(err.message).toContain(`'buffer_byte'`);
    const missing = starExport();
    delete missing.edges[0].attributes.rate_gbps;
    expect(configError(() => loadTopology(writeTemp(missing))).field).toBe('edges[0].attributes.rate_gbps');
  });

  it('an edge to an unknown node, a duplicate node, a directed graph', () => {
    const dangling = starExport();
    dangling.edges[1].target = 'sw7';
    const err = configError(() => loadTopology(writeTemp(dangling)));
    expect(err.field).toBe('edges[1].target');
    expect(err.message).toContain(`unknown node 'sw7'`);
    const dup = starExport();
    dup.nodes[2].key = 'h0';
    expect(configError(() => loadTopology(writeTemp(dup))).message).toContain(`nodes[2].key: duplicate node 'h0' (first at nodes[1])`);
    const directed = starExport();
    directed.options.type = 'directed';
    expect(configError(() => loadTopology(writeTemp(directed))).field).toBe('options.type');
    const notUndirected = starExport();
    notUndirected.edges[0].undirected = false;
    expect(configError(() => loadTopology(writeTemp(notUndirected))).field).toBe('edges[0].undirected');
  });

  it('the wrong shape altogether', () => {
    expect(configError(() => loadTopology(writeTemp([1, 2]))).message).toContain('expected object');
    expect(configError(() => loadTopology(writeTemp({ edges: [] }))).field).toBe('nodes');
  });

  it('a file that parses but is not a valid topology (validateTopology, with the file name)', () => {
    const data = starExport();
    data.edges.pop(); // h2 loses its only link
    const file = writeTemp(data);
    const err = configError(() => loadTopology(file));
    expect(err.message).toBe(`${file}: host 'h2' has no link; connect it to one switch`);
  });
});
