import type { Actor } from '../../sim/actor.js';
import type { Simulator } from '../../sim/simulator.js';
import type { Time } from '../../sim/time.js';
import type { EgressPort } from '../egress-port.js';
import type { Packet } from '../packet.js';
import { TRAFFIC_CLASSES } from '../scheduler/scheduler.js';

const CHECK = 0;

/** A detected PFC deadlock: a cycle of egress ports, each paused and waiting on the next. */
export interface DeadlockReport {
  /** Simulated time of detection, ps. */
  atPs: Time;
  /** The lossless priority the cycle is paused on. */
  priority: number;
  /** The cycle as global port indices, in wait-for order (each port waits on the next; the last on the first). */
  ports: number[];
  /** The same ports by name (`node:local>peer`). */
  cycle: string[];
}

/** What the detector needs to know about the fabric's wiring. */
export interface WaitForView {
  /** Every port by global index. */
  readonly ports: readonly EgressPort[];
  /** Node id → first global port (CSR, length nodes + 1). */
  readonly adjStart: Uint32Array;
  /** Global port → node id of the neighbour. */
  readonly adjPeer: Int32Array;
  /** Global port → global port at the other end of the cable. */
  readonly portPeer: Int32Array;
  /** Node id → switch index, or -1 for a host. */
  readonly switchOf: Int32Array;
  portName(p: number): string;
}

/**
 * Runtime PFC deadlock detection on the wait-for graph of paused ports.
 *
 * An egress port E from node A to switch B, paused on priority p, waits for B's ingress buffer
 * (port B←A, priority p) to drain below XON; that buffer drains only through the egress ports
 * of B that hold priority-p packets which arrived over E's cable (`pkt.ingress` = B's local port
 * facing A). So E → F is a wait-for edge when F is a port of B holding such a packet. A cycle of
 * ports that have all been paused continuously for at least the detection interval (they are
 * being refreshed by PAUSE frames, so none has sent a priority-p frame in that time) can never
 * drain: a deadlock.
 *
 * One actor. It is woken when some port becomes paused and then checks every half interval while
 * any lossless port is still paused (no work per packet), so a deadlock is reported between 1 and
 * 1.5 intervals after it forms. A check looks only at ports paused for
 * at least the interval, builds the wait-for edges among them by scanning the queues of their
 * downstream switches, and searches that graph for a cycle. On finding one it records a
 * {@link DeadlockReport} and stops the simulator.
 */
export class DeadlockDetector implements Actor {
  actorId = -1;
  /** The deadlock found, or null. */
  report: DeadlockReport | null = null;
  /** Checks run so far. */
  checks = 0;
  private scheduled = false;
  /** Time between checks while some port is paused: half the interval, ps. */
  readonly periodPs: Time;
  /** Per global port: 1 when it is a candidate (paused long enough) in the current check. */
  private readonly candidate: Uint8Array;

  constructor(
    private readonly sim: Simulator,
    private readonly view: WaitForView,
    /** Bit p set for every lossless priority. */
    private readonly losslessMask: number,
    /** Ports paused at least this long are suspects, ps. */
    readonly intervalPs: Time,
  ) {
    this.candidate = new Uint8Array(view.ports.length);
    this.periodPs = Math.max(1, Math.floor(intervalPs / 2));
    sim.register(this);
  }

  /** A port became paused (or its pause state changed): make sure a check is pending. */
  onPauseChange(_port: EgressPort, priority: number, paused: boolean): void {
    if (!paused || this.scheduled || this.report !== null || (this.losslessMask & (1 << priority)) === 0) return;
    this.scheduled = true;
    this.sim.at(this.sim.now + this.periodPs, this, CHECK);
  }

  onEvent(): void {
    this.scheduled = false;
    const found = this.check();
    if (found !== null) {
      this.report = found;
      this.sim.stop();
      return;
    }
    if (this.anyPaused()) {
      this.scheduled = true;
      this.sim.at(this.sim.now + this.periodPs, this, CHECK);
    }
  }

