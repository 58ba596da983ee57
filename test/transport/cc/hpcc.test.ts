import { describe, expect, it } from 'vitest';
import { INT_FIELDS, INT_QLEN, INT_RATE, INT_TS, INT_TX_BYTES, MAX_INT_HOPS } from '../../../src/fabric/telemetry/int.js';
import { Hpcc, hpccCc, hpccParams, type HpccParams } from '../../../src/transport/cc/hpcc.js';
import { us } from '../../../src/sim/time.js';
import { ack, ccContext } from './helpers.js';

/**
 * HPCC's window against Algorithm 1 of Li et al. (SIGCOMM 2019), driven with synthetic INT:
 * one hop of B = 100 Gb/s, base RTT T = 10 µs, so W_init = B·T = 125 000 bytes.
 */
const B = 100e9;
const T = us(10);
const W_INIT = 125_000;
const MTU = 1000;

function make(over: Partial<HpccParams> = {}) {
  const ctx = ccContext({ lineRateBps: B, baseRttPs: T, mtu: MTU });
  const p = hpccParams.parse(over);
  return { ctx, p, cc: hpccCc.create(p, ctx) as Hpcc };
}

/** One hop of INT: (queue bytes, cumulative tx bytes, timestamp ps, rate bit/s). */
function int(...hops: [number, number, number, number][]): Float64Array {
  const a = new Float64Array(MAX_INT_HOPS * INT_FIELDS);
  hops.forEach(([q, tx, ts, rate], i) => {
    a[i * INT_FIELDS + INT_QLEN] = q;
    a[i * INT_FIELDS + INT_TX_BYTES] = tx;
    a[i * INT_FIELDS + INT_TS] = ts;
    a[i * INT_FIELDS + INT_RATE] = rate;
  });
  return a;
}

/** An ACK of one packet carrying `hops`, `inflight` bytes still outstanding. */
function intAck(inflight: number, ...hops: [number, number, number, number][]) {
  return ack({ ackedBytes: MTU, ackedPackets: 1, inflightBytes: inflight, intHops: hops.length, int: int(...hops) });
}

