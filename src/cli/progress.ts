/**
 * Progress display on stderr: one live line per running experiment, redrawn in place, for runs
 * that last longer than about a second. Each line shows the simulated time done (against
 * `stop.time_us` when the experiment sets one, with a bar, a percentage and an ETA), events per
 * second and flows ended (with a bar by flows when there is no time limit). It draws nothing
 * when stderr is not a terminal or with `--quiet`, so logs and pipes stay clean.
 *
 * A small renderer of its own rather than a library: it needs several live lines (a sweep with
 * `--jobs N`) interleaved with permanent log lines, driven by the simulator's own progress
 * numbers, and a pure string formatter that tests can check — about a hundred lines.
 */

/** Where the display draws: a terminal stream (process.stderr) or a test double. */
export interface ProgressStream {
  write(text: string): unknown;
  /** True for a terminal; anything else disables the display. */
  readonly isTTY?: boolean;
  /** Terminal width; lines are cut to fit (a wrapped line would break the redraw). */
  readonly columns?: number;
}

/** One experiment's progress as the display shows it. */
export interface ProgressState {
  /** Simulated time reached, ps. */
  simTimePs: number;
  /** Stop time, ps (Infinity when the experiment has none). */
  limitPs: number;
  events: number;
  flowsEnded: number;
  flows: number;
  /** Wall-clock ms since the run started. */
  wallMs: number;
}

const BAR = 20;

function si(n: number): string {
  if (n >= 1e9) return `${(n / 1e9).toFixed(2)}G`;
  if (n >= 1e6) return `${(n / 1e6).toFixed(2)}M`;
  if (n >= 1e3) return `${(n / 1e3).toFixed(1)}k`;
  return n.toFixed(0);
}

/** A duration for people: `42s`, `3m05s`, `1h02m`. */
export function formatDuration(ms: number): string {
  const s = Math.max(0, Math.round(ms / 1000));
  if (s < 60) return `${s}s`;
  if (s < 3600) return `${Math.floor(s / 60)}m${String(s % 60).padStart(2, '0')}s`;
  return `${Math.floor(s / 3600)}h${String(Math.floor((s % 3600) / 60)).padStart(2, '0')}m`;
}

/** Simulated time in µs with a sensible number of digits. */
function simUs(ps: number): string {
  const us = ps / 1e6;
  return us >= 1000 ? us.toFixed(0) : us >= 10 ? us.toFixed(1) : us.toFixed(2);
}

function bar(fraction: number): string {
  const f = Math.min(1, Math.max(0, fraction));
  const full = Math.round(f * BAR);
  return `[${'#'.repeat(full)}${'-'.repeat(BAR - full)}]`;
}

/**
 * One progress line: `label [####------]  42%  sim 420/1000 µs  3.10M ev/s  5/8 flows  ETA 12s`
 * with a time limit; `label [##--------]  sim 420 µs  3.10M ev/s  2/8 flows` (bar by flows)
 * without one.
 */
export function formatProgress(label: string, p: ProgressState): string {
  const evps = p.wallMs > 0 ? (p.events / p.wallMs) * 1000 : 0;
  const flows = `${p.flowsEnded}/${p.flows} flows`;
  if (Number.isFinite(p.limitPs) && p.limitPs > 0) {
    const f = Math.min(1, p.simTimePs / p.limitPs);
    const eta = f > 0 ? formatDuration((p.wallMs * (1 - f)) / f) : '?';
    return `${label} ${bar(f)} ${(f * 100).toFixed(0).padStart(3)}%  sim ${simUs(p.simTimePs)}/${simUs(p.limitPs)} µs  ${si(evps)} ev/s  ${flows}  ETA ${eta}`;
  }
  const f = p.flows > 0 ? p.flowsEnded / p.flows : 0;
  return `${label} ${bar(f)}  sim ${simUs(p.simTimePs)} µs  ${si(evps)} ev/s  ${flows}  ${formatDuration(p.wallMs)}`;
}

/** Options of {@link ProgressBoard}. */
export interface ProgressOptions {
  /** False (e.g. `--quiet`) disables the display. */
  enabled?: boolean;
  /** A line appears once its run has lasted this long (ms); default 1000. */
  delayMs?: number;
  /** At most this often (ms) is the display redrawn; default 100. */
  intervalMs?: number;
  /** Clock (ms); default `performance.now`. */
  now?: () => number;
}

/**
 * Live progress lines at the bottom of a terminal. `update` records a run's state and redraws
 * (rate-limited); `log` prints a permanent line above the live lines; `remove` drops a run's
 * line; `close` erases the live lines.
 */
export class ProgressBoard {
  readonly enabled: boolean;
  private readonly lines = new Map<string, { label: string; state: ProgressState }>();
  private drawn = 0;
  private lastDraw = -Infinity;
  private readonly delayMs: number;
  private readonly intervalMs: number;
  private readonly now: () => number;

  constructor(
    private readonly stream: ProgressStream,
    options: ProgressOptions = {},
  ) {
    this.enabled = (options.enabled ?? true) && stream.isTTY === true;
    this.delayMs = options.delayMs ?? 1000;
    this.intervalMs = options.intervalMs ?? 100;
    this.now = options.now ?? (() => performance.now());
  }

  /** Records the progress of run `id` and redraws when due. */
  update(id: string, label: string, state: ProgressState): void {
    if (!this.enabled) return;
    this.lines.set(id, { label, state });
    const t = this.now();
    if (t - this.lastDraw >= this.intervalMs) this.draw();
  }

  /** Drops run `id`'s line. */
  remove(id: string): void {
    if (!this.enabled || !this.lines.delete(id)) return;
    this.draw();
  }

  /** Prints `text` (whole lines) above the live lines with `write` (stdout or stderr). */
  log(text: string, write: (t: string) => void): void {
    if (!this.enabled) {
      write(text);
      return;
    }
    this.erase();
    write(text);
    this.draw();
  }

  /** Erases the live lines; the board can be drawn again later. */
  close(): void {
    if (!this.enabled) return;
    this.erase();
    this.lines.clear();
  }

  /** The live lines as drawn now (for tests). */
  visibleLines(): string[] {
    const width = Math.max(20, (this.stream.columns ?? 80) - 1);
    return [...this.lines.values()].filter((l) => l.state.wallMs >= this.delayMs).map((l) => formatProgress(l.label, l.state).slice(0, width));
  }

  private erase(): void {
    if (this.drawn > 0) this.stream.write(`\x1b[${this.drawn}F\x1b[J`);
    this.drawn = 0;
  }

  private draw(): void {
    const lines = this.visibleLines();
    if (lines.length === 0 && this.drawn === 0) return;
    this.lastDraw = this.now();
    const up = this.drawn > 0 ? `\x1b[${this.drawn}F\x1b[J` : '';
    this.stream.write(up + lines.map((l) => `${l}\n`).join(''));
    this.drawn = lines.length;
  }
}
