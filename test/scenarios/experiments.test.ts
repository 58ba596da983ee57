import { readdirSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { loadExperimentFile } from '../../src/experiment/load.js';
import { runExperiment } from '../../src/experiment/run.js';
import { checkConservation } from '../helpers/run.js';

/** Experiments that demonstrate a pathology stopping the run; test/pathologies/ checks them. */
const PATHOLOGIES = ['pfc-deadlock.yaml'];
const files = readdirSync('experiments').filter((f) => /\.(ya?ml|json)$/.test(f) && !PATHOLOGIES.includes(f));

describe('every experiment in experiments/', () => {
  it('there are experiments', () => expect(files.length).toBeGreaterThanOrEqual(3));

  it.each(files)('%s runs to completion and conserves packets', (file) => {
    const { config } = loadExperimentFile(`experiments/${file}`);
    const r = runExperiment(config, { file });
    checkConservation(r);
    expect(r.complete).toBe(true);
    expect(r.flows.records.length).toBeGreaterThan(0);
    expect(r.flows.records.every((f) => f.status === 'done')).toBe(true);
    if (config.fabric.pfc.enabled) expect(r.fabric.traffic.losslessDrops).toBe(0);
  });

  it('the lossy incast drops and retransmits where the lossless one pauses', () => {
    const lossless = runExperiment(loadExperimentFile('experiments/quickstart.yaml').config);
    const lossy = runExperiment(loadExperimentFile('experiments/incast-no-pfc.yaml').config);
    expect(lossless.fabric.traffic.droppedPackets).toBe(0);
    expect(lossless.fabric.pfcLog.length).toBeGreaterThan(0);
    expect(lossy.fabric.traffic.droppedPackets).toBeGreaterThan(0);
    expect(lossy.flows.records.reduce((s, f) => s + f.retxPackets, 0)).toBeGreaterThan(0);
    const p99 = (r: typeof lossy) => Math.max(...r.flows.records.map((f) => (f.finish - f.start) / f.idealFct));
    expect(p99(lossy)).toBeGreaterThan(p99(lossless));
  });
});
