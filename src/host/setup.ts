import type { Fabric } from '../fabric/build-fabric.js';
import type { EgressPort } from '../fabric/egress-port.js';
import { pfcHeadroomBytes } from '../fabric/flow-control/pfc.js';
import { ETH_MIN_FRAME_BYTES } from '../fabric/packet.js';
import { PFC_PAUSE_TX, PFC_RESUME_TX } from '../metrics/pfc-log.js';
import type { Simulator } from '../sim/simulator.js';
import { ConfigError } from '../sim/errors.js';
import { parseWith } from '../sim/parse.js';
import { hostStackConfig, REFERENCE_CLOCK_GHZ, type HostsConfig } from './host-config.js';
import type { Host } from './host.js';
import type { Nic } from './nic.js';
import { RxPath } from './rx-path.js';
import { installHostHardware, type HostHardware } from './hardware.js';
import { TxPath } from './tx-path.js';
import type { StackModel } from './stack.js';
import { stacks } from './stacks/index.js';
import { XdpForwarder } from './xdp-forward.js';
import { PostSendCost } from './post-send.js';

/** The host models of a run: one receive path per host (null for an ideal host). */
export interface HostStacks {
  readonly config: HostsConfig;
  /** The block's (default) stack: its name, and whether its cores poll. */
  readonly stackName: string;
  readonly pollMode: boolean;
  /** Each host's stack model, by host id (`hosts.per_host` may give a host its own). */
  readonly models: readonly StackModel[];
  /** By host id; null for a host whose stack is ideal. */
  readonly rx: readonly (RxPath | null)[];
  /** Transmit work by host id (null when the stack has no transmit stages, e.g. RDMA offload). */
  readonly tx: readonly (TxPath | null)[];
  /** PCIe link and LLC by host id (src/host/hardware.ts; null for an ideal host). */
  readonly hardware: readonly (HostHardware | null)[];
  /** The cores' work of posting send work requests (null when no host's stack charges it). */
  readonly posting: PostSendCost | null;
  /** XDP_TX / XDP_REDIRECT forwarding by host id (null for a host whose stack forwards nothing). */
  readonly forwarders: readonly (XdpForwarder | null)[];
  /**
   * Tells GRO / LRO and TSO / GSO which connections (by index) carry a byte stream (TCP, iWARP:
   * 1) whose segments may merge; the others (UDP, RoCE, InfiniBand: 0) never do. Called once the
   * workload's connections exist (src/experiment/run.ts); until then nothing merges.
   */
  setStreams(streams: Uint8Array): void;
}

/** Transports whose segments GRO / TSO merge: byte streams over TCP. */
export const STREAM_TRANSPORTS: ReadonlySet<string> = new Set(['tcp', 'iwarp']);

/** What the run tells the host models: the experiment file and the transport (for error messages and checks). */
export interface HostStacksContext {
  file?: string;
  /** The run's transport kind (a stack that implements one transport, e.g. soft-RoCE, checks it). */
  transport?: string;
}

/**
 * Gives every host its stack model (the `hosts:` block, or its `per_host` override): rx rings,
 * cores and, on a lossless class, PFC from the host NIC. Returns null (and changes nothing) when
 * every host is ideal. Throws a ConfigError for an unknown host name in `per_host` or in a stack's
 * parameters, and for a stack that needs another transport.
 */
