import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { Packet } from '../../src/fabric/packet.js';
import { FlowHashEcmp, fiveTupleHash, mix32 } from '../../src/fabric/routing/ecmp.js';
import { Rng } from '../../src/sim/rng.js';

const pkt = (flowHash: number): Packet => {
  const p = new Packet();
  p.flowHash = flowHash;
  return p;
};

describe('FlowHashEcmp', () => {
  it('is deterministic per flow hash, in range, and independent of other packet fields', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 0xffffffff }), fc.integer({ min: 1, max: 64 }), fc.nat(), (h, count, salt) => {
        const e = new FlowHashEcmp(salt);
        const a = pkt(h);
        const b = pkt(h);
        b.psn = 12345;
        b.frameBytes = 4000;
        b.src = 3;
        const x = e.select(a, count);
        expect(Number.isInteger(x) && x >= 0 && x < count).toBe(true);
        expect(e.select(a, count)).toBe(x);
        expect(e.select(b, count)).toBe(x);
        expect(new FlowHashEcmp(salt).select(a, count)).toBe(x);
      }),
    );
  });

  it('spreads 10k random flows over 8 ports within ±10 % of uniform', () => {
    const rng = new Rng('ecmp-spread');
    for (const salt of [0, 1, 0xdeadbeef]) {
      const e = new FlowHashEcmp(salt);
      const hits = new Array<number>(8).fill(0);
      for (let i = 0; i < 10_000; i++) hits[e.select(pkt(rng.uint32()), 8)]!++;
      for (const h of hits) expect(Math.abs(h - 1250)).toBeLessThan(125); // sd ≈ 33
    }
  });

  it('spreads consecutive flow hashes (e.g. sequential UDP source ports) evenly too', () => {
    const e = new FlowHashEcmp(7);
    const hits = new Array<number>(8).fill(0);
    for (let i = 0; i < 10_000; i++) hits[e.select(pkt(i), 8)]!++;
    for (const h of hits) expect(Math.abs(h - 1250)).toBeLessThan(125);
  });

  it('different salts give different mappings (no polarization between tiers)', () => {
    const a = new FlowHashEcmp(0x1234);
    const b = new FlowHashEcmp(0x9876);
    const rng = new Rng('salt');
    let same = 0;
    const n = 10_000;
    // joint distribution of (tier-1 choice, tier-2 choice) should be ≈ uniform over 4×4
    const joint = new Array<number>(16).fill(0);
    for (let i = 0; i < n; i++) {
      const p = pkt(rng.uint32());
      const x = a.select(p, 4);
      const y = b.select(p, 4);
      if (x === y) same++;
      joint[x * 4 + y]!++;
    }
    // independent choices agree 1/4 of the time; identical mappings would agree always
    expect(Math.abs(same / n - 0.25)).toBeLessThan(0.03);
    for (const j of joint) expect(Math.abs(j - n / 16)).toBeLessThan(n / 16 / 5);
  });
});

describe('fiveTupleHash', () => {
  it('is deterministic and an unsigned 32-bit integer', () => {
    const h = fiveTupleHash(0x0a000001, 0x0a000002, 17, 49152, 4791);
    expect(fiveTupleHash(0x0a000001, 0x0a000002, 17, 49152, 4791)).toBe(h);
    expect(Number.isInteger(h) && h >= 0 && h <= 0xffffffff).toBe(true);
  });

  it('changes with the source port (RoCEv2 entropy), and with each other field', () => {
    const base = [0x0a000001, 0x0a000002, 17, 49152, 4791] as const;
    const h0 = fiveTupleHash(...base);
    const seen = new Set<number>();
    for (let sport = 49152; sport < 49152 + 1000; sport++) seen.add(fiveTupleHash(base[0], base[1], base[2], sport, base[4]));
    expect(seen.size).toBe(1000);
    for (let i = 0; i < 5; i++) {
      const t = [...base] as number[];
      t[i] = t[i]! + 1;
      expect(fiveTupleHash(t[0]!, t[1]!, t[2]!, t[3]!, t[4]!)).not.toBe(h0);
    }
    // swapping source and destination is a different flow direction
    expect(fiveTupleHash(base[1], base[0], 17, 4791, 49152)).not.toBe(h0);
  });
});

describe('mix32', () => {
  it('has no collisions on 100k consecutive inputs and returns uint32', () => {
    const seen = new Set<number>();
    let bad = 0;
    for (let i = 0; i < 100_000; i++) {
      const m = mix32(i);
      if (!(Number.isInteger(m) && m >= 0 && m <= 0xffffffff)) bad++;
      seen.add(m);
    }
    expect(bad).toBe(0);
    expect(seen.size).toBe(100_000);
  });

  it('has no collisions on 100k consecutive inputs near the top of the 32-bit range', () => {
    const seen = new Set<number>();
    for (let i = 0; i < 100_000; i++) seen.add(mix32((0xffffffff - i) >>> 0));
    expect(seen.size).toBe(100_000);
    expect(mix32(0)).toBe(0); // the murmur3 finalizer fixes 0
    expect(mix32(-1)).toBe(mix32(0xffffffff)); // signed and unsigned views of the same bits
  });

  it('flips about half of the output bits when one input bit flips (avalanche)', () => {
    const rng = new Rng('avalanche');
    let flips = 0;
    const trials = 2000;
    for (let i = 0; i < trials; i++) {
      const x = rng.uint32();
      const bit = rng.int(32);
      let d = (mix32(x) ^ mix32((x ^ (1 << bit)) >>> 0)) >>> 0;
      while (d) {
        flips += d & 1;
        d >>>= 1;
      }
    }
    expect(Math.abs(flips / trials - 16)).toBeLessThan(0.5);
  });
});
