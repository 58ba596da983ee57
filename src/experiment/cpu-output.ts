import { toCsv, writeFileAtomic, type Cell } from '../metrics/csv.js';
import type { HostStacks } from '../host/setup.js';

/** Columns of cpu.csv: one row per (host, core, stage). */
export const CPU_COLUMNS = ['host', 'core', 'stack', 'stage', 'busy_ns', 'core_busy_ns', 'cpu_util', 'packets', 'calls', 'ring_drops'] as const;

/**
 * The rows of cpu.csv. `busy_ns` is the stage's time on that core; `core_busy_ns` and `cpu_util`
 * the core's total (repeated on each of its rows). A poll-mode core (DPDK, busy-polling
 * completions) spins when it has no packet: that time is the `poll_idle` stage, and the core is
 * 100 % busy whatever the load. Posting send work requests (RDMA offload: `ibv_post_send` +
 * doorbell) is the `post_send` stage, its `calls` the work requests. A host with the ideal stack
 * (`hosts.per_host`) has no rows; each row names its host's own stack. `packets` counts the work
 * items that passed a stage: with GRO the stages after `gro` see merged super-packets, with TSO /
 * GSO the stages charged per super-segment see super-segments (src/host/cpu.ts, tx-path.ts).
 */
export function cpuRows(h: HostStacks, hostKeys: readonly string[], durationPs: number): Cell[][] {
  const rows: Cell[][] = [];
  for (const [host, rx] of h.rx.entries()) {
    if (rx === null) continue; // an ideal host
    const model = h.models[host]!;
    const cpu = rx.cpu;
    const tx = h.tx[host] ?? null;
    const S = cpu.stageNames.length;
    const T = tx?.stageNames.length ?? 0;
    for (let core = 0; core < cpu.cores; core++) {
      const post = h.posting !== null && h.posting.charges(host) ? h.posting.core(host, core) : null;
      const work = cpu.coreBusyPs[core]! + (tx?.coreBusyPs[core] ?? 0) + (post?.busyPs ?? 0);
      const busy = model.pollMode ? Math.max(work, durationPs) : work;
      const util = durationPs > 0 ? busy / durationPs : 0;
      const common = (stage: string, ps: number, packets: number, calls: number): Cell[] => [
        hostKeys[host]!, core, model.name, stage, ps / 1000, busy / 1000, util, packets, calls, cpu.ringDrops[core]!,
      ];
      for (let s = 0; s < S; s++) {
        const i = core * S + s;
        rows.push(common(cpu.stageNames[s]!, cpu.stageBusyPs[i]!, cpu.stagePackets[i]!, cpu.stageCalls[i]!));
      }
      for (let s = 0; s < T; s++) {
        const i = core * T + s;
        rows.push(common(tx!.stageNames[s]!, tx!.stageBusyPs[i]!, tx!.stagePackets[i]!, 0));
      }
      // posting send work requests (ibv_post_send + doorbell): one call per work request
      if (post !== null) rows.push(common('post_send', post.busyPs, 0, post.posts));
      if (cpu.stateCost !== null) rows.push(common(cpu.stateCost.name, cpu.stateBusyPs[core]!, cpu.statePackets[core]!, 0));
      if (model.pollMode) rows.push(common('poll_idle', busy - work, 0, 0));
    }
    // a SmartNIC's own cores (src/host/stacks/smartnic.ts): core `nic0`, `nic1`, ...
    const nic = rx.nic;
    if (nic !== null) {
      const N = nic.stageNames.length;
      for (let k = 0; k < nic.cores; k++) {
        const nbusy = nic.coreBusyPs[k]!;
        const nutil = durationPs > 0 ? nbusy / durationPs : 0;
        for (let s = 0; s < N; s++) {
          const i = k * N + s;
          rows.push([hostKeys[host]!, `nic${k}`, nic.stack.name, nic.stageNames[s]!, nic.stageBusyPs[i]! / 1000, nbusy / 1000, nutil, nic.stagePackets[i]!, 0, nic.ringDrops[k]!]);
        }
      }
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
