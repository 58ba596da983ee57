import { Fib } from './fib.js';

/**
 * Fat-tree routing as a linear forwarding table: one egress port per (switch, destination host),
 * chosen among the shortest-path candidates of `shortest` by destination-mod-k (D-mod-k, Zahavi,
 * "D-Mod-K routing providing non-blocking traffic for shift permutations on real life fat
 * trees", CCIT report 776, 2010): at a switch of height `t` (hops to its nearest host: 1 for a
 * leaf, 2 for an aggregation switch …) with `k` candidate up-ports, destination `h` takes
 * candidate `floor(h / k^(t−1)) mod k`. Destinations are spread evenly over the up-links at every
 * level and every destination has exactly one path, the balanced assignment OpenSM's `ftree`
 * engine makes on a fat tree (it is not OpenSM's algorithm step by step, which also balances by
 * the port counters it keeps while assigning). Down-going choices are unique in a fat tree; on
 * other topologies this is still a valid one-path shortest routing.
 *
 * With `lids` = 2^LMC > 1 (InfiniBand LID routing, routing/lid-routing.ts) the table has a column
 * per destination LID, `h · lids + o` for LID offset o, and D-mod-k runs on that LID index, so
 * the LIDs of one host leave every switch on different up-links level by level: on a k = 4 fat
 * tree the four LIDs of LMC 2 reach their host through the four core switches.
 */
export function buildFtreeFib(shortest: Fib, adjStart: Uint32Array, adjPeer: Int32Array, switchOf: Int32Array, hostNode: Int32Array, lids = 1): Fib {
  const nodes = switchOf.length;
  const hosts = hostNode.length;
  const S = shortest.switches;
  // height of every node: hops to the nearest host (multi-source BFS from the hosts)
  const height = new Int32Array(nodes).fill(-1);
  const queue = new Int32Array(nodes);
  let head = 0;
  let tail = 0;
  for (let h = 0; h < hosts; h++) {
    height[hostNode[h]!] = 0;
    queue[tail++] = hostNode[h]!;
  }
  while (head < tail) {
    const n = queue[head++]!;
    for (let p = adjStart[n]!; p < adjStart[n + 1]!; p++) {
      const m = adjPeer[p]!;
      if (height[m] === -1 && switchOf[m]! >= 0) {
        height[m] = height[n]! + 1;
        queue[tail++] = m;
      }
    }
  }
  const switchNode = new Int32Array(S);
  for (let n = 0; n < nodes; n++) if (switchOf[n]! >= 0) switchNode[switchOf[n]!] = n;
  const columns = hosts * lids;
  const offsets = new Uint32Array(S * columns + 1);
  const ports = new Uint32Array(S * columns);
  let total = 0;
  for (let c = 0; c < columns; c++) {
    const h = Math.floor(c / lids);
    for (let s = 0; s < S; s++) {
      offsets[c * S + s] = total;
      const k = shortest.count(s, h);
      if (k === 0) continue;
      const t = Math.max(1, height[switchNode[s]!]!);
      const pick = Math.floor(c / Math.pow(k, t - 1)) % k;
      ports[total++] = shortest.port(shortest.start(s, h) + pick);
    }
  }
  offsets[S * columns] = total;
  return Fib.fromCsr(S, offsets, ports.slice(0, total));
}
