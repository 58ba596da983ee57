import { collectiveApps, collectiveParams, type CollectiveAlgorithm, type CollectiveParams } from './collective.js';
import { ringMessages } from './ring-allreduce.js';
import type { WorkloadVariant } from './workload.js';

/** Ring reduce-scatter: N−1 steps; in step s rank r sends its partial sum of chunk r−s to r+1, which adds its own. `bytes` is the input buffer. */
export const reduceScatterAlgorithm: CollectiveAlgorithm = {
  collective: 'reduce-scatter',
  algorithm: 'ring',
  messages: (n, bytes) => ringMessages(n, bytes, n - 1, (r, s) => r - s),
  busFactor: (n) => (n - 1) / n,
};

/** Ring reduce-scatter as an RDMA application; one row per iteration in collectives.csv. */
export const reduceScatter: WorkloadVariant<CollectiveParams> = {
  name: 'reduce-scatter',
  description: 'ring reduce-scatter (N−1 dependent steps of bytes/N chunks; bytes is the input buffer); rows in collectives.csv',
  params: collectiveParams,
  generate() {
    return [];
  },
  apps: (p, ctx) => collectiveApps(reduceScatterAlgorithm, p, ctx, 'reduce-scatter'),
};
