import { describe, expect, it } from 'vitest';
import { parseWith } from '../../src/sim/parse.js';
import { incast, workloads, type IncastParams } from '../../src/workload/index.js';
import { ctxFor, isSorted } from './helpers.js';
import { configError } from '../helpers/config-error.js';

/** Parses incast parameters as a file would give them (defaults filled in). */
const params = (raw: Record<string, unknown>): IncastParams => parseWith(incast.params, raw, { field: 'workload' });


describe('incast', () => {
  it('is registered as "incast"', () => {
    expect(workloads.get('incast')).toBe(incast);
  });

  it('with a count, picks that many distinct senders, none of them the receiver', () => {
    const flows = incast.generate(params({ receiver: 'h5', senders: 7, bytes: 4096, start_ns: 2 }), ctxFor(16));
    expect(flows).toHaveLength(7);
    const srcs = flows.map((f) => f.src);
    expect(new Set(srcs).size).toBe(7);
    for (const f of flows) {
      expect(f.dst).toBe(5);
      expect(f.src).not.toBe(5);
      expect(f.src).toBeGreaterThanOrEqual(0);
      expect(f.src).toBeLessThan(16);
      expect(f.bytes).toBe(4096);
      expect(f.start).toBe(2000); // 2 ns = 2000 ps
      expect(f.verb).toBe('write');
    }
    expect(isSorted(flows)).toBe(true);
  });

  it('defaults the receiver to the last host', () => {
    const flows = incast.generate(params({ senders: 3, bytes: 1 }), ctxFor(8));
    expect(flows.map((f) => f.dst)).toEqual([7, 7, 7]);
  });

  it('uses every other host when the count is hosts - 1', () => {
    const flows = incast.generate(params({ receiver: 0, senders: 9, bytes: 1 }), ctxFor(10));
    expect(flows.map((f) => f.src)).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9]);
  });

  it('is deterministic for a seed and differs for another seed', () => {
    const p = params({ senders: 8, bytes: 1000, jitter_ns: 500 });
    const a = incast.generate(p, ctxFor(64, 1));
    const b = incast.generate(p, ctxFor(64, 1));
    const c = incast.generate(p, ctxFor(64, 2));
    expect(b).toEqual(a);
    expect(c).not.toEqual(a);
    // The chosen sets differ, not only the jitter (8 of 63: a clash is a 1-in-10^9 event).
    expect(c.map((f) => f.src).sort()).not.toEqual(a.map((f) => f.src).sort());
  });

  it('picks senders uniformly: each of the other hosts about count/(hosts-1) of the time', () => {
    // 10 hosts, receiver h9, 3 senders: each of h0..h8 is picked with probability 1/3, so about
    // 1000 times in 3000 draws (sd ≈ 26); ±15% is more than 5 sd.
    const counts = new Array<number>(10).fill(0);
    const p = params({ senders: 3, bytes: 1 });
    for (let seed = 0; seed < 3000; seed++) for (const f of incast.generate(p, ctxFor(10, seed))) counts[f.src]!++;
    expect(counts[9]).toBe(0);
    for (let h = 0; h < 9; h++) {
      expect(counts[h]).toBeGreaterThan(850);
      expect(counts[h]).toBeLessThan(1150);
    }
  });

  it('takes an explicit list of senders by name or index', () => {
    const flows = incast.generate(params({ receiver: 'h0', senders: ['h3', 1, 'h2'], bytes: 64 }), ctxFor(4));
    expect(flows.map((f) => [f.src, f.dst])).toEqual([
      [1, 0],
      [2, 0],
      [3, 0],
    ]);
  });

  it('starts each flow within [start, start + jitter), on whole picoseconds, not all at once', () => {
    const flows = incast.generate(params({ senders: 63, bytes: 1, start_ns: 1000, jitter_ns: 250.5 }), ctxFor(64, 7));
    for (const f of flows) {
      expect(Number.isSafeInteger(f.start)).toBe(true);
      expect(f.start).toBeGreaterThanOrEqual(1_000_000);
      expect(f.start).toBeLessThan(1_000_000 + 250_500);
    }
    expect(new Set(flows.map((f) => f.start)).size).toBeGreaterThan(50);
    expect(isSorted(flows)).toBe(true);
  });

  it('rejects more senders than there are other hosts, at workload.senders', () => {
    const e = configError(() => incast.generate(params({ senders: 8, bytes: 1 }), ctxFor(8)));
    expect(e.field).toBe('workload.senders');
    expect(e.message).toContain('exp.yaml');
    expect(e.message).toContain('8 senders');
  });

  it('rejects an unknown receiver, naming the field and some valid hosts', () => {
    const e = configError(() => incast.generate(params({ receiver: 'h999', senders: 2, bytes: 1 }), ctxFor(16)));
    expect(e.field).toBe('workload.receiver');
    expect(e.message).toContain('exp.yaml: workload.receiver');
    expect(e.message).toContain("'h999'");
    expect(e.message).toContain('h0, h1, h2');
    expect(e.message).toContain('h15');
  });

  it('rejects an out-of-range receiver index', () => {
    const e = configError(() => incast.generate(params({ receiver: 16, senders: 2, bytes: 1 }), ctxFor(16)));
    expect(e.field).toBe('workload.receiver');
    expect(e.message).toContain('0..15');
  });

  it('rejects a sender that is the receiver, at its list position', () => {
    const e = configError(() => incast.generate(params({ receiver: 'h2', senders: ['h1', 'h2'], bytes: 1 }), ctxFor(4)));
    expect(e.field).toBe('workload.senders.1');
  });

  it('rejects a topology with fewer than two hosts', () => {
    const e = configError(() => incast.generate(params({ senders: 1, bytes: 1 }), ctxFor(1)));
    expect(e.field).toBe('workload');
  });

  it('validates its parameters: strict, positive sizes and counts', () => {
    expect(params({ senders: 2, bytes: 10 })).toEqual({ senders: 2, bytes: 10, start_ns: 0, jitter_ns: 0, verb: 'write' });
    for (const [raw, field] of [
      [{ senders: 0, bytes: 10 }, 'workload.senders'],
      [{ senders: 2, bytes: 0 }, 'workload.bytes'],
      [{ senders: 2, bytes: 1.5 }, 'workload.bytes'],
      [{ senders: [], bytes: 1 }, 'workload.senders'],
      [{ senders: 2, bytes: 1, jitter_ns: -1 }, 'workload.jitter_ns'],
      [{ senders: 2, bytes: 1, verb: 'cas' }, 'workload.verb'],
      [{ senders: 2, bytes: 1, extra: 1 }, 'workload'],
    ] as const) {
      expect(configError(() => params(raw)).field).toBe(field);
    }
  });
});
