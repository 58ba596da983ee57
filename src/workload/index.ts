/**
 * Workloads: what traffic an experiment runs. Each workload is one file plus one line in
 * {@link workloads}.
 */
import { Registry } from '../sim/registry.js';
import { flowList } from './flows.js';
import { incast } from './incast.js';
import { permutation } from './permutation.js';
import type { WorkloadVariant } from './workload.js';

/** Every workload, by name (one line each). */
export const workloads = new Registry<WorkloadVariant<any>>('workload')
  .add(incast)
  .add(permutation)
  .add(flowList);

/** A flow to simulate, what a workload sees, and the workload interface. */
export type { FlowSpec, Verb, WorkloadContext, WorkloadVariant } from './workload.js';
/** Host references (`'h3'` or `3`) in workload parameters and their resolution to host ids. */
export { hostRef, resolveHost, type HostRef } from './common.js';
/** Incast: many senders, one receiver. */
export { incast, incastParams, type IncastParams } from './incast.js';
/** Permutation: a random derangement of the hosts. */
export { permutation, permutationParams, randomDerangement, type PermutationParams } from './permutation.js';
/** An explicit list of flows. */
export { flowList, flowEntry, flowsParams, type FlowsParams } from './flows.js';
