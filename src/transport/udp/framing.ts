import { ETH_MIN_FRAME_BYTES } from '../../fabric/packet.js';
import { ConfigError } from '../../sim/errors.js';
import type { Framing } from '../transport.js';

/** Header bytes of a UDP/IPv4 datagram on Ethernet: 14 (Ethernet) + 20 (IPv4, RFC 791) + 8 (UDP, RFC 768) + 4 (FCS). */
export const UDP_FRAME_OVERHEAD = 14 + 20 + 8 + 4;
const VLAN_TAG = 4;

/**
 * UDP framing: the fabric MTU is the IP MTU, so a full datagram carries MTU − 28 payload bytes;
 * with `frameBytes` every datagram is a frame of exactly that size (the last one of a message
 * too, padded), the way packet generators (pktgen, TRex) test a packet size.
 *
 *   frame = max(64, 14 (+4 VLAN) + 20 + 8 + payload + 4)
 */
export class UdpFraming {
  /** Payload bytes per datagram. */
  readonly payload: number;
  /** Header bytes around the payload. */
  readonly overhead: number;

  constructor(
    mtu: number,
    vlan: boolean,
    /** A fixed frame size (header to FCS); absent: full-MTU datagrams. */
    readonly frameBytes: number | undefined,
  ) {
    this.overhead = UDP_FRAME_OVERHEAD + (vlan ? VLAN_TAG : 0);
    const maxFrame = mtu + 18 + (vlan ? VLAN_TAG : 0);
    if (frameBytes !== undefined && frameBytes > maxFrame) {
      throw new ConfigError(`a ${frameBytes}-byte frame does not fit the ${mtu}-byte IP MTU (at most ${maxFrame}); lower transport.frame_bytes or raise fabric.mtu`, { field: 'transport.frame_bytes' });
    }
    this.payload = frameBytes !== undefined ? Math.max(1, frameBytes - this.overhead) : mtu - 28;
  }

  /** Frame bytes of a datagram carrying `payload` bytes. */
  frame(payload: number): number {
    if (this.frameBytes !== undefined) return Math.max(this.frameBytes, ETH_MIN_FRAME_BYTES);
    return Math.max(ETH_MIN_FRAME_BYTES, this.overhead + payload);
  }

  /** Datagrams for a message of `bytes`. */
  packets(bytes: number): number {
    return Math.max(1, Math.ceil(bytes / this.payload));
  }

  /** Payload of datagram `k` of a message of `bytes`. */
  payloadOf(bytes: number, k: number): number {
    return Math.min(this.payload, Math.max(0, bytes - k * this.payload));
  }

  framing(): Framing {
    return {
      packets: (bytes) => this.packets(bytes),
      frameBytes: (bytes, k) => this.frame(this.payloadOf(bytes, k)),
      ackFrameBytes: 0,
      maxFrameBytes: this.frame(this.payload),
      mss: this.payload,
      unacknowledged: true,
    };
  }
}
