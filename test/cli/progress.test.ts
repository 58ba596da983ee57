import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { main } from '../../src/cli/main.js';
import { formatDuration, formatProgress, ProgressBoard, type ProgressState } from '../../src/cli/progress.js';

/** A terminal double: records what is written. */
function fakeTty(isTTY = true) {
  const stream = { isTTY, columns: 100, text: '', write: (t: string) => ((stream.text += t), true) };
  return stream;
}

const state = (o: Partial<ProgressState> = {}): ProgressState => ({
  simTimePs: 250e6,
  limitPs: 1000e6,
  events: 3_000_000,
  flowsEnded: 3,
  flows: 8,
  wallMs: 1500,
  ...o,
});

describe('progress lines', () => {
  it('with a time limit: bar, percent of simulated time, events/s, flows, ETA', () => {
    expect(formatProgress('quickstart', state())).toBe('quickstart [#####---------------]  25%  sim 250.0/1000 µs  2.00M ev/s  3/8 flows  ETA 5s');
  });

  it('without one: the bar follows flows, no ETA, the elapsed time instead', () => {
    expect(formatProgress('run-0002', state({ limitPs: Infinity, flowsEnded: 4, wallMs: 65_000 }))).toBe(
      'run-0002 [##########----------]  sim 250.0 µs  46.2k ev/s  4/8 flows  1m05s',
    );
    expect(formatDuration(3_725_000)).toBe('1h02m');
  });
});

describe('ProgressBoard', () => {
  it('draws nothing when the stream is not a terminal, or when disabled (--quiet)', () => {
    for (const [stream, enabled] of [[fakeTty(false), true], [fakeTty(true), false]] as const) {
      const b = new ProgressBoard(stream, { enabled, now: () => 5000 });
      b.update('a', 'a', state());
      b.log('line\n', (t) => stream.write(t));
      b.close();
      expect(stream.text).toBe('line\n');
    }
  });

  it('shows a run only after it has lasted a second, redraws in place, logs above the live lines and erases them at the end', () => {
    const tty = fakeTty();
    let now = 0;
    const b = new ProgressBoard(tty, { now: () => now, intervalMs: 0 });
    b.update('a', 'a', state({ wallMs: 400 }));
    expect(tty.text).toBe('');
    now = 1000;
    b.update('a', 'a', state({ wallMs: 1200 }));
    expect(tty.text).toBe(`${formatProgress('a', state({ wallMs: 1200 }))}\n`);
    tty.text = '';
    b.update('b', 'b', state({ wallMs: 1100 }));
    expect(tty.text).toMatch(/^\x1b\[1F\x1b\[Ja .*\nb .*\n$/); // up one line, erase, two lines
    tty.text = '';
    b.log('[1/2] a: done\n', (t) => tty.write(t));
    expect(tty.text).toMatch(/^\x1b\[2F\x1b\[J\[1\/2\] a: done\na .*\nb .*\n$/);
    tty.text = '';
    b.remove('a');
    expect(tty.text).toMatch(/^\x1b\[2F\x1b\[Jb .*\n$/);
    tty.text = '';
    b.close();
    expect(tty.text).toBe('\x1b[1F\x1b[J');
  });

  it('cuts lines to the terminal width so they never wrap', () => {
    const tty = { ...fakeTty(), columns: 40 };
    const b = new ProgressBoard(tty, { now: () => 0, intervalMs: 0, delayMs: 0 });
    b.update('a', 'a-very-long-run-name', state());
    expect(b.visibleLines()[0]!.length).toBe(39);
  });
});

describe('fabricsim run shows progress on a terminal only', () => {
  const tmp = mkdtempSync(join(tmpdir(), 'fabricsim-progress-'));
  afterAll(() => rmSync(tmp, { recursive: true, force: true }));
  // about 1.5 s of work on the development machine: long enough for the 1 s delay
  const file = join(tmp, 'slow.yaml');
  writeFileSync(file, 'name: slow\ntopology: { generator: fat-tree, params: { k: 4 } }\nworkload: { kind: permutation, bytes: 200000000 }\nstop: { time_us: 4000 }\noutputs: { samples_interval_ns: 0 }\n');

  it('a progress line on stderr while it runs, erased at the end; stdout unchanged', async () => {
    const tty = fakeTty();
    let out = '';
    const code = await main(['run', file, '--out', join(tmp, 'a')], { out: (t) => (out += t), err: (t) => tty.write(t), errStream: tty });
    expect(code).toBe(0);
    expect(tty.text).toMatch(/slow \[#*-*\] +\d+%  sim [\d.]+\/4000 µs  [\d.]+[kM]? ev\/s  0\/16 flows  ETA \d+s\n/);
    expect(tty.text.endsWith('\x1b[J')).toBe(true);
    expect(out).toMatch(/^slow: 0\/16 flows done/);
  });
});
