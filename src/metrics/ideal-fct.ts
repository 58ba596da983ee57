import { PS_PER_S, type Time } from '../sim/time.js';

/** One hop of a path: the transmitting port's rate and the cable's propagation delay. */
export interface Hop {
  rateBps: number;
  delayPs: Time;
}

const PREAMBLE_IFG = 20;

function tx(frameBytes: number, rateBps: number): Time {
  return Math.ceil(((frameBytes + PREAMBLE_IFG) * 8 * PS_PER_S) / rateBps);
}

/**
 * Completion time of a message alone on an idle store-and-forward path, in ps: the sender's
 * packets (frame sizes from `frameBytes(k)`, k = 0..packets-1) leave back to back at line rate;
 * each hop forwards a packet once it has fully arrived (+ `switchLatencyPs` at every switch), so
 * packet k leaves hop h at max(its arrival, the end of packet k-1 on that hop) + its
 * serialization time. The receiver ACKs the last packet at once and the ACK
 * (`ackFrameBytes`) travels `reverse` back. Hops: hop 0 is the sender's NIC.
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
  for (let k = 0; k < packets; k++) {
    const size = frameBytes(k);
    let t = 0; // ready at the sender at time 0
    for (let h = 0; h < H; h++) {
      const hop = forward[h]!;
      const start = Math.max(t, busyUntil[h]!);
      const end = start + tx(size, hop.rateBps);
      busyUntil[h] = end;
      t = end + hop.delayPs + (h < H - 1 ? switchLatencyPs : 0);
    }
    arrival = t;
  }
  let t = arrival;
  for (let h = 0; h < reverse.length; h++) {
    const hop = reverse[h]!;
    t += tx(ackFrameBytes, hop.rateBps) + hop.delayPs + (h < reverse.length - 1 ? switchLatencyPs : 0);
  }
  return t;
}
