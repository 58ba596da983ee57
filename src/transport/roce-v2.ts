import { fiveTupleHash } from '../fabric/routing/ecmp.js';
import type { TransportVariant } from './transport.js';
import { roceV2Params, type RoceV2Params } from './roce-v2-params.js';
import { ROCEV2_UDP_PORT, ackFrameBytes, writeFrameBytes } from './roce-v2-headers.js';
import { RoceV2Qp } from './roce-v2-qp.js';

/** UDP protocol number. */
const IPPROTO_UDP = 17;

/** RoCEv2: RDMA reliable connection over UDP/IPv4 on Ethernet (routable; PFC for losslessness). */
export const roceV2: TransportVariant<RoceV2Params> = {
  name: 'roce-v2',
  description: 'RDMA RC over UDP/IPv4/Ethernet (routable), go-back-N with NAK and RTO, coalesced ACKs',
  params: roceV2Params,
  verbs: ['write'],
  routable: true,
  framing(_params, { mtu, vlan }) {
    return {
      packets: (bytes) => Math.max(1, Math.ceil(bytes / mtu)),
      frameBytes: (bytes, k) => {
        const packets = Math.max(1, Math.ceil(bytes / mtu));
        return writeFrameBytes(k === packets - 1 ? bytes - k * mtu : mtu, k === 0, vlan);
      },
      ackFrameBytes: ackFrameBytes(vlan),
      maxFrameBytes: writeFrameBytes(mtu, true, vlan),
    };
  },
  flowHash(src, dst, entropy) {
    // The UDP source port carries the QP's entropy (49152..65535), as RoCEv2 NICs do.
    const sport = 49152 + (entropy % 16384);
    return fiveTupleHash(0x0a000000 + src, 0x0a000000 + dst, IPPROTO_UDP, sport, ROCEV2_UDP_PORT);
  },
  connect(ctx) {
    return new RoceV2Qp({ ...ctx, mtu: ctx.framing.mtu });
  },
};
