import { z } from 'zod';
import { costNs, stage, type StackVariant } from '../stack.js';
import { kernelParams, kernelStack } from './kernel.js';

/*
 * Soft-iWARP (siw, Linux drivers/infiniband/sw/siw): iWARP (RDMAP/DDP/MPA) implemented in the
 * kernel on a kernel TCP socket. A received segment takes the whole kernel TCP path (interrupt,
 * NAPI, sk_buff, GRO, netfilter, IP, TCP: the costs of src/host/stacks/kernel.ts) and siw then
 * parses MPA/DDP/RDMAP, optionally checks the MPA CRC32c, and copies the payload into the memory
 * region (no socket queue, no copy to user). siw transmits payload pages with the socket's
 * sendpage path (drivers/infiniband/sw/siw/siw_qp_tx.c): no copy on transmit. Defaults without a
 * published source: siw_ns, crc_ns_per_byte, copy_ns_per_byte, siw_tx_ns.
 * The kernel's offloads apply to the TCP underneath (src/host/stacks/kernel.ts): GRO merges the
 * segments up to TCP, but siw still parses one FPDU per segment (siw sizes FPDUs to the MSS), so
 * its stage stays per wire packet; TSO sends the socket's data in super-segments, siw_tx framing
 * each FPDU.
 */
const params = kernelParams.extend({
  siw_ns: costNs(200, 'siw receive: MPA/DDP/RDMAP parse, placement, completion, per packet (no published source)'),
  mpa_crc: z.boolean().default(false).describe('check the MPA CRC32c in software (default false, siw\'s default)'),
  crc_ns_per_byte: costNs(0.05, 'MPA CRC32c in software, per byte, when mpa_crc (no published source)'),
  copy_ns_per_byte: costNs(0.1, 'copy of the payload into the memory region, per byte (no published source)'),
  siw_tx_ns: costNs(200, 'siw transmit: WQE to FPDU, MPA framing, per packet (no published source)'),
  post_send_ns: costNs(100, 'ibv_post_send: write the WQE and notify the kernel driver, per send work request (no published source)'),
});

/** Soft-iWARP: verbs semantics (transport iwarp) over the kernel TCP path, siw's processing and a copy. */
export const softIwarpStack: StackVariant<z.output<typeof params>> = {
  name: 'soft-iwarp',
  description: 'Soft-iWARP (siw): iWARP in the kernel over kernel TCP: kernel per-packet TCP path, siw processing, a copy into the MR (needs transport iwarp)',
  params,
  create: (p, s) => {
    const k = kernelStack.create({ ...p, drop_flows: [] }, s);
    const at = (name: string) => k.rx.find((x) => x.name === name)!;
    const tx = (name: string) => k.tx.find((x) => x.name === name)!;
    const crc = p.mpa_crc ? p.crc_ns_per_byte : 0;
    const rx = [
      at('interrupt'),
      at('napi_poll'),
      at('sk_buff_alloc'),
      ...k.rx.filter((x) => x.name === 'rx_csum'),
      at('gro'),
      at('netfilter'),
      at('ip_routing'),
      at('tcp'),
      stage('siw', { packet: p.siw_ns, byte: crc }, 'no published source', s),
      stage('copy_to_mr', { byte: p.copy_ns_per_byte }, 'no published source', s),
      at('wakeup'),
    ];
    const txStages = [
      stage('siw_tx', { packet: p.siw_tx_ns, byte: crc }, 'no published source', s),
      ...k.tx.filter((x) => x.name === 'tx_csum'),
      tx('tso'),
      tx('qdisc'),
      ...k.tx.filter((x) => x.name === 'gso_segment'),
      tx('driver_tx'),
    ];
    const merge = k.rxMerge;
    const seg = k.txSegmentation;
    return {
      name: 'soft-iwarp',
      pollMode: false,
      ideal: false,
      budget: k.budget,
      postSendNs: p.post_send_ns * s,
      transport: 'iwarp',
      rx,
      tx: txStages,
      // GRO / LRO as the kernel's, siw per wire segment
      ...(merge !== undefined
        ? { rxMerge: { ...merge, from: rx.findIndex((x) => x.name === (merge.kind === 'lro' ? 'napi_poll' : 'gro')) + (merge.kind === 'lro' ? 0 : 1), wireStages: [rx.findIndex((x) => x.name === 'siw')] } }
        : {}),
      // TSO / GSO as the kernel's; siw_tx frames every FPDU
      ...(seg !== undefined
        ? { txSegmentation: { ...seg, perSegment: txStages.map((x) => x.name !== 'siw_tx' && (seg.kind === 'tso' || (x.name !== 'gso_segment' && x.name !== 'driver_tx'))) } }
        : {}),
    };
  },
};
