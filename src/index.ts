/**
 * fabricsim's library API. Everything exported here is public and documented; anything else is
 * internal and may change.
 *
 * @example
 * ```ts
 * import { runExperiment, writeResults } from 'fabricsim';
 * const result = runExperiment({
 *   name: 'hello',
 *   topology: { generator: 'star', params: { hosts: 4 } },
 *   workload: { kind: 'incast', receiver: 'h0', senders: 3, bytes: 100_000 },
 * });
 * writeResults(result, 'results/hello');
 * ```
 */

// ---- running experiments ----
export { runExperiment } from './experiment/run.js';
export type { RunOptions, RunProgress, RunResult, StopReason } from './experiment/run.js';
export { writeResults, FLOWS_COLUMNS, PORTS_COLUMNS, SAMPLES_COLUMNS, PFC_COLUMNS, RESULT_FILES } from './experiment/output.js';
export { loadExperimentFile, applySet } from './experiment/load.js';
export type { LoadedExperiment, LoadOptions } from './experiment/load.js';
export { validateExperiment, experimentJsonSchema } from './experiment/schema.js';
export type { ExperimentConfig, TopologyConfig, VariantConfig, StopConfig, OutputsConfig } from './experiment/schema.js';
export type { FabricConfig, PfcConfig, EcnConfig, BufferConfig, SchedulerConfig, RoutingConfig } from './experiment/fabric-schema.js';
export { prepareExperiment } from './experiment/prepare.js';
export type { PreparedExperiment } from './experiment/prepare.js';
export { runExperimentAsync } from './experiment/run-async.js';

// ---- sweeps, shards, Slurm, plots ----
export { planSweep, parseShard, shardRuns, splitSetValues, deriveSeed, MAX_SWEEP_RUNS } from './experiment/sweep.js';
export type { PlannedSweep, SweepPlan, SweepRun, SweepAxis, SweepPlanOptions, SeedRule, Shard } from './experiment/sweep.js';
export { runSweep } from './experiment/sweep-exec.js';
export type { RunSweepOptions, SweepReport } from './experiment/sweep-exec.js';
export { mergeSweeps } from './experiment/merge.js';
export type { MergeOptions, MergeReport } from './experiment/merge.js';
export { writeSlurmScripts } from './experiment/slurm.js';
export type { SlurmOptions, SlurmScripts } from './experiment/slurm.js';
export type { SweepManifest, SweepRunRecord, SweepRunStatus } from './experiment/sweep-results.js';
export { plotResults } from './plot/index.js';
export type { PlotOptions, PlotReport } from './plot/index.js';

// ---- topologies ----
export {
  generators,
  buildTopology,
  validateTopology,
  loadTopology,
  saveTopology,
  describeTopology,
  formatDescription,
} from './topology/index.js';
export type { Topology, NodeAttributes, EdgeAttributes, GraphAttributes, NodeRole, TopologyGenerator, TopologyDescription } from './topology/index.js';

// ---- workloads, transports, congestion control ----
export { workloads, loadSizeCdf, parseSizeCdf, sampleSize, SIZE_CDF_NAMES, parseTrace } from './workload/index.js';
export type { SizeCdf } from './workload/index.js';
export type { FlowSpec, WorkloadContext, WorkloadVariant } from './workload/index.js';
// ---- importers: the ns-3 HPCC simulator's topology and flow files, htsim connection matrices ----
export { parseNs3Topology, parseNs3Rate, parseNs3Time } from './topology/importers/ns3.js';
export type { Ns3TopologyImport } from './topology/importers/ns3.js';
export { parseNs3Flows } from './workload/importers/ns3-flows.js';
export { parseHtsimCm } from './workload/importers/htsim-cm.js';
export { traceCsv } from './workload/importers/trace-rows.js';
/** Imports an `ibnetdiscover` dump (switches, ports, links, GUIDs/LIDs) as a topology. */
export { parseIbnetdiscover } from './topology/importers/ibnetdiscover.js';
export type { IbnetdiscoverImport, IbnetdiscoverOptions } from './topology/importers/ibnetdiscover.js';

