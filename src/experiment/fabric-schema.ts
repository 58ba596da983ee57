import { z } from 'zod';
import { IB_SPEEDS, IB_WIDTHS } from '../fabric/ib-speed.js';

/**
 * The `fabric` block of an experiment file: MTU, switch buffers, scheduling, PFC, ECN marking,
 * routing and per-hop latency. Every object is strict and every field has a default, so
 * `fabric: {}` (or no `fabric` at all) is a lossless RoCE fabric with PFC on priority 3.
 */

const MiB16 = 16 * 1024 * 1024;

/** Shared-buffer admission: dynamic thresholds (Choudhury-Hahne) or a fixed per-queue cap. */
export const bufferSchema = z
  .discriminatedUnion('policy', [
    z
      .object({
        policy: z.literal('dynamic').describe('dynamic thresholds: a queue may grow to alpha × the free shared buffer'),
        alpha: z.number().positive().max(1024).default(1).describe('the dynamic-threshold factor alpha (> 0, default 1)'),
      })
      .strict(),
    z
      .object({
        policy: z.literal('static').describe('a fixed cap per egress queue'),
        queue_bytes: z.int().positive().describe('maximum bytes queued per egress queue (required)'),
      })
      .strict(),
  ])
  .default(() => ({ policy: 'dynamic' as const, alpha: 1 }))
  .describe("switch buffer admission policy: 'dynamic' (alpha) or 'static' (queue_bytes)");

const vlArbEntry = z
  .object({
    vl: z.int().min(0).max(7).describe('virtual lane (= traffic class) 0..7'),
    weight: z.int().min(0).max(255).describe('64-byte units it may send per turn (0: skipped)'),
  })
  .strict();

/** Egress scheduling across the 8 traffic classes. */
export const schedulerSchema = z
  .discriminatedUnion('kind', [
    z
      .object({
        kind: z.literal('strict').describe('strict priority: the highest non-empty class (7 first) always goes next'),
      })
      .strict(),
    z
      .object({
        kind: z.literal('dwrr').describe('deficit weighted round robin across the classes'),
        weights: z
          .array(z.number().positive().describe('weight of one class'))
          .length(8)
          .default(() => [1, 1, 1, 1, 1, 1, 1, 1])
          .describe('8 positive weights, class 0 first (default: all 1)'),
        quantum_bytes: z.int().positive().default(9000).describe('bytes a weight of 1 earns per round (default 9000)'),
      })
      .strict(),
    z
      .object({
        kind: z.literal('vl-arbitration').describe('InfiniBand VL arbitration: high- and low-priority weighted tables with a high-priority limit (VL = traffic class)'),
        high: z
          .array(vlArbEntry)
          .max(64)
          .default(() => [])
          .describe('high-priority table, served first (default empty)'),
        low: z
          .array(vlArbEntry)
          .max(64)
          .default(() => Array.from({ length: 8 }, (_, vl) => ({ vl, weight: 64 })))
          .describe('low-priority table (default: VLs 0..7, weight 64 each)'),
        high_limit: z
          .int()
          .min(0)
          .max(255)
          .default(255)
          .describe('bytes the high table may send, in 4096-byte units, before one low-priority packet goes when one waits (0: one packet; 255: no limit, the default)'),
      })
      .strict(),
  ])
  .default(() => ({ kind: 'strict' as const }))
  .describe("egress scheduler: 'strict' priority, 'dwrr' or 'vl-arbitration' (InfiniBand)");

const watchdogObject = z
  .object({
    enabled: z.boolean().default(false).describe('whether switches run the PFC watchdog (default false)'),
    timeout_us: z
      .number()
      .positive()
      .max(1e9)
      .default(100)
      .describe('a lossless egress queue paused continuously this long (µs) trips the watchdog (default 100)'),
    action: z
      .enum(['drop', 'disable'])
      .default('drop')
      .describe("on a trip: 'drop' discards the queue and new arrivals for it and ignores PAUSE; 'disable' only ignores PAUSE for it (default 'drop')"),
    restore_us: z
      .number()
      .positive()
      .max(1e9)
      .default(200)
      .describe('a tripped queue is restored once no PAUSE has arrived for this long, µs (default 200)'),
  })
  .strict();

/** The PFC watchdog of the switches (pause-storm protection). */
export const watchdogSchema = watchdogObject
  .default(() => watchdogObject.parse({}))
  .describe('PFC watchdog: stops a queue paused too long from spreading the pause (SONiC pfcwd, vendor "PFC watchdog")');

