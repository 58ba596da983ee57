import { z } from 'zod';
import { costNs, stage, type StackVariant } from '../stack.js';
import { kernelParams, kernelStack } from './kernel.js';

/*
 * Soft-RoCE (rxe, Linux drivers/infiniband/sw/rxe): the RoCEv2 transport implemented in the
 * kernel on top of UDP. Its Kconfig describes the structure modelled here: rxe registers with the
 * netdev stack as a UDP encapsulation, so a received packet takes the kernel's path (interrupt,
 * NAPI, sk_buff, netfilter, IP) up to UDP and is then handed to rxe, which checks the ICRC, finds
 * the QP, checks the PSN and copies the payload into the registered memory (no NIC offload); the
 * kernel model's costs (src/host/stacks/kernel.ts) apply to the shared stages. rxe has no TCP,
 * no socket and no copy to user: the copy is into the memory region (and, on transmit, from it
 * into the sk_buff, at the kernel model's tx_copy_ns_per_byte). Defaults without a published
 * source: udp_ns, rxe_ns, icrc_ns_per_byte, copy_ns_per_byte, rxe_tx_ns.
 */
const params = kernelParams.extend({
  udp_ns: costNs(80, 'udp_rcv + UDP tunnel encap handoff to rxe, per packet (no published source)'),
  rxe_ns: costNs(250, 'rxe receive: packet parse, QP lookup, PSN check, responder/completer work, per packet (no published source)'),
  icrc_ns_per_byte: costNs(0.05, 'ICRC (CRC32) in software, per byte (no published source)'),
  copy_ns_per_byte: costNs(0.1, 'copy of the payload into the memory region, per byte (no published source)'),
  rxe_tx_ns: costNs(250, 'rxe transmit: WQE to packet, ICRC, UDP/IP headers, per packet (no published source)'),
  post_send_ns: costNs(100, 'ibv_post_send: write the WQE and notify the kernel driver, per send work request (no published source)'),
});

/** Soft-RoCE: verbs semantics (transport roce-v2) with the kernel's per-packet costs, UDP, rxe's own processing and a copy. */
export const softRoceStack: StackVariant<z.output<typeof params>> = {
  name: 'soft-roce',
  description: 'Soft-RoCE (rxe): RoCEv2 in the kernel over UDP: kernel per-packet path, rxe processing, software ICRC, a copy (needs transport roce-v2)',
  params,
  create: (p, s) => {
    const k = kernelStack.create({ ...p, drop_flows: [] }, s);
    const at = (name: string) => k.rx.find((x) => x.name === name)!;
    const tx = (name: string) => k.tx.find((x) => x.name === name)!;
    return {
      name: 'soft-roce',
      pollMode: false,
      ideal: false,
      budget: k.budget,
      postSendNs: p.post_send_ns * s,
      transport: 'roce-v2',
      rx: [
        at('interrupt'),
        at('napi_poll'),
        at('sk_buff_alloc'),
        at('netfilter'),
        at('ip_routing'),
        stage('udp', { packet: p.udp_ns }, 'no published source', s),
        stage('rxe', { packet: p.rxe_ns, byte: p.icrc_ns_per_byte }, 'no published source', s),
        stage('copy_to_mr', { byte: p.copy_ns_per_byte }, 'no published source', s),
        at('wakeup'),
      ],
      tx: [
        stage('rxe_tx', { packet: p.rxe_tx_ns, byte: p.icrc_ns_per_byte }, 'no published source', s),
        stage('copy_from_mr', { byte: p.tx_copy_ns_per_byte }, 'no published source', s),
        tx('qdisc'),
        tx('driver_tx'),
      ],
    };
  },
};
