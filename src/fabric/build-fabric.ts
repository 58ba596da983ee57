import { ConfigError } from '../sim/errors.js';
import type { Simulator } from '../sim/simulator.js';
import { ns, type Time } from '../sim/time.js';
import { PC_LINK_LOSSES, PortCounters } from '../metrics/port-counters.js';
import { CREDIT_RESUME, CREDIT_STALL, PfcLog, PFC_PAUSED, PFC_PAUSE_TX, PFC_RESUME_TX, PFC_UNPAUSED } from '../metrics/pfc-log.js';
import { TrafficCounters } from '../metrics/traffic.js';
import type { NodeRole, Topology } from '../topology/types.js';
import { EgressPort } from './egress-port.js';
import { PfcIngress, pfcHeadroomBytes, type PfcSettings } from './flow-control/pfc.js';
import { LosslessGuards, type LosslessGuardOptions } from './flow-control/lossless-guards.js';
import { CreditGate, type CreditSettings } from './flow-control/credit.js';
import { CreditLoopDetector, DEFAULT_CREDIT_LOOP_CHECK_PS } from './flow-control/credit-loop.js';
import { IngressPort } from './ingress-port.js';
import { SubnetManager, Vl15Forwarding } from './management/subnet-manager.js';
import { Link } from './link.js';
import type { EcnMarker } from './marking/marker.js';
import { RedMarker } from './marking/red.js';
import { ThresholdMarker } from './marking/threshold.js';
import { IbFecnMarker } from './marking/ib-fecn.js';
import { PacketPool, type Packet } from './packet.js';
import { FlowHashEcmp, PacketSpray, mix32, type PathSelector } from './routing/ecmp.js';
import { Fib, MAX_FIB_ENTRIES } from './routing/fib.js';
import { buildUpDownFib, upDownRootIndices } from './routing/updown.js';
import { buildFtreeFib } from './routing/ftree.js';
import { buildLft, lidHostNodes } from './routing/lid-routing.js';
import type { RoutingView } from './routing/cbd.js';
import { Dwrr } from './scheduler/dwrr.js';
import type { Scheduler } from './scheduler/scheduler.js';
import { StrictPriority } from './scheduler/strict-priority.js';
import { VlArbitration, type VlArbEntry } from './scheduler/vl-arbitration.js';
import { SharedBuffer, type BufferPolicy } from './shared-buffer.js';
import { SL_COUNT, Switch } from './switch.js';

