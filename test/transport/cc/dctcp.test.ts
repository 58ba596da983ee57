import { describe, expect, it } from 'vitest';
import { Dctcp, dctcpCc, dctcpParams, type DctcpParams } from '../../../src/transport/cc/dctcp.js';
import { us } from '../../../src/sim/time.js';
import { ack, ccContext } from './helpers.js';

/**
 * DCTCP over a RoCE QP against Alizadeh et al. (SIGCOMM 2010, §3.1): α = (1 − g)α + g·F once
 * per window of data, W = W(1 − α/2) at most once per window. Line rate 100 Gb/s, base RTT 10 µs,
 * MTU 1000 bytes: the window starts at the BDP, 125 000 bytes.
 */
const MTU = 1000;
const BDP = 125_000;

function make(over: Partial<DctcpParams> = {}) {
  const ctx = ccContext({ lineRateBps: 100e9, baseRttPs: us(10), mtu: MTU });
  const p = dctcpParams.parse(over);
  return { ctx, p, cc: dctcpCc.create(p, ctx) as Dctcp };
}

/** An ACK of `packets` packets of which `marked` were CE, `inflight` packets left outstanding. */
const pktAck = (packets: number, marked: number, inflight: number) =>
  ack({ ackedBytes: packets * MTU, ackedPackets: packets, markedPackets: marked, inflightBytes: inflight * MTU });

describe('DCTCP', () => {
  it('has the published defaults, uses the ECN echo of ACKs (no CNP, no INT), and paces at line rate', () => {
    const { p, cc } = make();
    expect(p).toEqual({ g: 1 / 16, initial_alpha: 1, slow_start: false, initial_window_packets: 10, min_window_packets: 1 });
    expect(dctcpCc.feedback(p)).toEqual({ cnp: false, cnpIntervalPs: 0, int: false });
    expect(cc.windowBytes()).toBe(BDP);
    expect(cc.rateBps()).toBe(100e9);
  });

  it('α converges to the marked fraction under constant marking, with the EWMA arithmetic exactly', () => {
    const { p, cc } = make({ initial_alpha: 1 });
    const g = p.g;
    const f = 0.25;
    // ACKs of 4 packets, 1 marked, with 40 packets always in flight: an observation window is
    // 40 packets = 10 ACKs after the one that opened it, and its marked fraction is exactly 1/4.
    let alpha = 1;
    const alphas: number[] = [];
    for (let i = 0; i < 11 * 60; i++) {
      const before = cc.alpha;
      cc.onAck(pktAck(4, 1, 40));
      if (cc.alpha !== before) alphas.push(cc.alpha);
    }
    for (const a of alphas) {
      alpha = (1 - g) * alpha + g * f;
      expect(a).toBeCloseTo(alpha, 14);
    }
    // one update per window of data: 660 ACKs of 4 packets with 40 in flight ≈ 60 windows
    expect(alphas.length).toBeGreaterThanOrEqual(59);
    expect(alphas.length).toBeLessThanOrEqual(61);
    // α − F shrinks by (1 − g) per window: α_n = F + (α_0 − F)(1 − g)^n
    expect(cc.alpha).toBeCloseTo(f + (1 - f) * Math.pow(1 - g, alphas.length), 12);
    expect(Math.abs(cc.alpha - f)).toBeLessThan(0.02);
  });

  it('cuts the window W(1 − α/2) once per window of data, however many ACKs carry marks', () => {
    const { p, cc } = make();
    let w = BDP;
    // first ACK: α is updated first (its window is this ACK: F = 1), then the cut
    cc.onAck(pktAck(4, 4, 40));
    let alpha = (1 - p.g) * 1 + p.g * 1;
    w = w * (1 - alpha / 2);
    expect(cc.alpha).toBe(alpha);
    expect(cc.windowBytes()).toBe(w);
    // the next 10 ACKs acknowledge data sent before the cut: marked, but no second cut
    for (let i = 0; i < 10; i++) {
      cc.onAck(pktAck(4, 4, 40));
      expect(cc.windowBytes()).toBe(w);
    }
    // the ACK past snd_nxt-at-the-cut: a new window — α update (F = 1), then a second cut
    cc.onAck(pktAck(4, 4, 40));
    alpha = (1 - p.g) * alpha + p.g * 1;
    w = w * (1 - alpha / 2);
    expect(cc.alpha).toBe(alpha);
    expect(cc.windowBytes()).toBe(w);
  });

  it('without marks: one MTU per window when window-limited, nothing when not; halves on loss; 1 MTU on timeout', () => {
    const { cc } = make();
    // window-limited: inflight before the ACK (121 + 4 packets = 125 000 B) fills the window
    const w0 = cc.windowBytes();
    let w = w0;
    for (let i = 0; i < 10; i++) {
      const inflightPkts = Math.floor(w / MTU) - 4;
      cc.onAck(pktAck(4, 0, inflightPkts));
      w += (MTU * 4 * MTU) / w;
      expect(cc.windowBytes()).toBeCloseTo(w, 9);
    }
    // not window-limited (application-limited): no growth
    cc.onAck(pktAck(4, 0, 10));
    expect(cc.windowBytes()).toBeCloseTo(w, 9);
    // a loss halves it (fast recovery); a timeout restarts from one MTU with ssthresh = W/2
    cc.onAck(pktAck(4, 0, 100)); // snd_nxt moves on so the loss is a new window
    const before = cc.windowBytes();
    cc.onLoss(0);
    expect(cc.windowBytes()).toBeCloseTo(before / 2, 9);
    cc.onTimeout(0);
    expect(cc.windowBytes()).toBe(MTU);
    expect(cc.ssthresh).toBeCloseTo(before / 4, 9);
    // slow start back: +acked per ACK while below ssthresh
    cc.onAck(pktAck(1, 0, 0));
    expect(cc.windowBytes()).toBe(2 * MTU);
  });

  it('optional slow start from the initial window doubles per round trip until the first mark', () => {
    const { cc } = make({ slow_start: true });
    expect(cc.windowBytes()).toBe(10 * MTU);
    cc.onAck(pktAck(10, 0, 0)); // a whole window acknowledged, window-limited
    expect(cc.windowBytes()).toBe(20 * MTU);
    cc.onAck(pktAck(2, 1, 18));
    expect(cc.windowBytes()).toBeLessThan(20 * MTU);
    expect(cc.ssthresh).toBe(cc.windowBytes());
  });

  it('never goes below one MTU', () => {
    const { cc } = make();
    for (let i = 0; i < 200; i++) cc.onAck(pktAck(4, 4, 0));
    expect(cc.windowBytes()).toBe(MTU);
  });
});
