import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { runExperiment } from '../../src/experiment/run.js';
import { parseWith } from '../../src/sim/parse.js';
import { trace, workloads, type TraceParams } from '../../src/workload/index.js';
import { ctxFor, isSorted } from './helpers.js';
import { configError } from '../helpers/config-error.js';

const tmp = mkdtempSync(join(tmpdir(), 'fabricsim-trace-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));
const params = (raw: Record<string, unknown>): TraceParams => parseWith(trace.params, raw, { field: 'workload' });
/** A context whose experiment file sits in the temporary folder, so trace paths resolve there. */
const ctx = (n = 8) => ({ ...ctxFor(n), file: join(tmp, 'exp.yaml') });
const write = (name: string, text: string) => writeFileSync(join(tmp, name), text);


describe('trace', () => {
  it('is registered as "trace"', () => {
    expect(workloads.get('trace')).toBe(trace);
  });

  it('replays every row: hosts by name or index, bytes, start times to the picosecond, priority; sorted', () => {
    write('t1.csv', '# a trace\nstart_ns,src,dst,bytes,priority,note\n2000.5,h3,0,1000,,x\n100,1,h2,64,5,y\n100,0,h7,200000,,"a, b"\n');
    const flows = trace.generate(params({ file: 't1.csv' }), ctx());
    expect(flows).toEqual([
      { src: 0, dst: 7, bytes: 200000, start: 100_000, verb: 'write' },
      { src: 1, dst: 2, bytes: 64, start: 100_000, verb: 'write', priority: 5 },
      { src: 3, dst: 0, bytes: 1000, start: 2_000_500, verb: 'write' },
    ]);
    expect(isSorted(flows)).toBe(true);
    const shifted = trace.generate(params({ file: 't1.csv', start_ns: 1000 }), ctx());
    expect(shifted.map((f) => f.start)).toEqual([1_100_000, 1_100_000, 3_000_500]);
  });

  it.each([
    ['a missing column', 'src,dst,bytes\nh0,h1,5\n', /t\.csv: the header must name src, dst, bytes, start_ns; missing start_ns/],
    ['bad bytes', 'src,dst,bytes,start_ns\nh0,h1,5,0\nh0,h1,1.5,0\n', /t\.csv:3: bytes must be a whole number >= 1; found "1\.5"/],
    ['a negative start', 'src,dst,bytes,start_ns\nh0,h1,5,-1\n', /t\.csv:2: start_ns must be a number/],
    ['an unknown host', 'src,dst,bytes,start_ns\nh0,h1,5,0\nh0,h42,5,0\n', /t\.csv:3: unknown host 'h42'/],
    ['a host sending to itself', 'src,dst,bytes,start_ns\nh1,1,5,0\n', /t\.csv:2: src and dst are the same host \(h1\)/],
    ['a bad priority', 'src,dst,bytes,start_ns,priority\nh0,h1,5,0,9\n', /t\.csv:2: priority must be 0\.\.7/],
    ['no rows', 'src,dst,bytes,start_ns\n', /the trace has no flows/],
  ])('rejects %s, naming the file and line at workload.file', (_what, text, message) => {
    write('t.csv', text);
    const e = configError(() => trace.generate(params({ file: 't.csv' }), ctx()));
    expect(e.field).toBe('workload.file');
    expect(e.message).toMatch(message);
  });

  it('a missing file names the path it tried', () => {
    const e = configError(() => trace.generate(params({ file: 'nope.csv' }), ctx()));
    expect(e.message).toMatch(/cannot read 'nope\.csv' \(.*nope\.csv\): no such file/);
  });

  it('runs as written: flows.csv has the trace flows with their start times', () => {
    write('run.csv', 'src,dst,bytes,start_ns\nh1,h0,10000,0\nh2,h0,20000,500\nh3,h1,5000,1000\n');
    const r = runExperiment(
      {
        name: 'trace-run',
        topology: { generator: 'star', params: { hosts: 4, rate_gbps: 100 } },
        workload: { kind: 'trace', file: join(tmp, 'run.csv') },
        outputs: { samples_interval_ns: 0 },
      },
      {},
    );
    expect(r.flows.records.map((f) => [f.src, f.dst, f.bytes, f.start])).toEqual([
      [1, 0, 10000, 0],
      [2, 0, 20000, 500_000],
      [3, 1, 5000, 1_000_000],
    ]);
    expect(r.flows.records.every((f) => f.status === 'done')).toBe(true);
  });
});
