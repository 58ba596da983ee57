import { describe, expect, it } from 'vitest';
import { Cubic, cubicParams } from '../../src/transport/cc/cubic.js';
import { NewReno, newRenoParams } from '../../src/transport/cc/newreno.js';
import { Dctcp, dctcpParams } from '../../src/transport/cc/dctcp.js';
import { ack, ccContext } from '../transport/cc/helpers.js';

const MSS = 1448;

describe('NewReno (RFC 5681/6582)', () => {
  const make = () => new NewReno(newRenoParams.parse({}), ccContext({ mtu: MSS }));

  it('starts at 10 segments and slow-starts by at most 2 segments per ACK (RFC 3465 L = 2)', () => {
    const c = make();
    expect(c.windowBytes()).toBe(10 * MSS);
    c.onAck(ack({ ackedBytes: 2 * MSS, ackedPackets: 2, inflightBytes: 8 * MSS }));
    expect(c.windowBytes()).toBe(12 * MSS);
    c.onAck(ack({ ackedBytes: 5 * MSS, ackedPackets: 5, inflightBytes: 7 * MSS }));
    expect(c.windowBytes()).toBe(14 * MSS);
  });

  it('does not grow when the window does not limit the sender, nor in loss recovery', () => {
    const c = make();
    c.onAck(ack({ ackedBytes: 2 * MSS, ackedPackets: 2, inflightBytes: 0 }));
    expect(c.windowBytes()).toBe(10 * MSS);
    c.onAck(ack({ ackedBytes: 2 * MSS, ackedPackets: 2, inflightBytes: 8 * MSS, inRecovery: true }));
    expect(c.windowBytes()).toBe(10 * MSS);
  });

  it('halves to FlightSize/2 on a loss, grows one segment per window after, and drops to one segment on a timeout', () => {
    const c = make();
    c.onLoss(0, 10 * MSS);
    expect(c.ssthresh).toBe(5 * MSS);
    expect(c.windowBytes()).toBe(5 * MSS);
    // congestion avoidance: a full window of ACKs adds one segment
    for (let i = 0; i < 5; i++) c.onAck(ack({ ackedBytes: MSS, ackedPackets: 1, inflightBytes: 4 * MSS }));
    expect(c.windowBytes()).toBeGreaterThan(5.9 * MSS);
    expect(c.windowBytes()).toBeLessThan(6 * MSS);
    c.onTimeout(0);
    expect(c.windowBytes()).toBe(MSS);
  });

  it('answers ECN-Echo like a loss, once per window of data', () => {
    const c = make();
    c.onAck(ack({ ackedBytes: MSS, ackedPackets: 1, markedPackets: 1, inflightBytes: 9 * MSS }));
    expect(c.windowBytes()).toBe(5 * MSS);
    c.onAck(ack({ ackedBytes: MSS, ackedPackets: 1, markedPackets: 1, inflightBytes: 8 * MSS }));
    expect(c.windowBytes()).toBe(5 * MSS); // same window: no second cut
    for (let i = 0; i < 9; i++) c.onAck(ack({ ackedBytes: MSS, ackedPackets: 1, inflightBytes: 4 * MSS }));
    c.onAck(ack({ ackedBytes: MSS, ackedPackets: 1, markedPackets: 1, inflightBytes: 4 * MSS }));
    expect(c.windowBytes()).toBeLessThan(4 * MSS);
  });
});

describe('CUBIC (RFC 9438)', () => {
  it('cuts by β = 0.7, then grows along C·(t − K)³ + W_max with K = ∛(W_max·(1 − β)/C)', () => {
    const ctx = ccContext({ mtu: MSS });
    const c = new Cubic(cubicParams.parse({}), ctx);
    c.cwnd = 100 * MSS;
    c.onLoss(0, 100 * MSS);
    expect(c.wMax).toBe(100 * MSS);
    expect(c.windowBytes()).toBeCloseTo(70 * MSS, 6);
    // first ACK in congestion avoidance starts the epoch
    c.onAck(ack({ ackedBytes: MSS, ackedPackets: 1, inflightBytes: 70 * MSS, rttPs: 100_000_000, now: 1 }));
    expect(c.k).toBeCloseTo(Math.cbrt(30 / 0.4), 9); // ≈ 4.217 s
    // the window at t = K is W_max
    expect(c.wCubic(c.k)).toBeCloseTo(100 * MSS, 6);
    // fast convergence: a loss below W_max remembers a smaller W_max
    c.cwnd = 80 * MSS;
    c.onAck(ack({ ackedBytes: 10 * MSS, ackedPackets: 10, inflightBytes: 80 * MSS, now: 2e12 })); // new window of data
    const before = c.cwnd;
    expect(before).toBeLessThan(c.wMax);
    c.onLoss(2e12, 80 * MSS);
    expect(c.wMax).toBeCloseTo((before * (1 + 0.7)) / 2, 6);
    expect(c.windowBytes()).toBeCloseTo(before * 0.7, 6);
  });

  it('stays Reno-friendly when the cubic curve is below the AIMD estimate (µs round trips)', () => {
    const ctx = ccContext({ mtu: MSS });
    const c = new Cubic(cubicParams.parse({}), ctx);
    c.cwnd = 20 * MSS;
    c.onLoss(0, 20 * MSS);
    let w = c.windowBytes();
    // 1000 windows' worth of ACKs in 10 ms: W_cubic barely moves, W_est grows α = 3(1 − β)/(1 + β) per window
    let now = 0;
    for (let i = 0; i < 140; i++) {
      now += 10_000_000;
      c.onAck(ack({ ackedBytes: MSS, ackedPackets: 1, inflightBytes: Math.floor(c.windowBytes()) - MSS, rttPs: 10_000_000, now }));
    }
    w = c.windowBytes() - w;
    expect(w).toBeGreaterThan(0);
    expect(w / MSS).toBeLessThan(10 * (3 * 0.3) / 1.7 + 1);
  });
});

describe('DCTCP on TCP', () => {
  it('keeps at least min_window_packets after a cut and holds the window in loss recovery', () => {
    const c = new Dctcp(dctcpParams.parse({ min_window_packets: 2 }), ccContext({ mtu: MSS, lineRateBps: 10e9, baseRttPs: 1_000_000 }));
    c.onAck(ack({ ackedBytes: MSS, ackedPackets: 1, markedPackets: 1, inflightBytes: 0 }));
    expect(c.windowBytes()).toBe(2 * MSS);
    const w = c.windowBytes();
    c.onAck(ack({ ackedBytes: 4 * MSS, ackedPackets: 4, inflightBytes: 2 * MSS, inRecovery: true }));
    expect(c.windowBytes()).toBe(w);
  });
});
