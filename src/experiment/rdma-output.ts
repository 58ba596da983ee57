import { toCsv, writeFileAtomic, type Cell } from '../metrics/csv.js';
import { ML_BYTES, ML_COMPLETE, ML_FLOW, ML_HOST, ML_PEER, ML_POST, ML_QPN, ML_RECV, ML_START, ML_STATUS, ML_VERB, type MessageLog } from '../transport/rdma/message-log.js';
import { VERB_NAMES, statusName } from '../transport/rdma/work-request.js';
import type { AppTable } from './rdma-apps.js';

/** Columns of messages.csv. */
export const MESSAGES_COLUMNS = [
  'flow_id', 'qpn', 'host', 'peer', 'verb', 'bytes', 'post_ns', 'start_ns', 'completion_ns', 'latency_ns', 'recv_ns', 'status',
] as const;

const ns = (t: number): number => (t < 0 ? NaN : t / 1000);

/** The rows of messages.csv: one per work request, in completion order (pending ones last). */
export function messageRows(log: MessageLog | null, hostKeys: readonly string[]): Cell[][] {
  const rows: Cell[][] = [];
  if (log === null) return rows;
  const host = (h: number): string => (h >= 0 ? (hostKeys[h] ?? String(h)) : '');
  for (let r = 0; r < log.length; r++) {
    const post = log.get(r, ML_POST);
    const done = log.get(r, ML_COMPLETE);
    const flow = log.get(r, ML_FLOW);
    rows.push([
      flow >= 0 ? flow : '', log.get(r, ML_QPN), host(log.get(r, ML_HOST)), host(log.get(r, ML_PEER)), VERB_NAMES[log.get(r, ML_VERB)]!,
      log.get(r, ML_BYTES), ns(post), ns(log.get(r, ML_START)), ns(done), done >= 0 ? (done - post) / 1000 : NaN, ns(log.get(r, ML_RECV)),
      statusName(log.get(r, ML_STATUS)),
    ]);
  }
  return rows;
}

/** Writes messages.csv and each application table (`<name>.csv`); returns the table files written. */
export function writeRdmaResults(dir: string, log: MessageLog | null, tables: readonly AppTable[], hostKeys: readonly string[]): string[] {
  writeFileAtomic(dir, 'messages.csv', toCsv(MESSAGES_COLUMNS, messageRows(log, hostKeys)));
  const files: string[] = [];
  for (const t of tables) {
    writeFileAtomic(dir, `${t.name}.csv`, toCsv(t.columns, t.rows));
    files.push(`${t.name}.csv`);
  }
  return files;
}
