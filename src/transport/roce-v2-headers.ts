import { ETH_MIN_FRAME_BYTES } from '../fabric/packet.js';

/**
 * Header sizes of RoCEv2 frames on Ethernet (InfiniBand Architecture Specification, Annex A17
 * "RoCEv2"; IEEE 802.3; RFC 791; RFC 768). Preamble/SFD and the inter-frame gap (20 B) are added
 * by the port when it serializes.
 */
export const ETH_HEADER = 14;
export const VLAN_TAG = 4;
export const IPV4_HEADER = 20;
export const UDP_HEADER = 8;
/** Base transport header. */
export const BTH = 12;
/** RDMA extended transport header (virtual address, rkey, DMA length) on the first WRITE packet. */
export const RETH = 16;
/** ACK extended transport header (syndrome + MSN) on ACK/NAK. */
export const AETH = 4;
/** Invariant CRC. */
export const ICRC = 4;
/** Ethernet frame check sequence. */
export const FCS = 4;
/** The IANA UDP destination port of RoCEv2. */
export const ROCEV2_UDP_PORT = 4791;

/** Bytes of every RoCEv2 frame outside the BTH payload: Ethernet (+VLAN) + IPv4 + UDP + BTH + ICRC + FCS. */
export function roceV2BaseBytes(vlan: boolean): number {
  return ETH_HEADER + (vlan ? VLAN_TAG : 0) + IPV4_HEADER + UDP_HEADER + BTH + ICRC + FCS;
}

/** Frame bytes of a WRITE packet carrying `payload` bytes (`first`: it carries the RETH). */
export function writeFrameBytes(payload: number, first: boolean, vlan: boolean): number {
  return Math.max(ETH_MIN_FRAME_BYTES, roceV2BaseBytes(vlan) + (first ? RETH : 0) + payload);
}

/** Frame bytes of an ACK or NAK (BTH + AETH, no payload). */
export function ackFrameBytes(vlan: boolean): number {
  return Math.max(ETH_MIN_FRAME_BYTES, roceV2BaseBytes(vlan) + AETH);
}
