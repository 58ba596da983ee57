import { z } from 'zod';
import { fiveTupleHash } from '../fabric/routing/ecmp.js';
import type { TransportVariant } from './transport.js';
import { IwarpFraming } from './iwarp/framing.js';
import { TcpConnection } from './tcp/connection.js';
import { tcpParams } from './tcp/params.js';

/** The TCP port the (simulated) iWARP listener uses; any fixed port would do. */
const IWARP_PORT = 4420;

/** Parameters of iWARP: TCP's, plus MPA's. */
export const iwarpParams = tcpParams
  .extend({
    mpa_markers: z.boolean().default(false).describe('MPA markers: 4 bytes per 512 bytes of stream (RFC 5044 §5; off on current NICs)'),
  })
  .strict();

export type IwarpParams = z.infer<typeof iwarpParams>;

/**
 * iWARP (RFC 5040/5041/5044): RDMA WRITEs as DDP tagged segments in MPA FPDUs, one FPDU per TCP
 * segment, over the TCP of tcp/connection.ts running in the NIC (TCP offload: no host CPU per
 * packet, as no CPU is modelled for any transport yet). Loss recovery, timeouts, delayed ACKs,
 * ECN and congestion control are TCP's, so it runs on lossy Ethernet without PFC. WRITE (DDP
 * tagged) and SEND (DDP untagged, into a RECV posted before it arrives: iWARP has no RNR retry,
 * so a late RECV is refused) are carried; READ is not yet. One message per connection (flow).
 */
export const iwarp: TransportVariant<IwarpParams> = {
  name: 'iwarp',
  description: 'iWARP RDMA WRITE/SEND: DDP tagged/untagged segments in MPA FPDUs aligned to TCP segments (CRC32c, optional markers) over offloaded TCP (SACK, RFC 6298 RTO, ECN); lossy Ethernet, no PFC needed',
  params: iwarpParams,
  verbs: ['write', 'send'],
  routable: true,
  framing(params, { mtu, vlan }) {
    return new IwarpFraming(mtu, vlan, params.timestamps, params.mpa_markers).framing();
  },
  flowHash(src, dst, entropy) {
    const sport = 32768 + (entropy % 28232);
    return fiveTupleHash(0x0a000000 + src, 0x0a000000 + dst, 6, sport, IWARP_PORT);
  },
  connect(ctx) {
    const p = ctx.params;
    const { mtu, vlan } = ctx.framing;
    return new TcpConnection(ctx, {
      fr: new IwarpFraming(mtu, vlan, p.timestamps, p.mpa_markers),
      framingFor: (verb) => new IwarpFraming(mtu, vlan, p.timestamps, p.mpa_markers, verb === 'write'),
      verbs: ['write', 'send'],
    });
  },
};
