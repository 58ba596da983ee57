import type { Topology } from './types.js';

/** The highest unicast LID (IBA Vol. 1 §4.1.3: 0x0001 … 0xBFFF unicast, 0xC000 … 0xFFFE multicast). */
export const MAX_UNICAST_LID = 0xbfff;

/** The GUID fabricsim gives node number `i` (in graph order) when the topology names none: 0xfab0000000000000 + i, 16 hex digits. */
export function syntheticGuid(i: number): string {
  return `fab0${i.toString(16).padStart(12, '0')}`;
}

/** What {@link assignLids} did. */
export interface LidAssignment {
  /** LID mask control the host LIDs were aligned to. */
  lmc: number;
  /** Nodes that already had a `lid` / `guid` attribute (kept). */
  kept: number;
  /** Nodes the subnet manager gave a LID (and, when absent, a GUID). */
  assigned: number;
}

/**
 * What a subnet manager does when it sweeps the fabric: every switch (its port 0) and every
 * host (channel-adapter port) gets a LID, and every node a GUID, written as the node attributes
 * `lid` and `guid`. LIDs and GUIDs already in the graph (an ibnetdiscover import) are kept;
 * the rest are assigned deterministically: switches first, then hosts, each in graph order, each
 * taking the next free LID after the previous one (from 1), a host's base LID aligned to 2^LMC
 * and its 2^LMC LIDs all free (OpenSM aligns CA base LIDs to the LMC the same way; switch port 0 takes one LID, as
 * with OpenSM's default `lmc_esp0 FALSE`). Missing GUIDs become {@link syntheticGuid} of the
 * node's index. Throws when the unicast LID space (1 … 0xBFFF) runs out.
 */
export function assignLids(g: Topology, lmc = 0): LidAssignment {
  const used = new Set<number>();
  const span = (role: string) => (role === 'host' ? 1 << lmc : 1);
  let kept = 0;
  g.forEachNode((_n, a) => {
    if (a.lid === undefined) return;
    kept++;
    for (let i = 0; i < span(a.role); i++) used.add(a.lid + i);
  });
  let next = 1;
  let assigned = 0;
  const take = (node: string, role: string): void => {
    const n = span(role);
    let lid = Math.ceil(next / n) * n || n;
    for (;;) {
      let free = true;
      for (let i = 0; i < n; i++) if (used.has(lid + i)) free = false;
      if (free) break;
      lid += n;
    }
    if (lid + n - 1 > MAX_UNICAST_LID) throw new Error(`the subnet has run out of unicast LIDs (1 … ${MAX_UNICAST_LID}) at node '${node}'; use a smaller LMC`);
    for (let i = 0; i < n; i++) used.add(lid + i);
    next = lid + n;
    g.setNodeAttribute(node, 'lid', lid);
    assigned++;
  };
  const nodes = g.nodes();
  for (const role of ['switch', 'host'] as const) {
    for (const node of nodes) {
      const a = g.getNodeAttributes(node);
      if (a.lid !== undefined || (role === 'host') !== (a.role === 'host')) continue;
      take(node, a.role);
    }
  }
  nodes.forEach((node, i) => {
    if (g.getNodeAttribute(node, 'guid') === undefined) g.setNodeAttribute(node, 'guid', syntheticGuid(i));
  });
  return { lmc, kept, assigned };
}
