/**
 * Forwarding tables of every switch, compiled from the graph into typed arrays (CSR): for
 * (switch s, destination host h) the candidate egress ports are
 * `ports[offsets[h·S + s] .. offsets[h·S + s + 1])` (S switches), every port on a shortest path to
 * h (equal-cost multipath). Hosts do not forward, so paths never transit a host. The table is
 * destination-major so that one breadth-first search per destination fills it in order.
 */
export class Fib {
  private constructor(
    /** Number of switches. */
    readonly switches: number,
    private readonly offsets: Uint32Array,
    private readonly ports: Uint16Array | Uint32Array,
  ) {}

  /** First index into the port list for (switch, host). */
  start(sw: number, host: number): number {
    return this.offsets[host * this.switches + sw]!;
  }

  /** Number of equal-cost ports for (switch, host); 0 when unreachable. */
  count(sw: number, host: number): number {
    const i = host * this.switches + sw;
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
   * Tables built elsewhere (another routing algorithm, e.g. routing/updown.ts) in this class's CSR
   * layout: `offsets` has switches × hosts + 1 entries, destination-major; `ports` holds local
   * port numbers.
   */
  static fromCsr(switches: number, offsets: Uint32Array, ports: Uint16Array | Uint32Array): Fib {
    return new Fib(switches, offsets, ports);
  }

  /** Table entries (switches × hosts) a fabric needs; the build refuses more than {@link MAX_FIB_ENTRIES}. */
  static entries(switches: number, hosts: number): number {
    return switches * hosts;
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
    const switchNode: number[] = [];
    for (let n = 0; n < nodes; n++) if (switchOf[n]! >= 0) switchNode[switchOf[n]!] = n;
    const S = switchNode.length;
    const dist = new Int32Array(nodes);
    const queue = new Int32Array(nodes);
    const offsets = new Uint32Array(S * hosts + 1);
    let maxDegree = 0;
    for (let n = 0; n < nodes; n++) maxDegree = Math.max(maxDegree, adjStart[n + 1]! - adjStart[n]!);
    // local port numbers fit 16 bits unless a switch has more than 65,536 ports
    const Wide = maxDegree > 0x10000 ? Uint32Array : Uint16Array;
    let ports: Uint16Array | Uint32Array = new Wide(Math.max(16, S * hosts * 2));
    let total = 0;
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
      for (let s = 0; s < S; s++) {
        offsets[h * S + s] = total;
        const n = switchNode[s]!;
        if (dist[n]! < 0) continue;
        for (let p = adjStart[n]!; p < adjStart[n + 1]!; p++) {
          const m = adjPeer[p]!;
          if (dist[m] === dist[n]! - 1 && (switchOf[m]! >= 0 || m === target)) {
            if (total === ports.length) {
              const grown = new Wide(ports.length * 2);
              grown.set(ports);
              ports = grown;
            }
            ports[total++] = p - adjStart[n]!;
          }
        }
      }
    }
    offsets[S * hosts] = total;
    return new Fib(S, offsets, ports.slice(0, total));
  }
}

/** The largest forwarding table (switches × destination hosts) a run may build. */
export const MAX_FIB_ENTRIES = 64_000_000;
