import { Fib } from './fib.js';
import { buildFtreeFib } from './ftree.js';

/**
 * InfiniBand LID routing: the subnet manager's linear forwarding tables (LFTs). With an LMC of
 * `lmc` every host has 2^LMC LIDs (base LID + 0 … 2^LMC − 1); a switch forwards by destination
 * LID alone, one output port per LID, no hashing. The returned table has one column per LID,
 * `host · 2^LMC + offset`, and exactly one port per (switch, LID) (the CSR layout of {@link Fib}
 * with 2^LMC columns per host).
 *
 * The port of each (switch, LID) is chosen among `candidates` (the routing engine's legal
 * shortest-path ports: minhop's or updn's), deterministically:
 *
 * - `balance` (minhop, updn): in the spirit of OpenSM's minhop/updn port balancing, every switch
 *   assigns its LIDs in order (host by host, offset by offset) to the candidate port that carries
 *   the fewest LIDs of the same host so far, then the fewest LIDs of any host, then the lowest
 *   port number: a host's LIDs spread evenly over a switch's candidate ports (their counts differ
 *   by at most one) and the switch's ports carry equal numbers of LIDs. Each switch decides on
 *   its own, so two LIDs split at one level may meet again at the next.
 * - `dmodk` (ftree): destination-mod-k on the LID index (routing/ftree.ts), which on a fat tree
 *   gives every LID of a host its own path: level by level they never meet again.
 *
 * The QP chooses its DLID (transport/infiniband.ts): offset = source host mod 2^LMC, the way MPI
 * libraries pick a path per rank, so neighbouring hosts use different LIDs of a destination and
 * so (where the SM spread them) different up-links.
 */
export function buildLft(
  engine: 'balance' | 'dmodk',
  candidates: Fib,
  lmc: number,
  adjStart: Uint32Array,
  adjPeer: Int32Array,
  switchOf: Int32Array,
  hostNode: Int32Array,
): Fib {
  const lids = 1 << lmc;
  if (engine === 'dmodk') return buildFtreeFib(candidates, adjStart, adjPeer, switchOf, hostNode, lids);
  const S = candidates.switches;
  const hosts = hostNode.length;
  const columns = hosts * lids;
  const pick = new Int32Array(S * columns).fill(-1); // (column, switch) → local port
  let maxDegree = 0;
  const switchNode = new Int32Array(S);
  for (let n = 0; n < switchOf.length; n++) {
    if (switchOf[n]! < 0) continue;
    switchNode[switchOf[n]!] = n;
    maxDegree = Math.max(maxDegree, adjStart[n + 1]! - adjStart[n]!);
  }
  const load = new Uint32Array(maxDegree); // LIDs routed through each port of the switch
  const mine = new Uint32Array(maxDegree); // LIDs of the current host through each port
  for (let s = 0; s < S; s++) {
    load.fill(0);
    for (let h = 0; h < hosts; h++) {
      const start = candidates.start(s, h);
      const k = candidates.count(s, h);
      if (k === 0) continue;
      for (let i = 0; i < k; i++) mine[candidates.port(start + i)] = 0;
      for (let o = 0; o < lids; o++) {
        let best = candidates.port(start);
        for (let i = 1; i < k; i++) {
          const p = candidates.port(start + i);
          if (mine[p]! < mine[best]! || (mine[p] === mine[best] && (load[p]! < load[best]! || (load[p] === load[best] && p < best)))) best = p;
        }
        load[best]!++;
        mine[best]!++;
        pick[(h * lids + o) * S + s] = best;
      }
    }
  }
  const offsets = new Uint32Array(S * columns + 1);
  const ports = new Uint32Array(S * columns);
  let total = 0;
  for (let i = 0; i < S * columns; i++) {
    offsets[i] = total;
    if (pick[i]! >= 0) ports[total++] = pick[i]!;
  }
  offsets[S * columns] = total;
  return Fib.fromCsr(S, offsets, ports.slice(0, total));
}

/** Host id of every LID column of an LFT built with `lmc` (for checks that walk the table per destination). */
export function lidHostNodes(hostNode: Int32Array, lmc: number): Int32Array {
  const lids = 1 << lmc;
  const out = new Int32Array(hostNode.length * lids);
  for (let c = 0; c < out.length; c++) out[c] = hostNode[Math.floor(c / lids)]!;
  return out;
}
