/**
 * Decides whether a packet of `frameBytes` joining a queue of `queueBytes` at the switch's local
 * port `local` gets its ECN field set to CE (an FECN on InfiniBand). Most markers look only at
 * the queue; IB's also at the size and at a per-port count (marking/ib-fecn.ts).
 */
export interface EcnMarker {
  mark(queueBytes: number, frameBytes: number, local: number): boolean;
}
