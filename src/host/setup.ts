import type { Fabric } from '../fabric/build-fabric.js';
import type { EgressPort } from '../fabric/egress-port.js';
import { pfcHeadroomBytes } from '../fabric/flow-control/pfc.js';
import { ETH_MIN_FRAME_BYTES } from '../fabric/packet.js';
import { PFC_PAUSE_TX, PFC_RESUME_TX } from '../metrics/pfc-log.js';
import type { Simulator } from '../sim/simulator.js';
import { REFERENCE_CLOCK_GHZ, type HostsConfig } from './host-config.js';
import type { Host } from './host.js';
import type { Nic } from './nic.js';
import { RxPath } from './rx-path.js';
import { TxPath } from './tx-path.js';
import { stacks } from './stacks/index.js';

/** The host models of a run: one receive path per host (null for the ideal stack). */
export interface HostStacks {
  readonly config: HostsConfig;
  readonly stackName: string;
  readonly pollMode: boolean;
  /** By host id. */
  readonly rx: readonly RxPath[];
  /** Transmit work by host id (null when the stack has no transmit stages, e.g. RDMA offload). */
  readonly tx: readonly (TxPath | null)[];
}

/**
 * Gives every host the `hosts:` block's stack model: rx rings, cores and, on a lossless class,
 * PFC from the host NIC. Returns null (and changes nothing) for the ideal stack.
 */
export function installHostStacks(sim: Simulator, fabric: Fabric, hosts: readonly Host[], config: HostsConfig): HostStacks | null {
  const variant = stacks.get(config.stack);
  const model = variant.create(config.params, REFERENCE_CLOCK_GHZ / config.clock_ghz);
  if (model.ideal) return null;
  const o = fabric.options;
  let losslessMask = 0;
  if (o.pfc.enabled && o.flowControl !== 'credit') for (const p of o.pfc.priorities) losslessMask |= 1 << p;
  const observer = {
    onPfcFrameSent: (port: EgressPort, priority: number, quanta: number, trigger: number) =>
      fabric.pfcLog.record(sim.now, port.index, priority, quanta === 0 ? PFC_RESUME_TX : PFC_PAUSE_TX, quanta, trigger),
  };
  const rx = hosts.map((host) => {
    const port = fabric.hostPort(host.id);
    // worst case: the in-flight bytes of the PAUSE's round trip arrive as minimum-size frames
    const headroom = config.rx_pfc_headroom ?? Math.ceil(pfcHeadroomBytes(port.rateBps, port.link.delay, o.maxFrameBytes) / ETH_MIN_FRAME_BYTES);
    const path = new RxPath(
      sim,
      model,
      { cores: config.cores, ringSize: config.rx_ring, rss: config.rss, losslessMask, quanta: o.pfc.quanta, headroom },
      port,
      fabric.pool,
      fabric.counters,
      observer,
      fabric.traffic,
      (pkt) => host.deliver(pkt),
    );
    host.rx = path;
    return path;
  });
  const tx = hosts.map((host) => {
    if (model.tx.length === 0) return null;
    const path = new TxPath(model, config.cores);
    host.nic.tx = path;
    return path;
  });
  return { config, stackName: model.name, pollMode: model.pollMode, rx, tx };
}
