import { z } from 'zod';
import type { Actor } from '../sim/actor.js';
import type { Simulator } from '../sim/simulator.js';
import type { Time } from '../sim/time.js';
import type { Packet } from '../fabric/packet.js';

/*
 * Sources:
 * [PCIe] PCI Express Base Specification (PCI-SIG): rates and encodings per generation (Gen1/2
 *        8b/10b; Gen3-5 128b/130b); TLP = framing + sequence number (2 B) + header (3 or 4 DW:
 *        12 B, or 16 B with 64-bit addresses) + payload + LCRC (4 B); DLLPs (Ack, UpdateFC) are
 *        8 B on the link; the AckNak latency limits (rev 5.0 Tables 3-7..3-9) set how often they go.
 * [N18]  R. Neugebauer, G. Antichi, J. F. Zazo, Y. Audzevich, S. López-Buedo, A. W. Moore,
 *        "Understanding PCIe performance for end host networking", SIGCOMM 2018, and its model
 *        (github.com/pcie-bench/pcie-model): 8 B of framing + sequence + LCRC per TLP, so a 64-bit
 *        memory write or read request costs 24 B + payload and a completion 20 B + payload; DLLP
 *        overhead = 8 B per Ack and per UpdateFC latency limit plus SKP ordered sets (4 per 1538
 *        symbols); the "simple NIC": per packet a descriptor read, the data, a descriptor
 *        write-back, a doorbell; small DMA reads take ~400-600 ns round trip on Xeon hosts (more
 *        on others): dma_latency_ns 500 (as the `nic` block's dma_read_ns), taken for a received
 *        packet as the time until its DMA'd data and write-back are visible to the core (a posted
 *        write alone is about half a round trip: set 250 for that).
 * Gen6 (64 GT/s, PAM4, FLIT mode) is approximated as pcie-model does: a 242/256 efficiency and
 * Gen5's per-TLP overhead (in FLIT mode the per-TLP framing and LCRC are really per 256-byte flit).
 * MSI-X interrupts are 4-byte memory writes, one per interrupt the host takes (fewer with
 * coalescing). Not modelled: head-pointer reads (modern drivers poll write-backs in
 * memory), the read completion boundary (completions split at the MPS), IOMMU/ATS lookups.
 */

/** Transfer rate (GT/s) and encoding efficiency of each PCIe generation [PCIe], [N18]. */
export const PCIE_GENERATIONS: Readonly<Record<number, { gts: number; encoding: number; name: string }>> = {
  1: { gts: 2.5, encoding: 8 / 10, name: '8b/10b' },
  2: { gts: 5, encoding: 8 / 10, name: '8b/10b' },
  3: { gts: 8, encoding: 128 / 130, name: '128b/130b' },
  4: { gts: 16, encoding: 128 / 130, name: '128b/130b' },
  5: { gts: 32, encoding: 128 / 130, name: '128b/130b' },
  6: { gts: 64, encoding: 242 / 256, name: 'PAM4 FLIT (approx. 242/256)' },
};

const LANES = [1, 2, 4, 8, 16, 32] as const;
const SIZES = [128, 256, 512, 1024, 2048, 4096] as const;

/**
 * AckNak latency limits in symbol times, by lanes and max payload size [PCIe] rev 5.0 Tables
 * 3-7..3-9 (as tabulated in [N18]'s model): Gen1, Gen2, and Gen3 and later.
 */
const ACK_LIMITS: Readonly<Record<'g1' | 'g2' | 'g3', readonly (readonly number[])[]>> = {
  // rows: x1 x2 x4 x8 x16 x32; columns: MPS 128 256 512 1024 2048 4096
  g1: [
    [237, 416, 559, 1071, 2095, 4143],
    [128, 217, 289, 545, 1057, 2081],
    [73, 118, 154, 282, 538, 1050],
    [67, 107, 86, 150, 278, 534],
    [48, 72, 86, 150, 278, 534],
    [33, 45, 52, 84, 148, 276],
  ],
  g2: [
    [288, 467, 610, 1122, 2146, 4194],
    [179, 268, 340, 596, 1108, 2132],
    [124, 169, 205, 333, 589, 1101],
    [118, 158, 137, 201, 329, 585],
    [99, 123, 137, 201, 329, 585],
    [84, 96, 103, 135, 199, 237],
  ],
  g3: [
    [333, 512, 655, 1167, 2191, 4239],
    [224, 313, 385, 641, 1153, 2177],
    [169, 214, 250, 378, 634, 1146],
    [163, 203, 182, 246, 374, 630],
    [144, 168, 182, 246, 374, 630],
    [129, 141, 148, 180, 244, 372],
  ],
};

