import type { Framing } from '../transport.js';
import { EXT_HEADER_BYTES, RC, SEND_FIRST, SEND_LAST, SEND_MIDDLE, SEND_ONLY, WRITE_FIRST, WRITE_MIDDLE, WRITE_LAST, WRITE_ONLY, ACKNOWLEDGE, READ_REQUEST, readResponseOpcode } from './opcodes.js';

/**
 * Frame sizes of IB transport packets on one link layer, per opcode: the same verbs code serves
 * RoCEv2 (Ethernet + IPv4 + UDP), RoCEv1 (Ethernet + GRH) and native InfiniBand (LRH + VCRC,
 * no minimum frame; see ../infiniband.ts): only `baseBytes` and `minFrameBytes` differ.
 *
 *   frame(op, payload) = max(minFrameBytes, baseBytes + extHeaders(op) + pad4(payload))
 *
 * `baseBytes` is everything outside the extended headers and the payload: link and network
 * headers, BTH (12), ICRC (4) and the link CRC (Ethernet FCS 4, or IB VCRC 2). The payload is
 * padded to a multiple of 4 bytes (BTH PadCnt, IBA §9.2); an Ethernet frame is padded to the
 * 64-byte minimum. Preamble/SFD and the inter-frame gap are added by the port.
 */
export class RdmaFraming {
  /** Header bytes (base + extended headers) by opcode. */
  private readonly headers = new Uint16Array(256);

  constructor(
    /** Bytes of every frame outside the extended headers and payload. */
    readonly baseBytes: number,
    /** Minimum frame (64 on Ethernet). */
    readonly minFrameBytes: number,
    /** Payload bytes per packet (the path MTU). */
    readonly mtu: number,
  ) {
    for (let op = 0; op < 256; op++) this.headers[op] = baseBytes + EXT_HEADER_BYTES[op]!;
  }

  /** Frame bytes (header to link CRC) of a packet of opcode `op` carrying `payload` bytes. */
  frame(op: number, payload: number): number {
    const b = this.headers[op]! + ((payload + 3) & ~3);
    return b < this.minFrameBytes ? this.minFrameBytes : b;
  }

  /** Packets of a message of `bytes` (a zero-length message is one packet). */
  packets(bytes: number): number {
    return bytes <= this.mtu ? 1 : Math.ceil(bytes / this.mtu);
  }

  /** Payload of packet `k` of a message of `bytes`. */
  payload(bytes: number, k: number): number {
    const n = this.packets(bytes);
    return k === n - 1 ? bytes - k * this.mtu : this.mtu;
  }

  /** Frame bytes of packet `k` of an RC SEND (`write` false) or WRITE of `bytes`. */
  segmentFrame(write: boolean, bytes: number, k: number): number {
    const n = this.packets(bytes);
    const first = k === 0;
    const last = k === n - 1;
    const op = write
      ? first && last ? WRITE_ONLY : first ? WRITE_FIRST : last ? WRITE_LAST : WRITE_MIDDLE
      : first && last ? SEND_ONLY : first ? SEND_FIRST : last ? SEND_LAST : SEND_MIDDLE;
    return this.frame(RC | op, this.payload(bytes, k));
  }

  /** Frame bytes of response packet `k` of a READ of `bytes`. */
  readResponseFrame(bytes: number, k: number): number {
    return this.frame(readResponseOpcode(k, this.packets(bytes)), this.payload(bytes, k));
  }

  /** Frame bytes of a READ request. */
  get readRequestFrame(): number {
    return this.frame(RC | READ_REQUEST, 0);
  }

  /** Frame bytes of an ACK/NAK. */
  get ackFrame(): number {
    return this.frame(RC | ACKNOWLEDGE, 0);
  }
}

/**
 * The transport-level {@link Framing} (what the run uses for PFC headroom, ideal FCTs and CC base
 * RTTs) of an RDMA link layer: RC WRITE frames, the ACK, and the per-opcode table in `rdma`.
 * `maxFrameBytes` is the first packet of a full-MTU WRITE (RETH, 16 B); a WRITE or SEND with
 * immediate data on a full MTU is 4 bytes longer (RETH + ImmDt), which headroom sizing ignores.
 */
export function rdmaTransportFraming(rf: RdmaFraming): Framing {
  return {
    packets: (bytes) => rf.packets(bytes),
    frameBytes: (bytes, k) => rf.segmentFrame(true, bytes, k),
    ackFrameBytes: rf.ackFrame,
    maxFrameBytes: rf.frame(RC | WRITE_FIRST, rf.mtu),
    rdma: rf,
  };
}
