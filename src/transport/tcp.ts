import { fiveTupleHash } from '../fabric/routing/ecmp.js';
import type { TransportVariant } from './transport.js';
import { TcpConnection } from './tcp/connection.js';
import { TcpFraming } from './tcp/framing.js';
import { tcpParams, type TcpParams } from './tcp/params.js';

/** TCP protocol number. */
const IPPROTO_TCP = 6;

/**
 * TCP over IPv4/Ethernet: one byte stream per flow, SACK loss recovery, RFC 6298 timeouts,
 * delayed ACKs, ECN; the window comes from `cc` (newreno, cubic, dctcp). Runs in the host,
 * whose CPU is not modelled yet. See tcp/connection.ts.
 */
export const tcp: TransportVariant<TcpParams> = {
  name: 'tcp',
  description: 'TCP/IPv4 byte stream (fabric.mtu = IP MTU, MSS = MTU - 40 - 12 with timestamps), SACK recovery (RFC 6675), RFC 6298 RTO, delayed ACKs, ECN; window from cc (newreno, cubic, dctcp); host TCP without a CPU model',
  params: tcpParams,
  verbs: ['write'],
  routable: true,
  framing(params, { mtu, vlan }) {
    return new TcpFraming(mtu, vlan, params.timestamps).framing();
  },
  flowHash(src, dst, entropy) {
    // an ephemeral source port (Linux: 32768..60999) to a fixed server port
    const sport = 32768 + (entropy % 28232);
    return fiveTupleHash(0x0a000000 + src, 0x0a000000 + dst, IPPROTO_TCP, sport, 5001);
  },
  connect(ctx) {
    return new TcpConnection(ctx, { fr: new TcpFraming(ctx.framing.mtu, ctx.framing.vlan, ctx.params.timestamps) });
  },
};