/** Bytes of a DLLP on the link (6 B + framing) [PCIe], [N18]. */
export const DLLP_BYTES = 8;
/** SKP ordered sets: 4 symbols every 1538 [N18]. */
const SKP_FRACTION = 4 / 1538;

/**
 * Fraction of a direction's link time taken by DLLPs and SKP ordered sets, as [N18] computes it:
 * one Ack and one UpdateFC DLLP (8 B each) per AckNak latency limit, plus SKP ordered sets.
 */
export function defaultDllpOverhead(gen: number, lanes: number, mps: number): number {
  const table = gen === 1 ? ACK_LIMITS.g1 : gen === 2 ? ACK_LIMITS.g2 : ACK_LIMITS.g3;
  const limit = table[LANES.indexOf(lanes as (typeof LANES)[number])]![SIZES.indexOf(mps as (typeof SIZES)[number])]!;
  return (2 * DLLP_BYTES) / limit + SKP_FRACTION;
}

const oneOf = <T extends readonly [number, ...number[]]>(values: T) => z.literal(values);

/** The `hosts.pcie` block: the PCIe link between each host's NIC and its memory. */
export const pcieSchema = z
  .object({
    gen: z.int().min(1).max(6).default(3).describe('PCIe generation 1..6 (2.5, 5, 8, 16, 32, 64 GT/s per lane; default 3)'),
    lanes: oneOf(LANES).default(16).describe('link width: 1, 2, 4, 8, 16 or 32 lanes (default 16)'),
    max_payload_bytes: oneOf(SIZES).default(256).describe('MPS: largest TLP payload, 128..4096 (default 256, the usual server setting [N18])'),
    max_read_request_bytes: oneOf(SIZES).default(512).describe('MRRS: largest read request, 128..4096 (default 512 [N18])'),
    address_bits: z.union([z.literal(32), z.literal(64)]).default(64).describe('memory addresses of requests: 64 (4-DW header, default) or 32 (3-DW)'),
    tlp_overhead_bytes: z.int().min(0).max(64).default(8).describe('per-TLP framing + sequence number + LCRC, bytes (default 8 [PCIe], [N18])'),
    dllp_overhead: z.number().min(0).max(0.5).optional().describe('fraction of link time taken by Ack/UpdateFC DLLPs and SKP sets (default: from the spec\'s AckNak latency limits for gen, lanes and MPS [N18])'),
    descriptor_bytes: z.int().min(4).max(256).default(16).describe('rx/tx descriptor, read by the NIC per packet (default 16 [N18] simple NIC)'),
    completion_bytes: z.int().min(0).max(256).default(16).describe('descriptor write-back (completion) per packet, written by the NIC (default 16 [N18]; 64 for a CQE)'),
    descriptor_batch: z.int().min(1).max(1024).default(1).describe('descriptors fetched per read and refilled per doorbell (default 1: [N18] simple NIC)'),
    doorbell_bytes: z.int().min(0).max(64).default(4).describe('tail-pointer (doorbell) write per descriptor batch, bytes of payload (default 4 [N18])'),
    dma_latency_ns: z.number().min(0).max(1e6).default(500).describe('time from a received packet\'s last TLP leaving the NIC to its data being visible to the core, ns (default 500: a small DMA round trip [N18])'),
  })
  .strict()
  .describe('PCIe link between NIC and memory: generation, lanes, MPS, MRRS, TLP/DLLP overheads, descriptors, DMA latency');

export type PcieConfig = z.output<typeof pcieSchema>;

/** The PCIe arithmetic of one link: rates and the bytes each packet moves in each direction. */
export class PcieModel {
  /** Raw rate of one direction after line encoding, bit/s. */
  readonly rawBps: number;
  /** Fraction of link time left to TLPs after DLLPs and SKP sets. */
  readonly dllpOverhead: number;
  /** Rate available to TLPs (headers included) in one direction, bit/s. */
  readonly tlpBps: number;
  /** Link bytes of a memory write / read request TLP without payload; a completion. */
  readonly writeHdr: number;
  readonly readHdr: number;
  readonly cplHdr: number;