// ---- InfiniBand link layer ----
/** IB link speeds (SDR..NDR) and the data rate of a speed × width. */
export { IB_SPEEDS, IB_WIDTHS, ibDataRateGbps } from './fabric/ib-speed.js';
export type { IbSpeed } from './fabric/ib-speed.js';
/** Credit-based flow control: 64-byte credit blocks and the per-port credit gate. */
export { CREDIT_BLOCK_BYTES, creditBlocks, CreditGate } from './fabric/flow-control/credit.js';
/**
 * The subnet manager's linear forwarding tables (one port per destination LID, 2^LMC LIDs per
 * host, port-balanced for minhop/updn, D-mod-k on the LID index for ftree) and the host of each
 * LID column.
 */
export { buildLft, lidHostNodes } from './fabric/routing/lid-routing.js';
/** Fat-tree routing (D-mod-k) as a linear forwarding table, per host or per LID. */
export { buildFtreeFib } from './fabric/routing/ftree.js';
/** IB CC at switches: FECN marking by the spec's 4-bit Threshold, Marking_Rate and Packet_Size. */
export { IbFecnMarker, ibThresholdBytes } from './fabric/marking/ib-fecn.js';
/** IB CC at senders: the CCT reaction point, its parameters (with per-SL settings) and CCT builder. */
export { IbCc, ibCcParams, buildCct } from './transport/cc/ib-cc.js';
export type { IbCcParams } from './transport/cc/ib-cc.js';
/** VL15: subnet management packets (290-byte SMPs) and the subnet manager's sweeps. */
export { SubnetManager, Vl15Forwarding, SMP_FRAME_BYTES } from './fabric/management/subnet-manager.js';
export type { SmSweep } from './fabric/management/subnet-manager.js';
/** InfiniBand LIDs and GUIDs on topology nodes, assigned as a subnet manager would. */
export { assignLids, syntheticGuid, MAX_UNICAST_LID } from './topology/lids.js';
export type { LidAssignment } from './topology/lids.js';
/** Adaptive routing's guard: refuses transports whose queue pairs would treat reordering as loss. */
export { checkAdaptiveRouting } from './experiment/adaptive-routing.js';
/**
 * Loss recovery of reliable RDMA connections: go-back-N and IRN-style selective repeat, whose
 * sender deems a hole lost either at once (`loss_detection: immediate`) or with RACK (RFC 8985:
 * after a reordering window, tolerating adaptive routing's reordering); per-PSN sets and times.
 */
export { GoBackNSender, GoBackNReceiver } from './transport/reliability/go-back-n.js';
export { SelectiveRepeatSender, SelectiveRepeatReceiver } from './transport/reliability/selective-repeat.js';
export { RackLossDetection, RACK_REO_WND_PERSIST } from './transport/reliability/rack.js';
/** RACK's tail loss probe (RFC 8985 §7): the probe timeout that recovers a lost tail without the RTO. */
export { TailLossProbe, TLP_MAX_ACK_DELAY_PS } from './transport/reliability/tail-loss-probe.js';
export { LOSS_DETECTION_NAMES, RX_IN_ORDER, RX_OUT_OF_ORDER, RX_DUPLICATE } from './transport/reliability/reliability.js';
export type { SenderRecovery, ReceiverRecovery, LossDetectionName } from './transport/reliability/reliability.js';
export { SeqBitmap } from './transport/reliability/seq-bitmap.js';
export { SeqTimes } from './transport/reliability/seq-times.js';
/** Refuses `loss_detection: rack` without selective repeat. */
export { checkLossDetection } from './transport/rdma/loss-detection-check.js';
export type { TraceRow } from './workload/importers/trace-rows.js';
export { transports } from './transport/registry.js';
export type { TransportVariant, Connection, ConnectionContext, Framing, FramingOptions } from './transport/transport.js';
export { congestionControls } from './transport/cc/index.js';
export type { CongestionControl, CongestionControlVariant } from './transport/cc/index.js';

