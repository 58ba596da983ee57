/**
 * Forwarding tables of every switch, compiled from the graph into typed arrays (CSR): for
 * (switch s, destination host h) the candidate egress ports are
 * `ports[offsets[s·H + h] .. offsets[s·H + h + 1])`, every port on a shortest path to h
 * (equal-cost multipath). Hosts do not forward, so paths never transit a host.
 */
export class Fib {
  private constructor(
    /** Number of destination hosts. */
    readonly hosts: number,
    private readonly offsets: Uint32Array,
    private readonly ports: Uint16Array,
  ) {}

  /** First index into the port list for (switch, host). */
  start(sw: number, host: number): number {
    return this.offsets[sw * this.hosts + host]!;
  }

  /** Number of equal-cost ports for (switch, host); 0 when unreachable. */
  count(sw: number, host: number): number {
    const i = sw * this.hosts + host;
    return this.offsets[i + 1]! - this.offsets[i]!;
  }

  /** The port at a position returned by {@link start} plus an offset. */
  port(i: number): number {
    return this.ports[i]!;
  }

  /** Candidate ports as a plain array (for inspection and tests). */
  candidates(sw: number, host: number): number[] {
    const s = this.start(sw, host);
    const out: number[] = [];
    for (let i = 0; i < this.count(sw, host); i++) out.push(this.port(s + i));
    return out;
  }

  /**
   * Builds the tables by one breadth-first search per destination host.
   * @param adjStart CSR row starts: node n's ports are adjStart[n] .. adjStart[n+1]-1
   * @param adjPeer  for each port (in that order), the neighbour node
   * @param switchOf node id → switch index, or -1 for a host
   * @param hostNode host id → node id
   */
  static build(adjStart: Uint32Array, adjPeer: Int32Array, switchOf: Int32Array, hostNode: Int32Array): Fib {
    const nodes = switchOf.length;
    const hosts = hostNode.length;
    let switches = 0;
    for (let n = 0; n < nodes; n++) if (switchOf[n]! >= 0) switches++;
    const dist = new Int32Array(nodes);
    const queue = new Int32Array(nodes);
    // per destination: list of (switch, ports) → assemble as counts first
    const lists: number[][] = new Array<number[]>(switches * hosts);
    for (let h = 0; h < hosts; h++) {
      dist.fill(-1);
      const target = hostNode[h]!;
      let head = 0;
      let tail = 0;
      dist[target] = 0;
      queue[tail++] = target;
      while (head < tail) {
        const n = queue[head++]!;
        if (n !== target && switchOf[n]! < 0) continue; // hosts do not forward
        for (let p = adjStart[n]!; p < adjStart[n + 1]!; p++) {
          const m = adjPeer[p]!;
          if (dist[m] === -1) {
            dist[m] = dist[n]! + 1;
            queue[tail++] = m;
          }
        }
      }
      for (let n = 0; n < nodes; n++) {
        const s = switchOf[n]!;
        if (s < 0 || dist[n]! < 0) continue;
        const list: number[] = [];
        for (let p = adjStart[n]!; p < adjStart[n + 1]!; p++) {
          const m = adjPeer[p]!;
          if (dist[m] === dist[n]! - 1 && (switchOf[m]! >= 0 || m === target)) list.push(p - adjStart[n]!);
        }
        lists[s * hosts + h] = list;
      }
    }
    const offsets = new Uint32Array(switches * hosts + 1);
    let total = 0;
    for (let i = 0; i < switches * hosts; i++) {
      offsets[i] = total;
      total += lists[i]?.length ?? 0;
    }
    offsets[switches * hosts] = total;
    const ports = new Uint16Array(total);
    for (let i = 0; i < switches * hosts; i++) {
      const l = lists[i];
      if (l) ports.set(l, offsets[i]!);
    }
    return new Fib(hosts, offsets, ports);
  }
}
