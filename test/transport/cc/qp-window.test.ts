import { describe, expect, it } from 'vitest';
import { runExperiment } from '../../../src/experiment/run.js';
import { congestionControls } from '../../../src/transport/cc/index.js';

/**
 * The RoCEv2 QP lets at least `ack_every` packets be in flight whatever the congestion window:
 * the responder ACKs every `ack_every` packets, so a smaller window would wait for the RTO after
 * every window (seen with HPCC and DCTCP in an 8:1 incast, whose fair windows are ~2 packets).
 */
describe('congestion window below ack_every packets', () => {
  it('a 1-byte window still clocks out ack_every packets per ACK: no timeouts', () => {
    const variant = congestionControls.get('dctcp');
    const create = variant.create;
    variant.create = (params, ctx) => {
      const cc = create.call(variant, params, ctx);
      cc.windowBytes = () => 1;
      return cc;
    };
    try {
      const r = runExperiment({
        name: 'tiny-window',
        topology: { generator: 'star', params: { hosts: 2, rate_gbps: 100, delay_ns: 1000 } },
        transport: { kind: 'roce-v2', ack_every: 4, rto_us: 100 },
        cc: { kind: 'dctcp' },
        workload: { kind: 'flows', list: [{ src: 'h0', dst: 'h1', bytes: 100 * 1024 }] },
        outputs: { samples_interval_ns: 0 },
      });
      const f = r.flows.records[0]!;
      expect(f.status).toBe('done');
      expect(f.timeouts).toBe(0);
      // 4 packets per round trip: 25 round trips of ~4.2 µs, far below one 100 µs RTO
      expect(f.finish - f.start).toBeLessThan(25 * 5_000_000);
      expect(f.finish - f.start).toBeGreaterThan(24 * 4_000_000);
    } finally {
      variant.create = create;
    }
  });
});
