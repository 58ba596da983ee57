/** Decides whether a packet joining a queue of `queueBytes` gets its ECN field set to CE. */
export interface EcnMarker {
  mark(queueBytes: number): boolean;
}