/** Run-time fabric settings in simulator units (bytes, bit/s, ps), from the experiment's `fabric`. */
export interface FabricOptions {
  /** Shared buffer per switch when the node has no `buffer_bytes`. */
  bufferBytes: number;
  buffer: BufferPolicy;
  scheduler:
    | { kind: 'strict' }
    | { kind: 'dwrr'; weights: readonly number[]; quantumBytes: number }
    | { kind: 'vl-arbitration'; high: readonly VlArbEntry[]; low: readonly VlArbEntry[]; highLimit: number };
  pfc: {
    enabled: boolean;
    priorities: readonly number[];
    xoffBytes: number;
    xonBytes: number;
    /** Fixed headroom per ingress; absent: sized per port by {@link pfcHeadroomBytes}. */
    headroomBytes?: number | undefined;
    quanta: number;
    /** Dynamic XOFF factor (0: static XOFF/XON). */
    xoffAlpha: number;
    /** Deadlock detection, PFC watchdog, lossless-drop policy (flow-control/lossless-guards.ts). */
    guards?: LosslessGuardOptions | undefined;
  };
  /**
   * InfiniBand LID routing: the switches forward by the subnet manager's linear forwarding tables
   * (routing/lid-routing.ts), 2^lmc LIDs per host, instead of the FIB and ECMP; absent: FIB + ECMP.
   */
  lidRouting?: { lmc: number } | undefined;
  /**
   * InfiniBand subnet manager traffic on VL15 (management/subnet-manager.ts): the SM's host by
   * node key, first sweep and sweep interval, ps, SMPs outstanding at once; absent: none.
   */
  subnetManager?: { host: string; startPs: number; intervalPs: number; maxOnWire: number } | undefined;
  /** Routing algorithm (default shortest paths) and, for up*\/down*, the root switches by node key. */
  routing?: { algorithm: 'shortest' | 'updown' | 'ftree'; roots?: readonly string[] | undefined; adaptive?: boolean | undefined } | undefined;
  ecn:
    | { kind: 'none' }
    | { kind: 'threshold'; kBytes: number }
    | { kind: 'red'; kminBytes: number; kmaxBytes: number; pmax: number }
    | { kind: 'ib-fecn'; thresholdBytes: number; markingRate: number; minFrameBytes: number };
  ecmp: 'hash' | 'spray';
  /** Largest frame any transport sends (for headroom sizing). */
  maxFrameBytes: number;
  /** Forwarding latency of every switch, ps. */
  switchLatencyPs: number;
  /** Probability that a data frame is lost on any cable (random corruption); 0 for none. */
  linkLossRate: number;
  /** Link flow control: 'pfc' (absent; the `pfc` block applies) or 'credit' (per-VL credits, PFC off). */
  flowControl?: 'pfc' | 'credit' | undefined;
  /** Credit settings (with `flowControl: 'credit'`). */
  credit?: CreditSettings | undefined;
  /** Credit-loop detection interval, ps (0: off; absent: 100 µs). */
  creditLoopCheckPs?: number | undefined;
  /** Wire bytes each frame occupies beyond its own: Ethernet preamble/SFD + IFG (20, the default); 0 on InfiniBand. */
  frameOverheadBytes?: number | undefined;
  /** Rate of every cable, bit/s, overriding the topology's `rate_gbps` (`fabric.ib_speed`); absent: the topology's. */
  linkRateBps?: number | undefined;
  /**
   * Cut-through switching: a switch forwards a frame once its first `cutThroughBytes` (the
   * header it routes on) have arrived; 0 or absent: store-and-forward.
   */
  cutThroughBytes?: number | undefined;
  /**
   * SL→VL tables of switch egress ports: `all` for every switch port, `ports` by `node:local`
   * (overriding `all`), `pairs` by `node:in>out` for a single (input port, output port) pair of a
   * switch (overriding both, IBA's SLtoVLMappingTable); each maps SL i (index) to a VL 0..7,
   * missing SLs to themselves; `hosts` for every host's port. Absent: the identity.
   */
  slToVl?:
    | {
        all?: readonly number[] | undefined;
        ports?: Readonly<Record<string, readonly number[]>> | undefined;
        pairs?: Readonly<Record<string, readonly number[]>> | undefined;
        /** The table of every host's port (channel adapter): the VL it sends SL i on. */
        hosts?: readonly number[] | undefined;
      }
    | undefined;
}

/**
 * A fabric compiled from a topology: integer node, host, switch and port ids, typed-array
 * tables, and the runtime objects. Global port `adjStart[node] + local` is the transmit side of
 * the node's interface `local`; `portPeer[p]` is the port at the other end of its cable.
 */