const pfcObject = z
  .object({
    enabled: z.boolean().default(true).describe('whether PFC is on (off: lossy Ethernet)'),
    priorities: z
      .array(z.int().min(0).max(7).describe('a priority (traffic class) 0..7'))
      .max(8)
      .default(() => [3])
      .describe('the lossless priorities PFC protects (unique, default [3])'),
    xoff_bytes: z.int().positive().default(98304).describe('ingress bytes per priority above which PAUSE is sent (default 96 KiB)'),
    xon_bytes: z.int().min(0).default(81920).describe('ingress bytes per priority below which RESUME is sent; < xoff_bytes (default 80 KiB)'),
    headroom_bytes: z
      .int()
      .min(0)
      .optional()
      .describe('buffer reserved per port and priority for in-flight bytes after PAUSE (absent: computed per port from link rate and delay)'),
    quanta: z.int().min(1).max(65535).default(65535).describe('pause time in PAUSE frames, in 512-bit-time quanta (1..65535)'),
    xoff_alpha: z
      .number()
      .positive()
      .max(1024)
      .optional()
      .describe('dynamic XOFF: the threshold is xoff_alpha × the free shared buffer (XON that minus xoff_bytes − xon_bytes); absent: static xoff_bytes/xon_bytes'),
    deadlock_check_us: z
      .number()
      .min(0)
      .max(1e9)
      .optional()
      .describe(
        'PFC deadlock detection: a cycle of ports each paused this long (µs) and waiting on the next stops the run (stop_reason deadlock); checked every half of it while any port is paused. Absent: the pause time of one PAUSE frame on the slowest switch port (quanta × 512 bit times; 336 µs at 100 Gb/s); 0: off',
      ),
    watchdog: watchdogSchema,
    on_lossless_drop: z
      .enum(['error', 'warn'])
      .default('error')
      .describe("a packet dropped in a lossless priority (not by the watchdog): 'error' stops the run (stop_reason lossless-drop), 'warn' counts it and warns (default 'error')"),
  })
  .strict()
  .superRefine((p, ctx) => {
    const seen = new Set<number>();
    p.priorities.forEach((prio, i) => {
      if (seen.has(prio)) ctx.addIssue({ code: 'custom', message: `priority ${prio} is listed twice`, path: ['priorities', i], input: prio });
      seen.add(prio);
    });
    if (p.xon_bytes >= p.xoff_bytes) {
      ctx.addIssue({
        code: 'custom',
        message: `xon_bytes must be below xoff_bytes (${p.xoff_bytes}); found ${p.xon_bytes}`,
        path: ['xon_bytes'],
        input: p.xon_bytes,
      });
    }
  });

/** Priority flow control (IEEE 802.1Qbb) at every switch ingress and host. */
export const pfcSchema = pfcObject
  .default(() => pfcObject.parse({}))
  .describe('priority flow control (802.1Qbb)');

/** ECN marking at switch egress queues. */
export const ecnSchema = z
  .discriminatedUnion('kind', [
    z.object({ kind: z.literal('none').describe('no ECN marking') }).strict(),
    z
      .object({
        kind: z.literal('threshold').describe('mark every packet enqueued above k_bytes (DCTCP-style step)'),
        k_bytes: z.int().positive().describe('marking threshold in queued bytes (required)'),
      })
      .strict(),
    z
      .object({
        kind: z.literal('red').describe('RED-style marking: probability rises linearly from 0 at kmin to pmax at kmax, 1 above'),
        kmin_bytes: z.int().min(0).describe('queue bytes where marking starts (required; < kmax_bytes)'),
        kmax_bytes: z.int().positive().describe('queue bytes where the probability reaches pmax (required)'),
        pmax: z.number().gt(0).max(1).default(0.01).describe('marking probability at kmax_bytes, in (0, 1] (default 0.01)'),
      })
      .strict()
      .refine((e) => e.kmin_bytes < e.kmax_bytes, {
        message: 'kmin_bytes must be below kmax_bytes',
        path: ['kmin_bytes'],
      }),
    // IB CC switch settings (IBA Annex A10 SwitchCongestionSetting); defaults and sources in src/fabric/marking/ib-fecn.ts
    z
      .object({
        kind: z.literal('ib-fecn').describe('InfiniBand FECN marking (IBA Annex A10): Threshold, Marking_Rate and Packet_Size as a subnet manager sets them'),
        threshold: z
          .int()
          .min(0)
          .max(15)
          .default(11)
          .describe('4-bit Threshold: 0 no marking, 1 loose … 15 aggressive; marks above (16 − threshold)/16 of fabric.credit.vl_buffer_bytes queued for the VL (default 11, LLNL opensm-cc-optimizer)'),
        marking_rate: z
          .int()
          .min(0)
          .max(65535)
          .default(15)
          .describe('Marking_Rate: eligible packets between two FECN marks at a port (0: mark every one; default 15, LLNL opensm-cc-optimizer)'),
        packet_size: z
          .int()
          .min(0)
          .max(255)
          .default(1)
          .describe('Packet_Size in 64-byte credits: smaller packets are never marked (default 1, LLNL opensm-cc-optimizer)'),
      })
      .strict(),
  ])
  .default(() => ({ kind: 'none' as const }))
  .describe("ECN marking: 'none', 'threshold' (k_bytes), 'red' (kmin_bytes, kmax_bytes, pmax) or 'ib-fecn' (threshold, marking_rate, packet_size)");

