import { toCsv, writeFileAtomic, type Cell } from '../metrics/csv.js';
import type { HostStacks } from '../host/setup.js';

/** Columns of cpu.csv: one row per (host, core, stage). */
export const CPU_COLUMNS = ['host', 'core', 'stack', 'stage', 'busy_ns', 'core_busy_ns', 'cpu_util', 'packets', 'calls', 'ring_drops'] as const;

/**
 * The rows of cpu.csv. `busy_ns` is the stage's time on that core; `core_busy_ns` and `cpu_util`
 * the core's total (repeated on each of its rows). A poll-mode core (DPDK, busy-polling
 * completions) spins when it has no packet: that time is the `poll_idle` stage, and the core is
 * 100 % busy whatever the load.
 */
export function cpuRows(h: HostStacks, hostKeys: readonly string[], durationPs: number): Cell[][] {
  const rows: Cell[][] = [];
  for (const [host, rx] of h.rx.entries()) {
    const cpu = rx.cpu;
    const tx = h.tx[host] ?? null;
    const S = cpu.stageNames.length;
    const T = tx?.stageNames.length ?? 0;
    for (let core = 0; core < cpu.cores; core++) {
      const work = cpu.coreBusyPs[core]! + (tx?.coreBusyPs[core] ?? 0);
      const busy = h.pollMode ? Math.max(work, durationPs) : work;
      const util = durationPs > 0 ? busy / durationPs : 0;
      const common = (stage: string, ps: number, packets: number, calls: number): Cell[] => [
        hostKeys[host]!, core, h.stackName, stage, ps / 1000, busy / 1000, util, packets, calls, cpu.ringDrops[core]!,
      ];
      for (let s = 0; s < S; s++) {
        const i = core * S + s;
        rows.push(common(cpu.stageNames[s]!, cpu.stageBusyPs[i]!, cpu.stagePackets[i]!, cpu.stageCalls[i]!));
      }
      for (let s = 0; s < T; s++) {
        const i = core * T + s;
        rows.push(common(tx!.stageNames[s]!, tx!.stageBusyPs[i]!, tx!.stagePackets[i]!, 0));
      }
      if (h.pollMode) rows.push(common('poll_idle', busy - work, 0, 0));
    }
  }
  return rows;
}

/** Writes cpu.csv when the run has host stack models; returns the file names written. */
export function writeCpuResults(dir: string, h: HostStacks | null | undefined, hostKeys: readonly string[], durationPs: number): string[] {
  if (h === null || h === undefined) return [];
  writeFileAtomic(dir, 'cpu.csv', toCsv([...CPU_COLUMNS], cpuRows(h, hostKeys, durationPs)));
  return ['cpu.csv'];
}
