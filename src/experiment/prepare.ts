import { ConfigError } from '../sim/errors.js';
import { parseWith } from '../sim/parse.js';
import { Rng } from '../sim/rng.js';
import { buildTopology } from '../topology/generators/index.js';
import { loadTopology } from '../topology/io.js';
import type { Topology } from '../topology/types.js';
import { transports } from '../transport/registry.js';
import { workloads, type FlowSpec } from '../workload/index.js';
import type { RdmaApp } from '../workload/rdma-app.js';
import { hostLinkRatesGbps } from './host-rates.js';
import type { ExperimentConfig } from './schema.js';

/** Label of the random stream the workload draws from: `new Rng(seed).fork(WORKLOAD_STREAM)`. */
export const WORKLOAD_STREAM = 'workload';

/** What an experiment runs on and what it runs: the graph, its hosts and the flows. */
export interface PreparedExperiment {
  /** The built (generator) or loaded (file) topology, validated. */
  topology: Topology;
  /** Host node keys in graph order; the index is the host id used in {@link FlowSpec}. */
  hosts: string[];
  /** The workload's flows, sorted by (start, src, dst). */
  flows: FlowSpec[];
  /** The workload's closed-loop RDMA applications (perftest, rpc); empty for flow workloads. */
  apps: RdmaApp[];
}

/** Host node keys in graph insertion order (`h0, h1, …` for every generator). */
export function hostKeys(topology: Topology): string[] {
  return topology.filterNodes((_, attrs) => attrs.role === 'host');
}

/**
 * Builds or loads the topology of a validated experiment and generates its flows from the
 * `workload` stream of the experiment's seed. Problems only the topology can reveal (an unknown
 * host in `workload.receiver`, more senders than hosts, a verb the transport lacks, a missing
 * topology file) are `ConfigError`s naming `where.file` and the field. Pure function of `config`
 * (and the topology file's contents): the runner and `fabricsim validate` get the same flows.
 */
export function prepareExperiment(config: ExperimentConfig, where: { file?: string } = {}): PreparedExperiment {
  const { file } = where;
  const topology =
    'file' in config.topology
      ? loadTopology(config.topology.file)
      : buildTopology(config.topology.generator, config.topology.params, { file, field: 'topology' });
  const hosts = hostKeys(topology);

  const { kind, ...rawParams } = config.workload;
  const workload = workloads.get(kind, { file, field: 'workload.kind' });
  const params: unknown = parseWith(workload.params, rawParams, { file, field: 'workload' });
  const rng = new Rng(config.seed).fork(WORKLOAD_STREAM);
  const wctx = { hosts, rng, file, field: 'workload', hostRatesGbps: hostLinkRatesGbps(topology, hosts) };
  const flows = workload.generate(params, wctx);
  const apps = workload.apps?.(params, wctx) ?? [];

  const transport = transports.get(config.transport.kind, { file, field: 'transport.kind' });
  const verbs = transport.verbsFor?.(config.transport) ?? transport.verbs;
  const unsupported = flows.find((f) => f.transport === undefined && !verbs.includes(f.verb));
  if (unsupported !== undefined) {
    throw new ConfigError(
      `transport '${transport.name}' cannot carry '${unsupported.verb}'${verbs === transport.verbs ? '' : ` with these parameters`}; it supports: ${verbs.join(', ')}`,
      { file, field: 'workload.verb' },
    );
  }
  // flows a `mix` part put on their own transport
  for (const f of flows) {
    if (f.transport === undefined) continue;
    const own = transports.get(f.transport.kind, { file, field: 'workload.workloads.transport.kind' });
    const ownVerbs = own.verbsFor?.(f.transport) ?? own.verbs;
    if (!ownVerbs.includes(f.verb)) {
      throw new ConfigError(`transport '${own.name}' cannot carry '${f.verb}'; it supports: ${ownVerbs.join(', ')}`, { file, field: 'workload.workloads.verb' });
    }
  }
  return { topology, hosts, flows, apps };
}
