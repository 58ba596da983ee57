import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadExperimentFile, prepareExperiment } from '../../src/experiment/index.js';

const dir = join(import.meta.dirname, '../../experiments');
const files = readdirSync(dir).filter((f) => /\.(ya?ml|json)$/.test(f));

describe('the shipped experiments', () => {
  it('exist', () => {
    expect(files.length).toBeGreaterThan(0);
  });
  for (const f of files) {
    it(`${f} validates and yields flows (or RDMA applications)`, () => {
      const loaded = loadExperimentFile(join(dir, f));
      const prepared = prepareExperiment(loaded.config, loaded);
      expect(prepared.flows.length + prepared.apps.length).toBeGreaterThan(0);
    });
  }
});
