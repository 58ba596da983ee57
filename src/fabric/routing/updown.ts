import { ConfigError } from '../../sim/errors.js';
import { Fib } from './fib.js';

/**
 * Up*\/down* routing (Autonet, Schroeder et al. 1991; OpenSM's `updn`): a deadlock-free
 * alternative to shortest paths for topologies with cycles.
 *
 * Switches get BFS levels (ranks) from the root switches. A link direction is "up" when it goes
 * to a lower rank, or to the same rank and a lower switch index; every other direction is
 * "down". This orders the switches totally, so the up directions form a DAG. A legal route never
 * goes up after going down; the channel dependency graph of legal routes is then acyclic and PFC
 * cannot deadlock (see routing/cbd.ts).
 *
 * The tables are destination-based like {@link Fib.build}: a switch does not know whether a
 * packet has already gone down. So per destination the build goes from the roots downward: a
 * switch that some switch above forwards to (going down) must keep the packet going down, and its
 * entry lists only its shortest down-only next hops; any other switch lists every next hop of its
 * shortest legal routes (down-only, or up to a neighbour and that neighbour's route), all of them
 * for ECMP. Every listed route is legal and, for a packet that enters the fabric there, as short
 * as a legal route through such tables can be.
 */
export interface UpDownResult {
  fib: Fib;
  /** Switch indices used as roots (rank 0). */
  roots: number[];
  /** Rank (BFS level from the roots) per switch index. */
  rank: Int32Array;
}

/**
 * The default roots: every switch farthest from the hosts (the top layer of a tree: spines, core
 * switches; every switch of a ring or torus, where the index order then breaks the ties), as
 * OpenSM's updn picks its roots when none are given.
 */
export function defaultUpDownRoots(adjStart: Uint32Array, adjPeer: Int32Array, switchOf: Int32Array): number[] {
  const nodes = switchOf.length;
  const dist = new Int32Array(nodes).fill(-1);
  const queue = new Int32Array(nodes);
  let head = 0;
  let tail = 0;
  for (let n = 0; n < nodes; n++) {
    if (switchOf[n]! < 0) {
      dist[n] = 0;
      queue[tail++] = n;
    }
  }
  while (head < tail) {
    const n = queue[head++]!;
    for (let p = adjStart[n]!; p < adjStart[n + 1]!; p++) {
      const m = adjPeer[p]!;
      if (dist[m] === -1 && switchOf[m]! >= 0) {
        dist[m] = dist[n]! + 1;
        queue[tail++] = m;
      }
    }
  }
  let far = -1;
  for (let n = 0; n < nodes; n++) if (switchOf[n]! >= 0 && dist[n]! > far) far = dist[n]!;
  const roots: number[] = [];
  for (let n = 0; n < nodes; n++) if (switchOf[n]! >= 0 && dist[n] === far) roots.push(switchOf[n]!);
  return roots.sort((a, b) => a - b);
}

/**
 * Builds up*\/down* forwarding tables in the {@link Fib} layout.
 *
 * With several roots (all at rank 0, ordered by index among themselves) a switch may have no
 * legal route to some host, e.g. in a dragonfly, where every router is as far from the hosts as
 * any other. The default roots then give way to a single root, the first of them: from one root
 * the BFS tree gives every switch a legal route (up the tree to the root, down the tree to the
 * host). Roots given explicitly that leave a switch without a route are a ConfigError.
 * @param roots switch indices of the roots; empty: {@link defaultUpDownRoots}
 */
export function buildUpDownFib(
  adjStart: Uint32Array,
  adjPeer: Int32Array,
  switchOf: Int32Array,
  hostNode: Int32Array,
  roots: readonly number[] = [],
): UpDownResult {
  if (roots.length > 0) {
    const r = tryUpDown(adjStart, adjPeer, switchOf, hostNode, roots);
    if (r !== null) return r;
    throw new ConfigError(
      'with these roots some switch has no up*/down* route to some host (every switch must reach every host by going up, then down); give a single root, or leave root out',
      { field: 'fabric.routing.root' },
    );
  }
  const all = defaultUpDownRoots(adjStart, adjPeer, switchOf);
  return tryUpDown(adjStart, adjPeer, switchOf, hostNode, all) ?? tryUpDown(adjStart, adjPeer, switchOf, hostNode, all.slice(0, 1))!;
}

