import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { Ring } from '../../src/sim/ring.js';

type Op = { op: 'push'; v: number } | { op: 'shift' } | { op: 'at'; i: number } | { op: 'peek' } | { op: 'clear' };

const opArb: fc.Arbitrary<Op> = fc.oneof(
  { weight: 5, arbitrary: fc.record({ op: fc.constant('push' as const), v: fc.integer() }) },
  { weight: 4, arbitrary: fc.constant({ op: 'shift' as const }) },
  { weight: 2, arbitrary: fc.record({ op: fc.constant('at' as const), i: fc.integer({ min: -2, max: 40 }) }) },
  { weight: 1, arbitrary: fc.constant({ op: 'peek' as const }) },
  { weight: 1, arbitrary: fc.constant({ op: 'clear' as const }) },
);

function check(r: Ring<number>, model: number[]): void {
  expect(r.length).toBe(model.length);
  const seen: (number | undefined)[] = [];
  for (let i = -1; i <= model.length; i++) seen.push(r.at(i));
  expect(seen).toEqual([undefined, ...model, undefined]);
  expect(r.peek()).toBe(model[0]);
}

describe('Ring', () => {
  it('behaves like an array queue under random push/shift/at/peek/clear', () => {
    fc.assert(
      fc.property(fc.array(opArb, { maxLength: 300 }), fc.integer({ min: 1, max: 8 }), (ops, cap) => {
        const r = new Ring<number>(cap);
        const model: number[] = [];
        for (const o of ops) {
          switch (o.op) {
            case 'push':
              r.push(o.v);
              model.push(o.v);
              break;
            case 'shift':
              expect(r.shift()).toBe(model.shift());
              break;
            case 'at':
              expect(r.at(o.i)).toBe(model[o.i]);
              break;
            case 'peek':
              expect(r.peek()).toBe(model[0]);
              break;
            case 'clear':
              r.clear();
              model.length = 0;
              break;
          }
          expect(r.length).toBe(model.length);
        }
        check(r, model);
      }),
      { numRuns: 300 },
    );
  });

  it('grows correctly while wrapped (head not at slot 0)', () => {
    const r = new Ring<number>(4);
    const model: number[] = [];
    let next = 0;
    // wrap the head around a 4-slot ring: push 3, shift 3, push 4 => contents occupy slots 3,0,1,2
    for (let i = 0; i < 3; i++) r.push(next++);
    for (let i = 0; i < 3; i++) expect(r.shift()).toBe(i);
    for (let i = 0; i < 4; i++) {
      r.push(next);
      model.push(next++);
    }
    check(r, model);
    // full and wrapped: the next push grows
    r.push(next);
    model.push(next++);
    check(r, model);
    // keep interleaving across several doublings
    for (let round = 0; round < 200; round++) {
      for (let k = 0; k < 3; k++) {
        r.push(next);
        model.push(next++);
      }
      expect(r.shift()).toBe(model.shift());
      check(r, model);
    }
    while (model.length > 0) expect(r.shift()).toBe(model.shift());
    expect(r.shift()).toBeUndefined();
    expect(r.peek()).toBeUndefined();
    expect(r.length).toBe(0);
  });

  it('stores falsy values faithfully', () => {
    const r = new Ring<number | null>(2);
    r.push(0);
    r.push(null);
    r.push(0);
    expect(r.length).toBe(3);
    expect(r.shift()).toBe(0);
    expect(r.shift()).toBe(null);
    expect(r.peek()).toBe(0);
  });
});