export class Fabric {
  readonly pool = new PacketPool();
  readonly counters: PortCounters;
  readonly pfcLog = new PfcLog();
  readonly traffic = new TrafficCounters();
  /** Node keys by node id (graph iteration order). */
  readonly nodeKeys: string[] = [];
  /** Host node keys by host id. */
  readonly hostKeys: string[] = [];
  readonly hostNode: Int32Array;
  /** Node id → host id, or -1. */
  readonly hostOf: Int32Array;
  /** Node id → switch index, or -1. */
  readonly switchOf: Int32Array;
  /** Node id → first global port. */
  readonly adjStart: Uint32Array;
  /** Global port → node id of its neighbour. */
  readonly adjPeer: Int32Array;
  /** Global port → global port at the other end of the cable. */
  readonly portPeer: Int32Array;
  readonly ports: EgressPort[] = [];
  readonly ingress: IngressPort[] = [];
  readonly links: Link[] = [];
  readonly switches: Switch[] = [];
  /** Every switch's candidate ports per destination host (shortest paths, up*\/down* or ftree). */
  readonly fib: Fib;
  /** InfiniBand LID routing: the subnet manager's linear forwarding tables, a column per LID (routing/lid-routing.ts); null without. */
  readonly lft: Fib | null = null;
  /** LID mask control of the LID routing: 2^lmc LIDs per host (0 without LID routing). */
  readonly lmc: number = 0;
  /** Adaptive routing: every switch's candidate ports per destination host, among which it picks per packet; null: static routing. */
  readonly adaptive: Fib | null = null;
  /** `fabric.sl_to_vl.hosts`: the VL of SL i at every host's port, 16 entries; null: VL = SL (the host layer gives it to each NIC). */
  readonly hostSlToVl: Uint8Array | null = null;

