/**
 * Workloads: what traffic an experiment runs. Each workload is one file plus one line in
 * {@link workloads}.
 */
import { Registry } from '../sim/registry.js';
import { allGather } from './all-gather.js';
import { allToAll } from './all-to-all.js';
import { flowList } from './flows.js';
import { idle } from './idle.js';
import { incast } from './incast.js';
import { mix } from './mix.js';
import { permutation } from './permutation.js';
import { perftest } from './perftest.js';
import { poisson } from './poisson.js';
import { reduceScatter } from './reduce-scatter.js';
import { ringAllReduce } from './ring-allreduce.js';
import { rpc } from './rpc.js';
import { trace } from './trace.js';
import { treeAllReduce } from './tree-allreduce.js';
import type { WorkloadVariant } from './workload.js';

/** Every workload, by name (one line each). */
export const workloads = new Registry<WorkloadVariant<any>>('workload')
  .add(incast)
  .add(permutation)
  .add(flowList)
  .add(allToAll)
  .add(poisson)
  .add(trace)
  .add(mix)
  .add(perftest)
  .add(rpc)
  .add(ringAllReduce)
  .add(treeAllReduce)
  .add(allGather)
  .add(reduceScatter)
  .add(idle);

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
/** All-to-all: every host writes to every other host. */
export { allToAll, allToAllParams, type AllToAllParams } from './all-to-all.js';
/** Poisson arrivals at a target load with sizes from an empirical CDF. */
export { poisson, poissonParams, MAX_POISSON_FLOWS, type PoissonParams } from './poisson.js';
/** Empirical flow-size distributions (web-search, data-mining, hadoop, or a file). */
export { loadSizeCdf, parseSizeCdf, sampleSize, SIZE_CDF_NAMES, type SizeCdf } from './size-cdf.js';
/** Replay of a flow trace (CSV). */
export { trace, traceParams, parseTrace, TRACE_COLUMNS, type TraceParams } from './trace.js';
/** Several workloads together, each in its own traffic class. */
export { mix, mixParams, mixEntry, type MixParams } from './mix.js';
/** perftest-style microbenchmarks of every verb (an RDMA application). */
export { perftest, perftestParams, PERFTEST_COLUMNS, type PerftestParams } from './perftest.js';
/** Closed-loop RPC over RDMA (an RDMA application). */
export { rpc, rpcParams, type RpcParams } from './rpc.js';
/** Collectives with dependencies (RDMA applications): ring and tree all-reduce, all-gather, reduce-scatter. */
export { collectiveParams, COLLECTIVES_COLUMNS, type CollectiveParams, type CollectiveAlgorithm, type CollectiveMessage } from './collective.js';
export { ringAllReduce, ringAllReduceAlgorithm } from './ring-allreduce.js';
export { treeAllReduce, treeAllReduceAlgorithm, treeAllReduceParams, type TreeAllReduceParams } from './tree-allreduce.js';
export { allGather, allGatherAlgorithm } from './all-gather.js';
export { reduceScatter, reduceScatterAlgorithm } from './reduce-scatter.js';
/** The interface of RDMA applications. */
export type { RdmaApp, RdmaApi, AppQp, AppCq, AppCompletion, AppSendWr, AppRecvWr, AppQpOptions, QpType, SendVerb, QpState } from './rdma-app.js';
