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
