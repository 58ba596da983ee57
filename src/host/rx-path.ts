import type { EgressPort } from '../fabric/egress-port.js';
import { PfcIngress, type PfcFrameObserver } from '../fabric/flow-control/pfc.js';
import type { Packet, PacketPool } from '../fabric/packet.js';
import type { PortCounters } from '../metrics/port-counters.js';
import type { TrafficCounters } from '../metrics/traffic.js';
import type { Simulator } from '../sim/simulator.js';
import { HostCpu } from './cpu.js';
import type { StackModel } from './stack.js';

/** How a host spreads received packets over its cores, and what its NIC does when a ring fills. */
export interface RxPathOptions {
  cores: number;
  ringSize: number;
  rss: 'hash' | 'flow-steering';
  /** Bit p set when priority p is lossless (the NIC sends PFC PAUSE instead of dropping). */
  losslessMask: number;
  /** PFC pause quanta of the fabric. */
  quanta: number;
  /** Descriptors kept free above XOFF for what arrives while the PAUSE takes effect. */
  headroom: number;
}

/**
 * The receive path of a host with a stack model: the NIC puts each packet on the rx ring of the
 * core RSS picks; the core processes it through the stack (src/host/cpu.ts), then the transport
 * sees it. A full ring drops on a lossy class. On a lossless class the NIC acts like a switch
 * ingress: descriptors in use (summed over the host's rings, per priority) are charged to a
 * {@link PfcIngress} whose XOFF is `ringSize − headroom`, so a slow receiver sends PAUSE frames
 * upstream and never overflows (the aggregate bounds every ring).
 */
export class RxPath {
  readonly cpu: HostCpu;
  readonly pfc: PfcIngress | null;
  /** Packets dropped at a full ring: lossy, and lossless (headroom exhausted). */
  drops = 0;
  losslessDrops = 0;

  constructor(
    sim: Simulator,
    stack: StackModel,
    readonly options: RxPathOptions,
    port: EgressPort,
    private readonly pool: PacketPool,
    counters: PortCounters,
    observer: PfcFrameObserver | null,
    private readonly traffic: TrafficCounters,
    deliver: (pkt: Packet) => void,
  ) {
    this.cpu = new HostCpu(
      sim,
      stack,
      options.cores,
      options.ringSize,
      (pkt) => {
        if (this.pfc !== null && this.pfc.isLossless(pkt.priority)) this.pfc.release(0, pkt.priority, 1);
        deliver(pkt);
      },
      (pkt) => {
        // dropped by the stack (XDP_DROP): it left the ring, never reaches the transport
        if (this.pfc !== null && this.pfc.isLossless(pkt.priority)) this.pfc.release(0, pkt.priority, 1);
        this.traffic.droppedPackets++;
        this.traffic.droppedBytes += pkt.frameBytes;
        this.pool.release(pkt);
      },
    );
    if (options.losslessMask !== 0) {
      const xoff = Math.max(1, options.ringSize - options.headroom);
      this.pfc = new PfcIngress(
        sim,
        [port],
        { enabledMask: options.losslessMask, xoffBytes: xoff - 1, xonBytes: Math.max(0, xoff - 1 - Math.max(1, options.headroom >> 1)), headroomBytes: [options.headroom], quanta: options.quanta },
        pool,
        counters,
        observer,
      );
    } else this.pfc = null;
  }

  /** The core RSS sends `pkt` to. */
  coreOf(pkt: Packet): number {
    const n = this.options.cores;
    if (n === 1) return 0;
    if (this.options.rss === 'flow-steering') return pkt.conn % n;
    let h = Math.imul(pkt.conn + 0x9e3779b9, 0x85ebca6b) ^ pkt.flowHash;
    h = Math.imul(h ^ (h >>> 13), 0xc2b2ae35);
    return ((h ^ (h >>> 16)) >>> 0) % n;
  }

  receive(pkt: Packet): void {
    const core = this.coreOf(pkt);
    const lossless = this.pfc !== null && this.pfc.isLossless(pkt.priority);
    if (this.cpu.full(core)) {
      this.cpu.ringDrops[core]!++;
      this.drops++;
      if (lossless) this.losslessDrops++;
      this.traffic.droppedPackets++;
      this.traffic.droppedBytes += pkt.frameBytes;
      this.pool.release(pkt);
      return;
    }
    if (lossless) this.pfc!.charge(0, pkt.priority, 1);
    this.cpu.enqueue(pkt, core);
  }
}