  /** Looks for a deadlock now; returns it (without stopping anything) or null. */
  check(): DeadlockReport | null {
    this.checks++;
    for (let p = 0; p < TRAFFIC_CLASSES; p++) {
      if ((this.losslessMask & (1 << p)) === 0) continue;
      const cycle = this.findCycle(p);
      if (cycle !== null) {
        return { atPs: this.sim.now, priority: p, ports: cycle, cycle: cycle.map((q) => this.view.portName(q)) };
      }
    }
    return null;
  }

  private anyPaused(): boolean {
    for (const port of this.view.ports) if ((port.pausedMask & this.losslessMask) !== 0) return true;
    return false;
  }

  /** A cycle of the wait-for graph of priority `p` among long-paused ports, as port indices, or null. */
  private findCycle(p: number): number[] | null {
    const { ports, adjStart, adjPeer, portPeer, switchOf } = this.view;
    const since = this.sim.now - this.intervalPs;
    const cand = this.candidate;
    cand.fill(0);
    const suspects: number[] = [];
    for (const port of ports) {
      const i = port.index;
      if (port.isPaused(p) && port.pausedSinceAt(p) <= since && switchOf[adjPeer[i]!]! >= 0) {
        cand[i] = 1;
        suspects.push(i);
      }
    }
    if (suspects.length === 0) return null;
    // wait-for edges among suspects: E (A→B) → F (a port of B holding a p-packet that came in over E's cable)
    const edges = new Map<number, number[]>();
    for (const e of suspects) {
      const b = adjPeer[e]!;
      const inLocal = portPeer[e]! - adjStart[b]!;
      const out: number[] = [];
      for (let f = adjStart[b]!; f < adjStart[b + 1]!; f++) {
        if (cand[f] !== 1) continue;
        let holds = false;
        ports[f]!.forEachHeld((pkt: Packet) => {
          if (!holds && pkt.priority === p && pkt.ingress === inLocal) holds = true;
        });
        if (holds) out.push(f);
      }
      if (out.length > 0) edges.set(e, out);
    }
    return findCycle(suspects, edges);
  }
}

/**
 * A directed cycle in a graph given as `nodes` and their out-edges (iterative DFS, so deep
 * graphs do not overflow the stack), rotated to start at its smallest node; null if acyclic.
 */
export function findCycle(nodes: readonly number[], edges: ReadonlyMap<number, readonly number[]>): number[] | null {
  const WHITE = 0;
  const GREY = 1;
  const BLACK = 2;
  const color = new Map<number, number>();
  const parent = new Map<number, number>();
  for (const root of nodes) {
    if ((color.get(root) ?? WHITE) !== WHITE) continue;
    const stack: [number, number][] = [[root, 0]];
    color.set(root, GREY);
    while (stack.length > 0) {
      const top = stack[stack.length - 1]!;
      const [u, k] = top;
      const out = edges.get(u) ?? [];
      if (k >= out.length) {
        color.set(u, BLACK);
        stack.pop();
        continue;
      }
      top[1] = k + 1;
      const v = out[k]!;
      const c = color.get(v) ?? WHITE;
      if (c === WHITE) {
        color.set(v, GREY);
        parent.set(v, u);
        stack.push([v, 0]);
      } else if (c === GREY) {
        const cycle = [v];
        for (let w = u; w !== v; w = parent.get(w)!) cycle.push(w);
        cycle.push(v);
        cycle.reverse(); // v … u in edge order
        cycle.pop(); // v appears at both ends
        return rotateToMin(cycle);
      }
    }
  }
  return null;
}

function rotateToMin(cycle: number[]): number[] {
  let m = 0;
  for (let i = 1; i < cycle.length; i++) if (cycle[i]! < cycle[m]!) m = i;
  return [...cycle.slice(m), ...cycle.slice(0, m)];
}
