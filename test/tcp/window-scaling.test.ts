import { describe, expect, it } from 'vitest';
import { run } from '../helpers/run.js';

/**
 * RFC 7323 window scaling. The TCP header's window field is 16 bits: without the window scale
 * option a receiver can advertise at most 65535 bytes, so at most ⌊65535 / 1448⌋ = 45 full
 * segments are ever in flight and a path whose bandwidth-delay product exceeds that runs at
 * 45 · 1448 B per round trip whatever its rate. With scaling (Linux's default) the field counts
 * units of 2^scale bytes and a 6 MB buffer covers the path.
 */
const ser = (frame: number, gbps: number) => ((frame + 20) * 8 * 1000) / gbps;

describe('TCP window scaling (RFC 7323)', () => {
  // 10 Gb/s, 500 µs cables: RTT ≈ 2 ms, BDP ≈ 2.5 MB ≫ 64 KB
  const longFat = (scaling: boolean, bytes: number) =>
    run({
      name: 'long-fat',
      topology: { generator: 'star', params: { hosts: 2, rate_gbps: 10, delay_ns: 500_000 } },
      fabric: { mtu: 1500 },
      transport: { kind: 'tcp', window_scaling: scaling },
      workload: { kind: 'flows', list: [{ src: 'h0', dst: 'h1', bytes }] },
    }).flows.records[0]!;

  it('without scaling a long fat path is window-limited at 65535 B / RTT', () => {
    const bytes = 45 * 1448 * 20;
    const f = longFat(false, bytes);
    expect(f.status).toBe('done');
    expect(f.deliveredBytes).toBe(bytes);
    // one full segment's round trip: data out over 2 hops, the 66-byte ACK back over 2 hops
    const rtt = 2 * ser(1518, 10) + 2 * ser(66, 10) + 4 * 500_000_000;
    const bound = (45 * 1448 * 8) / (rtt / 1000); // Gb/s
    expect(bound).toBeLessThan(0.27); // 65535 B per 2 ms ≈ 0.26 Gb/s on a 10 Gb/s path
    // 20 windows of 45 segments take 20 round trips and one more for the last window's ACKs
    // (delayed ACKs cover pairs, so a window's odd last segment is acknowledged with the next)
    const goodput = (bytes * 8) / ((f.finish - f.start) / 1000);
    expect(goodput).toBeLessThanOrEqual(bound);
    expect(goodput).toBeGreaterThan((20 / 21) * 0.99 * bound);
    expect(f.finish - f.start).toBeGreaterThanOrEqual(20 * rtt);
  });

  it('with scaling the same transfer is not window-limited', () => {
    const bytes = 45 * 1448 * 20;
    const capped = longFat(false, bytes);
    const scaled = longFat(true, bytes);
    expect(scaled.status).toBe('done');
    // the whole 1.3 MB fits in the first window: one round trip plus its serialization
    const fct = scaled.finish - scaled.start;
    expect(fct).toBeLessThan(4 * 500_000_000 + (bytes / 1448 + 2) * ser(1518, 10) + 2 * ser(66, 10) + 1);
    expect(capped.finish - capped.start).toBeGreaterThan(10 * fct);
  });
});
