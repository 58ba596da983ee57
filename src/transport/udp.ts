import { z } from 'zod';
import { fiveTupleHash } from '../fabric/routing/ecmp.js';
import type { TransportVariant } from './transport.js';
import { UdpConnection } from './udp/connection.js';
import { UdpFraming } from './udp/framing.js';

/** UDP protocol number. */
const IPPROTO_UDP = 17;

const params = z
  .object({
    frame_bytes: z.int().min(64).max(9216).optional().describe('every datagram a frame of exactly this many bytes, header to FCS (64 = the minimum Ethernet frame); default: full-MTU datagrams'),
    rate_gbps: z.number().positive().max(1e4).optional().describe('send rate of each flow in Gb/s of wire bits (frame + 20 B preamble and gap); default: as fast as the NIC sends'),
    priority: z.int().min(0).max(7).default(0).describe('traffic class of the datagrams (default 0)'),
  })
  .strict();

/** Validated UDP parameters. */
export type UdpParams = z.output<typeof params>;

/**
 * UDP/IPv4 datagram streams: no acknowledgement, retransmission or congestion control; a flow's
 * datagrams leave at a fixed rate (or line rate) and may be a fixed frame size, like a packet
 * generator's. For packet-rate experiments (64-byte line rate) and host stack models.
 */
export const udp: TransportVariant<UdpParams> = {
  name: 'udp',
  description: 'UDP/IPv4 datagram stream (no ACKs, no retransmission, no congestion control): fixed frame size (frame_bytes) and rate (rate_gbps), like a packet generator',
  params,
  verbs: ['write'],
  routable: true,
  framing(p, { mtu, vlan }) {
    return new UdpFraming(mtu, vlan, p.frame_bytes).framing();
  },
  flowHash(src, dst, entropy) {
    const sport = 49152 + (entropy % 16384);
    return fiveTupleHash(0x0a000000 + src, 0x0a000000 + dst, IPPROTO_UDP, sport, 9);
  },
  connect(ctx) {
    const fr = new UdpFraming(ctx.framing.mtu, ctx.framing.vlan, ctx.params.frame_bytes);
    return new UdpConnection(ctx, fr, { rateBps: (ctx.params.rate_gbps ?? 0) * 1e9, priority: ctx.params.priority });
  },
};