  constructor(
    readonly sim: Simulator,
    readonly topology: Topology,
    readonly options: FabricOptions,
  ) {
    const nodeId = new Map<string, number>();
    topology.forEachNode((key) => {
      nodeId.set(key, this.nodeKeys.length);
      this.nodeKeys.push(key);
    });
    const n = this.nodeKeys.length;
    this.hostOf = new Int32Array(n).fill(-1);
    this.switchOf = new Int32Array(n).fill(-1);
    let switches = 0;
    const hostNodes: number[] = [];
    topology.forEachNode((key, a) => {
      const id = nodeId.get(key)!;
      if (a.role === 'host') {
        this.hostOf[id] = hostNodes.length;
        hostNodes.push(id);
        this.hostKeys.push(key);
      } else {
        this.switchOf[id] = switches++;
      }
    });
    this.hostNode = Int32Array.from(hostNodes);

    // Ports: a node's interfaces in edge iteration order.
    const degree = new Uint32Array(n);
    topology.forEachEdge((_e, _a, s, t) => {
      degree[nodeId.get(s)!]!++;
      degree[nodeId.get(t)!]!++;
    });
    this.adjStart = new Uint32Array(n + 1);
    for (let i = 0; i < n; i++) this.adjStart[i + 1] = this.adjStart[i]! + degree[i]!;
    const totalPorts = this.adjStart[n]!;
    this.adjPeer = new Int32Array(totalPorts);
    this.portPeer = new Int32Array(totalPorts);
    const portRate = new Float64Array(totalPorts);
    const portDelay = new Float64Array(totalPorts);
    const next = new Uint32Array(n);
    topology.forEachEdge((_e, a, s, t) => {
      const u = nodeId.get(s)!;
      const v = nodeId.get(t)!;
      const pu = this.adjStart[u]! + next[u]!++;
      const pv = this.adjStart[v]! + next[v]!++;
      this.adjPeer[pu] = v;
      this.adjPeer[pv] = u;
      this.portPeer[pu] = pv;
      this.portPeer[pv] = pu;
      portRate[pu] = portRate[pv] = options.linkRateBps ?? a.rate_gbps * 1e9;
      portDelay[pu] = portDelay[pv] = ns(a.delay_ns);
    });
    this.counters = new PortCounters(totalPorts);
    if (Fib.entries(switches, hostNodes.length) > MAX_FIB_ENTRIES) {
      throw new ConfigError(
        `the topology has ${switches.toLocaleString('en-US')} switches and ${hostNodes.length.toLocaleString('en-US')} hosts: its forwarding tables would need ${Fib.entries(switches, hostNodes.length).toLocaleString('en-US')} entries, more than the ${MAX_FIB_ENTRIES.toLocaleString('en-US')} a run supports; use a smaller topology`,
        { field: 'topology' },
      );
    }
    this.fib =
      options.routing?.algorithm === 'updown'
        ? buildUpDownFib(this.adjStart, this.adjPeer, this.switchOf, this.hostNode, upDownRootIndices(options.routing.roots ?? [], nodeId, this.switchOf)).fib
        : Fib.build(this.adjStart, this.adjPeer, this.switchOf, this.hostNode);
    if (options.lidRouting !== undefined) {
      const lmc = options.lidRouting.lmc;
      if (Fib.entries(switches, hostNodes.length << lmc) > MAX_FIB_ENTRIES) {
        throw new ConfigError(
          `transport.lmc ${lmc} gives ${(hostNodes.length << lmc).toLocaleString('en-US')} LIDs: the forwarding tables would need more than the ${MAX_FIB_ENTRIES.toLocaleString('en-US')} entries a run supports; use a smaller lmc`,
          { field: 'transport.lmc' },
        );
      }
      this.lmc = lmc;
      this.lft = buildLft(options.routing?.algorithm === 'ftree' ? 'dmodk' : 'balance', this.fib, lmc, this.adjStart, this.adjPeer, this.switchOf, this.hostNode);
    }
    if (options.routing?.adaptive === true) this.adaptive = this.fib;
    if (options.routing?.algorithm === 'ftree') this.fib = buildFtreeFib(this.fib, this.adjStart, this.adjPeer, this.switchOf, this.hostNode);

    const rng = sim.rng.fork('fabric');
    const credit = options.flowControl === 'credit' ? (options.credit ?? null) : null;
    const slToVlPorts = new Set(Object.keys(options.slToVl?.ports ?? {}));
    const slToVlPairs = this.slToVlPairKeys(nodeId);
    const hostRow = options.slToVl?.hosts;
    if (hostRow !== undefined) this.hostSlToVl = Uint8Array.from({ length: SL_COUNT }, (_, sl) => hostRow[sl] ?? (sl < 8 ? sl : 0));
    if (options.flowControl === 'credit' && credit === null) throw new Error('fabricsim internal error: credit flow control without credit settings');
    const pauseObserver = {
      onPauseChange: (port: EgressPort, priority: number, paused: boolean, quanta: number) => {
        this.pfcLog.record(sim.now, port.index, priority, paused ? PFC_PAUSED : PFC_UNPAUSED, quanta);
        this.guards?.onPauseChange(port, priority, paused);
      },
    };
    for (let node = 0; node < n; node++) {
      for (let p = this.adjStart[node]!; p < this.adjStart[node + 1]!; p++) {
        const port = new EgressPort(sim, p, node, p - this.adjStart[node]!, portRate[p]!, this.makeScheduler(), this.counters);
        port.pauseObserver = pauseObserver;
        if (options.frameOverheadBytes !== undefined) port.overheadBytes = options.frameOverheadBytes;
        if ((options.cutThroughBytes ?? 0) > 0 && this.switchOf[this.adjPeer[p]!]! >= 0) {
          // the header's bits, after the preamble/SFD on Ethernet (the IFG comes after the frame)
          const lead = (port.overheadBytes > 0 ? ETH_PREAMBLE_SFD_BYTES : 0) + options.cutThroughBytes!;
          port.cutThroughLeadPs = Math.ceil((lead * 8 * 1e12) / port.rateBps);
        }
        const ingress = new IngressPort(port, this.pool);
        if (credit !== null) {
          port.credits = new CreditGate(port, this.pool, credit);
          port.credits.onStall = (p, vl, stalled, credits) => {
            this.pfcLog.record(sim.now, p.index, vl, stalled ? CREDIT_STALL : CREDIT_RESUME, credits);
            this.creditLoops?.onStall(p, vl, stalled);
          };
          ingress.givesBackOnArrival = this.hostOf[node]! >= 0;
        }
        this.ports.push(port);
        this.ingress.push(ingress);
      }
    }
    const lossRng = sim.rng.fork('link-loss');
    for (let p = 0; p < totalPorts; p++) {
      const link = new Link(sim, portDelay[p]!);
      link.sink = this.ingress[this.portPeer[p]!]!;
      if (options.linkLossRate > 0) {
        link.lossRate = options.linkLossRate;
        link.lossRng = lossRng;
        link.onLoss = (pkt) => {
          this.counters.add(p, PC_LINK_LOSSES, 1);
          this.traffic.droppedPackets++;
          this.traffic.droppedBytes += pkt.frameBytes;
          // IB resynchronizes credits (FCTBS/FCCL are absolute counts): a corrupted packet's are not lost
          if (credit !== null) this.ports[this.portPeer[p]!]!.credits!.giveBack(pkt.priority, pkt.frameBytes);
          this.pool.release(pkt);
        };
      }
      this.ports[p]!.link = link;
      this.links.push(link);
    }

    const pfcFrames = {
      onPfcFrameSent: (port: EgressPort, priority: number, quanta: number, trigger: number) =>
        this.pfcLog.record(sim.now, port.index, priority, quanta === 0 ? PFC_RESUME_TX : PFC_PAUSE_TX, quanta, trigger),
    };
    const drops = {
      onDrop: (pkt: Packet, port: EgressPort, lossless: boolean) => {
        const t = this.traffic;
        t.droppedPackets++;
        t.droppedBytes += pkt.frameBytes;
        if (lossless) {
          if (t.losslessDrops === 0) {
            t.firstLosslessDropAt = sim.now;
            t.firstLosslessDropPort = port.index;
            t.firstLosslessDropPriority = pkt.priority;
          }
          t.losslessDrops++;
          this.guards?.onLosslessDrop(pkt, port);
        }
      },
    };
    const ecmpSalt = rng.fork('ecmp').uint32();
    const spray = rng.fork('spray');
    const red = rng.fork('red');
    let pfcMask = 0;
    if (options.pfc.enabled && credit === null) for (const p of options.pfc.priorities) pfcMask |= 1 << p;
    for (let node = 0; node < n; node++) {
      const sw = this.switchOf[node]!;
      if (sw < 0) continue; // a host: the host layer wires its NIC
      const local = this.ports.slice(this.adjStart[node]!, this.adjStart[node + 1]!);
      const attrs = topology.getNodeAttributes(this.nodeKeys[node]!);
      const buffer = new SharedBuffer(attrs.buffer_bytes ?? options.bufferBytes, options.buffer);
      let pfc: PfcIngress | null = null;
      if (pfcMask !== 0) {
        const settings: PfcSettings = {
          enabledMask: pfcMask,
          xoffBytes: options.pfc.xoffBytes,
          xonBytes: options.pfc.xonBytes,
          headroomBytes: local.map(
            (port) =>
              options.pfc.headroomBytes ??
              pfcHeadroomBytes(port.rateBps, port.link.delay + options.switchLatencyPs, options.maxFrameBytes),
          ),
          quanta: options.pfc.quanta,
          xoffAlpha: options.pfc.xoffAlpha,
        };
        pfc = new PfcIngress(sim, local, settings, this.pool, this.counters, pfcFrames, buffer);
        if (options.pfc.headroomBytes !== undefined) this.checkHeadroom(local, options.pfc.headroomBytes);
      }
      const selector: PathSelector = options.ecmp === 'spray' ? new PacketSpray(spray.fork(String(sw))) : new FlowHashEcmp(mix32(ecmpSalt ^ Math.imul(sw + 1, 0x9e3779b9)));
      const s = new Switch(node, sw, local, this.fib, selector, buffer, pfc, this.makeMarker(red, local.length), this.pool, this.counters, drops);
      s.credit = credit !== null;
      s.adaptive = this.adaptive;
      if (this.lft !== null) {
        s.lft = this.lft;
        s.lidBits = this.lmc;
        s.lidMask = (1 << this.lmc) - 1;
      }
      s.slToVl = this.slToVlTable(node, local.length, slToVlPorts);
      s.slToVlPairs = this.slToVlPairTable(node, s.slToVl, local.length, slToVlPairs);
      if (pfc !== null) pfc.culprit = (l, p) => s.topContributor(l, p);
      if (options.switchLatencyPs > 0) {
        s.pipeline = new Link(sim, options.switchLatencyPs);
        s.pipeline.sink = s;
      }
      for (const port of local) {
        port.owner = s;
        port.stampsInt = true;
        this.ingress[port.index]!.handler = s;
      }
      this.switches.push(s);
    }
    if (options.subnetManager !== undefined) this.subnetManager = this.startSubnetManager(options.subnetManager);
    if (pfcMask !== 0) this.guards = new LosslessGuards(this, pfcMask, options.pfc.guards ?? {});
    const loopCheck = options.creditLoopCheckPs ?? DEFAULT_CREDIT_LOOP_CHECK_PS;
    if (credit !== null && loopCheck > 0) {
      this.creditLoops = new CreditLoopDetector(sim, this, (node) => (this.switches[this.switchOf[node]!]?.slToVl ?? null) !== null, loopCheck);
    }
    if (slToVlPorts.size > 0) {
      throw new ConfigError(`fabric.sl_to_vl.ports: no switch port ${[...slToVlPorts].map((k) => `'${k}'`).join(', ')} (switch ports are named node:local, local = 0 .. ports − 1)`);
    }
  }