  constructor(readonly cfg: PcieConfig) {
    const g = PCIE_GENERATIONS[cfg.gen]!;
    this.rawBps = g.gts * 1e9 * g.encoding * cfg.lanes;
    this.dllpOverhead = cfg.dllp_overhead ?? defaultDllpOverhead(cfg.gen, cfg.lanes, cfg.max_payload_bytes);
    this.tlpBps = this.rawBps * (1 - this.dllpOverhead);
    // generic 4-byte header + address and length: 8 B (32-bit) or 12 B (64-bit); completions 4 + 8
    this.writeHdr = cfg.tlp_overhead_bytes + 4 + (cfg.address_bits === 64 ? 12 : 8);
    this.readHdr = this.writeHdr;
    this.cplHdr = cfg.tlp_overhead_bytes + 4 + 8;
  }

  /** Link bytes of a DMA write of `n` bytes: MPS-sized memory-write TLPs. */
  write(n: number): number {
    return Math.ceil(n / this.cfg.max_payload_bytes) * this.writeHdr + n;
  }

  /** Link bytes of the read requests for `n` bytes (MRRS-sized, no payload). */
  readRequest(n: number): number {
    return Math.ceil(n / this.cfg.max_read_request_bytes) * this.readHdr;
  }

  /** Link bytes of the completions carrying `n` bytes (split at the MPS). */
  completion(n: number): number {
    return Math.ceil(n / this.cfg.max_payload_bytes) * this.cplHdr + n;
  }

  /** Per received frame of `frame` bytes, NIC → memory: data writes, descriptor write-back, descriptor read requests. */
  rxUpBytes(frame: number): number {
    const c = this.cfg;
    const b = c.descriptor_batch;
    return this.write(frame) + (c.completion_bytes > 0 ? this.write(c.completion_bytes) : 0) + this.readRequest(c.descriptor_bytes * b) / b;
  }

  /** Per received frame, memory → NIC: descriptor completions and the driver's doorbell, amortized over a batch. */
  rxDownBytes(): number {
    const c = this.cfg;
    const b = c.descriptor_batch;
    return (this.completion(c.descriptor_bytes * b) + (c.doorbell_bytes > 0 ? this.write(c.doorbell_bytes) : 0)) / b;
  }

  /** Per transmitted frame, memory → NIC: data completions, descriptor completions and the doorbell. */
  txDownBytes(frame: number): number {
    return this.completion(frame) + this.rxDownBytes();
  }

  /** Per transmitted frame, NIC → memory: read requests for data and descriptors, completion write-back. */
  txUpBytes(frame: number): number {
    const c = this.cfg;
    const b = c.descriptor_batch;
    return this.readRequest(frame) + this.readRequest(c.descriptor_bytes * b) / b + (c.completion_bytes > 0 ? this.write(c.completion_bytes) : 0);
  }

  /** Time, in ps (not rounded: the link keeps exact busy times and rounds only event times), one direction is busy with `bytes` of TLPs. */
  timePs(bytes: number): number {
    return (bytes * 8e12) / this.tlpBps;
  }
}

const LAND = 0;
/** Payload of an MSI-X interrupt message: a 4-byte memory write [N18]. */
const MSI_BYTES = 4;

/**
 * One host's PCIe link at run time: each direction is a serializing server (busy until `freeAt`).
 * A received packet is DMA'd NIC → memory (upstream) after the ones before it and lands on its
 * core's rx ring `dma_latency_ns` after its last TLP left the NIC; its descriptor traffic loads
 * the downstream direction. A transmitted packet is read memory → NIC: the NIC takes the next
 * packet only when the downstream direction has carried the previous one's completions (the
 * bandwidth cap; reads are prefetched ahead of the wire, and the read latency of a message's
 * first packet is the `nic` block's dma_read_ns).
 * Landing packets wait in a FIFO (landing times only grow) with one pending event, its head's.
 */
export class PcieLink implements Actor {
  actorId = -1;
  readonly model: PcieModel;
  /** When each direction is free, ps (exact, not rounded). */
  private upFreeAt = 0;
  private downFreeAt = 0;
  /** TLP bytes (headers and DLLP share excluded) NIC → memory and memory → NIC. */
  upBytes = 0;
  downBytes = 0;
  /** Busy ps of each direction. */
  upBusyPs = 0;
  downBusyPs = 0;
  rxPackets = 0;
  rxFrameBytes = 0;
  /** Interrupts (MSI-X writes) the NIC raised. */
  interrupts = 0;
  txPackets = 0;
  txFrameBytes = 0;
  /** Packets in DMA (not yet on their ring), by core: they hold a descriptor. */
  readonly inFlight: Int32Array;
  private readonly latencyPs: Time;
  private readonly fifo: (Packet | null)[];
  private readonly fifoAt: Float64Array;
  private readonly fifoCore: Int32Array;
  private head = 0;
  private count = 0;

