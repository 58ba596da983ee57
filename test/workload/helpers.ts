import { Rng } from '../../src/sim/rng.js';
import type { WorkloadContext } from '../../src/workload/index.js';

/** `n` host keys `h0 … h{n-1}`, as every topology generator names them. */
export const hostNames = (n: number): string[] => Array.from({ length: n }, (_, i) => `h${i}`);

/** A workload context over `n` hosts with a fresh stream for `seed`. */
export const ctxFor = (n: number, seed: number | string = 1): WorkloadContext => ({
  hosts: hostNames(n),
  rng: new Rng(seed).fork('workload'),
  file: 'exp.yaml',
  field: 'workload',
});

/** Whether flows are in (start, src, dst) order. */
export function isSorted(flows: readonly { start: number; src: number; dst: number }[]): boolean {
  for (let i = 1; i < flows.length; i++) {
    const a = flows[i - 1]!;
    const b = flows[i]!;
    const cmp = a.start - b.start || a.src - b.src || a.dst - b.dst;
    if (cmp > 0) return false;
  }
  return true;
}