  /** The SL→VL tables of switch `node`'s `count` ports (null: identity everywhere); consumes the port keys it uses from `unused`. */
  private slToVlTable(node: number, count: number, unused: Set<string>): Uint8Array | null {
    const m = this.options.slToVl;
    // with host tables the switches map too (identity by default): a packet keeps its SL, not the host's VL
    if (m === undefined || (m.all === undefined && m.ports === undefined && m.pairs === undefined && m.hosts === undefined)) return null;
    const t = new Uint8Array(count * SL_COUNT);
    for (let local = 0; local < count; local++) {
      const key = `${this.nodeKeys[node]}:${local}`;
      const row = m.ports?.[key] ?? m.all;
      unused.delete(key);
      for (let sl = 0; sl < SL_COUNT; sl++) t[local * SL_COUNT + sl] = row?.[sl] ?? (sl < 8 ? sl : 0);
    }
    return t;
  }

  /**
   * `fabric.sl_to_vl.pairs` parsed and grouped by switch node id: each key `node:in>out` with its
   * local ports and row. Throws a ConfigError for a key that is not of that form or names no switch.
   */
  private slToVlPairKeys(nodeId: ReadonlyMap<string, number>): Map<number, { key: string; inLocal: number; outLocal: number; row: readonly number[] }[]> {
    const bySwitch = new Map<number, { key: string; inLocal: number; outLocal: number; row: readonly number[] }[]>();
    for (const [key, row] of Object.entries(this.options.slToVl?.pairs ?? {})) {
      const m = /^(.+):(\d+)>(\d+)$/.exec(key);
      const node = m === null ? undefined : nodeId.get(m[1]!);
      if (m === null || node === undefined || this.switchOf[node]! < 0) {
        throw new ConfigError(
          `'${key}' is not a switch's port pair: name it node:in>out, a switch's node key and its input and output local ports (e.g. leaf0:2>3${m !== null ? `; '${m[1]}' is ${node === undefined ? 'no node' : 'a host, which has one port'}` : ''})`,
          { field: 'fabric.sl_to_vl.pairs' },
        );
      }
      let list = bySwitch.get(node);
      if (list === undefined) bySwitch.set(node, (list = []));
      list.push({ key, inLocal: Number(m[2]), outLocal: Number(m[3]), row });
    }
    return bySwitch;
  }

