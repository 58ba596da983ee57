import { describe, expect, it } from 'vitest';
import { Dcqcn, dcqcnCc, dcqcnParams, type DcqcnParams } from '../../../src/transport/cc/dcqcn.js';
import { us } from '../../../src/sim/time.js';
import { ccContext, runTo } from './helpers.js';

/**
 * The DCQCN reaction point against its equations (Zhu et al., SIGCOMM 2015, §3.1), with the
 * published defaults: g = 1/256, K = T = 55 µs, F = 5, R_AI = 40 Mb/s, R_HAI = 200 Mb/s,
 * α₀ = 1, line rate C = 100 Gb/s. The expected trace is computed here from the equations with
 * the same floating-point operations, so the comparison is exact.
 */
const C = 100e9;

function make(over: Partial<DcqcnParams> = {}) {
  const ctx = ccContext({ lineRateBps: C });
  const p = dcqcnParams.parse(over);
  return { ctx, p, cc: dcqcnCc.create(p, ctx) as Dcqcn };
}

describe('DCQCN reaction point', () => {
  it('has the published defaults and asks for CNPs every 50 µs, no INT', () => {
    const p = dcqcnParams.parse({});
    expect(p).toEqual({
      g: 1 / 256,
      initial_alpha: 1,
      alpha_timer_us: 55,
      rate_timer_us: 55,
      byte_counter_bytes: 10_000_000,
      fast_recovery_stages: 5,
      rate_ai_gbps: 0.04,
      rate_hai_gbps: 0.2,
      min_rate_gbps: 0.1,
      cnp_interval_us: 50,
    });
    expect(dcqcnCc.feedback(p)).toEqual({ cnp: true, cnpIntervalPs: us(50), int: false });
    expect(() => dcqcnParams.parse({ g: 2 })).toThrow();
    expect(() => dcqcnParams.parse({ rate_ai: 1 })).toThrow(); // strict: unknown field
  });

  it('starts at line rate, no window, and ignores ACKs and losses', () => {
    const { cc } = make();
    expect(cc.rateBps()).toBe(C);
    expect(cc.windowBytes()).toBe(Infinity);
    cc.onLoss(0);
    cc.onTimeout(0);
    expect(cc.rateBps()).toBe(C);
  });

  it('one CNP, then fast recovery, alpha decay and additive increase follow the equations exactly', () => {
    const { ctx, p, cc } = make();
    const g = p.g;
    const K = us(p.alpha_timer_us);
    const T = us(p.rate_timer_us);
    const rai = p.rate_ai_gbps * 1e9;

    // First CNP at 10 µs: Rt = Rc = C; Rc = C(1 - α/2) with α = 1; then α = (1 - g)α + g.
    const t0 = us(10);
    runTo(ctx, t0);
    cc.onCnp(t0);
    let alpha = 1;
    let rt = C;
    let rc = C * (1 - alpha / 2);
    alpha = (1 - g) * alpha + g;
    expect(cc.rateBps()).toBe(rc);
    expect(rc).toBe(50e9);
    expect(cc.rt).toBe(rt);
    expect(cc.alpha).toBe(alpha);

    // Second CNP 20 µs later (before any timer): Rt = Rc, cut with the α the first CNP left.
    const t1 = t0 + us(20);
    runTo(ctx, t1);
    cc.onCnp(t1);
    rt = rc;
    rc = rc * (1 - alpha / 2);
    alpha = (1 - g) * alpha + g;
    expect(cc.rateBps()).toBe(rc);
    expect(cc.rt).toBe(rt);
    expect(cc.alpha).toBe(alpha);

    // Timer T from the last CNP: F = 5 fast-recovery steps Rc = (Rt + Rc)/2, then additive
    // increase Rt += R_AI, Rc = (Rt + Rc)/2. The α timer (K, restarted by the CNP) decays α by
    // (1 - g) each period without a CNP; K = T, and the α timer was armed first, so at each
    // period α decays before the rate step.
    const trace: { t: number; rc: number; rt: number; alpha: number }[] = [];
    for (let k = 1; k <= 8; k++) {
      alpha = (1 - g) * alpha;
      if (k > p.fast_recovery_stages) rt = rt + rai;
      rc = (rt + rc) / 2;
      trace.push({ t: t1 + k * T, rc, rt, alpha });
    }
    expect(K).toBe(T);
    for (const [k, e] of trace.entries()) {
      runTo(ctx, e.t - 1);
      // just before the event the previous step's values hold
      expect(cc.rateBps()).toBe(k === 0 ? trace[0]!.rc * 2 - trace[0]!.rt : trace[k - 1]!.rc);
      runTo(ctx, e.t);
      expect(cc.rateBps()).toBe(e.rc);
      expect(cc.rt).toBe(e.rt);
      expect(cc.alpha).toBe(e.alpha);
      expect(cc.timeStage).toBe(k + 1);
    }
    // the numbers themselves, for the reader: 25 → 37.5 → 43.75 → 46.875 → 48.4375 → 49.21875 Gb/s
    expect(trace.slice(0, 5).map((e) => e.rc / 1e9)).toEqual([37.5, 43.75, 46.875, 48.4375, 49.21875]);
    expect(trace[5]!.rt).toBe(50e9 + rai);

    // A third CNP 10 µs after the 8th step cuts with α decayed 8 times since the second CNP.
    const t2 = trace[7]!.t + us(10);
    runTo(ctx, t2);
    cc.onCnp(t2);
    expect(cc.rt).toBe(rc);
    expect(cc.rateBps()).toBe(rc * (1 - alpha / 2));
    expect(cc.alpha).toBe((1 - g) * alpha + g);
    expect(cc.timeStage).toBe(0);
  });

  it('the byte counter drives increase events too, and hyper increase needs both counters past F', () => {
    const { ctx, p, cc } = make({ byte_counter_bytes: 100_000, rate_timer_us: 1000, alpha_timer_us: 1000 });
    const rai = p.rate_ai_gbps * 1e9;
    const rhai = p.rate_hai_gbps * 1e9;
    cc.onCnp(0);
    cc.onCnp(0); // Rt = 50 G, Rc = 25 G
    let rt = 50e9;
    let rc = 25e9;
    expect(cc.rateBps()).toBe(rc);
    // 99_999 bytes: nothing; the 100_000th byte: byte event 1 (fast recovery)
    cc.onSend(99_999, 0);
    expect(cc.rateBps()).toBe(rc);
    cc.onSend(1, 0);
    rc = (rt + rc) / 2;
    expect(cc.byteStage).toBe(1);
    expect(cc.rateBps()).toBe(rc);
    // byte events 2..7: max(t, b) = b; b ≤ 5 fast recovery, then additive (t = 0 ≤ F)
    for (let b = 2; b <= 7; b++) {
      cc.onSend(100_000, 0);
      if (b > p.fast_recovery_stages) rt += rai;
      rc = (rt + rc) / 2;
      expect(cc.rateBps()).toBe(rc);
    }
    // timer events (T = 1 ms) until t = 7: min(t, b) = t; hyper once t > F: Rt += (t - F)·R_HAI
    for (let t = 1; t <= 7; t++) {
      runTo(ctx, t * us(1000));
      const lo = Math.min(t, 7);
      if (lo > p.fast_recovery_stages) rt += (lo - p.fast_recovery_stages) * rhai;
      else rt += rai; // max(t, b) = 7 > F
      rc = (rt + rc) / 2;
      expect(cc.timeStage).toBe(t);
      expect(cc.rateBps()).toBe(rc);
    }
  });

  it('never exceeds the line rate, stops its timers once recovered, and still decays alpha exactly', () => {
    const { ctx, p, cc } = make({ byte_counter_bytes: 0 });
    cc.onCnp(0);
    const T = us(p.rate_timer_us);
    let maxRate = 0;
    let steps = 0;
    while (ctx.sim.pending > 0 && steps < 10_000) {
      ctx.sim.run(ctx.sim.nextTime());
      maxRate = Math.max(maxRate, cc.rateBps());
      steps++;
    }
    expect(maxRate).toBe(C);
    expect(cc.rateBps()).toBe(C);
    expect(cc.rt).toBe(C);
    // recovery from C/2 takes ~37 fast-recovery halvings of the gap (to under 1 bit/s)
    const recoveredAt = ctx.sim.now;
    expect(recoveredAt).toBeLessThan(60 * T);
    expect(ctx.sim.pending).toBe(0); // no timer keeps an idle connection alive
    // α decays on every K period since the CNP, whether or not the timer was still running
    const tCnp = recoveredAt + us(1000) + 7;
    runTo(ctx, tCnp);
    const n = Math.floor(tCnp / us(p.alpha_timer_us));
    const before = cc.alphaNow(tCnp);
    expect(before).toBeCloseTo(Math.pow(1 - p.g, n), 12);
    cc.onCnp(tCnp);
    expect(cc.rateBps()).toBeCloseTo(C * (1 - before / 2), 0);
  });

  it('a cut never goes below the minimum rate', () => {
    const { cc, p } = make();
    for (let i = 0; i < 40; i++) cc.onCnp(0);
    expect(cc.rateBps()).toBe(p.min_rate_gbps * 1e9);
  });
});
