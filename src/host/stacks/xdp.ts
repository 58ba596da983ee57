import { z } from 'zod';
import { costNs, stage, VERDICT_DROP, VERDICT_PASS, VERDICT_REDIRECT, VERDICT_TX, type StackVariant } from '../stack.js';
import { kernelParams, kernelStack } from './kernel.js';

/*
 * [X18] T. Høiland-Jørgensen et al., "The eXpress Data Path", CoNEXT 2018 (paper text and raw
 *       data in github.com/tohojo/xdp-paper), one core of a Xeon E5-1650 v4 at 3.6 GHz, 64-byte
 *       packets: XDP drops 24 Mpps (41.7 ns per packet, 50 ns at the 3 GHz reference clock):
 *       the driver's rx work (driver_rx_ns 28, src/host/stacks/kernel.ts) + xdp_ns 20 + the
 *       NAPI poll call per 64 packets (100 / 64) = 49.6 ns (24.2 Mpps at 3.6 GHz). How the 50 ns
 *       split between the driver and a trivial program has no published source. Their raw data
 *       (benchmarks/bench05_xdp_redirect.org) has XDP_REDIRECT at 8,649,872 pps on one rx queue
 *       with a 1024-descriptor ring (115.6 ns, 138.7 at 3 GHz; the paper's redirect test sends
 *       out of another NIC, which costs the buffer's return to its own driver):
 *       xdp_redirect_ns 89 = 138.7 - 49.6. test/host/calibration.test.ts runs both at 3.6 GHz.
 *       XDP_TX (xdp_tx_ns) has no per-core figure we could confirm: no published source. The
 *       paper's Katran load balancer (a much larger program, XDP_TX + IP-in-IP) forwards
 *       5,161,976 pps on one core (benchmarks/bench06_load_balancer.org), 193.7 ns per packet
 *       (232.5 at 3 GHz): experiments/host-xdp-load-balancer.yaml sets xdp_ns 173 for it.
 * [K18] Katran (Meta's XDP layer-4 load balancer, github.com/facebookincubator/katran): the packet
 *       to a VIP is encapsulated IP-in-IP (a 20-byte outer IPv4 header) to a backend picked by
 *       Maglev consistent hashing of the 5-tuple (src/host/maglev.ts), and sent back out with
 *       XDP_TX; the backend answers the client directly (direct server return).
 * encap_ns (bpf_xdp_adjust_head + writing the outer header) and tx_ring: no published source
 * (1024 is a common driver ring size, `ethtool -g`).
 */
/** The outer IPv4 header of IP-in-IP encapsulation (RFC 2003): 20 bytes. */
export const IPIP_OUTER_HEADER_BYTES = 20;

const hostName = z.string().min(1);
const params = kernelParams.extend({
  xdp_ns: costNs(20, 'the XDP program (parse + map lookup + verdict), per packet [X18] (with driver_rx_ns; the split has no published source)'),
  drop_flows: z.array(z.int().min(0)).default(() => []).describe('flow_ids (flows.csv) whose packets get XDP_DROP'),
  tx_flows: z.array(z.int().min(0)).default(() => []).describe('flow_ids whose packets get XDP_TX: back out of the same port, to one of `backends`'),
  redirect_flows: z.array(z.int().min(0)).default(() => []).describe('flow_ids whose packets get XDP_REDIRECT: out toward host `redirect_to`'),
  backends: z.array(hostName).default(() => []).describe('XDP_TX destinations (host names): each flow goes to one, by Maglev consistent hash of its 5-tuple [K18]'),
  redirect_to: hostName.optional().describe('XDP_REDIRECT destination (a host name)'),
  encap: z.enum(['none', 'ipip']).default('none').describe("'ipip': forwarded frames get a 20-byte outer IPv4 header (IP-in-IP, Katran) [K18]; 'none' (default)"),
  encap_ns: costNs(10, 'IP-in-IP encapsulation (adjust head + outer header), per forwarded packet (no published source)'),
  xdp_tx_ns: costNs(20, 'XDP_TX driver transmit (tx descriptor on the rx queue\'s own tx ring, no sk_buff), per packet (no published source)'),
  xdp_redirect_ns: costNs(89, 'XDP_REDIRECT (devmap lookup, bulk queue, transmit on another NIC, buffer return), per packet [X18]'),
  tx_ring: z.int().min(1).max(1 << 20).default(1024).describe('tx ring descriptors for forwarded frames: a frame finding it full is dropped (default 1024; no published source)'),
})
  .refine((p) => p.tx_flows.length === 0 || p.backends.length > 0, { path: ['backends'], message: 'tx_flows needs at least one backend host: set backends: [h1, ...]' })
  .refine((p) => p.redirect_flows.length === 0 || p.redirect_to !== undefined, { path: ['redirect_to'], message: 'redirect_flows needs a destination: set redirect_to: <host>' })
  .refine(
    (p) => {
      const seen = [...p.drop_flows, ...p.tx_flows, ...p.redirect_flows];
      return new Set(seen).size === seen.length;
    },
    { path: ['tx_flows'], message: 'a flow_id appears in more than one of drop_flows, tx_flows, redirect_flows: give each flow one verdict' },
  );