export function installHostStacks(sim: Simulator, fabric: Fabric, hosts: readonly Host[], config: HostsConfig, ctx: HostStacksContext = {}): HostStacks | null {
  const { file } = ctx;
  const keys = fabric.hostKeys;
  const idOf = (name: string, field: string): number => {
    const id = keys.indexOf(name);
    if (id < 0) throw new ConfigError(`unknown host '${name}'; the topology's hosts are: ${keys.slice(0, 64).join(', ')}${keys.length > 64 ? ', ...' : ''}`, { file, field });
    return id;
  };
  for (const name of Object.keys(config.per_host)) idOf(name, `hosts.per_host.${name}`);
  const block = stacks.get(config.stack).create(config.params, REFERENCE_CLOCK_GHZ / config.clock_ghz);
  const settings = hosts.map((h) => hostStackConfig(config, keys[h.id]!));
  const fieldOf = (h: number) => (config.per_host[keys[h]!] !== undefined ? `hosts.per_host.${keys[h]}` : 'hosts');
  const models = settings.map((c, h) => {
    if (config.per_host[keys[h]!] === undefined) return block;
    const variant = stacks.get(c.stack);
    return variant.create(parseWith(variant.params, c.params, { file, field: `${fieldOf(h)}.params` }), REFERENCE_CLOCK_GHZ / c.clock_ghz);
  });
  if (models.every((m) => m.ideal)) return null;
  for (const [h, m] of models.entries()) {
    if (m.transport !== undefined && ctx.transport !== undefined && m.transport !== ctx.transport) {
      throw new ConfigError(`the ${m.name} stack implements ${m.transport} in software, but the run's transport is ${ctx.transport}; use transport.kind ${m.transport} or another stack`, {
        file,
        field: `${fieldOf(h)}.stack`,
      });
    }
  }
  const o = fabric.options;
  let losslessMask = 0;
  if (o.pfc.enabled && o.flowControl !== 'credit') for (const p of o.pfc.priorities) losslessMask |= 1 << p;
  const observer = {
    onPfcFrameSent: (port: EgressPort, priority: number, quanta: number, trigger: number) =>
      fabric.pfcLog.record(sim.now, port.index, priority, quanta === 0 ? PFC_RESUME_TX : PFC_PAUSE_TX, quanta, trigger),
  };
  const hardware: (HostHardware | null)[] = hosts.map(() => null);
  const rx = hosts.map((host) => {
    const model = models[host.id]!;
    if (model.ideal) return null;
    const c = settings[host.id]!;
    const port = fabric.hostPort(host.id);
    // worst case: the in-flight bytes of the PAUSE's round trip arrive as minimum-size frames
    const headroom = c.rx_pfc_headroom ?? Math.ceil(pfcHeadroomBytes(port.rateBps, port.link.delay, o.maxFrameBytes) / ETH_MIN_FRAME_BYTES);
    const path = new RxPath(
      sim,
      model,
      { cores: c.cores, ringSize: c.rx_ring, rss: c.rss, losslessMask, quanta: o.pfc.quanta, headroom },
      port,
      fabric.pool,
      fabric.counters,
      observer,
      fabric.traffic,
      (pkt) => host.deliver(pkt),
    );
    host.rx = path;
    // GRO / LRO: the transport hears when a super-packet it got segment by segment is complete
    path.cpu.onMergeEnd = (conn) => host.endMerge(conn);
    hardware[host.id] = installHostHardware(sim, path, host.nic, c);
    return path;
  });
  const tx = hosts.map((host) => {
    const model = models[host.id]!;
    if (model.ideal || model.tx.length === 0) return null;
    const path = new TxPath(model, settings[host.id]!.cores);
    host.nic.tx = path;
    return path;
  });
  const forwarders = hosts.map((host) => {
    const v = models[host.id]!.verdicts;
    const path = rx[host.id];
    if (v === undefined || path === null || path === undefined) return null;
    const field = `${fieldOf(host.id)}.params`;
    // a host forwarding to itself would loop its packets through the switch forever
    const target = (name: string, f: string): number => {
      const id = idOf(name, f);
      if (id === host.id) throw new ConfigError(`${keys[id]} cannot forward packets to itself; name another host`, { file, field: f });
      return id;
    };
    const backends = Int32Array.from(v.backends, (b) => target(b, `${field}.backends`));
    const redirectTo = v.redirectTo === null ? -1 : target(v.redirectTo, `${field}.redirect_to`);
    const fwd = new XdpForwarder(fabric.hostPort(host.id), fabric.pool, fabric.traffic, backends, redirectTo, v.encapBytes, v.txRing, keys.length, v.backends);
    // with a PCIe link, forwarded frames are read back memory → NIC before they leave
    const link = hardware[host.id]?.pcie ?? null;
    if (link !== null) fwd.attachPcie(sim, link);
    path.cpu.onForward = (pkt, _core, verdict) => {
      path.releaseDescriptor(pkt);
      fwd.forward(pkt, verdict);
    };
    return fwd;
  });
  // posting send work requests (ibv_post_send): the verbs layer calls this hook (run.ts wires it)
  const postCost = Float64Array.from(models, (m) => (m.ideal ? 0 : Math.round((m.postSendNs ?? 0) * 1000)));
  const posting = postCost.some((c) => c > 0) ? new PostSendCost(postCost, Int32Array.from(settings, (c) => c.cores)) : null;
  const setStreams = (streams: Uint8Array): void => {
    for (const path of rx) if (path !== null) path.cpu.streams = streams;
    for (const path of tx) path?.setStreams(streams);
  };
  return { config, stackName: block.name, pollMode: block.pollMode, models, rx, posting, tx, forwarders, hardware, setStreams };
}