  constructor(
    private readonly sim: Simulator,
    cfg: PcieConfig,
    cores: number,
    /** Most packets in DMA at once (the descriptors of every ring). */
    capacity: number,
    /** Called when a received packet's data is in memory: it goes on `core`'s ring. */
    private readonly land: (pkt: Packet, core: number) => void,
  ) {
    this.model = new PcieModel(cfg);
    this.latencyPs = Math.round(cfg.dma_latency_ns * 1000);
    this.inFlight = new Int32Array(cores);
    this.fifo = new Array<Packet | null>(capacity).fill(null);
    this.fifoAt = new Float64Array(capacity);
    this.fifoCore = new Int32Array(capacity);
    sim.register(this);
  }

  /** DMAs a received packet to memory; it lands on `core`'s ring when its data is there. */
  rx(pkt: Packet, core: number): void {
    const now = this.sim.now;
    const m = this.model;
    const up = m.rxUpBytes(pkt.frameBytes);
    const down = m.rxDownBytes();
    const t = m.timePs(up);
    this.upFreeAt = Math.max(now, this.upFreeAt) + t;
    this.upBusyPs += t;
    const d = m.timePs(down);
    this.downFreeAt = Math.max(now, this.downFreeAt) + d;
    this.downBusyPs += d;
    this.upBytes += up;
    this.downBytes += down;
    this.rxPackets++;
    this.rxFrameBytes += pkt.frameBytes;
    this.inFlight[core]!++;
    const cap = this.fifo.length;
    const i = (this.head + this.count) % cap;
    this.fifo[i] = pkt;
    this.fifoAt[i] = Math.round(this.upFreeAt) + this.latencyPs;
    this.fifoCore[i] = core;
    if (this.count++ === 0) this.sim.at(this.fifoAt[i]!, this, LAND);
  }

  onEvent(): void {
    const i = this.head;
    const pkt = this.fifo[i]!;
    const core = this.fifoCore[i]!;
    this.fifo[i] = null;
    this.head = (i + 1) % this.fifo.length;
    this.count--;
    this.inFlight[core]!--;
    if (this.count > 0) this.sim.at(this.fifoAt[this.head]!, this, LAND);
    this.land(pkt, core);
  }

  /** An interrupt: the NIC's MSI-X message, a 4-byte memory write NIC → memory. */
  msi(): void {
    const up = this.model.write(MSI_BYTES);
    const t = this.model.timePs(up);
    this.upFreeAt = Math.max(this.sim.now, this.upFreeAt) + t;
    this.upBusyPs += t;
    this.upBytes += up;
    this.interrupts++;
  }

  /** Calls `visit` on every packet still in DMA (for conservation checks). */
  forEachHeld(visit: (pkt: Packet) => void): void {
    for (let k = 0; k < this.count; k++) visit(this.fifo[(this.head + k) % this.fifo.length]!);
  }

  /**
   * Earliest time the NIC may take the next packet to transmit: when the memory → NIC direction
   * has carried the previous packets' read completions. The NIC prefetches (descriptors and data
   * are read ahead of the wire), so the DMA latency is not paid per packet; the read latency of a
   * message's first packet is the `nic` block's dma_read_ns.
   */
  txReadyAt(): Time {
    return Math.ceil(this.downFreeAt);
  }

  /** Charges the DMA reads of a packet the NIC takes for transmission at `now`. */
  tx(pkt: Packet, now: Time): void {
    const m = this.model;
    const down = m.txDownBytes(pkt.frameBytes);
    const up = m.txUpBytes(pkt.frameBytes);
    const d = m.timePs(down);
    this.downFreeAt = Math.max(now, this.downFreeAt) + d;
    this.downBusyPs += d;
    const t = m.timePs(up);
    this.upFreeAt = Math.max(now, this.upFreeAt) + t;
    this.upBusyPs += t;
    this.downBytes += down;
    this.upBytes += up;
    this.txPackets++;
    this.txFrameBytes += pkt.frameBytes;
  }
}