/**
 * XDP in the driver, before any sk_buff: per-flow verdicts XDP_DROP, XDP_TX (bounce out of the
 * same port to a backend, optionally IP-in-IP encapsulated: an L4 load balancer), XDP_REDIRECT
 * (out toward another host), and XDP_PASS (then the kernel path) for every other flow.
 */
export const xdpStack: StackVariant<z.output<typeof params>> = {
  name: 'xdp',
  description: 'XDP program in the driver before the sk_buff: per-flow XDP_DROP, XDP_TX (optionally IP-in-IP to a Maglev-chosen backend), XDP_REDIRECT, XDP_PASS into the kernel path',
  params,
  create: (p, s) => {
    const k = kernelStack.create({ ...p, drop_flows: [] }, s);
    const encap = p.encap === 'ipip' ? p.encap_ns : 0;
    // interrupt, napi_poll (driver), the XDP program, its forwarding stages, then the kernel
    // stages from the sk_buff on
    const D = k.rx.findIndex((x) => x.name === 'napi_poll') + 1; // the driver's stages
    const PROG = D;
    const TX = D + 1;
    const REDIRECT = D + 2;
    const rx = [
      ...k.rx.slice(0, D),
      stage('xdp_prog', { packet: p.xdp_ns }, '[X18]', s),
      stage('xdp_tx', { packet: p.xdp_tx_ns + encap }, 'no published source', s),
      stage('xdp_redirect', { packet: p.xdp_redirect_ns + encap }, '[X18]', s),
      ...k.rx.slice(D),
    ];
    const S = rx.length;
    const runs = (pick: (i: number) => boolean) => Uint8Array.from({ length: S }, (_, i) => (pick(i) ? 1 : 0));
    const byConn = new Map<number, number>();
    for (const f of p.drop_flows) byConn.set(f, VERDICT_DROP);
    for (const f of p.tx_flows) byConn.set(f, VERDICT_TX);
    for (const f of p.redirect_flows) byConn.set(f, VERDICT_REDIRECT);
    const verdictRuns: Uint8Array[] = [];
    verdictRuns[VERDICT_PASS] = runs((i) => i !== TX && i !== REDIRECT);
    verdictRuns[VERDICT_DROP] = runs((i) => i <= PROG);
    verdictRuns[VERDICT_TX] = runs((i) => i <= TX);
    verdictRuns[VERDICT_REDIRECT] = runs((i) => i <= PROG || i === REDIRECT);
    // the three XDP stages come before GRO (LRO merges before the driver: its index is unchanged)
    const merge = k.rxMerge;
    return {
      ...k,
      name: 'xdp',
      rx,
      ...(merge !== undefined ? { rxMerge: { ...merge, from: merge.from >= D ? merge.from + 3 : merge.from } } : {}),
      verdicts: {
        byConn,
        runs: verdictRuns,
        backends: p.backends,
        redirectTo: p.redirect_to ?? null,
        encapBytes: p.encap === 'ipip' ? IPIP_OUTER_HEADER_BYTES : 0,
        txRing: p.tx_ring,
      },
    };
  },
};
