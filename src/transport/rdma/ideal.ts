import { idealFct, type Hop } from '../../metrics/ideal-fct.js';
import type { Time } from '../../sim/time.js';
import type { Framing } from '../transport.js';
import type { NicLimits } from './nic-limits.js';

/**
 * The completion time of one static-flow message alone on an idle fabric, by verb, in ps:
 *
 * - `write` / `send`: its packets leave back to back, store-and-forward along `forward`, and the
 *   final ACK comes back along `reverse` (a SEND's first packet has no RETH);
 * - `read`: the READ request goes `forward`, then the response packets come back along `reverse`
 *   and the last one completes it (no ACK);
 *
 * plus the NIC's fixed costs (`limits`): the doorbell, the DMA read of the payload (send/write) or
 * of the data at the responder (read), a QP-context fetch per QP that sends (a fresh QP is not
 * cached) and the DMA write of the completion. With the ideal NIC these are all 0.
 */
export function idealMessageFct(forward: readonly Hop[], reverse: readonly Hop[], verbFraming: Framing, verb: string, bytes: number, switchLatencyPs: Time, limits?: NicLimits): Time {
  const framing = verbFraming.forVerb?.(verb) ?? verbFraming;
  const rf = framing.rdma;
  const miss = limits !== undefined && limits.qpCache > 0 ? limits.qpCacheMissPs : 0;
  const fixed = limits === undefined ? 0 : limits.doorbellPs + limits.dmaReadPs + limits.dmaWritePs + miss;
  if (rf === undefined && verb === 'read' && framing.readRequestFrameBytes !== undefined) {
    // a READ over a stream transport (iWARP): the request's trip, then the response segments
    // back, with the responder's TCP ACK of the request behind the first of them (same path)
    const req = framing.readRequestFrameBytes;
    const request = idealFct(forward, [], 1, () => req, 0, switchLatencyPs);
    const n = framing.packets(bytes);
    const ack = framing.ackFrameBytes;
    const frame = (k: number): number => (n === 1 || k === 0 ? framing.frameBytes(bytes, k) : k === 1 ? ack : framing.frameBytes(bytes, k - 1));
    const responses = idealFct(reverse, [], n === 1 ? 1 : n + 1, frame, 0, switchLatencyPs);
    return request + responses + fixed;
  }
  if (rf === undefined || verb === 'write') {
    const net = idealFct(forward, framing.unacknowledged === true ? [] : reverse, framing.packets(bytes), (k) => framing.frameBytes(bytes, k), framing.ackFrameBytes, switchLatencyPs);
    return net + (bytes === 0 && limits !== undefined ? fixed - limits.dmaReadPs : fixed);
  }
  if (verb === 'send') {
    const net = idealFct(forward, reverse, rf.packets(bytes), (k) => rf.segmentFrame(false, bytes, k), rf.ackFrame, switchLatencyPs);
    return net + (bytes === 0 && limits !== undefined ? fixed - limits.dmaReadPs : fixed);
  }
  // read: the request's trip, then the response train back (the responder's QP fetches its context too)
  const request = idealFct(forward, [], 1, () => rf.readRequestFrame, 0, switchLatencyPs);
  const responses = idealFct(reverse, [], rf.packets(bytes), (k) => rf.readResponseFrame(bytes, k), 0, switchLatencyPs);
  return request + responses + fixed + miss;
}
