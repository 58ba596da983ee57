import { buildFabric, type Fabric } from '../fabric/build-fabric.js';
import { Host } from '../host/host.js';
import { Nic } from '../host/nic.js';
import { installHostStacks, STREAM_TRANSPORTS, type HostStacks } from '../host/setup.js';
import { FlowRecord, FlowTable } from '../metrics/flow-table.js';
import { idealFct, type Hop } from '../metrics/ideal-fct.js';
import { Sampler } from '../metrics/sampler.js';
import type { Actor } from '../sim/actor.js';
import { ConfigError } from '../sim/errors.js';
import { parseWith } from '../sim/parse.js';
import { Simulator } from '../sim/simulator.js';
import { ns, us, type Time } from '../sim/time.js';
import { congestionControls } from '../transport/cc/index.js';
import type { Endpoint } from '../transport/endpoint.js';
import { transports } from '../transport/registry.js';
import type { Connection } from '../transport/transport.js';
import { idealMessageFct } from '../transport/rdma/ideal.js';
import { MessageLog } from '../transport/rdma/message-log.js';
import { RdmaDevices, nicLimits } from '../transport/rdma/nic-limits.js';
import { RdmaRuntime } from '../transport/rdma/runtime.js';
import type { VerbsRuntime } from '../transport/rdma/verbs-runtime.js';
import type { RoceV2Params } from '../transport/roce-v2-params.js';
import type { FlowSpec } from '../workload/workload.js';
import type { RdmaApp } from '../workload/rdma-app.js';
import { findCyclicBufferDependency } from '../fabric/routing/cbd.js';
import { checkAdaptiveRouting } from './adaptive-routing.js';
import { checkLossDetection } from '../transport/rdma/loss-detection-check.js';
import { fabricOptions } from './fabric-options.js';
import { flowTransportParams } from './flow-priority.js';
import { resolveFlowTransports } from './flow-transports.js';
import { installFaults } from './faults.js';
import { prepareExperiment } from './prepare.js';
import { startApps, type AppTable } from './rdma-apps.js';
import { validateExperiment, type ExperimentConfig } from './schema.js';

/** Why a run ended. */
export type StopReason = 'all-flows-ended' | 'time-limit' | 'event-limit' | 'stalled' | 'interrupted' | 'deadlock' | 'lossless-drop';

/** Options of {@link runExperiment} beyond the experiment itself. */
export interface RunOptions {
  /** The experiment file, for error messages. */
  file?: string;
  /** Checked between slices of events; when `aborted` becomes true the run stops (Ctrl-C). */
  signal?: { readonly aborted: boolean };
  /** Called between slices of events (about every 200k events). */
  onProgress?: (p: RunProgress) => void;
  /** RDMA applications to run besides the workload's (library use; see workload/rdma-app.ts). */
  apps?: readonly RdmaApp[];
}

/** Progress of a running experiment. */
export interface RunProgress {
  simTimePs: Time;
  events: number;
  flowsEnded: number;
  flows: number;
  /** The stop time, when the experiment sets one. */
  limitPs: Time;
}

/** Everything a finished (or stopped) run measured, in memory; `writeResults` turns it into files. */
export interface RunResult {
  config: ExperimentConfig;
  fabric: Fabric;
  flows: FlowTable;
  sampler: Sampler | null;
  /** Simulated time at the end, ps. */
  simTimePs: Time;
  events: number;
  /** Wall-clock milliseconds of the event loop (not deterministic; never written to CSV). */
  wallMs: number;
  stopReason: StopReason;
  /** True unless the run was interrupted or stalled. */
  complete: boolean;
  /** Things the user should know (headroom, lossless drops, ...). */
  warnings: string[];
  /** The PFC deadlock that stopped the run (stopReason 'deadlock'): time, priority, the cycle of port names. */
  deadlock: { atPs: Time; priority: number; cycle: string[] } | null;
  /** Why a pathology stopped the run (stopReason 'deadlock' or 'lossless-drop'), for people; else null. */
  stopReport: string | null;
  /** One row per RDMA work request (messages.csv); null when the transport carries no verbs. */
  messages: MessageLog | null;
  /** Result tables the workload's applications recorded (perftest.csv, rpc.csv, ...). */
  tables: AppTable[];
  /** The host stack models (cpu.csv); absent or null when every host is ideal. */
  hostStacks?: HostStacks | null;
}

const SLICE = 200_000;

