import type { Rng } from '../../sim/rng.js';
import type { EcnMarker } from './marker.js';

/**
 * RED-style marking on the instantaneous queue (as DCQCN's congestion point uses): no marking
 * below kmin, probability rising linearly to pmax at kmax, always above kmax.
 */
export class RedMarker implements EcnMarker {
  constructor(
    readonly kminBytes: number,
    readonly kmaxBytes: number,
    readonly pmax: number,
    private readonly rng: Rng,
  ) {}
  mark(queueBytes: number): boolean {
    if (queueBytes <= this.kminBytes) return false;
    if (queueBytes > this.kmaxBytes) return true;
    const p = (this.pmax * (queueBytes - this.kminBytes)) / (this.kmaxBytes - this.kminBytes);
    return this.rng.next() < p;
  }
}