  /**
   * Switch `node`'s SL→VL tables per (input, output) pair, 16 entries at `(in × count + out) × 16`:
   * its egress tables `egress` (identity if null) with the `pairs` rows over them; null when no
   * pair names this switch (the switch then maps per egress port alone).
   */
  private slToVlPairTable(
    node: number,
    egress: Uint8Array | null,
    count: number,
    pairs: ReadonlyMap<number, readonly { key: string; inLocal: number; outLocal: number; row: readonly number[] }[]>,
  ): Uint8Array | null {
    const list = pairs.get(node);
    if (list === undefined) return null;
    const t = new Uint8Array(count * count * SL_COUNT);
    for (let i = 0; i < count; i++) {
      for (let o = 0; o < count; o++) {
        for (let sl = 0; sl < SL_COUNT; sl++) t[(i * count + o) * SL_COUNT + sl] = egress !== null ? egress[o * SL_COUNT + sl]! : sl < 8 ? sl : 0;
      }
    }
    for (const { key, inLocal, outLocal, row } of list) {
      if (inLocal >= count || outLocal >= count) {
        throw new ConfigError(`'${key}': ${this.nodeKeys[node]} has ports 0 .. ${count - 1}; name an input and an output port in that range`, { field: 'fabric.sl_to_vl.pairs' });
      }
      for (let sl = 0; sl < SL_COUNT; sl++) t[(inLocal * count + outLocal) * SL_COUNT + sl] = row[sl] ?? (sl < 8 ? sl : 0);
    }
    return t;
  }