/** Posts each flow's first work request at its start time; one pending event at a time. */
class WorkloadDriver implements Actor {
  actorId = -1;
  private next = 0;
  constructor(
    private readonly sim: Simulator,
    private readonly specs: readonly FlowSpec[],
    private readonly post: (i: number) => void,
  ) {
    sim.register(this);
    if (specs.length > 0) sim.at(specs[0]!.start, this, 0);
  }
  onEvent(): void {
    const now = this.sim.now;
    while (this.next < this.specs.length && this.specs[this.next]!.start <= now) this.post(this.next++);
    if (this.next < this.specs.length) this.sim.at(this.specs[this.next]!.start, this, 0);
  }
}

/**
 * Runs one experiment: validates it (a raw object from a YAML file is fine), builds the
 * topology, the fabric, hosts and connections, posts the workload and runs the event loop until
 * every flow has ended or a `stop` limit is reached. A pure function of (experiment, seed)
 * except `wallMs`. Throws a `ConfigError` for bad input.
 */
export function runExperiment(experiment: unknown, options: RunOptions = {}): RunResult {
  const steps = runExperimentSteps(experiment, options);
  for (;;) {
    const step = steps.next();
    if (step.done === true) return step.value;
  }
}

/**
 * The same run as {@link runExperiment}, as a generator that yields its progress between slices
 * of events (about every 200k events) and returns the result: a caller can yield to the Node
 * event loop between slices (`runExperimentAsync`), so Ctrl-C and timers are handled mid-run.
 */