describe('HPCC', () => {
  it('has the published defaults, asks for INT, and starts at W_init = line rate × base RTT', () => {
    const { p, cc } = make();
    expect(p).toEqual({ eta: 0.95, max_stage: 5, expected_flows: 125, min_rate_gbps: 0.1 });
    expect(hpccCc.feedback(p)).toEqual({ cnp: false, cnpIntervalPs: 0, int: true });
    expect(cc.wInit).toBe(W_INIT);
    expect(cc.windowBytes()).toBe(W_INIT);
    expect(cc.rateBps()).toBe(B);
    // W_AI = W_init (1 − η) / N
    expect(cc.wAi).toBeCloseTo((W_INIT * 0.05) / 125, 12);
    expect(make({ w_ai_bytes: 80 }).cc.wAi).toBe(80);
  });

  it('multiplicative decrease: W = W_c / (U/η) + W_AI, W_c moved once per RTT', () => {
    const { p, cc } = make({ expected_flows: 10 });
    const eta = p.eta;
    const wAi = (W_INIT * (1 - eta)) / 10;
    // ACK 1 only stores the hop's record (no reference yet): 40 packets are in flight.
    cc.onAck(intAck(40 * MTU, [20_000, 1_000_000, us(100), B]));
    expect(cc.windowBytes()).toBe(W_INIT);

    // ACK 2, 5 µs later: the hop sent 62 500 bytes in 5 µs (txRate = 100 Gb/s = B) and the queue
    // was 20 000 then 30 000 bytes (min = 20 000). It acknowledges below the snd_nxt recorded by
    // ACK 1, so W_c stays W_init.
    cc.onAck(intAck(40 * MTU, [30_000, 1_062_500, us(105), B]));
    const u1 = 20_000 / ((B / 8) * 10e-6) + 1; // qlen/(B·T) + txRate/B = 0.16 + 1
    const tau1 = 5 / 10;
    let U = (1 - tau1) * 1 + tau1 * u1; // U starts at 1
    let w = W_INIT / (U / eta) + wAi;
    expect(cc.u).toBeCloseTo(U, 12);
    expect(cc.windowBytes()).toBeCloseTo(w, 6);
    expect(cc.wc).toBe(W_INIT);
    expect(cc.rateBps()).toBeCloseTo((w * 8) / 10e-6, 0); // R = W / T

    // ACK 3, 20 µs later (τ clipped to T): 125 000 bytes in 10 µs... measured over 20 µs it is
    // 200 000 bytes = 80 Gb/s, queue 10 000 (min(30 000, 10 000)). Still the first RTT.
    cc.onAck(intAck(40 * MTU, [10_000, 1_262_500, us(125), B]));
    const u2 = 10_000 / ((B / 8) * 10e-6) + 0.8;
    U = 0 * U + 1 * u2; // τ = min(20 µs, T) = T: the new sample replaces U
    expect(cc.u).toBeCloseTo(U, 12);
    // U = 0.88 < η, incStage 0 < maxStage: additive increase from W_c
    w = W_INIT + wAi;
    expect(cc.windowBytes()).toBe(Math.min(w, W_INIT)); // capped at W_init
    expect(cc.incStage).toBe(0);
  });

  it('the reference window moves only on the first ACK past the last snd_nxt, then AI, then MI after maxStage', () => {
    const { p, cc } = make({ expected_flows: 4, max_stage: 2 });
    const eta = p.eta;
    const wAi = (W_INIT * (1 - eta)) / 4;
    let ts = us(100);
    let tx = 0;
    // start congested: full rate and a standing 50 000-byte queue
    cc.onAck(intAck(10 * MTU, [50_000, tx, ts, B])); // stores; snd_nxt = 11 000
    let U = 1;
    let wc = W_INIT;
    let inc = 0;
    let acked = MTU;
    let lastUpdateSeq = acked + 10 * MTU;
    const step = (q: number, bytes: number, dt: number, qPrev: number) => {
      ts += dt;
      tx += bytes;
      acked += MTU;
      const update = acked > lastUpdateSeq;
      if (update) lastUpdateSeq = acked + 10 * MTU;
      cc.onAck(intAck(10 * MTU, [q, tx, ts, B]));
      const tau = Math.min(dt, T) / T;
      const u = Math.min(q, qPrev) / ((B / 8) * 10e-6) + (bytes * 8) / (dt * 1e-12) / B;
      U = (1 - tau) * U + tau * u;
      let w: number;
      const mi = U < eta && inc >= p.max_stage;
      if (U >= eta || inc >= p.max_stage) {
        w = wc / (U / eta) + wAi;
        if (update) inc = 0;
      } else {
        w = wc + wAi;
        if (update) inc++;
      }
      w = Math.min(w, W_INIT);
      if (update) wc = w;
      expect(cc.u).toBeCloseTo(U, 12);
      expect(cc.windowBytes()).toBeCloseTo(w, 6);
      expect(cc.wc).toBeCloseTo(wc, 6);
      expect(cc.incStage).toBe(inc);
      return { update, w, mi };
    };
    const updates: number[] = [];
    const mis: number[] = [];
    // 45 ACKs, one every µs, of an under-used link (40 Gb/s, no queue after the first)
    let qPrev = 50_000;
    for (let i = 0; i < 45; i++) {
      const q = i === 0 ? 50_000 : 0;
      const r = step(q, 5_000, us(1), qPrev);
      if (r.update) updates.push(i);
      if (r.mi) mis.push(i);
      qPrev = q;
    }
    // one reference update per 11 ACKs (10 packets in flight + the one acknowledged)
    expect(updates).toEqual([10, 21, 32, 43]);
    // U < η: additive increase at updates 10 and 21 (incStage 1, 2 = maxStage), then every ACK
    // computes a multiplicative increase W_c/(U/η) + W_AI until the next update resets incStage
    expect(mis[0]).toBe(22);
    expect(mis).toContain(32);
    expect(mis).not.toContain(33);
  });

  it('keeps the window within [W_init × R_min / C, W_init] and skips stale or inconsistent INT', () => {
    const { cc } = make();
    cc.onAck(intAck(0, [0, 0, us(1), B]));
    // a hugely congested hop: U ≫ η
    cc.onAck(intAck(0, [10_000_000, 125_000, us(11), B]));
    expect(cc.windowBytes()).toBeGreaterThanOrEqual((W_INIT * 0.1e9) / B);
    for (let i = 0; i < 50; i++) cc.onAck(intAck(0, [10_000_000, 125_000 * (i + 2), us(11 + 10 * (i + 1)), B]));
    expect(cc.windowBytes()).toBeCloseTo((W_INIT * 0.1e9) / B, 6);
    const w = cc.windowBytes();
    const u = cc.u;
    // same timestamp again (a duplicate echo): no change
    cc.onAck(intAck(0, [0, 125_000 * 51, us(11 + 10 * 50), B]));
    expect(cc.u).toBe(u);
    // the byte counter went backwards (another path): ignored
    cc.onAck(intAck(0, [0, 5, us(600), B]));
    expect(cc.u).toBe(u);
    expect(cc.windowBytes()).toBeGreaterThanOrEqual(w);
    // a different number of hops: records replaced, no update
    cc.onAck(intAck(0, [0, 0, us(700), B], [0, 0, us(700), B]));
    expect(cc.u).toBe(u);
  });

  it('the maximum over hops decides', () => {
    const { cc } = make({ expected_flows: 1 });
    cc.onAck(intAck(0, [0, 0, us(1), B], [0, 0, us(1), B]));
    // hop 0 at 50 %, hop 1 at 100 % with a queue: hop 1 sets u and τ
    cc.onAck(intAck(0, [0, 62_500, us(11), B], [12_500, 125_000, us(11), B]));
    const u = 0 / 1 + 1; // min(0, q) = 0 at hop 1 (the previous record had an empty queue)
    expect(cc.u).toBeCloseTo(u, 12);
  });
});
