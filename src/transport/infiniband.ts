import { z } from 'zod';
import { BTH, ICRC } from './rdma/opcodes.js';
import { RdmaFraming, rdmaTransportFraming } from './rdma/framing.js';
import { RdmaRuntime } from './rdma/runtime.js';
import { roceFlowVerbs } from './roce-v2.js';
import { roceV2Params } from './roce-v2-params.js';
import type { TransportVariant } from './transport.js';

/**
 * Native InfiniBand packet headers (InfiniBand Architecture Specification Vol. 1, Release 1.4):
 * Local Route Header (§7.7, 8 bytes: VL, SL, DLID, SLID, packet length), Global Route Header
 * (§8.3, 40 bytes, present only when the packet leaves its subnet), Base Transport Header (§9.2,
 * 12 bytes), then the extended transport headers of the opcode (§9.3), the payload padded to
 * 4 bytes, the Invariant CRC (§7.8.1, 4 bytes) and the Variant CRC (§7.8.2, 2 bytes).
 *
 * An IB link has no preamble, no inter-frame gap and no minimum packet size: the 8b/10b or
 * 64b/66b line code is in the link's data rate (see ib-speed.ts), and the start/end delimiters
 * and idles between packets are not modelled, so a packet occupies the wire for exactly its
 * bytes at the data rate.
 */
export const LRH = 8;
export const GRH = 40;
export const VCRC = 2;

/** Bytes of every IB packet outside the extended headers and the payload. */
export function infinibandBaseBytes(grh: boolean): number {
  return LRH + (grh ? GRH : 0) + BTH + ICRC + VCRC;
}

/** InfiniBand transport parameters: the verbs layer's (as RoCE), plus whether packets carry a GRH. */
export const infinibandParams = roceV2Params.extend({
  grh: z
    .boolean()
    .default(false)
    .describe('carry a 40-byte Global Route Header on every packet (IB needs it only to cross subnets; default false: LRH only)'),
  lmc: z
    .int()
    .min(0)
    .max(7)
    .default(0)
    .describe('LID mask control: every host has 2^lmc LIDs, which the subnet manager routes over different ports; a QP sends to LID offset (source host mod 2^lmc), so the hosts of a switch fan out over up to 2^lmc paths per destination (default 0: one LID, one path)'),
});
export type InfinibandParams = z.infer<typeof infinibandParams>;

/**
 * InfiniBand: the verbs layer (RC/UC/UD; SEND/RECV, WRITE, READ, atomics) over native IB packets.
 * Its links use credit-based flow control by default (`fabric.flow_control: auto`), carry no
 * Ethernet preamble/IFG, and run at IB data rates (`fabric.ib_speed`). `priority` is the
 * service level (SL), mapped to the virtual lane of the same number unless `fabric.sl_to_vl` maps
 * it (at hosts, switch egress ports and switch port pairs). Switches forward by
 * destination LID through the subnet manager's linear forwarding tables (one port per LID), so
 * the path of a packet depends only on its DLID; with `lmc` > 0 every host has 2^LMC LIDs and a
 * QP's DLID is the destination's base LID + (source host mod 2^LMC).
 */
export const infiniband: TransportVariant<InfinibandParams> = {
  name: 'infiniband',
  description: 'RDMA verbs (RC/UC/UD) over native InfiniBand packets (LRH [+GRH] + BTH + ICRC + VCRC), credit-based links, destination-LID routing',
  params: infinibandParams,
  verbs: ['write', 'send', 'read'],
  verbsFor: roceFlowVerbs,
  routable: false,
  linkLayer: 'infiniband',
  framing(params, { mtu }) {
    return rdmaTransportFraming(new RdmaFraming(infinibandBaseBytes(params.grh), 0, mtu));
  },
  flowHash(src, _dst, _entropy, params) {
    // switches forward by DLID (the subnet manager's linear forwarding tables,
    // fabric/routing/lid-routing.ts); the "hash" is the DLID's offset from the destination's base
    // LID, chosen by the source: src mod 2^LMC (0 with LMC 0: one LID, one path per destination)
    return src & ((1 << (params?.lmc ?? 0)) - 1);
  },
  connect(ctx) {
    return (ctx.rdma ?? RdmaRuntime.fromContext(ctx)).flowConnection(ctx);
  },
};