const routingObject = z
  .object({
    ecmp: z
      .enum(['hash', 'spray'])
      .default('hash')
      .describe("'hash': one path per flow (hash of the 5-tuple); 'spray': a path per packet"),
    algorithm: z
      .enum(['shortest', 'updown', 'minhop', 'updn', 'ftree'])
      .default('shortest')
      .describe(
        "'shortest': every shortest path; 'updown': up*/down* routing (deadlock-free: no cyclic buffer dependency), the shortest legal paths; OpenSM's names: 'minhop' = shortest, 'updn' = updown, 'ftree': one shortest path per destination spread by destination-mod-k over the up-links (fat trees) (default 'shortest')",
      ),
    adaptive: z
      .boolean()
      .default(false)
      .describe(
        'adaptive routing: every switch sends each packet to the candidate port (of the algorithm: every shortest or legal up*/down* port) with the fewest queued bytes, ties to the static choice; packets of one flow may then arrive out of order (default false)',
      ),
    root: z
      .union([z.string().min(1), z.array(z.string().min(1)).min(1)])
      .optional()
      .describe('updown only: the root switch(es) of the BFS levels, by node key (absent: every switch farthest from the hosts: spines, core switches)'),
  })
  .strict()
  .superRefine((r, ctx) => {
    if (r.root !== undefined && r.algorithm !== 'updown' && r.algorithm !== 'updn') {
      ctx.addIssue({ code: 'custom', message: "root applies only to algorithm 'updown' (or 'updn')", path: ['root'], input: r.root });
    }
  });

/** How switches choose among equal-cost next hops. */
export const routingSchema = routingObject
  .default(() => routingObject.parse({}))
  .describe('multipath routing');

const creditObject = z
  .object({
    vl_buffer_bytes: z
      .int()
      .min(64)
      .max(1 << 30)
      .default(65536)
      .describe('receive buffer per port and virtual lane in bytes, advertised as floor(bytes / 64) credits (default 65536: 1024 credits)'),
    loop_check_us: z
      .number()
      .min(0)
      .max(1e9)
      .default(100)
      .describe(
        'credit-loop detection: a cycle of switch-facing ports each stalled for credits this long (µs) and waiting on the next stops the run (stop_reason deadlock); checked every half of it while any VL is stalled (default 100; 0: off)',
      ),
  })
  .strict();

/** Credit-based link flow control (InfiniBand). */
export const creditSchema = creditObject
  .default(() => creditObject.parse({}))
  .describe('credit-based link flow control: per-VL receive buffers advertised in 64-byte credits');

const slToVlRow = z
  .array(z.int().min(0).max(7).describe('a VL 0..7'))
  .min(1)
  .max(16)
  .describe('VL of SL 0, 1, ... (up to 16 entries; SLs not listed keep their number)');

