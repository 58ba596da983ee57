import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { Pool } from '../../src/sim/pool.js';

describe('Pool', () => {
  it('creates objects only when the free list is empty and reuses released ones (LIFO)', () => {
    let made = 0;
    const pool = new Pool(() => ({ id: made++ }));
    const a = pool.acquire();
    const b = pool.acquire();
    expect(a).not.toBe(b);
    expect(pool.created).toBe(2);
    expect(pool.live).toBe(2);
    pool.release(a);
    expect(pool.live).toBe(1);
    pool.release(b);
    expect(pool.live).toBe(0);
    expect(pool.acquire()).toBe(b);
    expect(pool.acquire()).toBe(a);
    expect(pool.created).toBe(2);
    expect(made).toBe(2);
    const c = pool.acquire();
    expect(c.id).toBe(2);
    expect(pool.created).toBe(3);
    expect(pool.live).toBe(3);
  });

  it('model: live = handed out, created = peak live, no object handed out twice', () => {
    fc.assert(
      fc.property(fc.array(fc.boolean(), { maxLength: 400 }), fc.nat(), (ops, pickSeed) => {
        const pool = new Pool(() => ({}));
        const out: object[] = [];
        let peak = 0;
        let s = pickSeed;
        for (const acquire of ops) {
          if (acquire || out.length === 0) {
            const o = pool.acquire();
            expect(out.includes(o)).toBe(false);
            out.push(o);
          } else {
            s = (s * 1103515245 + 12345) >>> 0;
            const [o] = out.splice(s % out.length, 1);
            pool.release(o!);
          }
          peak = Math.max(peak, out.length);
          expect(pool.live).toBe(out.length);
          expect(pool.created).toBe(peak);
        }
      }),
    );
  });
});
