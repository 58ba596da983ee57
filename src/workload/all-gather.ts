import { collectiveApps, collectiveParams, type CollectiveAlgorithm, type CollectiveParams } from './collective.js';
import { ringMessages } from './ring-allreduce.js';
import type { WorkloadVariant } from './workload.js';

/** Ring all-gather: N−1 steps; in step s rank r forwards chunk r−s (its own first, then what it received) to r+1. `bytes` is the gathered buffer. */
export const allGatherAlgorithm: CollectiveAlgorithm = {
  collective: 'all-gather',
  algorithm: 'ring',
  messages: (n, bytes) => ringMessages(n, bytes, n - 1, (r, s) => r - s),
  busFactor: (n) => (n - 1) / n,
};

/** Ring all-gather as an RDMA application; one row per iteration in collectives.csv. */
export const allGather: WorkloadVariant<CollectiveParams> = {
  name: 'all-gather',
  description: 'ring all-gather (N−1 dependent steps of bytes/N chunks; bytes is the gathered buffer); rows in collectives.csv',
  params: collectiveParams,
  generate() {
    return [];
  },
  apps: (p, ctx) => collectiveApps(allGatherAlgorithm, p, ctx, 'all-gather'),
};
