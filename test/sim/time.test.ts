import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { KiB, MiB, PS_PER_MS, PS_PER_NS, PS_PER_S, PS_PER_US, assertTime, gbps, ms, ns, toNs, txTime, us } from '../../src/sim/time.js';

describe('time helpers', () => {
  it('unit constants', () => {
    expect([PS_PER_NS, PS_PER_US, PS_PER_MS, PS_PER_S]).toEqual([1e3, 1e6, 1e9, 1e12]);
  });

  it('ns/us/ms convert to integer picoseconds (rounded to nearest)', () => {
    expect(ns(1)).toBe(1_000);
    expect(ns(1.5)).toBe(1_500);
    expect(ns(0.0004)).toBe(0);
    expect(ns(0.0006)).toBe(1);
    expect(us(1)).toBe(1_000_000);
    expect(us(0.1)).toBe(100_000);
    expect(us(2.5)).toBe(2_500_000);
    expect(ms(1)).toBe(1_000_000_000);
    expect(ms(0.3)).toBe(300_000_000); // 0.3 is not exact in binary; the result must be
    expect(Number.isSafeInteger(ms(7200_000))).toBe(true); // 2 h
    expect(toNs(1_500)).toBe(1.5);
    expect(gbps(100)).toBe(100e9);
    expect(KiB(4)).toBe(4096);
    expect(MiB(2)).toBe(2 * 1024 * 1024);
  });

  it('ns/us/ms always return safe integers', () => {
    fc.assert(
      fc.property(fc.double({ min: 0, max: 1e6, noNaN: true }), (x) => {
        for (const f of [ns, us, ms]) expect(Number.isSafeInteger(f(x))).toBe(true);
      }),
    );
  });

  it('txTime is exact for the usual rates', () => {
    expect(txTime(1, gbps(100))).toBe(80);
    expect(txTime(1, gbps(25))).toBe(320);
    expect(txTime(1, gbps(10))).toBe(800);
    expect(txTime(1, gbps(400))).toBe(20);
    expect(txTime(1500, gbps(100))).toBe(120_000);
    expect(txTime(1520, gbps(100))).toBe(121_600);
    expect(txTime(9000, gbps(10))).toBe(7_200_000);
    expect(txTime(0, gbps(100))).toBe(0);
  });

  it('txTime scales linearly where the rate divides: bytes × (8e12 / rate)', () => {
    for (const [g, per] of [
      [100, 80],
      [25, 320],
      [10, 800],
      [40, 200],
      [200, 40],
      [50, 160],
    ] as const) {
      fc.assert(
        fc.property(fc.integer({ min: 0, max: 4 * 1024 * 1024 }), (b) => {
          expect(txTime(b, gbps(g))).toBe(b * per);
        }),
        { numRuns: 200 },
      );
    }
  });

  it('txTime rounds up when the rate does not divide', () => {
    expect(txTime(1, gbps(3))).toBe(Math.ceil(8000 / 3)); // 2667
    expect(txTime(1, gbps(3))).toBe(2667);
    expect(txTime(3, gbps(3))).toBe(8000);
    expect(txTime(1, 7)).toBe(Math.ceil(8e12 / 7));
  });

  it('txTime is the smallest integer t with t·rate ≥ bytes·8e12 for any whole number of Mb/s (exact check in BigInt)', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 65_536 }), fc.integer({ min: 1, max: 800_000 }).map((mbps) => mbps * 1_000_000), (bytes, rate) => {
        const t = txTime(bytes, rate);
        expect(Number.isSafeInteger(t)).toBe(true);
        const need = BigInt(bytes) * 8n * 1_000_000_000_000n;
        expect(BigInt(t) * BigInt(rate) >= need).toBe(true);
        expect(BigInt(t - 1) * BigInt(rate) < need).toBe(true);
      }),
      { numRuns: 2000 },
    );
  });

  it('assertTime accepts safe integers and rejects the rest', () => {
    expect(() => assertTime(0)).not.toThrow();
    expect(() => assertTime(Number.MAX_SAFE_INTEGER)).not.toThrow();
    for (const bad of [0.5, NaN, Infinity, Number.MAX_SAFE_INTEGER + 1]) expect(() => assertTime(bad)).toThrow(RangeError);
  });
});
