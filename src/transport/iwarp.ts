import { fiveTupleHash } from '../fabric/routing/ecmp.js';
import type { TransportVariant } from './transport.js';
import { IwarpFraming } from './iwarp/framing.js';
import { iwarpParams, type IwarpParams } from './iwarp/params.js';
import { IwarpRuntime } from './iwarp/runtime.js';

export { iwarpParams, type IwarpParams };

/** The TCP port the (simulated) iWARP listener uses; any fixed port would do. */
const IWARP_PORT = 4420;

/**
 * iWARP (RFC 5040 RDMAP / 5041 DDP / 5044 MPA) on the verbs layer: RC queue pairs whose SEND,
 * WRITE and READ messages are DDP segments in MPA FPDUs, one FPDU per TCP segment, on the two
 * directions of one TCP connection per QP pair (tcp/connection.ts) running in the NIC (no host
 * CPU per packet). Loss recovery, timeouts, delayed ACKs, ECN and congestion control are TCP's,
 * so it runs on lossy Ethernet without PFC. See iwarp/queue-pair.ts for the verbs semantics
 * (no UC/UD, no RNR retry: a SEND without a RECV terminates the connection; ORD/IRD limit
 * outstanding READs) and iwarp/runtime.ts for connections. Static flows and applications
 * (perftest, rpc, rdma-app) run on it as on roce-v2.
 */
export const iwarp: TransportVariant<IwarpParams> = {
  name: 'iwarp',
  description: 'iWARP verbs (RC QPs: SEND/RECV, WRITE, WRITE with immediate (RFC 7306), READ with ORD/IRD): RDMAP/DDP segments in MPA FPDUs aligned to TCP segments (CRC32c, optional markers) over offloaded TCP (SACK, RFC 6298 RTO, ECN); lossy Ethernet, no PFC needed',
  params: iwarpParams,
  verbs: ['write', 'send', 'read'],
  routable: true,
  framing(params, { mtu, vlan }) {
    const fr = new IwarpFraming(mtu, vlan, params.timestamps, params.mpa_markers);
    const send = new IwarpFraming(mtu, vlan, params.timestamps, params.mpa_markers, false).framing();
    const write = { ...fr.framing(), readRequestFrameBytes: fr.readRequestFrame() };
    return { ...write, forVerb: (verb: string) => (verb === 'send' ? send : write) };
  },
  flowHash(src, dst, entropy) {
    const sport = 32768 + (entropy % 28232);
    return fiveTupleHash(0x0a000000 + src, 0x0a000000 + dst, 6, sport, IWARP_PORT);
  },
  verbsRuntime(env, params, frames, options) {
    return new IwarpRuntime(env, params, options, frames);
  },
  connect(ctx) {
    const rt = ctx.rdma instanceof IwarpRuntime ? ctx.rdma : IwarpRuntime.fromContext(ctx);
    return rt.flowConnection(ctx);
  },
};
