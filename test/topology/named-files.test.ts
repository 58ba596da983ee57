import { readdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { buildTopology } from '../../src/topology/generators/index.js';
import { loadTopology } from '../../src/topology/io.js';

const dir = fileURLToPath(new URL('../../topologies/', import.meta.url));

describe('topologies/*.json', () => {
  const files = readdirSync(dir).filter((f) => f.endsWith('.json'));

  it('includes the documented files', () => {
    expect(files).toEqual(expect.arrayContaining(['leaf-spine-4x2.json', 'fat-tree-k4.json']));
  });

  for (const file of files) {
    it(`${file} loads, validates, and equals its generator's output`, () => {
      const g = loadTopology(dir + file);
      const { name, generator, params } = g.getAttributes();
      expect(name).toBe(file.replace(/\.json$/, ''));
      const rebuilt = buildTopology(generator!, params);
      rebuilt.setAttribute('name', name);
      expect(g.export()).toEqual(rebuilt.export());
    });
  }
});
