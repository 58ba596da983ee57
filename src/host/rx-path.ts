import type { EgressPort } from '../fabric/egress-port.js';
import { PfcIngress, type PfcFrameObserver } from '../fabric/flow-control/pfc.js';
import type { Packet, PacketPool } from '../fabric/packet.js';
import type { PortCounters } from '../metrics/port-counters.js';
import type { TrafficCounters } from '../metrics/traffic.js';
import type { Simulator } from '../sim/simulator.js';
import { HostCpu } from './cpu.js';
import type { PcieLink } from './pcie.js';
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
 * With a SmartNIC program (the stack's `nic`), packets first queue on the NIC cores' rings and
 * only what the program passes goes on; with a PCIe link (`pcie`, src/host/hardware.ts), a packet
 * that got its descriptor is DMA'd to memory before its core sees it.
 */
export class RxPath {
  readonly cpu: HostCpu;
  readonly pfc: PfcIngress | null;
  /** Packets dropped at a full ring: lossy, and lossless (headroom exhausted). */
  drops = 0;
  losslessDrops = 0;
  /**
   * A SmartNIC's program cores (the stack's `nic` program), served before PCIe: each has a ring of
   * its own; what the program drops never reaches PCIe or a host core. Null: no NIC program.
   */
  readonly nic: HostCpu | null;
  /** Packets dropped at a full NIC-core ring (in {@link drops} too). */
  nicRingDrops = 0;
  /**
   * The host's PCIe link (src/host/pcie.ts): a packet that got a descriptor is DMA'd to memory and
   * lands on its ring later (it holds the descriptor meanwhile). Null: it lands at once.
   */
  pcie: PcieLink | null = null;

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
    const prog = stack.nic;
    this.nic =
      prog === undefined
        ? null
        : new HostCpu(
            sim,
            { name: `${stack.name}-nic`, rx: prog.stages, tx: [], pollMode: false, ideal: false, budget: 1, ...(prog.drop !== undefined ? { drop: prog.drop } : {}) },
            prog.cores,
            prog.ringSize,
            (pkt) => this.toHost(pkt, true),
            (pkt) => {
              // dropped on the card: never crosses PCIe, never touches a host core
              if (this.pfc !== null && this.pfc.isLossless(pkt.priority)) this.pfc.release(0, pkt.priority, 1);
              this.traffic.droppedPackets++;
              this.traffic.droppedBytes += pkt.frameBytes;
              this.pool.release(pkt);
            },
          );
    if (options.losslessMask !== 0) {
      // a packet counts from its arrival at the NIC (a NIC-core ring first, with a SmartNIC) to its
      // delivery, so XOFF below the smaller ring keeps both from overflowing
      const ring = prog === undefined ? options.ringSize : Math.min(options.ringSize, prog.ringSize);
      const xoff = Math.max(1, ring - options.headroom);
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

  /** Frees the descriptor of `pkt`, which left its ring without reaching the transport (XDP_TX, XDP_REDIRECT). */
  releaseDescriptor(pkt: Packet): void {
    if (this.pfc !== null && this.pfc.isLossless(pkt.priority)) this.pfc.release(0, pkt.priority, 1);
  }

  /** The core RSS sends `pkt` to. */
  coreOf(pkt: Packet): number {
    return this.spread(pkt, this.options.cores);
  }

  /** RSS over `n` queues. */
  private spread(pkt: Packet, n: number): number {
    if (n === 1) return 0;
    if (this.options.rss === 'flow-steering') return pkt.conn % n;
    let h = Math.imul(pkt.conn + 0x9e3779b9, 0x85ebca6b) ^ pkt.flowHash;
    h = Math.imul(h ^ (h >>> 13), 0xc2b2ae35);
    return ((h ^ (h >>> 16)) >>> 0) % n;
  }

  receive(pkt: Packet): void {
    const nic = this.nic;
    if (nic !== null) {
      // the SmartNIC's cores first; the packet counts toward PFC from here until it leaves the host path
      const c = this.spread(pkt, nic.cores);
      const lossless = this.pfc !== null && this.pfc.isLossless(pkt.priority);
      if (nic.full(c)) {
        nic.ringDrops[c]!++;
        this.nicRingDrops++;
        this.discard(pkt, lossless);
        return;
      }
      if (lossless) this.pfc!.charge(0, pkt.priority, 1);
      nic.enqueue(pkt, c);
      return;
    }
    this.toHost(pkt, false);
  }

  /** Calls `visit` on every packet the host holds: on NIC-core rings, in DMA, on host rings (for conservation checks). */
  forEachHeld(visit: (pkt: Packet) => void): void {
    this.nic?.forEachHeld(visit);
    this.pcie?.forEachHeld(visit);
    this.cpu.forEachHeld(visit);
  }

  /** Descriptors of `core`'s ring in use: on the ring, and held by packets still in DMA. */
  inUse(core: number): number {
    return this.cpu.occupancy(core) + (this.pcie === null ? 0 : this.pcie.inFlight[core]!);
  }

  /** Takes a descriptor of the packet's host ring (`charged`: PFC counted it already), then PCIe, then the ring. */
  private toHost(pkt: Packet, charged: boolean): void {
    const core = this.coreOf(pkt);
    const lossless = this.pfc !== null && this.pfc.isLossless(pkt.priority);
    if (this.inUse(core) >= this.options.ringSize) {
      this.cpu.ringDrops[core]!++;
      if (charged && lossless) this.pfc!.release(0, pkt.priority, 1);
      this.discard(pkt, lossless);
      return;
    }
    if (lossless && !charged) this.pfc!.charge(0, pkt.priority, 1);
    if (this.pcie !== null) this.pcie.rx(pkt, core);
    else this.cpu.enqueue(pkt, core);
  }

  private discard(pkt: Packet, lossless: boolean): void {
    this.drops++;
    if (lossless) this.losslessDrops++;
    this.traffic.droppedPackets++;
    this.traffic.droppedBytes += pkt.frameBytes;
    this.pool.release(pkt);
  }
}