// ---- end-host stack models ----
export { stacks } from './host/stacks/index.js';
export type { StackModel, StackVariant, Stage, CallKind } from './host/stack.js';
/** GRO / LRO and TSO / GSO descriptions of a stack model (src/host/cpu.ts, src/host/tx-path.ts). */
export type { RxMerge, TxSegmentation } from './host/stack.js';
export { HostCpu } from './host/cpu.js';
export { hostsSchema } from './host/host-config.js';
export type { HostsConfig } from './host/host-config.js';
export { CPU_COLUMNS, cpuRows } from './experiment/cpu-output.js';
/** PCIe between NIC and memory (`hosts.pcie`): per-generation rates, the TLP/DLLP arithmetic, the run-time link. */
export { PCIE_GENERATIONS, PcieModel, PcieLink, pcieSchema, defaultDllpOverhead } from './host/pcie.js';
export type { PcieConfig } from './host/pcie.js';
/** DDIO / LLC thrashing (`hosts.llc`). */
export { LlcModel, llcSchema, CACHE_LINE_BYTES } from './host/llc.js';
export type { LlcConfig } from './host/llc.js';
/** Interrupt coalescing (`hosts.coalescing`, ethtool -C rx-usecs / rx-frames). */
export { coalescingSchema } from './host/coalescing.js';
export type { CoalescingConfig } from './host/coalescing.js';
/** A host's hardware models (PCIe link, LLC) as installed for a run. */
export type { HostHardware } from './host/hardware.js';
/** The SmartNIC stack: a program on NIC cores before PCIe. */
export type { NicProgram } from './host/stack.js';
/** Per-flow XDP verdicts (XDP_PASS, XDP_DROP, XDP_TX, XDP_REDIRECT) of a stack model. */
export { VERDICT_PASS, VERDICT_DROP, VERDICT_TX, VERDICT_REDIRECT } from './host/stack.js';
export type { StackVerdicts } from './host/stack.js';
/** `hosts.per_host`: one host's override of the hosts block, and a host's resolved settings. */
export { hostOverrideSchema, hostStackConfig } from './host/host-config.js';
export type { HostStackConfig } from './host/host-config.js';
/** The host models of a run (rx paths, tx paths, forwarders, posting), as installed by runExperiment. */
export { installHostStacks, STREAM_TRANSPORTS } from './host/setup.js';
export type { HostStacks, HostStacksContext } from './host/setup.js';
/** XDP_TX / XDP_REDIRECT out of a host's port, with Maglev backend choice and IP-in-IP encapsulation. */
export { XdpForwarder } from './host/xdp-forward.js';
export { maglevTable, MAGLEV_TABLE_SIZE } from './host/maglev.js';
export { IPIP_OUTER_HEADER_BYTES } from './host/stacks/xdp.js';
/** The cores' cost of posting send work requests (ibv_post_send + doorbell), called by the verbs layer. */
export { PostSendCost } from './host/post-send.js';
export type { PostSendHook } from './transport/rdma/posting.js';
/** UDP datagram streams (transport `udp`): fixed frame size and rate, no ACKs. */
export { udp } from './transport/udp.js';
export type { UdpParams } from './transport/udp.js';
export { UdpConnection, UDP_DATAGRAM } from './transport/udp/connection.js';
export { UdpFraming, UDP_FRAME_OVERHEAD } from './transport/udp/framing.js';
/** pcie.csv: per-host PCIe bytes and utilisation. */
export { PCIE_COLUMNS, pcieRows } from './experiment/pcie-output.js';

// ---- RDMA verbs: applications and the verbs layer ----
export type { RdmaApp, RdmaApi, AppQp, AppCq, AppCompletion, AppSendWr, AppRecvWr, AppQpOptions, QpType, SendVerb, QpState } from './workload/rdma-app.js';
export { RdmaRuntime } from './transport/rdma/runtime.js';
export type { RdmaEnv, QpOptions } from './transport/rdma/runtime.js';
export { QueuePair, RNR_TIMER_US } from './transport/rdma/queue-pair.js';
export { CompletionQueue, Completion } from './transport/rdma/completion-queue.js';
export { VerbsError } from './transport/rdma/errors.js';
export { RdmaFraming } from './transport/rdma/framing.js';
export { nicLimits, nicSchema, NIC_PROFILES } from './transport/rdma/nic-limits.js';
export type { NicConfig, NicLimits } from './transport/rdma/nic-limits.js';
export { MessageLog } from './transport/rdma/message-log.js';
export { MESSAGES_COLUMNS } from './experiment/rdma-output.js';
export type { AppTable } from './experiment/rdma-apps.js';
/** The seam between applications and the transport that carries their verbs (RdmaRuntime or IwarpRuntime). */
export type { VerbsRuntime, VerbsQp, VerbsQpOptions, VerbsEnv, WriteListener } from './transport/rdma/verbs-runtime.js';

