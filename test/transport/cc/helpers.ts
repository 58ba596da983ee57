import type { AckEvent, CcContext } from '../../../src/transport/cc/congestion-control.js';
import { Simulator } from '../../../src/sim/simulator.js';

/** A congestion-control context on a fresh simulator. */
export function ccContext(opts: { lineRateBps?: number; mtu?: number; baseRttPs?: number } = {}): CcContext {
  const sim = new Simulator(1);
  return { sim, lineRateBps: opts.lineRateBps ?? 100e9, mtu: opts.mtu ?? 1024, baseRttPs: opts.baseRttPs ?? 10_000_000, rng: sim.rng.fork('cc') };
}

/** An ACK event with the given fields (the rest zero / no INT). */
export function ack(fields: Partial<AckEvent>): AckEvent {
  return { ackedBytes: 0, ackedPackets: 0, markedPackets: 0, rttPs: 0, intHops: 0, int: null, inflightBytes: 0, now: 0, ...fields };
}

/** Advances `ctx.sim` to absolute time `t` ps, running every event due up to and including `t`. */
export function runTo(ctx: CcContext, t: number): void {
  ctx.sim.run(t);
  if (ctx.sim.now !== t) throw new Error(`simulator at ${ctx.sim.now}, expected ${t}`);
}