/** The tables for one set of roots, or null when some switch has no legal route to some host. */
function tryUpDown(
  adjStart: Uint32Array,
  adjPeer: Int32Array,
  switchOf: Int32Array,
  hostNode: Int32Array,
  roots: readonly number[],
): UpDownResult | null {
  const nodes = switchOf.length;
  const hosts = hostNode.length;
  const switchNode: number[] = [];
  for (let n = 0; n < nodes; n++) if (switchOf[n]! >= 0) switchNode[switchOf[n]!] = n;
  const S = switchNode.length;
  const rootList = [...roots];

  // ranks: BFS over switch-to-switch links from the roots
  const rank = new Int32Array(S).fill(-1);
  const queue = new Int32Array(Math.max(S, 1));
  let head = 0;
  let tail = 0;
  for (const r of rootList) {
    if (rank[r] === -1) {
      rank[r] = 0;
      queue[tail++] = r;
    }
  }
  while (head < tail) {
    const s = queue[head++]!;
    const n = switchNode[s]!;
    for (let p = adjStart[n]!; p < adjStart[n + 1]!; p++) {
      const t = switchOf[adjPeer[p]!]!;
      if (t >= 0 && rank[t] === -1) {
        rank[t] = rank[s]! + 1;
        queue[tail++] = t;
      }
    }
  }
  for (let s = 0; s < S; s++) if (rank[s] === -1) rank[s] = 1 << 30; // not connected to a root by switches
  // the total order: (rank, index); `ord` is each switch's position, and a hop is up when it lowers `ord`
  const order = Array.from({ length: S }, (_, s) => s).sort((a, b) => rank[a]! - rank[b]! || a - b);
  const ord = new Int32Array(S);
  order.forEach((s, i) => (ord[s] = i));

  let maxDegree = 0;
  for (let n = 0; n < nodes; n++) maxDegree = Math.max(maxDegree, adjStart[n + 1]! - adjStart[n]!);
  const Wide = maxDegree > 0x10000 ? Uint32Array : Uint16Array;
  let ports: Uint16Array | Uint32Array = new Wide(Math.max(16, S * hosts * 2));
  let total = 0;
  const offsets = new Uint32Array(S * hosts + 1);

  const INF = 0x3fffffff;
  const down = new Int32Array(S); // shortest down-only distance to the destination host, hops
  const dist = new Int32Array(S); // distance of the route the switch's entry gives
  const locked = new Uint8Array(S); // a switch above forwards down to it: down-only routes
  const useDown = new Uint8Array(S);
  const useUp = new Uint8Array(S);
  const bfs = new Int32Array(Math.max(S, 1));

  for (let h = 0; h < hosts; h++) {
    const hNode = hostNode[h]!;
    down.fill(INF);
    locked.fill(0);
    useDown.fill(0);
    useUp.fill(0);
    // down-only distances: backwards along down hops from the host's switch(es)
    head = 0;
    tail = 0;
    for (let p = adjStart[hNode]!; p < adjStart[hNode + 1]!; p++) {
      const s = switchOf[adjPeer[p]!]!;
      if (s >= 0 && down[s] === INF) {
        down[s] = 1;
        bfs[tail++] = s;
      }
    }
    while (head < tail) {
      const s = bfs[head++]!;
      const n = switchNode[s]!;
      for (let p = adjStart[n]!; p < adjStart[n + 1]!; p++) {
        const t = switchOf[adjPeer[p]!]!;
        if (t >= 0 && ord[t]! < ord[s]! && down[t] === INF) {
          down[t] = down[s]! + 1; // t → s is a down hop
          bfs[tail++] = t;
        }
      }
    }
    // from the top down: each switch's route, given the routes of the switches above it
    for (let i = 0; i < S; i++) {
      const s = order[i]!;
      const n = switchNode[s]!;
      let viaUp = INF;
      if (locked[s] === 0) {
        for (let p = adjStart[n]!; p < adjStart[n + 1]!; p++) {
          const t = switchOf[adjPeer[p]!]!;
          if (t >= 0 && ord[t]! < ord[s]! && dist[t]! + 1 < viaUp) viaUp = dist[t]! + 1;
        }
      }
      const d = Math.min(down[s]!, viaUp);
      dist[s] = d;
      if (d >= INF) return null; // no legal route from s to h with these roots
      if (down[s] === d) {
        useDown[s] = 1;
        for (let p = adjStart[n]!; p < adjStart[n + 1]!; p++) {
          const t = switchOf[adjPeer[p]!]!;
          if (t >= 0 && ord[t]! > ord[s]! && down[t] === d - 1) locked[t] = 1;
        }
      }
      if (viaUp === d) useUp[s] = 1;
    }
    // the entries, in switch order
    for (let s = 0; s < S; s++) {
      offsets[h * S + s] = total;
      const n = switchNode[s]!;
      const d = dist[s]!;
      if (d >= INF) continue;
      for (let p = adjStart[n]!; p < adjStart[n + 1]!; p++) {
        const m = adjPeer[p]!;
        const t = switchOf[m]!;
        let take = false;
        if (t < 0) take = useDown[s] === 1 && m === hNode && d === 1;
        else if (ord[t]! > ord[s]!) take = useDown[s] === 1 && down[t] === d - 1;
        else take = useUp[s] === 1 && dist[t]! + 1 === d;
        if (!take) continue;
        if (total === ports.length) {
          const grown = new Wide(ports.length * 2);
          grown.set(ports);
          ports = grown;
        }
        ports[total++] = p - adjStart[n]!;
      }
    }
  }
  offsets[S * hosts] = total;
  return { fib: Fib.fromCsr(S, offsets, ports.slice(0, total)), roots: rootList, rank };
}

/**
 * Switch indices of root switches named by node key (`fabric.routing.root`); a name that is not
 * a switch of the topology is a ConfigError at that field.
 */
export function upDownRootIndices(names: readonly string[], nodeId: ReadonlyMap<string, number>, switchOf: Int32Array): number[] {
  return names.map((name, i) => {
    const id = nodeId.get(name);
    const field = names.length === 1 ? 'fabric.routing.root' : `fabric.routing.root.${i}`;
    if (id === undefined) throw new ConfigError(`unknown switch '${name}': the root of up*/down* routing must be a switch of the topology`, { field });
    const s = switchOf[id]!;
    if (s < 0) throw new ConfigError(`'${name}' is a host; the root of up*/down* routing must be a switch`, { field });
    return s;
  });
}
