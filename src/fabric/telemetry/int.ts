import type { Packet } from '../packet.js';

/**
 * In-band network telemetry as HPCC uses it (Li et al., SIGCOMM 2019, §3.2): each switch egress
 * appends (queue length, cumulative tx bytes, timestamp, link rate) as the packet leaves. Stored
 * in the packet's pooled Float64Array, INT_FIELDS numbers per hop, at most MAX_INT_HOPS hops.
 */
export const MAX_INT_HOPS = 8;
export const INT_FIELDS = 4;
export const INT_QLEN = 0;
export const INT_TX_BYTES = 1;
export const INT_TS = 2;
export const INT_RATE = 3;

/** Appends one hop record to `pkt` (ignored beyond MAX_INT_HOPS). */
export function stampInt(pkt: Packet, qlenBytes: number, txBytes: number, ts: number, rateBps: number): void {
  if (pkt.intHops >= MAX_INT_HOPS) return;
  if (pkt.int === null) pkt.int = new Float64Array(MAX_INT_HOPS * INT_FIELDS);
  const b = pkt.intHops * INT_FIELDS;
  pkt.int[b + INT_QLEN] = qlenBytes;
  pkt.int[b + INT_TX_BYTES] = txBytes;
  pkt.int[b + INT_TS] = ts;
  pkt.int[b + INT_RATE] = rateBps;
  pkt.intHops++;
}

/** Copies the INT records of `from` into `to` (a receiver echoing telemetry in an ACK). */
export function copyInt(from: Packet, to: Packet): void {
  to.intHops = 0;
  if (from.intHops === 0 || from.int === null) return;
  if (to.int === null) to.int = new Float64Array(MAX_INT_HOPS * INT_FIELDS);
  to.int.set(from.int.subarray(0, from.intHops * INT_FIELDS));
  to.intHops = from.intHops;
}
