import type { Actor } from '../../sim/actor.js';
import type { Simulator } from '../../sim/simulator.js';
import type { Time } from '../../sim/time.js';
import type { EgressPort } from '../egress-port.js';
import type { Packet } from '../packet.js';
import { TRAFFIC_CLASSES } from '../scheduler/scheduler.js';
import { findCycle, type DeadlockReport, type WaitForView } from './deadlock.js';

const CHECK = 0;

/** Default check interval: a VL stalled this long on a cycle is a credit loop, ps (100 µs). */
export const DEFAULT_CREDIT_LOOP_CHECK_PS = 100_000_000;

/**
 * Runtime credit-loop (credit deadlock) detection, the sibling of the PFC {@link DeadlockDetector}.
 *
 * An egress port E from node A to switch B whose VL v is stalled (its head packet lacks the
 * credits it needs) waits for B's receive buffer for (A→B, v) to free space; that buffer drains
 * only through the egress ports F of B that hold packets which arrived over E's cable on VL v
 * (`pkt.ingress` = B's local port facing A; the ingress VL is `pkt.inVl` under SL→VL tables,
 * else `pkt.priority`). So E → F is a wait-for edge when F is itself stalled and holds such a
 * packet. A cycle of ports each stalled continuously for at least the interval can never get a
 * credit back: a credit loop. (Unlike PFC, F may stall on a different VL than E when SL→VL tables
 * remap, so candidates are (port, VL) pairs.)
 *
 * Woken by the first stall, it checks every half interval while any VL of a switch-facing port is
 * stalled (no work per packet); on a cycle it records a {@link DeadlockReport} (`priority` = the
 * VL of the cycle's first port) and stops the simulator.
 */
export class CreditLoopDetector implements Actor {
  actorId = -1;
  report: DeadlockReport | null = null;
  checks = 0;
  readonly periodPs: Time;
  private scheduled = false;
  /** Per port × VL: when the VL started its current stall, or -1. */
  private readonly since: Float64Array;
  private stalledCount = 0;

  constructor(
    private readonly sim: Simulator,
    private readonly view: WaitForView,
    /** Whether switch `node` remaps SL → VL (then a packet's ingress VL is `pkt.inVl`). */
    private readonly remaps: (node: number) => boolean,
    readonly intervalPs: Time,
  ) {
    this.since = new Float64Array(view.ports.length * TRAFFIC_CLASSES).fill(-1);
    this.periodPs = Math.max(1, Math.floor(intervalPs / 2));
    sim.register(this);
  }

  /** A port's VL started (`stalled`) or stopped waiting for credits. */
  onStall(port: EgressPort, vl: number, stalled: boolean): void {
    const k = port.index * TRAFFIC_CLASSES + vl;
    if (stalled) {
      if (this.since[k]! < 0) {
        this.since[k] = this.sim.now;
        this.stalledCount++;
      }
      if (!this.scheduled && this.report === null) {
        this.scheduled = true;
        this.sim.at(this.sim.now + this.periodPs, this, CHECK);
      }
    } else if (this.since[k]! >= 0) {
      this.since[k] = -1;
      this.stalledCount--;
    }
  }

  onEvent(): void {
    this.scheduled = false;
    const found = this.check();
    if (found !== null) {
      this.report = found;
      this.sim.stop();
      return;
    }
    if (this.stalledCount > 0) {
      this.scheduled = true;
      this.sim.at(this.sim.now + this.periodPs, this, CHECK);
    }
  }

  /** Looks for a credit loop now; returns it (without stopping anything) or null. */
  check(): DeadlockReport | null {
    this.checks++;
    const { ports, adjStart, adjPeer, portPeer, switchOf } = this.view;
    const V = TRAFFIC_CLASSES;
    const before = this.sim.now - this.intervalPs;
    const isCand = (k: number) => this.since[k]! >= 0 && this.since[k]! <= before;
    const suspects: number[] = [];
    for (let k = 0; k < this.since.length; k++) {
      if (isCand(k) && switchOf[adjPeer[Math.floor(k / V)]!]! >= 0) suspects.push(k);
    }
    if (suspects.length === 0) return null;
    const edges = new Map<number, number[]>();
    for (const k of suspects) {
      const e = Math.floor(k / V);
      const v = k % V;
      const b = adjPeer[e]!;
      const remapped = this.remaps(b);
      const inLocal = portPeer[e]! - adjStart[b]!;
      const out: number[] = [];
      for (let f = adjStart[b]!; f < adjStart[b + 1]!; f++) {
        // the VLs of f that hold a packet from E's cable on VL v
        let mask = 0;
        ports[f]!.forEachHeld((pkt: Packet) => {
          if (pkt.ingress === inLocal && (remapped ? pkt.inVl : pkt.priority) === v) mask |= 1 << pkt.priority;
        });
        for (let w = 0; w < V; w++) if ((mask & (1 << w)) !== 0 && isCand(f * V + w)) out.push(f * V + w);
      }
      if (out.length > 0) edges.set(k, out);
    }
    const cycle = findCycle(suspects, edges);
    if (cycle === null) return null;
    const portsOf = cycle.map((k) => Math.floor(k / V));
    return { atPs: this.sim.now, priority: cycle[0]! % V, ports: portsOf, cycle: portsOf.map((p) => this.view.portName(p)) };
  }
}
