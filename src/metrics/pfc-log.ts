import { GrowableColumns } from './columns.js';

/** Kinds of PFC events in pfc.csv. */
export const PFC_PAUSE_TX = 0;
export const PFC_RESUME_TX = 1;
export const PFC_PAUSED = 2;
export const PFC_UNPAUSED = 3;
/** The PFC watchdog found the port paused too long and stopped honouring PAUSE for the priority. */
export const PFC_WATCHDOG_TRIP = 4;
/** No PAUSE arrived for the watchdog's restore time: PFC is honoured again. */
export const PFC_WATCHDOG_RESTORE = 5;
/** Credit-based flow control: a VL's head packet waits for credits at the port (quanta: the credits it has). */
export const CREDIT_STALL = 6;
/** The credits it waited for have arrived (quanta: the credits it now has). */
export const CREDIT_RESUME = 7;
/** Names of the kinds, as written to pfc.csv. */
export const PFC_KIND_NAMES = ['pause_tx', 'resume_tx', 'paused', 'unpaused', 'watchdog_trip', 'watchdog_restore', 'credit_stall', 'credit_resume'] as const;

/**
 * Every PFC event of a run: frames sent (`pause_tx`, `resume_tx`, at the port that sends them,
 * which is the congested switch's ingress) and the pause state of the egress they act on
 * (`paused`, `unpaused`, at the upstream port). Stored column-wise in typed arrays.
 */
export class PfcLog {
  readonly cols = new GrowableColumns(['t', 'port', 'priority', 'kind', 'quanta', 'trigger']);

  /** `trigger`: the connection whose packet crossed XOFF (PAUSE frames), else -1. */
  record(t: number, port: number, priority: number, kind: number, quanta: number, trigger = -1): void {
    this.cols.push(t, port, priority, kind, quanta, trigger);
  }

  /** PAUSE frames (not refreshes) each connection triggered, by connection index. */
  triggersByConn(conns: number): Float64Array {
    const out = new Float64Array(conns);
    for (let i = 0; i < this.cols.length; i++) {
      const c = this.cols.get(i, 5);
      if (this.cols.get(i, 3) === PFC_PAUSE_TX && c >= 0 && c < conns) out[c]!++;
    }
    return out;
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