export function* runExperimentSteps(experiment: unknown, options: RunOptions = {}): Generator<RunProgress, RunResult, void> {
  const file = options.file;
  const config = validateExperiment(experiment, { file });
  const prepared = prepareExperiment(config, { file });
  const sim = new Simulator(config.seed);

  const { kind: transportKind, ...transportRaw } = config.transport;
  const transport = transports.get(transportKind, { file, field: 'transport.kind' });
  const transportParams: unknown = parseWith(transport.params, transportRaw, { file, field: 'transport' });
  checkAdaptiveRouting(config, transportParams, file);
  checkLossDetection(transportParams, file);
  const { kind: ccKind, ...ccRaw } = config.cc;
  const cc = congestionControls.get(ccKind, { file, field: 'cc.kind' });
  const ccParams: unknown = parseWith(cc.params, ccRaw, { file, field: 'cc' });

  const framingOptions = { mtu: config.fabric.mtu, vlan: config.fabric.vlan_tag };
  const framing = transport.framing(transportParams, framingOptions);
  const flowTransports = resolveFlowTransports(prepared.flows, { transport, transportParams, framing }, framingOptions, file);
  let fabric: Fabric;
  try {
    fabric = buildFabric(sim, prepared.topology, fabricOptions(config.fabric, flowTransports.maxFrameBytes, transport.linkLayer, (transportParams as { lmc?: number }).lmc ?? 0));
  } catch (e) {
    throw e instanceof ConfigError ? e.inFile(file) : e;
  }
  installFaults(sim, fabric, config.faults, prepared.hosts, file);
  // lossless traffic can deadlock only if its routes have a cyclic buffer dependency
  const cbd = fabric.guards !== null || fabric.creditLoops !== null ? findCyclicBufferDependency(fabric.routingView()) : null;

  const connections: Endpoint[] = [];
  const nics: Nic[] = [];
  const hostList: Host[] = [];
  for (let h = 0; h < fabric.hostCount; h++) {
    const nic = new Nic(sim, fabric.hostPort(h));
    nic.slToVl = fabric.hostSlToVl;
    nics.push(nic);
    const host = new Host(h, nic, connections, fabric.pool, fabric.traffic);
    hostList.push(host);
    fabric.hostIngress(h).handler = host;
  }
  // host stack models (src/host/): absent or `ideal`, packets reach the transport on arrival
  const hostStacks = config.hosts !== undefined ? installHostStacks(sim, fabric, hostList, config.hosts, { file, transport: transport.name }) : null;

  const flows = new FlowTable();
  const entropy = sim.rng.fork('connections');
  const ccRng = sim.rng.fork('cc');
  const feedback = cc.feedback(ccParams);
  const conns: Connection[] = [];
  const switchLatency = ns(config.fabric.switch_latency_ns);
  const hops = (ports: ReturnType<Fabric['path']>): Hop[] => ports.map((p) => ({ rateBps: p.rateBps, delayPs: p.link.delay, overheadBytes: p.overheadBytes, cutThroughLeadPs: p.cutThroughLeadPs }));
  // the RDMA verbs layer: NIC limits, message log, and connections made by applications
  const limits = nicLimits(config.nic);
  const messages = framing.rdma === undefined && transport.verbsRuntime === undefined ? null : new MessageLog();
  const qpEntropy = sim.rng.fork('rdma-qps');
  const baseRtt = (src: number, dst: number, flowHash: number): number =>
    idealFct(hops(fabric.path(src, dst, flowHash)), hops(fabric.path(dst, src, flowHash ^ 0x5bd1e995)), 1, () => framing.maxFrameBytes, framing.ackFrameBytes, switchLatency);
  const verbsEnv = {
    sim, pool: fabric.pool, traffic: fabric.traffic, flows, nics, endpoints: connections, devices: new RdmaDevices(limits), messages, feedback,
    flowHash: (src: number, dst: number, e: number) => transport.flowHash(src, dst, e, transportParams),
    entropy: () => qpEntropy.uint32(),
    posting: hostStacks?.posting ?? null,
    makeCc: (src: number, dst: number, flowHash: number, label: string) => {
      const baseRttPs = baseRtt(src, dst, flowHash);
      return cc.create(ccParams, { sim, lineRateBps: fabric.hostPort(src).rateBps, mtu: config.fabric.mtu, baseRttPs, rng: ccRng.fork(label), sl: (transportParams as { priority?: number }).priority });
    },
  };
  // RoCE and InfiniBand: the IB transport's verbs runtime; iWARP: its own (transport.verbsRuntime)
  const rdma: VerbsRuntime | null =
    framing.rdma !== undefined
      ? new RdmaRuntime({ ...verbsEnv, framing: framing.rdma, params: transportParams as RoceV2Params })
      : (transport.verbsRuntime?.({ ...verbsEnv, params: transportParams, baseRttPs: baseRtt }, transportParams, framing, framingOptions) ?? null);
  for (const [i, spec] of prepared.flows.entries()) {
    // the flow's transport: the experiment's, or its own from a `mix` part (shadows the outer names)
    const { transport, transportParams, framing, main: mainTransport } = flowTransports.perFlow[i]!;
    const rec = flows.add(new FlowRecord(i, spec.src, spec.dst, spec.bytes, spec.start, transport.name, spec.verb));
    const flowHash = transport.flowHash(spec.src, spec.dst, entropy.uint32(), transportParams);
    const fwdPorts = fabric.path(spec.src, spec.dst, flowHash);
    if (!transport.routable) {
      const router = fwdPorts.slice(1).find((p) => fabric.roleOf(p.node) === 'router');
      if (router !== undefined) {
        throw new ConfigError(
          `flow ${i} (${fabric.hostKeys[spec.src]} → ${fabric.hostKeys[spec.dst]}) would cross router ${fabric.nodeKeys[router.node]}, and ${transport.name} frames cannot be routed (no IP header); use transport.kind roce-v2 or keep both hosts in one L2 domain`,
          { file, field: 'transport.kind' },
        );
      }
    }
    const fwd = hops(fwdPorts);
    const rev = hops(fabric.path(spec.dst, spec.src, flowHash ^ 0x5bd1e995));
    rec.idealFct = idealMessageFct(fwd, rev, framing, spec.verb, spec.bytes, switchLatency, limits);
    const baseRttPs = idealFct(fwd, rev, 1, () => framing.maxFrameBytes, framing.ackFrameBytes, switchLatency);
    const conn = transport.connect({
      sim,
      pool: fabric.pool,
      traffic: fabric.traffic,
      flows,
      conn: i,
      src: spec.src,
      dst: spec.dst,
      srcNic: nics[spec.src]!,
      dstNic: nics[spec.dst]!,
      params: flowTransportParams(transportParams, spec, transport.name, file),
      framing: framingOptions,
      frames: framing,
      cc: cc.create(ccParams, {
        sim,
        lineRateBps: fabric.hostPort(spec.src).rateBps,
        mtu: framing.mss ?? config.fabric.mtu,
        baseRttPs,
        rng: ccRng.fork(String(i)),
        sl: spec.priority ?? (transportParams as { priority?: number }).priority,
      }),
      feedback,
      flowHash,
      baseRttPs,
      rdma: mainTransport ? (rdma ?? undefined) : undefined,
    });
    conns.push(conn);
    connections.push(conn);
  }
  // GRO / TSO merge the segments of stream connections only (src/host/setup.ts)
  hostStacks?.setStreams(Uint8Array.from(flows.records, (f) => (STREAM_TRANSPORTS.has(f.transport) ? 1 : 0)));
  new WorkloadDriver(sim, prepared.flows, (i) => conns[i]!.post(flows.records[i]!, { recvDelayPs: prepared.flows[i]!.recvDelay }));
  const tables = startApps([...prepared.apps, ...(options.apps ?? [])], rdma, { sim, flows, transport: transport.name, hostKeys: prepared.hosts, file });

  let sampler: Sampler | null = null;
  if (config.outputs.samples_interval_ns > 0) {
    sampler = new Sampler(
      sim,
      {
        ports: fabric.ports.filter((p) => fabric.switchOf[p.node]! >= 0).map((p) => p.index),
        queueBytes: (p) => fabric.ports[p]!.totalBytes,
        flowCount: flows.records.length,
        deliveredBytes: (f) => flows.records[f]!.deliveredBytes,
        flowActive: (f) => {
          const r = flows.records[f]!;
          return r.status === 'pending' && r.start <= sim.now;
        },
      },
      ns(config.outputs.samples_interval_ns),
    );
    sampler.start(0);
  }

  // ---- the event loop ----
  const limitPs = config.stop.time_us !== undefined ? us(config.stop.time_us) : Infinity;
  const maxEvents = config.stop.max_events ?? Infinity;
  let allEnded = flows.remaining === 0;
  flows.onAllEnded = () => {
    allEnded = true;
    sim.stop();
  };
  let stopReason: StopReason = 'all-flows-ended';
  const t0 = performance.now();
  while (!allEnded) {
    const budget = Math.min(SLICE, maxEvents - sim.events);
    sim.run(limitPs, budget);
    if (allEnded) break;
    if (fabric.guards?.deadlock?.report || fabric.creditLoops?.report) {
      stopReason = 'deadlock';
      break;
    }
    if (fabric.guards?.losslessDrop) {
      stopReason = 'lossless-drop';
      break;
    }
    if (options.signal?.aborted) {
      stopReason = 'interrupted';
      break;
    }
    if (sim.events >= maxEvents) {
      stopReason = 'event-limit';
      break;
    }
    if (sim.nextTime() > limitPs) {
      stopReason = sim.pending === 0 && limitPs === Infinity ? 'stalled' : 'time-limit';
      break;
    }
    const progress: RunProgress = { simTimePs: sim.now, events: sim.events, flowsEnded: flows.records.length - flows.remaining, flows: flows.records.length, limitPs };
    options.onProgress?.(progress);
    yield progress;
  }
  const wallMs = performance.now() - t0;
  fabric.closeAccounting();
  rdma?.logPending();

  const warnings: string[] = [...fabric.warnings];
  const t = fabric.traffic;
  if (cbd !== null) {
    warnings.push(
      `the routing has a cyclic buffer dependency, so ${fabric.guards !== null ? 'PFC' : 'credit flow control'} can deadlock: ${[...cbd, cbd[0]!].map((p) => fabric.portName(p)).join(' → ')}; use fabric.routing.algorithm: updown`,
    );
  }
  const creditLoop = fabric.creditLoops?.report ?? null;
  const dl = fabric.guards?.deadlock?.report ?? creditLoop;
  let stopReport: string | null = null;
  if (stopReason === 'deadlock' && dl !== null && dl === creditLoop) {
    stopReport = `credit loop (deadlock) on VL ${dl.priority} detected at ${(dl.atPs / 1e6).toFixed(3)} µs: ${[...dl.cycle, dl.cycle[0]!].join(' → ')}: each port stalled for credits for over ${(fabric.creditLoops!.intervalPs / 1e6).toFixed(3)} µs, waiting on the next`;
  } else if (stopReason === 'deadlock' && dl !== null) {
    stopReport = `PFC deadlock on priority ${dl.priority} detected at ${(dl.atPs / 1e6).toFixed(3)} µs: ${[...dl.cycle, dl.cycle[0]!].join(' → ')}: each port paused for over ${(fabric.guards!.deadlock!.intervalPs / 1e6).toFixed(3)} µs, waiting on the next`;
  } else if (stopReason === 'lossless-drop') {
    stopReport = fabric.guards!.losslessDrop!.message;
  }
  if (t.losslessDrops > 0 && stopReason !== 'lossless-drop') {
    warnings.push(
      `${t.losslessDrops} packet(s) dropped in a lossless class; the first at ${(t.firstLosslessDropAt / 1000).toFixed(3)} ns on ${fabric.portName(t.firstLosslessDropPort)} priority ${t.firstLosslessDropPriority} (PFC headroom or buffer exhausted: raise fabric.pfc.headroom_bytes or fabric.buffer_bytes, or lower fabric.pfc.xoff_bytes)`,
    );
  }
  if (stopReason === 'stalled') warnings.push(`the run stalled: no events left but ${flows.remaining} flow(s) unfinished`);
  return {
    config,
    fabric,
    flows,
    sampler,
    simTimePs: sim.now,
    events: sim.events,
    wallMs,
    stopReason,
    complete: stopReason !== 'interrupted' && stopReason !== 'stalled',
    warnings,
    deadlock: stopReason === 'deadlock' && dl !== null ? { atPs: dl.atPs, priority: dl.priority, cycle: dl.cycle } : null,
    stopReport,
    messages,
    tables: tables.all(),
    hostStacks,
  };
}
