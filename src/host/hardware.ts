import type { Simulator } from '../sim/simulator.js';
import type { HostStackConfig } from './host-config.js';
import { LlcModel } from './llc.js';
import type { Nic } from './nic.js';
import { PcieLink } from './pcie.js';
import type { RxPath } from './rx-path.js';

/** One host's hardware models beyond its cores: the PCIe link and the LLC (null when not configured). */
export interface HostHardware {
  readonly pcie: PcieLink | null;
  readonly llc: LlcModel | null;
}

/**
 * Gives a host with a stack model the `hosts` block's hardware: the PCIe link between its NIC and
 * memory (received packets are DMA'd before they land on a ring; the NIC's transmit reads are
 * gated by the link), DDIO/LLC misses (a cost per packet once the rx buffers in flight outgrow the
 * DDIO share: stage `llc_miss`) and interrupt coalescing (not on poll-mode stacks, which take no
 * interrupts). Absent blocks change nothing.
 */
export function installHostHardware(sim: Simulator, path: RxPath, nic: Nic, c: HostStackConfig): HostHardware {
  const cpu = path.cpu;
  let pcie: PcieLink | null = null;
  if (c.pcie !== undefined) {
    const link = new PcieLink(sim, c.pcie, cpu.cores, cpu.cores * cpu.ringSize, (pkt, core) => cpu.enqueue(pkt, core));
    path.pcie = link;
    nic.pcie = link;
    cpu.onInterrupt = () => link.msi();
    pcie = link;
  }
  let llc: LlcModel | null = null;
  if (c.llc !== undefined) {
    const model = new LlcModel(c.llc);
    const cores = cpu.cores;
    cpu.stateCost = {
      name: 'llc_miss',
      costPs: (pkt) => {
        let inUse = 0;
        for (let k = 0; k < cores; k++) inUse += path.inUse(k);
        return model.costPs(pkt, inUse);
      },
    };
    llc = model;
  }
  // a poll-mode stack (DPDK, busy-polled completions) takes no interrupts to coalesce
  if (c.coalescing !== undefined && !cpu.stack.pollMode) {
    cpu.coalescePs = Math.round(c.coalescing.rx_usecs * 1e6);
    cpu.coalesceFrames = c.coalescing.rx_frames;
  }
  return { pcie, llc };
}