  /** The subnet manager and the hosts' agents, sending SMPs on VL15; null when the run has none. */
  subnetManager: SubnetManager | null = null;

  /** Creates the subnet manager and gives every interface its VL15 handler (switches forward, hosts answer). */
  private startSubnetManager(o: NonNullable<FabricOptions['subnetManager']>): SubnetManager {
    const smHost = this.hostKeys.indexOf(o.host);
    if (smHost < 0) {
      throw new ConfigError(`no host '${o.host}' (hosts are ${this.hostKeys.slice(0, 4).join(', ')}${this.hostKeys.length > 4 ? ', …' : ''}); name the subnet manager's host by its node key`, {
        field: 'fabric.subnet_manager.host',
      });
    }
    const sm = new SubnetManager(this.sim, this.pool, (h) => this.hostPort(h), this.hostCount, smHost, o.startPs, o.intervalPs, o.maxOnWire);
    for (const s of this.switches) {
      const forward = new Vl15Forwarding(s);
      for (const port of s.ports) this.ingress[port.index]!.management = forward;
    }
    for (let h = 0; h < this.hostCount; h++) this.hostIngress(h).management = sm.agent(h);
    return sm;
  }

  /** PFC deadlock detection, watchdog and lossless-drop policy; null without PFC. */
  guards: LosslessGuards | null = null;
  /** Credit-loop detection (flow-control/credit-loop.ts); null without credit flow control. */
  creditLoops: CreditLoopDetector | null = null;

  /** The role of node `node` in the topology ('host', 'switch' or 'router'). */
  roleOf(node: number): NodeRole {
    return this.topology.getNodeAttribute(this.nodeKeys[node]!, 'role');
  }

  /** Number of hosts. */
  get hostCount(): number {
    return this.hostNode.length;
  }

  /** The egress port of host `h`'s NIC (hosts have exactly one interface). */
  hostPort(h: number): EgressPort {
    return this.ports[this.adjStart[this.hostNode[h]!]!]!;
  }

  /** The ingress side of host `h`'s NIC. */
  hostIngress(h: number): IngressPort {
    return this.ingress[this.adjStart[this.hostNode[h]!]!]!;
  }

  /** A readable port name: `node:local>peer`. */
  portName(p: number): string {
    const port = this.ports[p]!;
    return `${this.nodeKeys[port.node]}:${port.local}>${this.nodeKeys[this.adjPeer[p]!]}`;
  }

