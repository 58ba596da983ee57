import { z } from 'zod';
import type { Time } from '../../sim/time.js';
import { HostMemory } from './memory.js';

/**
 * What limits an RDMA NIC beyond its line rate, per host (the experiment's `nic` block):
 *
 * - **Message rate.** A new work request (or a READ/atomic the NIC answers as responder) may not
 *   start before 1/rate after the previous one, per NIC and per QP: the NIC's processing units
 *   have a finite WQE rate, which small messages hit long before the line rate.
 * - **Doorbell and DMA latency.** A posted WQE becomes visible to the NIC `doorbell_ns` after the
 *   post (an MMIO write across PCIe; with BlueFlame the WQE travels with it); a payload that is not
 *   inline must then be fetched by a DMA read (`dma_read_ns`, a PCIe round trip) before its first
 *   packet. A responder reads READ data and atomic operands the same way before answering. Data and
 *   completion entries written to host memory become visible `dma_write_ns` after the NIC writes
 *   them (a posted PCIe write).
 * - **QP-context cache.** The NIC caches the contexts of `qp_cache` QPs (LRU); sending for a QP
 *   that is not cached first fetches its context from host memory (`qp_cache_miss_ns`), during
 *   which the NIC's send pipeline stalls. With more active QPs than the cache holds, round-robin
 *   service misses on every message: the connection-scalability problem of RC.
 *
 * The `ideal` profile (the default) has none of these limits, so analytic results (the FCT of a
 * message as serialization plus propagation) hold exactly. `connectx-5` sets order-of-magnitude
 * values of a 100 Gb/s ConnectX-5 on PCIe Gen3 x16; any field overrides the profile:
 *
 * | field | connectx-5 | source |
 * | --- | --- | --- |
 * | `msg_rate_mpps` | 200 | NVIDIA ConnectX-5 product brief: "up to 200 million messages per second" |
 * | `qp_msg_rate_mpps` | 0 (none) | no public per-QP figure; measure with perftest `-q 1` vs `-q N` |
 * | `doorbell_ns` | 250 | half a PCIe round trip (one MMIO posted write) |
 * | `dma_read_ns` | 500 | PCIe round trip of a small DMA read, ~400–600 ns on Xeon hosts (Neugebauer et al., "Understanding PCIe performance for end host networking", SIGCOMM 2018) |
 * | `dma_write_ns` | 250 | a posted write: half a round trip |
 * | `qp_cache` | 256 | order of magnitude at which RC throughput falls on ConnectX-3/4-era NICs (Kalia et al., "Design Guidelines for High Performance RDMA Systems", ATC 2016; Kalia et al., FaSST, OSDI 2016); newer NICs hold more |
 * | `qp_cache_miss_ns` | = `dma_read_ns` | a context fetch is a PCIe read |
 * | `max_inline_bytes` | 220 | mlx5's usual `max_inline_data` (perftest's default inline size for WRITE) |
 *
 * These are starting points to calibrate against perftest on the hardware being modelled, not
 * measurements of it.
 */
export const NIC_PROFILES = {
  ideal: { msg_rate_mpps: 0, qp_msg_rate_mpps: 0, doorbell_ns: 0, dma_read_ns: 0, dma_write_ns: 0, qp_cache: 0, qp_cache_miss_ns: 0, max_inline_bytes: 220 },
  'connectx-5': { msg_rate_mpps: 200, qp_msg_rate_mpps: 0, doorbell_ns: 250, dma_read_ns: 500, dma_write_ns: 250, qp_cache: 256, qp_cache_miss_ns: 500, max_inline_bytes: 220 },
} as const;

const ns = (what: string) => z.number().min(0).max(1e9).optional().describe(`${what}, ns (default: the profile's)`);

/** The experiment's `nic` block: a profile and overrides of its fields. */
export const nicSchema = z
  .object({
    profile: z
      .enum(['ideal', 'connectx-5'])
      .default('ideal')
      .describe("'ideal' (no NIC limits: analytic results hold exactly) or 'connectx-5' (order-of-magnitude values of a 100 Gb/s ConnectX-5)"),
    msg_rate_mpps: z.number().min(0).max(1e6).optional().describe('work requests the NIC starts per µs (million/s), all QPs together; 0: unlimited'),
    qp_msg_rate_mpps: z.number().min(0).max(1e6).optional().describe('work requests one QP starts per µs (million/s); 0: unlimited'),
    doorbell_ns: ns('from a post to the NIC seeing the WQE (MMIO doorbell)'),
    dma_read_ns: ns('a DMA read of host memory (payload of a non-inline send, READ data and atomic operands at the responder)'),
    dma_write_ns: ns('from the NIC writing data or a completion to host memory to the CPU seeing it'),
    qp_cache: z.int().min(0).max(1e8).optional().describe('QP contexts the NIC caches (LRU); 0: unlimited'),
    qp_cache_miss_ns: ns('NIC stall to fetch a QP context that is not cached'),
    max_inline_bytes: z.int().min(0).max(4096).optional().describe('largest inline payload a QP accepts (IBV_SEND_INLINE)'),
  })
  .strict()
  .default(() => ({ profile: 'ideal' as const }))
  .describe('RDMA NIC limits of every host: message rate, doorbell/DMA latency, QP-context cache (default profile ideal: none)');

