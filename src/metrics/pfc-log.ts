import { GrowableColumns } from './columns.js';

/** Kinds of PFC events in pfc.csv. */
export const PFC_PAUSE_TX = 0;
export const PFC_RESUME_TX = 1;
export const PFC_PAUSED = 2;
export const PFC_UNPAUSED = 3;
/** Names of the kinds, as written to pfc.csv. */
export const PFC_KIND_NAMES = ['pause_tx', 'resume_tx', 'paused', 'unpaused'] as const;

/**
 * Every PFC event of a run: frames sent (`pause_tx`, `resume_tx`, at the port that sends them,
 * which is the congested switch's ingress) and the pause state of the egress they act on
 * (`paused`, `unpaused`, at the upstream port). Stored column-wise in typed arrays.
 */
export class PfcLog {
  readonly cols = new GrowableColumns(['t', 'port', 'priority', 'kind', 'quanta']);

  record(t: number, port: number, priority: number, kind: number, quanta: number): void {
    this.cols.push5(t, port, priority, kind, quanta);
  }

  get length(): number {
    return this.cols.length;
  }

  /** Number of events of one kind. */
  count(kind: number): number {
    let n = 0;
    for (let i = 0; i < this.cols.length; i++) if (this.cols.get(i, 3) === kind) n++;
    return n;
  }
}
