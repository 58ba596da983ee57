import { describe, expect, it } from 'vitest';
import { ConfigError } from '../../src/sim/errors.js';
import { parseWith } from '../../src/sim/parse.js';
import { flowList, workloads, type FlowsParams } from '../../src/workload/index.js';
import { ctxFor } from './helpers.js';

const params = (raw: unknown): FlowsParams => parseWith(flowList.params, raw, { field: 'workload' });

function fieldOf(fn: () => unknown): string {
  try {
    fn();
  } catch (e) {
    expect(e).toBeInstanceOf(ConfigError);
    return (e as ConfigError).field;
  }
  throw new Error('expected a ConfigError');
}

describe('flows (explicit list)', () => {
  it('is registered as "flows"', () => {
    expect(workloads.get('flows')).toBe(flowList);
  });

  it('gives exactly the listed flows, resolved and sorted by (start, src, dst)', () => {
    const p = params({
      list: [
        { src: 'h3', dst: 0, bytes: 100, start_ns: 5 },
        { src: 2, dst: 'h1', bytes: 200 },
        { src: 0, dst: 3, bytes: 300 },
      ],
    });
    expect(flowList.generate(p, ctxFor(4))).toEqual([
      { src: 0, dst: 3, bytes: 300, start: 0, verb: 'write' },
      { src: 2, dst: 1, bytes: 200, start: 0, verb: 'write' },
      { src: 3, dst: 0, bytes: 100, start: 5000, verb: 'write' },
    ]);
  });

  it('rejects a flow to itself and unknown hosts, at the list entry', () => {
    expect(fieldOf(() => flowList.generate(params({ list: [{ src: 1, dst: 'h1', bytes: 1 }] }), ctxFor(4)))).toBe('workload.list.0.dst');
    expect(fieldOf(() => flowList.generate(params({ list: [{ src: 1, dst: 2, bytes: 1 }, { src: 'x', dst: 2, bytes: 1 }] }), ctxFor(4)))).toBe(
      'workload.list.1.src',
    );
  });

  it('needs at least one flow, each with bytes', () => {
    expect(fieldOf(() => params({ list: [] }))).toBe('workload.list');
    expect(fieldOf(() => params({ list: [{ src: 0, dst: 1 }] }))).toBe('workload.list.0.bytes');
  });
});
