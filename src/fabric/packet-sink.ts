import type { Packet } from './packet.js';

/** Anything that takes packets: the second hot-path seam (the first is `Actor.onEvent`). */
export interface PacketSink {
  receive(pkt: Packet): void;
}
