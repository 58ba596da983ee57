import { z } from 'zod';
import type { Variant } from '../sim/registry.js';

/**
 * When a stage's per-call cost is paid:
 * - `interrupt`: when a core that was idle takes a packet (the NIC raised an interrupt, NAPI was
 *   scheduled, the sleeping reader is woken): once per busy period of the core.
 * - `poll`: once per NAPI poll, i.e. at the start of a busy period and then every `budget`
 *   packets processed back to back.
 * - `none`: never.
 */
export type CallKind = 'none' | 'interrupt' | 'poll';

/** One named processing stage of a stack: its cost and where the number comes from. */
export interface Stage {
  /** Name, as written to cpu.csv (`sk_buff_alloc`, `netfilter`, ...). */
  readonly name: string;
  /** ns per packet. */
  readonly perPacketNs: number;
  /** ns per byte of the frame (copies, checksums). */
  readonly perByteNs: number;
  /** ns per call (see {@link CallKind}). */
  readonly perCallNs: number;
  readonly call: CallKind;
  /** Where the default comes from ("no published source" when none). */
  readonly source: string;
}

/**
 * A host's network stack as the CPU sees it: the stages a received (and a transmitted) packet
 * costs, in ns at the host's clock. Built from validated parameters by a {@link StackVariant}.
 */
export interface StackModel {
  readonly name: string;
  /** Stages a received packet passes, in order. */
  readonly rx: readonly Stage[];
  /** Stages a transmitted packet passes (charged, not yet timed: see src/host/cpu.ts). */
  readonly tx: readonly Stage[];
  /** Poll-mode cores (DPDK): they spin, so they are 100 % busy whatever the load. */
  readonly pollMode: boolean;
  /** The zero-cost stack: packets go straight to the transport (fabricsim without a host model). */
  readonly ideal: boolean;
  /** Packets per NAPI poll (per-call `poll` stages are paid once per this many packets). */
  readonly budget: number;
  /**
   * An early drop (XDP_DROP): packets of these connections (flow_id) pass only the first
   * `dropAfter` rx stages and are then discarded; absent: every packet passes every stage.
   */
  readonly drop?: { readonly flows: ReadonlySet<number>; readonly dropAfter: number };
  /**
   * Per-flow verdicts of an early program (XDP): which rx stages a packet of each connection runs
   * and what happens to it then (pass to the transport, drop, or send back out through the NIC).
   * Absent: every packet passes every stage (or `drop` applies).
   */
  readonly verdicts?: StackVerdicts;
  /** The transport kind this stack implements in software (soft-RoCE: roce-v2); a run with another is refused. */
  readonly transport?: string;
  /** Host CPU work per posted send work request (`ibv_post_send` + doorbell), ns; absent or 0: free. */
  readonly postSendNs?: number;
  /** A program on the NIC's own cores, run before PCIe (SmartNIC, src/host/stacks/smartnic.ts); absent: none. */
  readonly nic?: NicProgram;
  /** Receive-side merging of a stream's segments (GRO in software, LRO in the NIC); absent: every packet pays every stage. */
  readonly rxMerge?: RxMerge;
  /** Transmit-side segmentation (TSO in the NIC, GSO in the driver); absent: every packet pays every tx stage. */
  readonly txSegmentation?: TxSegmentation;
}

/**
 * GRO / LRO (src/host/cpu.ts): consecutive data segments of one stream connection (TCP, iWARP)
 * processed in one NAPI poll are merged into a super-packet; rx stages from index `from` on pay
 * their per-packet cost once per super-packet (their per-byte cost still per byte), the stages
 * before `from` once per wire packet. GRO: `from` is the stage after `gro`; LRO (the NIC merges):
 * the driver's stage.
 */
