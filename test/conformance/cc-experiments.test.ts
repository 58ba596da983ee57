import { describe, expect, it } from 'vitest';
import { loadExperimentFile } from '../../src/experiment/load.js';
import { runExperiment } from '../../src/experiment/run.js';
import { congestionControls } from '../../src/transport/cc/index.js';
import { checkConservation } from '../helpers/run.js';

/**
 * The congestion-control experiments run to completion with every registered algorithm, switched
 * with the same `--set` overrides their header comments give (applied by loadExperimentFile,
 * through applySet).
 */
const overrides: Record<string, string[]> = {
  none: ['cc.kind=none'],
  dcqcn: ['cc.kind=dcqcn'],
  hpcc: ['cc.kind=hpcc'],
  timely: ['cc.kind=timely'],
  dctcp: ['cc.kind=dctcp', 'fabric.ecn={kind: threshold, k_bytes: 20000}'],
  newreno: ['cc.kind=newreno', 'fabric.ecn={kind: threshold, k_bytes: 20000}'],
  cubic: ['cc.kind=cubic', 'fabric.ecn={kind: threshold, k_bytes: 20000}'],
  'ib-cc': ['cc.kind=ib-cc', 'fabric.ecn={kind: threshold, k_bytes: 20000}'],
};
const files = ['experiments/cc-incast.yaml', 'experiments/cc-permutation.yaml'];

describe('congestion-control experiments', () => {
  it('know every registered algorithm', () => {
    expect(Object.keys(overrides).sort()).toEqual(congestionControls.names().sort());
  });

  for (const file of files) {
    for (const name of congestionControls.names()) {
      it(`${file} with cc.kind=${name} runs to completion without a lossless drop`, () => {
        const { config } = loadExperimentFile(file, { set: overrides[name] ?? [`cc.kind=${name}`] });
        expect(config.cc.kind).toBe(name);
        const r = runExperiment(config, { file });
        checkConservation(r);
        expect(r.complete).toBe(true);
        expect(r.stopReason).toBe('all-flows-ended');
        expect(r.flows.records.every((f) => f.status === 'done')).toBe(true);
        expect(r.fabric.traffic.droppedPackets).toBe(0);
      });
    }
  }

  it('the TIMELY settings the headers suggest run too', () => {
    for (const file of files) {
      const { config } = loadExperimentFile(file, { set: ['cc={kind: timely, t_low_us: 16, t_high_us: 30, min_rtt_us: 20, segment_bytes: 0, delta_gbps: 1}'] });
      const r = runExperiment(config, { file });
      expect(r.flows.records.every((f) => f.status === 'done')).toBe(true);
    }
  });
});
