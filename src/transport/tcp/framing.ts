import { ETH_MIN_FRAME_BYTES } from '../../fabric/packet.js';
import type { Framing } from '../transport.js';

/**
 * Header sizes of TCP/IPv4 frames on Ethernet (IEEE 802.3; RFC 791; RFC 9293; RFC 7323; RFC
 * 2018). Preamble/SFD and the inter-frame gap (20 B) are added by the port when it serializes.
 */
export const ETH_HEADER = 14;
export const VLAN_TAG = 4;
export const IPV4_HEADER = 20;
export const TCP_HEADER = 20;
/** The timestamps option, as Linux sends it: NOP, NOP, kind 8, length 10 (RFC 7323). */
export const TCP_TIMESTAMPS = 12;
/** SACK option: NOP, NOP, kind 5, length, then 8 bytes per block (RFC 2018). */
export const SACK_OPTION_BASE = 4;
export const SACK_BLOCK = 8;
/** TCP options may take at most 40 bytes: 3 SACK blocks with timestamps, 4 without. */
export const TCP_OPTIONS_MAX = 40;
export const FCS = 4;

/**
 * TCP framing under one link setting. The fabric MTU is the IP MTU here (what `ip link set mtu`
 * sets: the Ethernet payload), so the MSS is MTU − 20 (IPv4) − 20 (TCP) and every segment also
 * carries the 12-byte timestamps option when it is on — Linux's 1448-byte segments on a 1500-byte
 * MTU:
 *
 *   data frame = max(64, 14 (+4 VLAN) + 20 + 20 + 12·ts + payload + 4)
 *   pure ACK   = max(64, 14 (+4 VLAN) + 20 + 20 + 12·ts + SACK option + 4)
 */
export class TcpFraming {
  /** Bytes of a frame outside the payload and SACK option. */
  readonly baseBytes: number;
  /** Payload bytes of a full segment. */
  readonly mss: number;
  /** SACK blocks an ACK can carry. */
  readonly maxSackBlocks: number;

  constructor(
    /** The IP MTU (fabric.mtu). */
    readonly mtu: number,
    readonly vlan: boolean,
    readonly timestamps: boolean,
  ) {
    const ts = timestamps ? TCP_TIMESTAMPS : 0;
    this.baseBytes = ETH_HEADER + (vlan ? VLAN_TAG : 0) + IPV4_HEADER + TCP_HEADER + ts + FCS;
    this.mss = mtu - IPV4_HEADER - TCP_HEADER - ts;
    this.maxSackBlocks = Math.floor((TCP_OPTIONS_MAX - ts - SACK_OPTION_BASE) / SACK_BLOCK);
  }

  /** Segments of a stream of `bytes` (an empty stream is one empty segment). */
  segments(bytes: number): number {
    return bytes <= this.mss ? 1 : Math.ceil(bytes / this.mss);
  }

  /** Payload of segment `k` of a stream of `bytes`. */
  payload(bytes: number, k: number): number {
    return Math.max(0, Math.min(this.mss, bytes - k * this.mss));
  }

  /** Frame bytes of a data segment carrying `payload` bytes. */
  dataFrame(payload: number): number {
    return Math.max(ETH_MIN_FRAME_BYTES, this.baseBytes + payload);
  }

  /** Frame bytes of a pure ACK carrying `sackBlocks` SACK blocks. */
  ackFrame(sackBlocks: number): number {
    const opt = sackBlocks > 0 ? SACK_OPTION_BASE + SACK_BLOCK * sackBlocks : 0;
    return Math.max(ETH_MIN_FRAME_BYTES, this.baseBytes + opt);
  }

  /**
   * Frame bytes of a SYN or SYN-ACK: the options Linux sends — MSS 4, SACK-permitted 2,
   * timestamps 10, window scale 3, with NOPs: 20 bytes (12 without timestamps) — so 78 (70).
   */
  synFrame(): number {
    const opt = this.timestamps ? 20 : 12;
    return Math.max(ETH_MIN_FRAME_BYTES, this.baseBytes - (this.timestamps ? TCP_TIMESTAMPS : 0) + opt);
  }

  /** The transport-level {@link Framing} (headroom sizing, ideal FCTs, CC base RTTs). */
  framing(): Framing {
    return {
      packets: (bytes) => this.segments(bytes),
      frameBytes: (bytes, k) => this.dataFrame(this.payload(bytes, k)),
      ackFrameBytes: this.ackFrame(0),
      maxFrameBytes: this.dataFrame(this.mss),
      mss: this.mss,
    };
  }
}
