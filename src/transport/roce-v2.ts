import { ETH_MIN_FRAME_BYTES } from '../fabric/packet.js';
import { fiveTupleHash } from '../fabric/routing/ecmp.js';
import type { TransportVariant } from './transport.js';
import { roceV2Params, type RoceV2Params } from './roce-v2-params.js';
import { ROCEV2_UDP_PORT, roceV2BaseBytes } from './roce-v2-headers.js';
import { RdmaFraming, rdmaTransportFraming } from './rdma/framing.js';
import { RdmaRuntime } from './rdma/runtime.js';

/** UDP protocol number. */
const IPPROTO_UDP = 17;

/** The verbs a static flow may use on a QP type (UC has no READ). */
export function roceFlowVerbs(params: { qp_type?: string }): readonly string[] {
  return params.qp_type === 'uc' ? ['write', 'send'] : ['write', 'send', 'read'];
}

/** RoCEv2: InfiniBand transport (RC, UC, UD) over UDP/IPv4 on Ethernet (routable; PFC for losslessness). */
export const roceV2: TransportVariant<RoceV2Params> = {
  name: 'roce-v2',
  description: 'RDMA verbs (RC/UC/UD; SEND/RECV, WRITE, READ, atomics) over UDP/IPv4/Ethernet (routable), go-back-N or selective repeat, coalesced ACKs',
  params: roceV2Params,
  verbs: ['write', 'send', 'read'],
  verbsFor: roceFlowVerbs,
  routable: true,
  framing(_params, { mtu, vlan }) {
    return rdmaTransportFraming(new RdmaFraming(roceV2BaseBytes(vlan), ETH_MIN_FRAME_BYTES, mtu));
  },
  flowHash(src, dst, entropy) {
    // The UDP source port carries the QP's entropy (49152..65535), as RoCEv2 NICs do.
    const sport = 49152 + (entropy % 16384);
    return fiveTupleHash(0x0a000000 + src, 0x0a000000 + dst, IPPROTO_UDP, sport, ROCEV2_UDP_PORT);
  },
  connect(ctx) {
    return (ctx.rdma ?? RdmaRuntime.fromContext(ctx)).flowConnection(ctx);
  },
};
