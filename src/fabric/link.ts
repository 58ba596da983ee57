import type { Actor } from '../sim/actor.js';
import { Ring } from '../sim/ring.js';
import type { Simulator } from '../sim/simulator.js';
import type { Time } from '../sim/time.js';
import type { Rng } from '../sim/rng.js';
import { FRAME_DATA, type Packet } from './packet.js';
import type { PacketSink } from './packet-sink.js';

const ARRIVE = 0;

/**
 * One direction of a cable: a constant propagation delay. Because the delay is constant, packets
 * arrive in the order they were sent, so the link keeps them in a ring and has at most one
 * pending event: its head packet's arrival (htsim's Pipe). Serialization happens in the egress
 * port before `send`, so a packet handed over at time t has fully arrived at t + delay.
 */
export class Link implements Actor {
  actorId = -1;
  private readonly inflight = new Ring<Packet>(64);
  /** Arrival times of the packets in `inflight`, a ring of its own: slot `(head + i) & (length − 1)`. */
  private arrivals = new Float64Array(64);
  private arrivalHead = 0;
  /** The receiving end. Set when the fabric is wired. */
  sink: PacketSink | null = null;
  /** Probability that a data frame is corrupted on the cable (and discarded by the receiver's MAC). */
  lossRate = 0;
  /** Draws the losses; required when `lossRate` > 0. */
  lossRng: Rng | null = null;
  /** Told about every frame lost on the cable (it is released to the pool afterwards by the caller). */
  onLoss: ((pkt: Packet) => void) | null = null;

  constructor(
    private readonly sim: Simulator,
    /** One-way propagation delay, ps. */
    readonly delay: Time,
  ) {
    sim.register(this);
  }

  /** Packets currently propagating. */
  get inFlight(): number {
    return this.inflight.length;
  }

  /** Calls `fn` for every packet on the cable, oldest first. */
  forEachInFlight(fn: (pkt: Packet) => void): void {
    for (let i = 0; i < this.inflight.length; i++) fn(this.inflight.at(i)!);
  }

  /** Hands a fully serialized packet to the cable. */
  send(pkt: Packet): void {
    this.sendAt(pkt, this.sim.now + this.delay);
  }

  /**
   * Hands a packet to the cable that reaches the far end at `at` (cut-through: when its header
   * has arrived, before its tail). Arrival times must not decrease (the egress port guarantees it).
   */
  sendAt(pkt: Packet, at: Time): void {
    const n = this.inflight.length;
    if (n === this.arrivals.length) this.growArrivals();
    this.arrivals[(this.arrivalHead + n) & (this.arrivals.length - 1)] = at;
    this.inflight.push(pkt);
    if (n === 0) this.sim.at(at, this, ARRIVE);
  }

  onEvent(): void {
    const pkt = this.inflight.shift()!;
    this.arrivalHead = (this.arrivalHead + 1) & (this.arrivals.length - 1);
    if (this.inflight.length > 0) this.sim.at(this.arrivals[this.arrivalHead]!, this, ARRIVE);
    if (this.lossRate > 0 && pkt.frame === FRAME_DATA && this.lossRng!.next() < this.lossRate) {
      this.onLoss!(pkt); // a corrupted frame fails its FCS check and is discarded
      return;
    }
    this.sink!.receive(pkt);
  }

  private growArrivals(): void {
    const old = this.arrivals;
    const n = new Float64Array(old.length * 2);
    for (let i = 0; i < old.length; i++) n[i] = old[(this.arrivalHead + i) & (old.length - 1)]!;
    this.arrivals = n;
    this.arrivalHead = 0;
  }
}
