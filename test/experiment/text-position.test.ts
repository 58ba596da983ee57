import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { jsonErrorOffset, lineCol } from '../../src/experiment/text-position.js';

describe('lineCol', () => {
  it('counts lines and columns from 1', () => {
    const text = 'ab\ncde\n\nf';
    expect(lineCol(text, 0)).toEqual({ line: 1, col: 1 });
    expect(lineCol(text, 4)).toEqual({ line: 2, col: 2 });
    expect(lineCol(text, 8)).toEqual({ line: 4, col: 1 });
  });
});

describe('jsonErrorOffset', () => {
  it('finds no error in valid JSON', () => {
    fc.assert(
      fc.property(fc.jsonValue(), fc.boolean(), (v, pretty) => {
        expect(jsonErrorOffset(JSON.stringify(v, null, pretty ? 2 : undefined))).toBe(-1);
      }),
      { numRuns: 300 },
    );
  });

  it('finds an error exactly where JSON.parse fails', () => {
    fc.assert(
      fc.property(fc.json(), fc.nat(), fc.constantFrom('}', ']', ',', ':', 'x', '"', '\n', '{'), (text, at, junk) => {
        const broken = text.slice(0, at % (text.length + 1)) + junk + text.slice(at % (text.length + 1));
        let parses = true;
        try {
          JSON.parse(broken);
        } catch {
          parses = false;
        }
        const offset = jsonErrorOffset(broken);
        expect(offset === -1).toBe(parses);
        expect(offset).toBeLessThanOrEqual(broken.length);
      }),
      { numRuns: 500 },
    );
  });

  it('points at the offending character', () => {
    expect(jsonErrorOffset('{"a": 1,}')).toBe(8);
    expect(jsonErrorOffset('{"a" 1}')).toBe(5);
    expect(jsonErrorOffset('[1, 2')).toBe(5);
    expect(jsonErrorOffset('01')).toBe(1);
  });
});
