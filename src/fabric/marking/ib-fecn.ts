import type { EcnMarker } from './marker.js';

/**
 * The switch side of InfiniBand congestion control (IBA Vol. 1 Annex A10, SwitchCongestionSetting):
 * a port whose queue for a VL is past the switch's `Threshold` sets FECN on packets it forwards,
 * but only on packets of at least `Packet_Size` credits (64-byte units), and only on one of every
 * `Marking_Rate + 1` such packets (Marking_Rate is "the mean number of packets between markings",
 * as OpenSM's opensm.conf documents it; 0: every eligible packet). Here the choice is
 * deterministic: a per-port counter of eligible packets, the packet that brings it to
 * Marking_Rate + 1 is marked and the counter restarts.
 *
 * Threshold is the spec's 4-bit value (0: no marking, 1 the least and 15 the most aggressive);
 * what a value means in bytes is left to the switch. This model maps it to an occupancy of the
 * VL's queue at the egress port: marking above `(16 − threshold) / 16` of one VL receive buffer
 * (`fabric.credit.vl_buffer_bytes`), so 15 marks above 1/16 of it and 8 above half
 * (see {@link ibThresholdBytes}).
 *
 * A port out of credits for the packet is a victim (Victim_Mask 0) and is skipped by the switch
 * before it asks the marker (switch.ts).
 *
 * Defaults (`fabric.ecn: { kind: ib-fecn }`): Threshold 0xB, Marking_Rate 15, Packet_Size 1 credit
 * are the SwitchCongestionSetting that LLNL's opensm-cc-optimizer writes to opensm.conf (P. Huang,
 * LLNL: it fixes these and tunes CCTI_Timer against mpiGraph on a production cluster). OpenSM
 * itself has no usable defaults: `osm_subn_set_default_opt` zeroes every `cc_*` option (CC off,
 * Threshold 0 = no marking). The field widths (Threshold 4 bits, Packet_Size 8 bits in credits,
 * Marking_Rate 16 bits) are the spec's (IBA Annex A10, SwitchCongestionSetting). The mapping of
 * Threshold to bytes has no published source: switches implement it as they see fit.
 */
export class IbFecnMarker implements EcnMarker {
  /** Eligible packets seen per local port since its last mark. */
  private readonly seen: Uint32Array;

  constructor(
    /** Queue bytes above which a port marks (from the 4-bit threshold); Infinity: never. */
    readonly thresholdBytes: number,
    /** Marking_Rate: eligible packets skipped between two marks. */
    readonly markingRate: number,
    /** Packet_Size in bytes (credits × 64): smaller packets are never marked. */
    readonly minFrameBytes: number,
    ports: number,
  ) {
    this.seen = new Uint32Array(ports);
  }

  mark(queueBytes: number, frameBytes: number, local: number): boolean {
    if (queueBytes <= this.thresholdBytes || frameBytes < this.minFrameBytes) return false;
    const n = this.seen[local]! + 1;
    if (n > this.markingRate) {
      this.seen[local] = 0;
      return true;
    }
    this.seen[local] = n;
    return false;
  }
}

/** The queue occupancy, bytes, at which a port with 4-bit `threshold` starts marking (Infinity for 0). */
export function ibThresholdBytes(threshold: number, vlBufferBytes: number): number {
  if (threshold <= 0) return Infinity;
  return Math.floor(((16 - threshold) * vlBufferBytes) / 16);
}
