import type { Actor } from '../sim/actor.js';
import type { Simulator } from '../sim/simulator.js';
import type { Time } from '../sim/time.js';
import { GrowableColumns } from './columns.js';

/** Metric codes in samples.csv. */
export const SAMPLE_QUEUE_BYTES = 0;
export const SAMPLE_RATE_GBPS = 1;
/** Names of the metrics, as written to samples.csv. */
export const SAMPLE_METRIC_NAMES = ['queue_bytes', 'rate_gbps'] as const;
/** Entity kinds. */
export const ENTITY_PORT = 0;
export const ENTITY_FLOW = 1;

/** What the sampler reads. */
export interface SampleSource {
  /** Global indices of the ports to sample. */
  readonly ports: readonly number[];
  /** Bytes queued at global port p. */
  queueBytes(p: number): number;
  /** Number of flows. */
  readonly flowCount: number;
  /** Payload bytes delivered so far by flow i. */
  deliveredBytes(i: number): number;
  /** Whether flow i has started and not ended. */
  flowActive(i: number): boolean;
}

/**
 * Samples queue depths and per-flow delivery rates every `interval` ps into a long-format table
 * (t, entity kind, entity index, metric, value). To keep the table small a queue is written only
 * when its value differs from the last value written for it (a step function: plot with
 * `drawstyle='steps-post'`), and a flow's rate only while the flow is active (plus its final
 * zero). It reschedules itself only while other events are pending, so it never keeps a finished
 * run alive.
 */
export class Sampler implements Actor {
  actorId = -1;
  readonly rows = new GrowableColumns(['t', 'entity_kind', 'entity', 'metric', 'value']);
  private readonly lastQueue: Float64Array;
  private readonly lastDelivered: Float64Array;
  private readonly wasActive: Uint8Array;

  constructor(
    private readonly sim: Simulator,
    private readonly source: SampleSource,
    readonly interval: Time,
  ) {
    this.lastQueue = new Float64Array(source.ports.length);
    this.lastDelivered = new Float64Array(source.flowCount);
    this.wasActive = new Uint8Array(source.flowCount);
    sim.register(this);
  }

  /** Takes the first sample at `t`. */
  start(t: Time = 0): void {
    if (this.interval > 0) this.sim.at(t, this, 0);
  }

  onEvent(): void {
    const now = this.sim.now;
    const s = this.source;
    for (let i = 0; i < s.ports.length; i++) {
      const p = s.ports[i]!;
      const q = s.queueBytes(p);
      if (q !== this.lastQueue[i]) {
        this.rows.push5(now, ENTITY_PORT, p, SAMPLE_QUEUE_BYTES, q);
        this.lastQueue[i] = q;
      }
    }
    const gbpsPerBytePerInterval = 8 / (this.interval / 1000); // bytes per interval(ps) → Gb/s
    for (let f = 0; f < s.flowCount; f++) {
      const active = s.flowActive(f);
      if (!active && this.wasActive[f] === 0) continue;
      const d = s.deliveredBytes(f);
      this.rows.push5(now, ENTITY_FLOW, f, SAMPLE_RATE_GBPS, (d - this.lastDelivered[f]!) * gbpsPerBytePerInterval);
      this.lastDelivered[f] = d;
      this.wasActive[f] = active ? 1 : 0;
    }
    if (this.sim.pending > 0) this.sim.after(this.interval, this, 0);
  }
}
