import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { hostKeys, loadExperimentFile, prepareExperiment, validateExperiment } from '../../src/experiment/index.js';
import { saveTopology } from '../../src/topology/io.js';
import { buildTopology } from '../../src/topology/generators/index.js';
import { configError, minimal } from './helpers.js';

const dir = mkdtempSync(join(tmpdir(), 'fabricsim-prepare-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('prepareExperiment', () => {
  it('builds the generator topology and the workload flows', () => {
    const config = validateExperiment({ ...minimal(), topology: { params: { leaves: 2, hosts_per_leaf: 3 } } });
    const p = prepareExperiment(config);
    expect(p.hosts).toEqual(['h0', 'h1', 'h2', 'h3', 'h4', 'h5']);
    expect(p.topology.order).toBe(6 + 2 + 2);
    expect(p.flows).toHaveLength(3);
    for (const f of p.flows) expect(f.dst).toBe(5); // default receiver: the last host
  });

  it('gives the same flows for the same seed and different ones for another seed', () => {
    const raw = { ...minimal(), topology: { params: { leaves: 8, hosts_per_leaf: 8 } }, workload: { kind: 'permutation', bytes: 1 } };
    const a = prepareExperiment(validateExperiment(raw)).flows;
    expect(prepareExperiment(validateExperiment(raw)).flows).toEqual(a);
    expect(prepareExperiment(validateExperiment({ ...raw, seed: 2 })).flows).not.toEqual(a);
  });

  it('reports an unknown workload host with the file and the field', () => {
    const file = join(dir, 'bad-receiver.yaml');
    writeFileSync(file, 'name: r\nworkload: { kind: incast, receiver: h999, senders: 2, bytes: 1 }\n');
    const loaded = loadExperimentFile(file);
    const e = configError(() => prepareExperiment(loaded.config, { file: loaded.file }));
    expect(e.field).toBe('workload.receiver');
    expect(e.message).toContain(`${file}: workload.receiver: `);
    expect(e.message).toContain('h999');
    expect(e.message).toContain('h0');
  });

  it('loads a topology file named relative to the experiment', () => {
    saveTopology(buildTopology('star', { hosts: 5 }), join(dir, 'star5.json'));
    const file = join(dir, 'from-file.yaml');
    writeFileSync(file, 'name: s\ntopology: { file: star5.json }\nworkload: { kind: permutation, bytes: 100 }\n');
    const loaded = loadExperimentFile(file);
    const p = prepareExperiment(loaded.config, { file: loaded.file });
    expect(p.hosts).toHaveLength(5);
    expect(p.flows).toHaveLength(5);
    expect(hostKeys(p.topology)).toEqual(p.hosts);
  });
});