  /**
   * The egress ports a packet with `flowHash` from host `src` to host `dst` traverses, in order
   * (per-flow ECMP as the switches compute it; with spraying, the first candidate at each hop).
   */
  path(src: number, dst: number, flowHash: number): EgressPort[] {
    const out: EgressPort[] = [this.hostPort(src)];
    const probe = this.pool.acquire();
    probe.src = src;
    probe.dst = dst;
    probe.flowHash = flowHash;
    try {
      for (let guard = 0; guard < this.nodeKeys.length; guard++) {
        const node = this.adjPeer[out[out.length - 1]!.index]!;
        if (node === this.hostNode[dst]) return out;
        const sw = this.switches[this.switchOf[node]!]!;
        out.push(this.options.ecmp === 'spray' && this.lft === null ? sw.ports[this.fib.port(this.fib.start(sw.index, dst))]! : sw.route(probe));
      }
    } finally {
      this.pool.release(probe);
    }
    throw new Error(`fabricsim internal error: no path from host ${src} to host ${dst}`);
  }

  /**
   * The routing as the cyclic-buffer-dependency check walks it: the FIB with every candidate,
   * with LID routing the LFTs with a column per LID, with adaptive routing every candidate.
   */
  routingView(): RoutingView {
    if (this.adaptive !== null) return { adjStart: this.adjStart, adjPeer: this.adjPeer, portPeer: this.portPeer, switchOf: this.switchOf, hostNode: this.hostNode, fib: this.adaptive };
    if (this.lft === null) return this;
    return { adjStart: this.adjStart, adjPeer: this.adjPeer, portPeer: this.portPeer, switchOf: this.switchOf, hostNode: lidHostNodes(this.hostNode, this.lmc), fib: this.lft };
  }

  /** Things about the fabric's configuration the user should know (too little PFC headroom). */
  readonly warnings: string[] = [];
  private headroomShort = 0;
  private headroomWorst: { port: number; need: number } | null = null;

  /** Records ports whose configured headroom is below what {@link pfcHeadroomBytes} says they need. */
  private checkHeadroom(ports: readonly EgressPort[], configured: number): void {
    for (const port of ports) {
      const need = pfcHeadroomBytes(port.rateBps, port.link.delay + this.options.switchLatencyPs, this.options.maxFrameBytes);
      if (need <= configured) continue;
      if (this.headroomShort++ === 0) this.warnings.push('');
      if (this.headroomWorst === null || need > this.headroomWorst.need) this.headroomWorst = { port: port.index, need };
      this.warnings[this.warnings.length - 1] =
        `fabric.pfc.headroom_bytes (${configured}) is below what ${this.headroomShort} switch port(s) need to stay lossless after XOFF; ` +
        `${this.portName(this.headroomWorst.port)} needs ${this.headroomWorst.need} bytes (its cable's round trip at line rate + 2 maximum frames + the PAUSE frame); ` +
        `raise it or leave it out to size headroom per port`;
    }
  }

  /** Ends open pause intervals so paused time is counted up to now. */
  closeAccounting(): void {
    for (const p of this.ports) p.closePauseAccounting();
  }

  private makeScheduler(): Scheduler {
    const s = this.options.scheduler;
    if (s.kind === 'vl-arbitration') return new VlArbitration(s.high, s.low, s.highLimit);
    return s.kind === 'dwrr' ? new Dwrr(s.weights, s.quantumBytes) : new StrictPriority();
  }

  private makeMarker(rng: import('../sim/rng.js').Rng, ports: number): EcnMarker | null {
    const e = this.options.ecn;
    if (e.kind === 'ib-fecn') return new IbFecnMarker(e.thresholdBytes, e.markingRate, e.minFrameBytes, ports);
    if (e.kind === 'threshold') return new ThresholdMarker(e.kBytes);
    if (e.kind === 'red') return new RedMarker(e.kminBytes, e.kmaxBytes, e.pmax, rng);
    return null;
  }
}

/** Ethernet preamble + start-of-frame delimiter: the bytes on the wire before a frame's header. */
const ETH_PREAMBLE_SFD_BYTES = 8;

/** Compiles a validated topology into a runnable fabric. */
export function buildFabric(sim: Simulator, topology: Topology, options: FabricOptions): Fabric {
  return new Fabric(sim, topology, options);
}

export type { Time };
