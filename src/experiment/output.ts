import { existsSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { toCsv, writeFileAtomic, type Cell } from '../metrics/csv.js';
import { PFC_KIND_NAMES, PFC_PAUSE_TX } from '../metrics/pfc-log.js';
import { PAUSE_PROPAGATED } from '../fabric/switch.js';
import {
  PC_DROPS,
  PC_DROP_BYTES,
  PC_ECN_MARKS,
  PC_LOSSLESS_DROPS,
  PC_MAX_QUEUE_BYTES,
  PC_PAUSED_PS,
  PC_PAUSE_RX,
  PC_PAUSE_TX,
  PC_RESUME_RX,
  PC_RESUME_TX,
  PC_TX_BYTES,
  PC_TX_PACKETS,
  PC_TX_WIRE_BYTES,
  PC_LINK_LOSSES,
  PC_WATCHDOG_DROPS,
  PC_WATCHDOG_TRIPS,
} from '../metrics/port-counters.js';
import { ENTITY_PORT, SAMPLE_METRIC_NAMES } from '../metrics/sampler.js';
import { summarize } from '../metrics/summary.js';
import { VERSION } from '../version.js';
import { PAUSE_FAULT } from './faults.js';
import { writeRdmaResults } from './rdma-output.js';
import { writeCpuResults } from './cpu-output.js';
import { writePcieResults } from './pcie-output.js';
import type { RunResult } from './run.js';

/** Columns of flows.csv. */
export const FLOWS_COLUMNS = [
  'flow_id', 'src', 'dst', 'transport', 'verb', 'bytes', 'start_ns', 'recv_done_ns', 'finish_ns',
  'fct_ns', 'ideal_fct_ns', 'slowdown', 'packets_sent', 'retx_packets', 'timeouts', 'ecn_marked',
  'delivered_bytes', 'pause_delay_ns', 'nic_paused_ns', 'pauses_triggered', 'status', 'spurious_retx',
] as const;

/** Columns of ports.csv. */
export const PORTS_COLUMNS = [
  'port', 'node', 'local', 'peer', 'role', 'rate_gbps', 'tx_bytes', 'tx_packets', 'util',
  'drops', 'drop_bytes', 'lossless_drops', 'ecn_marks', 'pause_tx', 'resume_tx', 'pause_rx',
  'resume_rx', 'max_queue_bytes', 'link_losses', 'watchdog_trips', 'watchdog_drops',
  ...Array.from({ length: 8 }, (_, p) => `paused_ns_p${p}`),
] as const;

/** Columns of samples.csv (long format). */
export const SAMPLES_COLUMNS = ['t_ns', 'entity', 'metric', 'value'] as const;

/** Columns of pfc.csv. */
export const PFC_COLUMNS = ['t_ns', 'node', 'port', 'peer', 'priority', 'kind', 'quanta', 'cause', 'trigger_flow'] as const;

/** Columns of summary.csv (after `name` and `seed`). */
export const SUMMARY_LEAD_COLUMNS = ['name', 'seed', 'stop_reason', 'complete'] as const;

const psToNs = (t: number): number => t / 1000;

/**
 * Why a PAUSE was sent: `congestion` (the ingress's bytes wait at a congested egress; the
 * flow holding most of them is in trigger_flow), `propagated` (they wait behind an egress that
 * is itself paused: congestion spreading), `refresh` (a PAUSE renewed before expiry); empty for
 * other events.
 */
function pauseCause(kind: number, trigger: number): string {
  if (kind !== PFC_PAUSE_TX) return '';
  if (trigger === PAUSE_PROPAGATED) return 'propagated';
  if (trigger === PAUSE_FAULT) return 'fault';
  return trigger >= 0 ? 'congestion' : 'refresh';
}

/** The files a run writes, in the order they are written (run.json last). */
export const RESULT_FILES = ['flows.csv', 'ports.csv', 'samples.csv', 'pfc.csv', 'messages.csv', 'summary.csv', 'run.json'] as const;

/**
 * Writes a run's results into `dir`: flows.csv, ports.csv, samples.csv, pfc.csv, summary.csv and
 * run.json (the resolved config, seed, version, events, wall time, events/s and `complete`).
 * Every file goes to a temporary name first and is renamed when whole; run.json is written last,
 * and a stale run.json from an earlier run in the same folder is removed first, so a folder
 * whose run.json is missing or says `complete: false` is never mistaken for a finished run.
 */
export function writeResults(result: RunResult, dir: string, meta: { file?: string } = {}): void {
  const { fabric, flows, config } = result;
  if (existsSync(join(dir, 'run.json'))) rmSync(join(dir, 'run.json'));
  const durationPs = result.simTimePs;

  const triggers = fabric.pfcLog.triggersByConn(flows.records.length);
  writeFileAtomic(
    dir,
    'flows.csv',
    toCsv(
      FLOWS_COLUMNS,
      flows.records.map((r, i): Cell[] => {
        const done = r.status === 'done';
        const fct = done ? r.finish - r.start : NaN;
        return [
          r.id, fabric.hostKeys[r.src]!, fabric.hostKeys[r.dst]!, r.transport, r.verb, r.bytes, psToNs(r.start),
          r.recvDone >= 0 ? psToNs(r.recvDone) : NaN, done ? psToNs(r.finish) : NaN, psToNs(fct), psToNs(r.idealFct),
          fct / r.idealFct, r.packetsSent, r.retxPackets, r.timeouts, r.ecnMarked, r.deliveredBytes,
          r.deliveredPackets > 0 ? psToNs(r.pauseDelayPs / r.deliveredPackets) : 0, psToNs(r.nicPausedPs), triggers[i]!, r.status, r.spuriousRetx,
        ];
      }),
    ),
  );

  const c = fabric.counters;
  writeFileAtomic(
    dir,
    'ports.csv',
    toCsv(
      PORTS_COLUMNS,
      fabric.ports.map((p): Cell[] => {
        const i = p.index;
        const util = durationPs > 0 ? (c.get(i, PC_TX_WIRE_BYTES) * 8 * 1e12) / (p.rateBps * durationPs) : 0;
        return [
          fabric.portName(i), fabric.nodeKeys[p.node]!, p.local, fabric.nodeKeys[fabric.adjPeer[i]!]!,
          fabric.switchOf[p.node]! >= 0 ? 'switch' : 'host', p.rateBps / 1e9, c.get(i, PC_TX_BYTES), c.get(i, PC_TX_PACKETS),
          util, c.get(i, PC_DROPS), c.get(i, PC_DROP_BYTES), c.get(i, PC_LOSSLESS_DROPS), c.get(i, PC_ECN_MARKS),
          c.get(i, PC_PAUSE_TX), c.get(i, PC_RESUME_TX), c.get(i, PC_PAUSE_RX), c.get(i, PC_RESUME_RX),
          c.get(i, PC_MAX_QUEUE_BYTES), c.get(i, PC_LINK_LOSSES), c.get(i, PC_WATCHDOG_TRIPS), c.get(i, PC_WATCHDOG_DROPS),
          ...Array.from({ length: 8 }, (_, prio) => psToNs(c.get(i, PC_PAUSED_PS + prio))),
        ];
      }),
    ),
  );

  const samples = result.sampler?.rows;
  const sampleRows: Cell[][] = [];
  if (samples) {
    for (let r = 0; r < samples.length; r++) {
      const entity = samples.get(r, 1) === ENTITY_PORT ? fabric.portName(samples.get(r, 2)) : `flow${samples.get(r, 2)}`;
      sampleRows.push([psToNs(samples.get(r, 0)), entity, SAMPLE_METRIC_NAMES[samples.get(r, 3)]!, samples.get(r, 4)]);
    }
  }
  writeFileAtomic(dir, 'samples.csv', toCsv(SAMPLES_COLUMNS, sampleRows));

  const log = fabric.pfcLog.cols;
  const pfcRows: Cell[][] = [];
  for (let r = 0; r < log.length; r++) {
    const port = log.get(r, 1);
    pfcRows.push([
      psToNs(log.get(r, 0)), fabric.nodeKeys[fabric.ports[port]!.node]!, fabric.portName(port),
      fabric.nodeKeys[fabric.adjPeer[port]!]!, log.get(r, 2), PFC_KIND_NAMES[log.get(r, 3)]!, log.get(r, 4),
      pauseCause(log.get(r, 3), log.get(r, 5)), log.get(r, 5) >= 0 ? log.get(r, 5) : '',
    ]);
  }
  writeFileAtomic(dir, 'pfc.csv', toCsv(PFC_COLUMNS, pfcRows));
  // messages.csv (one row per RDMA work request) and the applications' tables (perftest.csv, rpc.csv)
  const tableFiles = writeRdmaResults(dir, result.messages ?? null, result.tables ?? [], fabric.hostKeys);
  tableFiles.push(...writeCpuResults(dir, result.hostStacks, fabric.hostKeys, durationPs));
  tableFiles.push(...writePcieResults(dir, result.hostStacks, fabric.hostKeys, durationPs));

  const summary = summarize(flows, c, fabric.traffic, result.simTimePs, result.events);
  const summaryCols = [...SUMMARY_LEAD_COLUMNS, ...Object.keys(summary)];
  writeFileAtomic(
    dir,
    'summary.csv',
    toCsv(summaryCols, [[config.name, config.seed, result.stopReason, result.complete, ...Object.values(summary)]]),
  );

  const delivered = fabric.traffic.deliveredPackets;
  const seconds = result.wallMs / 1000;
  const runJson = {
    name: config.name,
    version: VERSION,
    file: meta.file ?? null,
    seed: config.seed,
    complete: result.complete,
    stop_reason: result.stopReason,
    sim_time_ns: psToNs(result.simTimePs),
    events: result.events,
    wall_ms: Math.round(result.wallMs),
    events_per_s: seconds > 0 ? Math.round(result.events / seconds) : null,
    delivered_packets: delivered,
    delivered_packets_per_s: seconds > 0 ? Math.round(delivered / seconds) : null,
    warnings: result.warnings,
    stop_report: result.stopReport,
    deadlock: result.deadlock === null ? null : { at_ns: psToNs(result.deadlock.atPs), priority: result.deadlock.priority, cycle: result.deadlock.cycle },
    files: [...RESULT_FILES.slice(0, -1), ...tableFiles, 'run.json'],
    config,
  };
  writeFileAtomic(dir, 'run.json', JSON.stringify(runJson, null, 2) + '\n');
}
