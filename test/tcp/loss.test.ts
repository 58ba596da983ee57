import { describe, expect, it } from 'vitest';
import { PC_LINK_LOSSES } from '../../src/metrics/port-counters.js';
import type { RunResult } from '../../src/experiment/run.js';
import { run } from '../helpers/run.js';

/**
 * Random corruption loss on every cable (fabric.link_loss_rate) hits data segments and ACKs
 * alike. Two 2 MB flows into one host over 100 Gb/s with 2 µs cables.
 *
 * - Every byte arrives, exactly once and in order: the receiver hands the application only the
 *   in-order prefix, so deliveredBytes = bytes means nothing was lost, duplicated or skipped.
 * - SACK recovery resends about one segment per lost data segment: retransmissions stay below
 *   the number of losses (which also count lost ACKs, which cost nothing: the next cumulative
 *   ACK covers them). Go-back-N — RoCEv2's recovery, run on the same fabric and loss rate —
 *   resends everything in flight after each loss, a bandwidth-delay product (≈ 80 segments
 *   here) per loss; the existing RoCE loss test shows > 5 per loss.
 */
const BYTES = 2_000_000;

function lossy(transport: Record<string, unknown>, cc: string, rate: number, seed: number): RunResult {
  return run({
    name: 'tcp-loss',
    seed,
    topology: { generator: 'star', params: { hosts: 3, rate_gbps: 100, delay_ns: 2000 } },
    fabric: { mtu: 1500, link_loss_rate: rate },
    transport,
    cc: { kind: cc },
    workload: { kind: 'flows', list: [{ src: 'h1', dst: 'h0', bytes: BYTES }, { src: 'h2', dst: 'h0', bytes: BYTES }] },
  });
}

const retx = (r: RunResult) => r.flows.records.reduce((s, f) => s + f.retxPackets, 0);
const losses = (r: RunResult) => r.fabric.counters.total(PC_LINK_LOSSES);

describe('TCP under random loss', () => {
  for (const rate of [0.001, 0.01]) {
    for (const cc of ['newreno', 'cubic', 'dctcp']) {
      it(`${cc} at a ${rate} loss rate: every byte delivered once, in order; SACK resends less than one segment per loss`, () => {
        for (const seed of [1, 2]) {
          const r = lossy({ kind: 'tcp', min_rto_ms: 1 }, cc, rate, seed);
          expect(r.stopReason).toBe('all-flows-ended');
          expect(losses(r)).toBeGreaterThan(0);
          for (const f of r.flows.records) {
            expect(f.status).toBe('done');
            expect(f.deliveredBytes).toBe(BYTES);
            expect(f.recvDone).toBeGreaterThan(0);
          }
          expect(retx(r)).toBeGreaterThan(0);
          expect(retx(r)).toBeLessThanOrEqual(losses(r));
        }
      });
    }
  }

  it('go-back-N (RoCEv2 on the same lossy fabric) resends several times as many packets as TCP with SACK', () => {
    for (const rate of [0.001, 0.01]) {
      const tcp = lossy({ kind: 'tcp', min_rto_ms: 1 }, 'dctcp', rate, 1);
      const gbn = lossy({ kind: 'roce-v2', priority: 0, loss_recovery: 'go-back-n', rto_us: 50 }, 'dctcp', rate, 1);
      expect(gbn.flows.records.every((f) => f.status === 'done')).toBe(true);
      expect(retx(gbn)).toBeGreaterThan(5 * losses(gbn));
      expect(retx(gbn)).toBeGreaterThan(5 * retx(tcp));
    }
  });

  it('without SACK (NewReno recovery) every byte still arrives', () => {
    const r = lossy({ kind: 'tcp', min_rto_ms: 1, sack: false }, 'newreno', 0.01, 1);
    for (const f of r.flows.records) {
      expect(f.status).toBe('done');
      expect(f.deliveredBytes).toBe(BYTES);
    }
  });
});
