import type { Fib } from './fib.js';

/** The wiring and forwarding tables a cyclic-buffer-dependency check needs (a `Fabric` has them all). */
export interface RoutingView {
  /** Node id → first global port (CSR, length nodes + 1). */
  readonly adjStart: Uint32Array;
  /** Global port → node id of the neighbour. */
  readonly adjPeer: Int32Array;
  /** Global port → global port at the other end of the cable. */
  readonly portPeer: Int32Array;
  /** Node id → switch index, or -1 for a host. */
  readonly switchOf: Int32Array;
  /** Host id → node id. */
  readonly hostNode: Int32Array;
  readonly fib: Fib;
}

/**
 * Looks for a cyclic buffer dependency (CBD) in the routing of lossless traffic: the condition
 * under which PFC can deadlock (Hu et al., "Deadlocks in datacenter networks: why do they form,
 * and how to avoid them", HotNets 2016; Dally & Seitz's channel dependency graph).
 *
 * Channels are the switch-to-switch directions of cables (global egress ports). There is a
 * dependency from channel u→s to channel s→v when some destination's route can enter switch s
 * from u and leave toward v: a packet buffered at s's ingress from u waits for s→v. Routes are
 * the forwarding tables with every ECMP candidate, followed from every switch that has a host
 * sending to the destination. A cycle of dependencies means the buffers of the cycle can fill
 * and pause one another for ever; an acyclic graph means PFC cannot deadlock (given the routing).
 *
 * Work: one walk over the tables per destination host, dependencies deduplicated in a bitset of
 * (switch, in-port, out-port) triples (Σ degree² bits), then one depth-first search over the
 * channels. A k=16 fat tree (1,024 hosts, 320 switches) takes well under a second.
 *
 * @returns the cycle as global ports in dependency order (each waits on the next, the last on the
 *   first), starting at its smallest port; or null when the dependency graph is acyclic.
 */
export function findCyclicBufferDependency(v: RoutingView): number[] | null {
  const { adjStart, adjPeer, portPeer, switchOf, hostNode, fib } = v;
  const nodes = switchOf.length;
  const switchNode: number[] = [];
  for (let n = 0; n < nodes; n++) if (switchOf[n]! >= 0) switchNode[switchOf[n]!] = n;
  const S = switchNode.length;
  const hosts = hostNode.length;
  if (S === 0 || hosts === 0) return null;

  // dependency bits: switch s, in-port i, out-port o at pairBase[s] + i·deg(s) + o
  const pairBase = new Float64Array(S + 1);
  const hostsOn = new Int32Array(S);
  for (let s = 0; s < S; s++) {
    const n = switchNode[s]!;
    const deg = adjStart[n + 1]! - adjStart[n]!;
    pairBase[s + 1] = pairBase[s]! + deg * deg;
    for (let p = adjStart[n]!; p < adjStart[n + 1]!; p++) if (switchOf[adjPeer[p]!]! < 0) hostsOn[s]!++;
  }
  const bits = new Uint32Array(Math.ceil(pairBase[S]! / 32) + 1);

  const reached = new Uint8Array(S);
  const queue = new Int32Array(S);
  for (let h = 0; h < hosts; h++) {
    const hNode = hostNode[h]!;
    const hSwitch = switchOf[adjPeer[adjStart[hNode]!]!]!; // hosts have one link
    reached.fill(0);
    let head = 0;
    let tail = 0;
    // sources: every switch with a host other than h
    for (let s = 0; s < S; s++) {
      if (hostsOn[s]! - (s === hSwitch ? 1 : 0) > 0) {
        reached[s] = 1;
        queue[tail++] = s;
      }
    }
    while (head < tail) {
      const su = queue[head++]!;
      const nu = switchNode[su]!;
      const start = fib.start(su, h);
      const count = fib.count(su, h);
      for (let k = 0; k < count; k++) {
        const g = adjStart[nu]! + fib.port(start + k);
        const nm = adjPeer[g]!;
        const sm = switchOf[nm]!;
        if (sm < 0) continue; // delivered to a host
        const deg = adjStart[nm + 1]! - adjStart[nm]!;
        const base = pairBase[sm]! + (portPeer[g]! - adjStart[nm]!) * deg;
        const ms = fib.start(sm, h);
        const mc = fib.count(sm, h);
        for (let j = 0; j < mc; j++) {
          const o = fib.port(ms + j);
          if (switchOf[adjPeer[adjStart[nm]! + o]!]! < 0) continue; // to a host: never part of a cycle
          const bit = base + o;
          bits[bit >>> 5]! |= 1 << (bit & 31);
        }
        if (reached[sm] === 0) {
          reached[sm] = 1;
          queue[tail++] = sm;
        }
      }
    }
  }

  // the channel dependency graph in CSR over global ports
  const P = portPeer.length;
  const outDeg = new Int32Array(P + 1);
  const forEachDep = (fn: (from: number, to: number) => void): void => {
    for (let s = 0; s < S; s++) {
      const n = switchNode[s]!;
      const a = adjStart[n]!;
      const deg = adjStart[n + 1]! - a;
      for (let i = 0; i < deg; i++) {
        for (let o = 0; o < deg; o++) {
          const bit = pairBase[s]! + i * deg + o;
          if ((bits[bit >>> 5]! & (1 << (bit & 31))) !== 0) fn(portPeer[a + i]!, a + o);
        }
      }
    }
  };
  forEachDep((from) => outDeg[from + 1]!++);
  for (let p = 0; p < P; p++) outDeg[p + 1]! += outDeg[p]!;
  const fill = outDeg.slice(0, P);
  const to = new Int32Array(outDeg[P]!);
  forEachDep((from, t) => {
    to[fill[from]!++] = t;
  });
  return cycleInCsr(P, outDeg, to);
}

/** A directed cycle in a CSR graph (iterative DFS), rotated to start at its smallest node; or null. */
export function cycleInCsr(n: number, start: Int32Array, to: Int32Array): number[] | null {
  const color = new Uint8Array(n); // 0 white, 1 on the stack, 2 done
  const parent = new Int32Array(n).fill(-1);
  const next = new Int32Array(n); // next edge to try per node
  const stack = new Int32Array(n);
  for (let root = 0; root < n; root++) {
    if (color[root] !== 0 || start[root] === start[root + 1]) continue;
    let sp = 0;
    stack[sp++] = root;
    color[root] = 1;
    next[root] = start[root]!;
    while (sp > 0) {
      const u = stack[sp - 1]!;
      if (next[u]! >= start[u + 1]!) {
        color[u] = 2;
        sp--;
        continue;
      }
      const w = to[next[u]!++]!;
      if (color[w] === 0) {
        color[w] = 1;
        parent[w] = u;
        next[w] = start[w]!;
        stack[sp++] = w;
      } else if (color[w] === 1) {
        const cycle = [u];
        for (let x = u; x !== w; ) {
          x = parent[x]!;
          cycle.push(x);
        }
        cycle.reverse(); // w … u: each waits on the next, u on w
        let m = 0;
        for (let i = 1; i < cycle.length; i++) if (cycle[i]! < cycle[m]!) m = i;
        return [...cycle.slice(m), ...cycle.slice(0, m)];
      }
    }
  }
  return null;
}