export interface RxMerge {
  readonly kind: 'gro' | 'lro';
  /** First rx stage charged per merged super-packet. */
  readonly from: number;
  /** A super-packet stays below this many bytes (the first frame + the payload of the others). */
  readonly maxBytes: number;
  /** Most segments in one super-packet. */
  readonly maxSegs: number;
  /** Super-packets held at once per core (one per connection; Linux MAX_GRO_SKBS). */
  readonly flows: number;
  /** Stages at or after `from` that still pay per wire segment (siw parses one FPDU per segment); absent: none. */
  readonly wireStages?: readonly number[];
  /**
   * A NAPI poll that spends its budget (the ring is not empty) flushes only the super-packets
   * held since an earlier jiffy of this many µs (Linux `gro_flush(…, flush_old)` with HZ ≥ 1000);
   * absent or 0: it flushes them all (HZ < 1000). A poll that empties the ring flushes all.
   */
  readonly flushOldJiffyUs?: number;
}

/**
 * TSO / GSO (src/host/tx-path.ts): the data segments one stream connection sends back to back
 * form super-segments of up to `maxBytes`; tx stages with `perSegment[s]` pay their per-packet
 * cost once per super-segment (per-byte costs still per byte), the others once per wire packet
 * (GSO's software segmentation, and the driver under GSO).
 */
export interface TxSegmentation {
  readonly kind: 'tso' | 'gso';
  readonly perSegment: readonly boolean[];
  readonly maxBytes: number;
}

/**
 * A SmartNIC program: `cores` NIC cores, each with a ring of `ringSize` packets, serve the packets
 * before they cross PCIe, costing `stages` (as a host core's rx stages); packets of `drop.flows`
 * are dropped after the first `drop.dropAfter` stages and never reach PCIe or a host core.
 */
export interface NicProgram {
  readonly cores: number;
  readonly ringSize: number;
  readonly stages: readonly Stage[];
  readonly drop?: { readonly flows: ReadonlySet<number>; readonly dropAfter: number };
}

/** XDP_PASS: the packet goes on to the transport. */
export const VERDICT_PASS = 0;
/** XDP_DROP: discarded after the program. */
export const VERDICT_DROP = 1;
/** XDP_TX: sent back out of the port it came in on. */
export const VERDICT_TX = 2;
/** XDP_REDIRECT: sent out toward another host (a single-NIC host: out of the same port). */
export const VERDICT_REDIRECT = 3;

/** What an early program (XDP) does with each flow's packets; see {@link StackModel.verdicts}. */
export interface StackVerdicts {
  /** Verdict by connection (flow_id); a connection not listed gets VERDICT_PASS. */
  readonly byConn: ReadonlyMap<number, number>;
  /** By verdict code: for each rx stage, 1 if a packet with that verdict runs it, 0 if it skips it. */
  readonly runs: readonly Uint8Array[];
  /**
   * Where forwarded packets go, by host name (resolved to ids by src/host/setup.ts): XDP_TX to
   * one of `backends` (a Maglev consistent hash of the flow), XDP_REDIRECT to `redirectTo`.
   */
  readonly backends: readonly string[];
  readonly redirectTo: string | null;
  /** Outer header bytes added to every forwarded frame (IP-in-IP: 20); 0: none. */
  readonly encapBytes: number;
  /** Driver tx ring descriptors for forwarded frames: a frame finding it full is dropped. */
  readonly txRing: number;
}

/** A stack model variant: one file in `src/host/stacks/` and one line in the registry. */
export interface StackVariant<P = unknown> extends Variant<P> {
  /** Builds the model; `clockScale` = reference clock / host clock multiplies every cost. */
  create(params: P, clockScale: number): StackModel;
}

/** A stage, with its costs multiplied by `scale`. */
export function stage(name: string, cost: { packet?: number; byte?: number; call?: number; when?: CallKind }, source: string, scale = 1): Stage {
  return {
    name,
    perPacketNs: (cost.packet ?? 0) * scale,
    perByteNs: (cost.byte ?? 0) * scale,
    perCallNs: (cost.call ?? 0) * scale,
    call: cost.when ?? (cost.call !== undefined ? 'interrupt' : 'none'),
    source,
  };
}

/** A non-negative cost in ns, for stack parameter schemas. */
export const costNs = (def: number, what: string) => z.number().min(0).max(1e9).default(def).describe(`${what}, ns (default ${def})`);
