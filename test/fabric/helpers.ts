import type { Actor } from '../../src/sim/actor.js';
import type { Simulator } from '../../src/sim/simulator.js';
import type { Packet } from '../../src/fabric/packet.js';
import type { PacketSink } from '../../src/fabric/packet-sink.js';

/** Runs closures at given simulated times (one actor, arg = index into its list). */
export class Driver implements Actor {
  actorId = -1;
  private readonly fns: (() => void)[] = [];
  constructor(private readonly sim: Simulator) {
    sim.register(this);
  }
  at(t: number, fn: () => void): void {
    this.fns.push(fn);
    this.sim.at(t, this, 0, this.fns.length - 1);
  }
  onEvent(_kind: number, arg: number): void {
    this.fns[arg]!();
  }
}

/** A sink that records every packet with its arrival time. */
export class RecordingSink implements PacketSink {
  readonly got: { at: number; pkt: Packet }[] = [];
  constructor(private readonly sim: Simulator) {}
  receive(pkt: Packet): void {
    this.got.push({ at: this.sim.now, pkt });
  }
  get times(): number[] {
    return this.got.map((g) => g.at);
  }
}