/** A validated `nic` block. */
export type NicConfig = z.output<typeof nicSchema>;

/** NIC limits in simulator units. */
export interface NicLimits {
  /** Minimum time between two work requests the NIC starts, ps (0: none). */
  msgIntervalPs: Time;
  /** Minimum time between two work requests one QP starts, ps (0: none). */
  qpMsgIntervalPs: Time;
  doorbellPs: Time;
  dmaReadPs: Time;
  dmaWritePs: Time;
  /** QP contexts cached (0: unlimited). */
  qpCache: number;
  qpCacheMissPs: Time;
  maxInline: number;
}

const interval = (mpps: number): Time => (mpps > 0 ? Math.ceil(1e6 / mpps) : 0);

/** The limits of a validated `nic` block: its profile with the given fields overriding it. */
export function nicLimits(cfg: Partial<NicConfig> = {}): NicLimits {
  const p = { ...NIC_PROFILES[cfg.profile ?? 'ideal'] } as Record<string, number>;
  for (const [k, v] of Object.entries(cfg)) if (k !== 'profile' && typeof v === 'number') p[k] = v;
  // a context fetch is a DMA read unless the file says otherwise
  if (cfg.qp_cache_miss_ns === undefined && cfg.dma_read_ns !== undefined) p.qp_cache_miss_ns = cfg.dma_read_ns;
  const ps = (n: number): Time => Math.round(n * 1000);
  return {
    msgIntervalPs: interval(p.msg_rate_mpps!),
    qpMsgIntervalPs: interval(p.qp_msg_rate_mpps!),
    doorbellPs: ps(p.doorbell_ns!),
    dmaReadPs: ps(p.dma_read_ns!),
    dmaWritePs: ps(p.dma_write_ns!),
    qpCache: p.qp_cache!,
    qpCacheMissPs: ps(p.qp_cache_miss_ns!),
    maxInline: p.max_inline_bytes!,
  };
}

/** What the QP-context cache needs of a QP: intrusive LRU links (no allocation per access). */
export interface CachedContext {
  lruPrev: CachedContext | null;
  lruNext: CachedContext | null;
  inCache: boolean;
}

/**
 * One host's RDMA NIC state shared by its QPs: the NIC-wide message-rate clock, the send-pipeline
 * stall of a QP-context fetch, the LRU context cache, and the host memory atomics act on.
 */
export class RdmaDevice {
  readonly memory = new HostMemory();
  /** Earliest time the NIC may start another work request, ps. */
  nextWqeAt: Time = 0;
  /** The send pipeline is stalled (fetching a QP context) until this time, ps. */
  stallUntil: Time = 0;
  /** QP-context cache hits and misses. */
  cacheHits = 0;
  cacheMisses = 0;
  private mru: CachedContext | null = null;
  private lru: CachedContext | null = null;
  private cached = 0;

  constructor(
    readonly host: number,
    readonly limits: NicLimits,
  ) {}

  /** Marks `q` most recently used (it is cached). */
  touch(q: CachedContext): void {
    this.cacheHits++;
    if (this.mru === q) return;
    this.unlink(q);
    this.pushMru(q);
  }

  /** Loads `q`'s context (evicting the least recently used) and stalls the send pipeline for the fetch. */
  fetch(q: CachedContext, now: Time): void {
    this.cacheMisses++;
    if (this.cached >= this.limits.qpCache && this.lru !== null) {
      const victim = this.lru;
      this.unlink(victim);
      victim.inCache = false;
      this.cached--;
    }
    this.pushMru(q);
    q.inCache = true;
    this.cached++;
    this.stallUntil = now + this.limits.qpCacheMissPs;
  }

  /** Drops `q` from the cache (the QP was destroyed or reset). */
  evict(q: CachedContext): void {
    if (!q.inCache) return;
    this.unlink(q);
    q.inCache = false;
    this.cached--;
  }

  private pushMru(q: CachedContext): void {
    q.lruPrev = null;
    q.lruNext = this.mru;
    if (this.mru !== null) this.mru.lruPrev = q;
    this.mru = q;
    if (this.lru === null) this.lru = q;
  }

  private unlink(q: CachedContext): void {
    if (q.lruPrev !== null) q.lruPrev.lruNext = q.lruNext;
    else if (this.mru === q) this.mru = q.lruNext;
    if (q.lruNext !== null) q.lruNext.lruPrev = q.lruPrev;
    else if (this.lru === q) this.lru = q.lruPrev;
    q.lruPrev = null;
    q.lruNext = null;
  }
}

/** The RDMA devices of a run's hosts, created on first use. */
export class RdmaDevices {
  private readonly byHost = new Map<number, RdmaDevice>();

  constructor(readonly limits: NicLimits = nicLimits()) {}

  get(host: number): RdmaDevice {
    let d = this.byHost.get(host);
    if (d === undefined) {
      d = new RdmaDevice(host, this.limits);
      this.byHost.set(host, d);
    }
    return d;
  }

  /** Every device created, by host id. */
  all(): RdmaDevice[] {
    return [...this.byHost.values()].sort((a, b) => a.host - b.host);
  }
}
