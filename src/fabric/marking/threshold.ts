import type { EcnMarker } from './marker.js';

/** Step marking (DCTCP): mark when the queue exceeds K bytes. */
export class ThresholdMarker implements EcnMarker {
  constructor(readonly kBytes: number) {}
  mark(queueBytes: number): boolean {
    return queueBytes > this.kBytes;
  }
}
