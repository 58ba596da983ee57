import { chunkBytes, collectiveApps, collectiveParams, type CollectiveAlgorithm, type CollectiveMessage, type CollectiveParams } from './collective.js';
import type { WorkloadVariant } from './workload.js';

/**
 * Ring all-reduce (reduce-scatter then all-gather): the buffer is cut into N chunks; in each of
 * 2(N−1) steps every rank sends one chunk to its right neighbour, and a rank's step s starts when
 * its step s−1 chunk from the left neighbour has arrived. Steps 0..N−2 reduce (rank r sends chunk
 * r−s), steps N−1..2N−3 gather (rank r sends chunk r+1−(s−N+1)), indices mod N.
 */
export const ringAllReduceAlgorithm: CollectiveAlgorithm = {
  collective: 'all-reduce',
  algorithm: 'ring',
  messages: (n, bytes) => ringMessages(n, bytes, 2 * (n - 1), (r, s) => (s < n - 1 ? r - s : r + 1 - (s - n + 1))),
  busFactor: (n) => (2 * (n - 1)) / n,
};

/** `steps` ring steps: message s·N + r goes from rank r to r+1 with chunk `chunk(r, s)` and depends on message (s−1)·N + (r−1). */
export function ringMessages(n: number, bytes: number, steps: number, chunk: (r: number, s: number) => number): CollectiveMessage[] {
  const out: CollectiveMessage[] = [];
  for (let s = 0; s < steps; s++) {
    for (let r = 0; r < n; r++) {
      const c = (((chunk(r, s) % n) + n) % n);
      out.push({ from: r, to: (r + 1) % n, bytes: chunkBytes(bytes, n, c), deps: s === 0 ? [] : [(s - 1) * n + ((r - 1 + n) % n)] });
    }
  }
  return out;
}

/** Ring all-reduce as an RDMA application; one row per iteration in collectives.csv. */
export const ringAllReduce: WorkloadVariant<CollectiveParams> = {
  name: 'ring-allreduce',
  description: 'ring all-reduce (reduce-scatter + all-gather, 2(N−1) dependent steps of bytes/N chunks); rows in collectives.csv',
  params: collectiveParams,
  generate() {
    return [];
  },
  apps: (p, ctx) => collectiveApps(ringAllReduceAlgorithm, p, ctx, 'ring-allreduce'),
};
