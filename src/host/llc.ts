import { z } from 'zod';
import type { Packet } from '../fabric/packet.js';

/*
 * Sources:
 * [F20] A. Farshin, A. Roozbeh, G. Q. Maguire Jr., D. Kostić, "Reexamining Direct Cache Access to
 *       Optimize I/O Intensive Applications for Multi-hundred-gigabit Networks", USENIX ATC 2020:
 *       DDIO writes incoming DMA into a limited number of LLC ways, 2 by default (of 11 on their
 *       Xeon: ~18 %); when the rx buffers in flight outgrow them, packets are evicted before the core
 *       reads them ("leaky DMA") and each touched line is read from DRAM.
 * [ixgbe] Linux ixgbe/i40e drivers: 2 KiB rx buffers (IXGBE_RXBUFFER_2K): rx_buffer_bytes 2048.
 * size_mib 32 and miss_ns 80 (an LLC miss served by local DRAM on a current Xeon): order-of-
 * magnitude values, no published source; set them for the CPU you model.
 */

/** Bytes of a cache line. */
export const CACHE_LINE_BYTES = 64;

/** The `hosts.llc` block: the last-level cache and the share DDIO may write. */
export const llcSchema = z
  .object({
    size_mib: z.number().positive().max(4096).default(32).describe('LLC size, MiB (default 32; no published source)'),
    ways: z.int().min(1).max(64).default(11).describe('LLC associativity (default 11 [F20])'),
    ddio_ways: z.int().min(0).max(64).default(2).describe('ways DDIO may write incoming DMA into (default 2 [F20]); 0: DDIO off, every packet misses'),
    rx_buffer_bytes: z.int().min(64).max(1 << 20).default(2048).describe('rx buffer per descriptor, bytes (default 2048, the ixgbe/i40e drivers [ixgbe])'),
    miss_ns: z.number().min(0).max(1e6).default(80).describe('cost per cache line of a packet read from DRAM after eviction, ns (default 80, a dependent miss; lines streamed in parallel cost less per line, e.g. 10; no published source)'),
  })
  .strict()
  .refine((l) => l.ddio_ways <= l.ways, { path: ['ddio_ways'], message: 'ddio_ways must not exceed ways' })
  .describe('last-level cache and DDIO: rx buffers beyond the DDIO share miss in the LLC');

export type LlcConfig = z.output<typeof llcSchema>;

/**
 * DDIO and LLC thrashing: the NIC writes received packets into the DDIO share of the LLC
 * (`size × ddio_ways / ways`). While the rx buffers in flight — descriptors in use × buffer size —
 * fit in that share, a core finds its packet in the cache; once they do not, each packet costs
 * its cache lines × `miss_ns` more (stage `llc_miss` in cpu.csv).
 */
export class LlcModel {
  /** Bytes DDIO may hold. */
  readonly ddioBytes: number;
  /** Most descriptors in use whose buffers fit in the DDIO share. */
  readonly fitDescriptors: number;
  private readonly missPsPerLine: number;
  /** Packets that missed, and the cache lines they missed. */
  missedPackets = 0;
  missedLines = 0;

  constructor(readonly cfg: LlcConfig) {
    this.ddioBytes = (cfg.size_mib * 1024 * 1024 * cfg.ddio_ways) / cfg.ways;
    this.fitDescriptors = Math.floor(this.ddioBytes / cfg.rx_buffer_bytes);
    this.missPsPerLine = cfg.miss_ns * 1000;
  }

  /** Extra ps a core pays for `pkt` when `inUse` descriptors hold rx buffers (0 while they fit). */
  costPs(pkt: Packet, inUse: number): number {
    if (inUse <= this.fitDescriptors) return 0;
    const lines = Math.ceil(pkt.frameBytes / CACHE_LINE_BYTES);
    this.missedPackets++;
    this.missedLines += lines;
    return lines * this.missPsPerLine;
  }
}
