import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, rmdirSync, statSync } from 'node:fs';
import { join } from 'node:path';

/**
 * Tests that spawn the real command line (`node bin/fabricsim.js`) or worker threads need the
 * compiled code in dist/ to match src/. `ensureBuilt()` runs `tsc -p tsconfig.build.json` (what
 * `npm run build` runs) when any source file is newer than the build, one build at a time across
 * test files (a lock folder), and returns the path of bin/fabricsim.js.
 */

const ROOT = process.cwd();
const STAMP = join(ROOT, 'dist', 'cli', 'main.js');
const LOCK = join(ROOT, 'node_modules', '.cache', 'fabricsim-build.lock');

function newestSource(dir: string): number {
  let newest = 0;
  for (const name of readdirSync(dir)) {
    const p = join(dir, name);
    const s = statSync(p);
    newest = Math.max(newest, s.isDirectory() ? newestSource(p) : s.mtimeMs);
  }
  return newest;
}

function fresh(): boolean {
  return existsSync(STAMP) && existsSync(join(ROOT, 'dist', 'experiment', 'sweep-worker.js')) && statSync(STAMP).mtimeMs >= newestSource(join(ROOT, 'src'));
}

function sleep(ms: number): void {
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);
}

/** Builds dist/ when it is older than src/; returns the CLI entry point. */
export function ensureBuilt(): string {
  const cli = join(ROOT, 'bin', 'fabricsim.js');
  if (fresh()) return cli;
  mkdirSync(join(ROOT, 'node_modules', '.cache'), { recursive: true });
  const deadline = performance.now() + 120_000;
  for (;;) {
    try {
      mkdirSync(LOCK);
      break;
    } catch {
      if (performance.now() > deadline) throw new Error(`could not take the build lock ${LOCK} (remove it if no build is running)`);
      sleep(200);
    }
  }
  try {
    if (!fresh()) {
      try {
        execFileSync(join(ROOT, 'node_modules', '.bin', 'tsc'), ['-p', 'tsconfig.build.json'], { cwd: ROOT, stdio: 'pipe' });
      } catch (e) {
        // type errors elsewhere still emit JavaScript; fail only when nothing was built
        if (!existsSync(STAMP)) throw e;
      }
    }
  } finally {
    rmdirSync(LOCK);
  }
  return cli;
}
