import { z } from 'zod';
import { costNs, stage, type StackVariant } from '../stack.js';
import { kernelParams, kernelStack } from './kernel.js';

/*
 * A SmartNIC (an NPU or SoC NIC: Netronome NFP, BlueField; eBPF/P4 offload) runs a program on its
 * own cores before a packet crosses PCIe: filter/drop by flow, optionally rewrite what passes.
 * What it drops never crosses PCIe and never touches a host core; what passes takes PCIe (the
 * `hosts.pcie` block) and the kernel path on the host.
 * NIC cores are servers like host cores: nic_cores cores, each with a ring of nic_ring packets
 * (RSS spreads flows over them); a full ring drops on a lossy class and counts toward the host
 * NIC's PFC XOFF on a lossless one.
 * Defaults: no published source for the per-packet cost of an offloaded program (it depends on
 * the program and the NIC; order of magnitude: a few hundred cycles of a ~1 GHz NIC core, shared
 * by many cores), nor for the core count and ring.
 */
const params = kernelParams.extend({
  nic_cores: z.int().min(1).max(1024).default(16).describe('NIC cores running the program (default 16; no published source)'),
  nic_ring: z.int().min(1).max(1 << 20).default(1024).describe('packets queued per NIC core before the NIC drops (default 1024; no published source)'),
  nic_ns: costNs(100, 'the NIC program (parse + match + verdict) on a NIC core, per packet (no published source)'),
  rewrite: z.boolean().default(false).describe('the program rewrites every packet it passes (headers, NAT, decap): nic_rewrite_ns more per passed packet'),
  nic_rewrite_ns: costNs(20, 'header rewrite of a passed packet on a NIC core (no published source)'),
  drop_flows: z.array(z.int().min(0)).default(() => []).describe('flow_ids (flows.csv) the NIC program drops: they never cross PCIe nor reach a host core'),
});

/** SmartNIC: a filter/rewrite program on NIC cores before PCIe, then the kernel path on the host for what passes. */
export const smartnicStack: StackVariant<z.output<typeof params>> = {
  name: 'smartnic',
  description: 'SmartNIC program on NIC cores before PCIe (drop_flows dropped on the card, optional rewrite), then the kernel path for what passes',
  params,
  create: (p, s) => {
    const k = kernelStack.create({ ...p, drop_flows: [] }, s);
    // NIC cores run at their own clock: the host's clock_ghz does not scale them
    // the program, then what a passed packet costs more: the rewrite, or nothing (`nic_pass`
    // counts the packets that go on to PCIe)
    const stages = [
      stage('nic_program', { packet: p.nic_ns }, 'no published source', 1),
      p.rewrite ? stage('nic_rewrite', { packet: p.nic_rewrite_ns }, 'no published source', 1) : stage('nic_pass', {}, 'no cost', 1),
    ];
    return {
      ...k,
      name: 'smartnic',
      nic: {
        cores: p.nic_cores,
        ringSize: p.nic_ring,
        stages,
        ...(p.drop_flows.length > 0 ? { drop: { flows: new Set(p.drop_flows), dropAfter: 1 } } : {}),
      },
    };
  },
};
