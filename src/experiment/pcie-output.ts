import { toCsv, writeFileAtomic, type Cell } from '../metrics/csv.js';
import type { HostStacks } from '../host/setup.js';

/** Columns of pcie.csv: one row per host with a PCIe link (`hosts.pcie`). */
export const PCIE_COLUMNS = [
  'host', 'gen', 'lanes', 'mps_bytes', 'tlp_gbps',
  'rx_packets', 'rx_frame_bytes', 'tx_packets', 'tx_frame_bytes',
  'up_bytes', 'down_bytes', 'up_util', 'down_util',
  'nic_program_drops', 'llc_miss_packets', 'interrupts',
] as const;

/**
 * The rows of pcie.csv. `tlp_gbps` is the rate one direction leaves to TLPs (after encoding,
 * DLLPs and SKP sets); `up_bytes` (NIC → memory: received data, descriptor write-backs, read
 * requests) and `down_bytes` (memory → NIC: transmitted data, descriptors, doorbells) are TLP
 * bytes on the link, headers included; `*_util` their busy time over the run.
 * `nic_program_drops`: packets a SmartNIC program dropped on the card (they never crossed PCIe);
 * `llc_miss_packets`: packets that missed in the LLC (with `hosts.llc`); `interrupts`: MSI-X
 * writes the NIC sent (one per interrupt a core took; in `up_bytes`). `tx_packets` and
 * `tx_frame_bytes` include the frames an XDP program sent back out (XDP_TX, XDP_REDIRECT): they
 * crossed PCIe twice.
 */
export function pcieRows(h: HostStacks, hostKeys: readonly string[], durationPs: number): Cell[][] {
  const rows: Cell[][] = [];
  for (const [host, hw] of h.hardware.entries()) {
    const link = hw?.pcie ?? null;
    if (link === null) continue;
    const cfg = link.model.cfg;
    const nic = h.rx[host]?.nic ?? null;
    const nicDrops = nic === null ? 0 : nic.stackDrops.reduce((a, b) => a + b, 0);
    const util = (ps: number) => (durationPs > 0 ? ps / durationPs : 0);
    rows.push([
      hostKeys[host]!, cfg.gen, cfg.lanes, cfg.max_payload_bytes, link.model.tlpBps / 1e9,
      link.rxPackets, link.rxFrameBytes, link.txPackets, link.txFrameBytes,
      link.upBytes, link.downBytes, util(link.upBusyPs), util(link.downBusyPs),
      nicDrops, hw?.llc?.missedPackets ?? 0, link.interrupts,
    ]);
  }
  return rows;
}

/** Writes pcie.csv when some host has a PCIe link; returns the file names written. */
export function writePcieResults(dir: string, h: HostStacks | null | undefined, hostKeys: readonly string[], durationPs: number): string[] {
  if (h === null || h === undefined || h.hardware.every((hw) => hw?.pcie == null)) return [];
  writeFileAtomic(dir, 'pcie.csv', toCsv([...PCIE_COLUMNS], pcieRows(h, hostKeys, durationPs)));
  return ['pcie.csv'];
}