// ---- iWARP and TCP ----
/** iWARP's verbs runtime and RC queue pair (RDMAP/DDP/MPA messages on an offloaded TCP connection). */
export { IwarpRuntime, IwarpConnection } from './transport/iwarp/runtime.js';
export { IwarpQp } from './transport/iwarp/queue-pair.js';
export type { IwarpQpAttrs } from './transport/iwarp/queue-pair.js';
/** One direction of an iWARP connection: its RDMAP messages as a TCP stream's content. */
export { IwarpStream, StreamMsg } from './transport/iwarp/stream.js';
/** MPA/DDP/RDMAP framing: FPDU sizes, MULPDU, markers by stream position (RFC 5044). */
export { IwarpFraming, fpduBytes, markersIn } from './transport/iwarp/framing.js';
/** MPA connection setup (RFC 5044 §7.1, RFC 6581): the Request/Reply frames of `mpa_handshake`. */
export { MPA_REQ_REP_HEADER, MPA_V2_PRIVATE_DATA, MPA_REVISION, mpaFrameBytes } from './transport/iwarp/mpa-setup.js';
export { iwarpParams } from './transport/iwarp/params.js';
export type { IwarpParams } from './transport/iwarp/params.js';
/** A TCP connection (one direction) and what its stream carries. */
export { TcpConnection } from './transport/tcp/connection.js';
export { FlowContent } from './transport/tcp/content.js';
export type { TcpContent } from './transport/tcp/content.js';
export { TcpFraming } from './transport/tcp/framing.js';
export { tcpParams } from './transport/tcp/params.js';
export type { TcpParams } from './transport/tcp/params.js';

// ---- the engine ----
export { Simulator } from './sim/simulator.js';
export type { Actor } from './sim/actor.js';
export { EventQueue } from './sim/event-queue.js';
export { Timer } from './sim/timer.js';
export { Rng } from './sim/rng.js';
export { Ring } from './sim/ring.js';
export { Pool } from './sim/pool.js';
export { Registry } from './sim/registry.js';
export type { Variant } from './sim/registry.js';
export { ConfigError, SimulationError } from './sim/errors.js';
export { ns, us, ms, gbps, KiB, MiB, txTime, toNs, PS_PER_NS, PS_PER_US, PS_PER_MS, PS_PER_S } from './sim/time.js';
export type { Time } from './sim/time.js';

// ---- the fabric (for building custom scenarios) ----
export { buildFabric, Fabric } from './fabric/build-fabric.js';
export type { FabricOptions } from './fabric/build-fabric.js';
export { Packet, PacketPool } from './fabric/packet.js';
export type { PacketSink } from './fabric/packet-sink.js';
export { EgressPort } from './fabric/egress-port.js';
export { Link } from './fabric/link.js';
export { Switch } from './fabric/switch.js';
export { pfcHeadroomBytes } from './fabric/flow-control/pfc.js';
/** Lossless pathologies: cyclic-buffer-dependency check, up*\/down* routing, deadlock detection, PFC watchdog. */
export { findCyclicBufferDependency } from './fabric/routing/cbd.js';
export { buildUpDownFib, defaultUpDownRoots } from './fabric/routing/updown.js';
export { DeadlockDetector } from './fabric/flow-control/deadlock.js';
export type { DeadlockReport } from './fabric/flow-control/deadlock.js';
export { PfcWatchdog } from './fabric/flow-control/pfc-watchdog.js';
export type { LosslessDropReport } from './fabric/flow-control/lossless-guards.js';

// ---- metrics ----
export { FlowRecord, FlowTable } from './metrics/flow-table.js';
export { summarize } from './metrics/summary.js';
export type { RunSummary } from './metrics/summary.js';
export { percentile, mean, jainIndex } from './metrics/stats.js';
export { idealFct } from './metrics/ideal-fct.js';
export { VERSION } from './version.js';