const fabricObject = z
  .object({
    mtu: z.int().min(256).max(4096).default(1024).describe('payload bytes per packet (IB MTU), 256..4096 (default 1024)'),
    buffer_bytes: z.int().positive().default(MiB16).describe('shared packet buffer per switch in bytes (default 16 MiB)'),
    buffer: bufferSchema,
    scheduler: schedulerSchema,
    pfc: pfcSchema,
    ecn: ecnSchema,
    routing: routingSchema,
    switch_latency_ns: z.number().min(0).max(1e9).default(0).describe('fixed forwarding latency per switch hop in ns (default 0)'),
    switching: z
      .enum(['store-and-forward', 'cut-through'])
      .default('store-and-forward')
      .describe("'store-and-forward': a switch forwards a frame once it has fully arrived (default); 'cut-through': once its header has (cut_through_bytes), while the tail still streams in"),
    cut_through_bytes: z
      .int()
      .min(1)
      .max(4096)
      .optional()
      .describe('cut-through only: the frame bytes a switch waits for before forwarding (absent: the headers it routes on: InfiniBand LRH 8; Ethernet MAC + IPv4 + UDP 42, 46 with vlan_tag)'),
    flow_control: z
      .enum(['auto', 'pfc', 'credit'])
      .default('auto')
      .describe("link flow control: 'pfc' (the pfc block), 'credit' (per-VL credits, lossless by construction; pfc ignored) or 'auto' (the transport's own: credit for infiniband, pfc otherwise; default)"),
    credit: creditSchema,
    sl_to_vl: z
      .object({
        all: slToVlRow.optional().describe('the table of every switch port'),
        ports: z.record(z.string().min(1), slToVlRow).optional().describe('tables of single switch ports by node:local (e.g. leaf0:2), overriding all'),
        pairs: z
          .record(z.string().min(1), slToVlRow)
          .optional()
          .describe('tables of single (input port, output port) pairs of a switch by node:in>out (e.g. leaf0:2>3: from local port 2 to local port 3 of leaf0), overriding ports and all (IBA SLtoVLMappingTable)'),
        hosts: slToVlRow.optional().describe("the table of every host (channel adapter): the VL its port sends a QP's SL on (absent: VL = SL)"),
      })
      .strict()
      .optional()
      .describe('SL→VL mapping at switch egress ports (optionally per input port too) and at hosts: entry i is the VL (0..7) of service level i (the transport priority); absent: VL = SL'),
    ib_speed: z
      .enum(Object.keys(IB_SPEEDS) as [keyof typeof IB_SPEEDS, ...(keyof typeof IB_SPEEDS)[]])
      .optional()
      .describe('run every link at this InfiniBand speed\'s data rate × ib_width lanes (4x: SDR 8, DDR 16, QDR 32, FDR 54.55, EDR 100, HDR 200, NDR 400 Gb/s), overriding the topology\'s rate_gbps; absent: the topology\'s rates'),
    ib_width: z
      .union(IB_WIDTHS.map((w) => z.literal(w)) as unknown as [z.ZodLiteral<1>, z.ZodLiteral<2>, z.ZodLiteral<4>, z.ZodLiteral<8>, z.ZodLiteral<12>])
      .default(4)
      .describe('lanes per link with ib_speed: 1, 2, 4, 8 or 12 (default 4)'),
    subnet_manager: z
      .object({
        host: z.string().min(1).describe('the host running the subnet manager, by node key (required)'),
        sweep_interval_us: z
          .number()
          .min(0)
          .max(1e9)
          .default(1e7)
          .describe("µs between sweeps (default 10 s: OpenSM's sweep_interval; 0: one sweep)"),
        start_us: z.number().min(0).max(1e9).default(0).describe('µs of the first sweep (default 0)'),
        max_wire_smps: z.int().min(1).max(1024).default(4).describe("SMPs outstanding at once (default 4: OpenSM's max_wire_smps)"),
      })
      .strict()
      .optional()
      .describe('InfiniBand subnet manager traffic on VL15: each sweep sends a 290-byte SMP to every other host and gets one back; VL15 needs no credits and goes ahead of every data VL (infiniband only; absent: none)'),
    vlan_tag: z.boolean().default(false).describe('add an 802.1Q tag (4 bytes) to every frame'),
    link_loss_rate: z
      .number()
      .min(0)
      .max(0.5)
      .default(0)
      .describe('probability that a data frame is corrupted on a cable and discarded (random loss on every link; default 0)'),
  })
  .strict()
  .superRefine((f, ctx) => {
    if (f.cut_through_bytes !== undefined && f.switching !== 'cut-through') {
      ctx.addIssue({ code: 'custom', message: "cut_through_bytes applies only to switching 'cut-through'", path: ['cut_through_bytes'], input: f.cut_through_bytes });
    }
  });

/** The whole `fabric` block. */
export const fabricSchema = fabricObject
  .default(() => fabricObject.parse({}))
  .describe('switches and links: MTU, buffers, scheduling, PFC, ECN, routing');

/** Validated `fabric.buffer`. */
export type BufferConfig = z.output<typeof bufferSchema>;
/** Validated `fabric.scheduler`. */
export type SchedulerConfig = z.output<typeof schedulerSchema>;
/** Validated `fabric.pfc`. */
export type PfcConfig = z.output<typeof pfcSchema>;
/** Validated `fabric.ecn`. */
export type EcnConfig = z.output<typeof ecnSchema>;
/** Validated `fabric.pfc.watchdog`. */
export type WatchdogConfig = z.output<typeof watchdogSchema>;
/** Validated `fabric.routing`. */
export type RoutingConfig = z.output<typeof routingSchema>;
/** Validated `fabric.credit`. */
export type CreditConfig = z.output<typeof creditSchema>;
/** Validated `fabric` block, every default filled in. */
export type FabricConfig = z.output<typeof fabricSchema>;
