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
    ord: z.int().min(1).max(256).default(16).describe('READs the initiator keeps outstanding (outbound read depth, negotiated down to the peer IRD in MPA); one READ per connection here'),
    ird: z.int().min(1).max(256).default(16).describe('READs the responder accepts outstanding (inbound read depth)'),
  })
  .strict();

export type IwarpParams = z.infer<typeof iwarpParams>;

/**
 * iWARP (RFC 5040/5041/5044): RDMA WRITEs as DDP tagged segments in MPA FPDUs, one FPDU per TCP
 * segment, over the TCP of tcp/connection.ts running in the NIC (TCP offload: no host CPU per
 * packet, as no CPU is modelled for any transport yet). Loss recovery, timeouts, delayed ACKs,
 * ECN and congestion control are TCP's, so it runs on lossy Ethernet without PFC. WRITE (DDP
 * tagged) and SEND (DDP untagged, into a RECV posted before it arrives: iWARP has no RNR retry,
 * so a late RECV is refused) and READ are carried. A READ (flow.src reads flow.dst's memory) is
 * an RDMAP Read Request (untagged DDP, 18 + 28-byte header) on the initiator's half of the TCP
 * connection, resent after an RTO until answered, and a Read Response stream of DDP tagged
 * segments (14-byte header, as a WRITE) that the responder's NIC generates (no responder CPU)
 * on the other half; it completes when the last response segment arrives in order. One message
 * per connection (flow), so the ORD/IRD limit (min(ord, ird) outstanding READs) never binds.
 */
export const iwarp: TransportVariant<IwarpParams> = {
  name: 'iwarp',
  description: 'iWARP RDMA WRITE/SEND/READ: DDP tagged/untagged segments in MPA FPDUs aligned to TCP segments (CRC32c, optional markers) over offloaded TCP (SACK, RFC 6298 RTO, ECN); lossy Ethernet, no PFC needed',
  params: iwarpParams,
  verbs: ['write', 'send', 'read'],
  routable: true,
  framing(params, { mtu, vlan }) {
    const fr = new IwarpFraming(mtu, vlan, params.timestamps, params.mpa_markers);
    return { ...fr.framing(), readRequestFrameBytes: fr.readRequestFrame() };
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
      framingFor: (verb) => new IwarpFraming(mtu, vlan, p.timestamps, p.mpa_markers, verb !== 'send'),
      verbs: ['write', 'send', 'read'],
      readRequestFrame: new IwarpFraming(mtu, vlan, p.timestamps, p.mpa_markers).readRequestFrame(),
    });
  },
};
