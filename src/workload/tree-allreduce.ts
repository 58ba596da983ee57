import { z } from 'zod';
import { chunkBytes, collectiveApps, collectiveParams, type CollectiveAlgorithm, type CollectiveMessage } from './collective.js';
import type { WorkloadVariant } from './workload.js';

/** Parameters of the tree all-reduce: the collective's, plus pipelining. */
export const treeAllReduceParams = collectiveParams
  .extend({
    chunks: z.int().min(1).max(4096).default(1).describe('the buffer is cut into this many chunks that flow through the tree independently (pipelining; 1: whole buffer)'),
  })
  .strict();

/** Validated tree all-reduce parameters. */
export type TreeAllReduceParams = z.output<typeof treeAllReduceParams>;

/**
 * Binary-tree all-reduce: ranks in heap order (the parent of rank r is (r−1)/2). Reduce: a rank
 * sends each chunk to its parent once that chunk has arrived from all its children (leaves at
 * once); broadcast: the root sends a chunk to its children once all its children's partial sums
 * of it have arrived, and every other rank forwards a chunk to its children when it arrives.
 */
export function treeAllReduceAlgorithm(chunks: number): CollectiveAlgorithm {
  return {
    collective: 'all-reduce',
    algorithm: 'tree',
    busFactor: (n) => (2 * (n - 1)) / n,
    messages(n, bytes) {
      const k = Math.min(chunks, bytes);
      const out: CollectiveMessage[] = [];
      const children = (r: number): number[] => [2 * r + 1, 2 * r + 2].filter((c) => c < n);
      for (let c = 0; c < k; c++) {
        const size = chunkBytes(bytes, k, c);
        // up[r]: rank r → parent (r ≥ 1); down[r]: parent → rank r
        const up: number[] = new Array<number>(n).fill(-1);
        const down: number[] = new Array<number>(n).fill(-1);
        for (let r = n - 1; r >= 1; r--) {
          up[r] = out.length;
          out.push({ from: r, to: (r - 1) >> 1, bytes: size, deps: [] });
        }
        for (let r = n - 1; r >= 1; r--) out[up[r]!]!.deps = children(r).map((ch) => up[ch]!);
        for (let r = 1; r < n; r++) {
          const parent = (r - 1) >> 1;
          down[r] = out.length;
          out.push({ from: parent, to: r, bytes: size, deps: parent === 0 ? children(0).map((ch) => up[ch]!) : [down[parent]!] });
        }
      }
      return out;
    },
  };
}

/** Tree all-reduce as an RDMA application; one row per iteration in collectives.csv. */
export const treeAllReduce: WorkloadVariant<TreeAllReduceParams> = {
  name: 'tree-allreduce',
  description: 'binary-tree all-reduce (reduce to the root, then broadcast; optionally pipelined in chunks); rows in collectives.csv',
  params: treeAllReduceParams,
  generate() {
    return [];
  },
  apps: (p, ctx) => collectiveApps(treeAllReduceAlgorithm(p.chunks), p, ctx, 'tree-allreduce'),
};
