import { PS_PER_S, type Time } from '../sim/time.js';

/** One hop of a path: the transmitting port's rate and the cable's propagation delay. */
export interface Hop {
  rateBps: number;
  delayPs: Time;
  /** Wire bytes the port adds to every frame (absent: the Ethernet preamble + IFG, 20; 0 on InfiniBand). */
  overheadBytes?: number;
  /** Cut-through: the next switch may forward a frame this long after its transmission starts here (0 or absent: store-and-forward). */
  cutThroughLeadPs?: number;
}

const PREAMBLE_IFG = 20;

function tx(frameBytes: number, rateBps: number, overheadBytes: number = PREAMBLE_IFG): Time {
  return Math.ceil(((frameBytes + overheadBytes) * 8 * PS_PER_S) / rateBps);
}

/**
 * Completion time of a message alone on an idle path, in ps: the sender's
 * packets (frame sizes from `frameBytes(k)`, k = 0..packets-1) leave back to back at line rate;
 * each hop forwards a packet once it has fully arrived (+ `switchLatencyPs` at every switch), so
 * packet k leaves hop h at max(its arrival, the end of packet k-1 on that hop) + its
 * serialization time. The receiver ACKs the last packet at once and the ACK
 * (`ackFrameBytes`) travels `reverse` back. Hops: hop 0 is the sender's NIC. With cut-through
 * hops (`cutThroughLeadPs`) a switch starts forwarding once the header is in (see `walk`).
 */
export function idealFct(
  forward: readonly Hop[],
  reverse: readonly Hop[],
  packets: number,
  frameBytes: (k: number) => number,
  ackFrameBytes: number,
  switchLatencyPs: Time,
): Time {
  const H = forward.length;
  const busyUntil = new Float64Array(H);
  let arrival = 0;
  for (let k = 0; k < packets; k++) arrival = walk(forward, frameBytes(k), 0, busyUntil, switchLatencyPs);
  return reverse.length === 0 ? arrival : walk(reverse, ackFrameBytes, arrival, new Float64Array(reverse.length), switchLatencyPs);
}

/**
 * When a frame of `size` ready at the first hop at `ready` has fully arrived at the end of
 * `hops`, each hop busy until `busyUntil[h]` (updated). A hop toward a cut-through switch lets
 * the next hop start `cutThroughLeadPs` after it started (its header), but the next hop cannot
 * finish before the tail has arrived.
 */
function walk(hops: readonly Hop[], size: number, ready: Time, busyUntil: Float64Array, switchLatencyPs: Time): Time {
  let t = ready;
  let tail = 0;
  for (let h = 0; h < hops.length; h++) {
    const hop = hops[h]!;
    const ser = tx(size, hop.rateBps, hop.overheadBytes);
    const start = Math.max(t, busyUntil[h]!);
    const end = Math.max(start + ser, tail);
    busyUntil[h] = end;
    const latency = h < hops.length - 1 ? switchLatencyPs : 0;
    const lead = hop.cutThroughLeadPs ?? 0;
    if (lead > 0) {
      t = start + Math.min(lead, ser) + hop.delayPs + latency;
      tail = end + hop.delayPs;
    } else {
      t = end + hop.delayPs + latency;
      tail = 0;
    }
  }
  return t;
}
