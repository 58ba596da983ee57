import { describe, expect, it } from 'vitest';
import { Timely, timelyCc, timelyParams, type TimelyParams } from '../../../src/transport/cc/timely.js';
import { us } from '../../../src/sim/time.js';
import { ack, ccContext } from './helpers.js';

/**
 * TIMELY's rate against Algorithm 1 of Mittal et al. (SIGCOMM 2015), on synthetic RTT sequences,
 * with the paper's parameters: α = 0.875, β = 0.8, T_low = 50 µs, T_high = 500 µs,
 * δ = 10 Mb/s, N = 5, and minRTT = 20 µs (here the context's base RTT). Line rate 100 Gb/s.
 */
const C = 100e9;
const MIN_RTT = us(20);

function make(over: Partial<TimelyParams> = {}) {
  const ctx = ccContext({ lineRateBps: C, baseRttPs: MIN_RTT });
  const p = timelyParams.parse({ segment_bytes: 1, ...over });
  return { ctx, p, cc: timelyCc.create(p, ctx) as Timely };
}

/** Feeds one RTT sample (µs) through an ACK of one packet. */
function sample(cc: Timely, rttUs: number): number {
  cc.onAck(ack({ ackedBytes: 1024, ackedPackets: 1, rttPs: us(rttUs) }));
  return cc.rateBps();
}

describe('TIMELY', () => {
  it('has the published defaults, needs no switch support, and is rate-based', () => {
    const p = timelyParams.parse({});
    expect(p).toEqual({ alpha: 0.875, beta: 0.8, t_low_us: 50, t_high_us: 500, delta_gbps: 0.01, hai_after: 5, segment_bytes: 16384, min_rate_gbps: 0.1 });
    expect(timelyCc.feedback(p)).toEqual({ cnp: false, cnpIntervalPs: 0, int: false });
    expect(() => timelyParams.parse({ t_low_us: 100, t_high_us: 50 })).toThrow(/t_high_us/);
    const { cc } = make();
    expect(cc.rateBps()).toBe(C);
    expect(cc.windowBytes()).toBe(Infinity);
  });

  it('rising RTT in [T_low, T_high]: multiplicative decrease by β·gradient', () => {
    const { p, cc } = make();
    expect(sample(cc, 60)).toBe(C); // the first sample only sets prev_rtt
    // 60 → 70 µs: rtt_diff = α·10 µs; gradient = rtt_diff / minRTT
    let diff = p.alpha * us(10);
    let rate = C * (1 - p.beta * (diff / MIN_RTT));
    expect(sample(cc, 70)).toBe(rate);
    expect(rate / 1e9).toBeCloseTo(100 * (1 - 0.8 * 0.4375), 9); // 65 Gb/s
    // 70 → 75 µs: the EWMA keeps (1 − α) of the previous difference
    diff = (1 - p.alpha) * diff + p.alpha * us(5);
    rate = rate * (1 - p.beta * (diff / MIN_RTT));
    expect(sample(cc, 75)).toBe(rate);
    expect(cc.rttDiff).toBe(diff);
  });

  it('RTT above T_high: decrease by β(1 − T_high/rtt) regardless of the gradient', () => {
    const { p, cc } = make();
    sample(cc, 600);
    // 600 → 600: zero gradient, but above T_high
    const rate = C * (1 - p.beta * (1 - 500 / 600));
    expect(sample(cc, 600)).toBeCloseTo(rate, 0);
    expect(Math.abs(cc.rateBps() - rate) / rate).toBeLessThan(1e-12);
    // falling but still above T_high: still a decrease
    const r2 = cc.rateBps() * (1 - p.beta * (1 - 500 / 550));
    expect(sample(cc, 550)).toBeCloseTo(r2, 0);
  });

  it('RTT below T_low: additive increase by δ, even with a rising RTT', () => {
    const { p, cc } = make();
    sample(cc, 600);
    sample(cc, 600); // bring the rate below line rate first
    let rate = cc.rateBps();
    const delta = p.delta_gbps * 1e9;
    for (const rtt of [30, 35, 40, 45, 49]) {
      rate += delta;
      expect(sample(cc, rtt)).toBeCloseTo(rate, 0);
    }
  });

  it('non-positive gradient in [T_low, T_high]: +δ, then hyperactive +N·δ after N in a row', () => {
    const { p, cc } = make();
    sample(cc, 600);
    sample(cc, 600); // rate below line rate; rtt_diff = α·0 + ... = 0
    let rate = cc.rateBps();
    const delta = p.delta_gbps * 1e9;
    // a falling RTT inside the band: gradient < 0 for each sample
    const rtts = [400, 350, 300, 250, 200, 150, 120, 100];
    for (const [i, rtt] of rtts.entries()) {
      rate += (i + 1 >= p.hai_after ? p.hai_after : 1) * delta;
      expect(sample(cc, rtt)).toBeCloseTo(rate, 0);
    }
    expect(cc.negStreak).toBe(rtts.length);
    // a rising RTT resets the streak
    sample(cc, 200);
    expect(cc.negStreak).toBe(0);
  });

  it('never leaves [R_min, line rate]; a steep gradient sends the rate to R_min', () => {
    const { p, cc } = make();
    sample(cc, 60);
    expect(sample(cc, 200)).toBe(p.min_rate_gbps * 1e9); // β·gradient ≫ 1
    for (let i = 0; i < 20_000; i++) sample(cc, 10);
    expect(cc.rateBps()).toBe(C);
  });

  it('updates once per segment_bytes of acknowledged data, ignoring duplicate ACKs', () => {
    const { cc } = make({ segment_bytes: 16384 });
    const feed = (bytes: number, rttUs: number) => cc.onAck(ack({ ackedBytes: bytes, ackedPackets: bytes / 1024, rttPs: us(rttUs) }));
    feed(16384, 60); // first segment: prev_rtt = 60
    feed(8192, 1000); // half a segment: no update
    feed(0, 1000); // duplicate: ignored
    expect(cc.rateBps()).toBe(C);
    feed(8192, 70); // the segment completes with this ACK's RTT
    expect(cc.rateBps()).toBeLessThan(C);
    expect(cc.prevRtt).toBe(us(70));
  });

  it('segment_bytes 0: one update per round trip, on the first ACK past the snd_nxt of the last one', () => {
    const { cc } = make({ segment_bytes: 0 });
    const feed = (rttUs: number, inflight: number) => cc.onAck(ack({ ackedBytes: 1024, ackedPackets: 1, rttPs: us(rttUs), inflightBytes: inflight * 1024 }));
    feed(60, 9); // update 1 (prev_rtt = 60); snd_nxt = 10 packets
    const seen: number[] = [];
    for (let i = 2; i <= 21; i++) {
      const before = cc.prevRtt;
      feed(60 + i, 9);
      if (cc.prevRtt !== before) seen.push(i);
    }
    // ACK k acknowledges k packets: updates when k > 10, then k > 20
    expect(seen).toEqual([11, 21]);
  });

  it('min_rtt_us overrides the base RTT as the gradient normalizer', () => {
    const { p, cc } = make({ min_rtt_us: 40 });
    sample(cc, 60);
    expect(sample(cc, 70)).toBe(C * (1 - p.beta * ((p.alpha * us(10)) / us(40))));
  });
});
