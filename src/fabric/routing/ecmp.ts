import type { Rng } from '../../sim/rng.js';
import type { Packet } from '../packet.js';

/** Chooses one of `count` equal-cost next hops for a packet. */
export interface PathSelector {
  select(pkt: Packet, count: number): number;
}

/** Mixes a 32-bit value (murmur3 finalizer). */
export function mix32(h: number): number {
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}

/**
 * Per-flow ECMP: the flow hash (5-tuple, incl. the RoCEv2 UDP source port) mixed with a
 * per-switch salt, so that consecutive tiers do not make correlated choices (hash polarization).
 * All packets of a flow take one path, so it stays in order.
 */
export class FlowHashEcmp implements PathSelector {
  constructor(private readonly salt: number) {}
  select(pkt: Packet, count: number): number {
    // count >>> 0 (count ≥ 1): both operands uint32, so V8 can use an integer division, not fmod
    return mix32(pkt.flowHash ^ this.salt) % (count >>> 0);
  }
}

/** Per-packet spraying: every packet picks a next hop at random (reorders packets of a flow). */
export class PacketSpray implements PathSelector {
  constructor(private readonly rng: Rng) {}
  select(_pkt: Packet, count: number): number {
    return this.rng.int(count);
  }
}

/** A 32-bit hash of a flow's 5-tuple (FNV-1a over the fields, then mixed). */
export function fiveTupleHash(srcIp: number, dstIp: number, proto: number, srcPort: number, dstPort: number): number {
  let h = 0x811c9dc5;
  for (const v of [srcIp, dstIp, proto, srcPort, dstPort]) {
    h ^= v >>> 0;
    h = Math.imul(h, 0x01000193);
  }
  return mix32(h >>> 0);
}
