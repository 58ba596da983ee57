import { z } from 'zod';
import { ETH_MIN_FRAME_BYTES } from '../fabric/packet.js';
import { fiveTupleHash } from '../fabric/routing/ecmp.js';
import { roceV2Params } from './roce-v2-params.js';
import { BTH, ETH_HEADER, FCS, ICRC, VLAN_TAG } from './roce-v2-headers.js';
import { RdmaFraming, rdmaTransportFraming } from './rdma/framing.js';
import { RdmaRuntime } from './rdma/runtime.js';
import { roceFlowVerbs } from './roce-v2.js';
import type { TransportVariant } from './transport.js';

/** The Global Route Header RoCEv1 carries in place of IP/UDP (IBA §8.3): 40 bytes. */
export const GRH = 40;
/** The Ethertype of RoCEv1 frames. */
export const ROCEV1_ETHERTYPE = 0x8915;

/** RoCEv1 parameters: the same reliable connection as RoCEv2. */
export const roceV1Params = roceV2Params;
export type RoceV1Params = z.infer<typeof roceV1Params>;

/** Bytes of every RoCEv1 frame outside the BTH payload: Ethernet (+VLAN) + GRH + BTH + ICRC + FCS. */
export function roceV1BaseBytes(vlan: boolean): number {
  return ETH_HEADER + (vlan ? VLAN_TAG : 0) + GRH + BTH + ICRC + FCS;
}

/**
 * RoCEv1 (IBA Annex A16): InfiniBand transport over Ethernet with a GRH and Ethertype 0x8915, no
 * IP or UDP header. It is an L2 protocol: frames cannot cross an L3 router (an experiment whose
 * flows would is refused), and ECMP sees only L2 fields (MACs and Ethertype), so all QPs between
 * two hosts hash alike (no UDP source-port entropy).
 */
export const roceV1: TransportVariant<RoceV1Params> = {
  name: 'roce-v1',
  description: 'RDMA verbs over Ethernet with a GRH (Ethertype 0x8915): L2 only, not routable, no ECMP entropy',
  params: roceV1Params,
  verbs: ['write', 'send', 'read'],
  verbsFor: roceFlowVerbs,
  routable: false,
  framing(_params, { mtu, vlan }) {
    return rdmaTransportFraming(new RdmaFraming(roceV1BaseBytes(vlan), ETH_MIN_FRAME_BYTES, mtu));
  },
  flowHash(src, dst) {
    // L2 fields only: source MAC, destination MAC, Ethertype
    return fiveTupleHash(src, dst, ROCEV1_ETHERTYPE, 0, 0);
  },
  connect(ctx) {
    return (ctx.rdma ?? RdmaRuntime.fromContext(ctx)).flowConnection(ctx);
  },
};
