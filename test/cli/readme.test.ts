import { cpSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, describe, expect, it, vi } from 'vitest';

/**
 * Every ```ts block of README.md runs as written, so the library examples stay true: each block
 * goes to its own .ts file, with `from 'fabricsim'` pointing at the source entry (src/index.ts),
 * and is imported from a scratch folder holding a copy of experiments/ (the examples write
 * results/ there).
 */

const readme = readFileSync('README.md', 'utf8');
const blocks = [...readme.matchAll(/^```ts\n([\s\S]*?)^```/gm)].map((m) => m[1]!);
const entry = resolve('src/index.ts');
const work = mkdtempSync(join(tmpdir(), 'fabricsim-readme-'));
cpSync('experiments', join(work, 'experiments'), { recursive: true });
const cwd = process.cwd();
afterAll(() => {
  process.chdir(cwd);
  rmSync(work, { recursive: true, force: true });
});

/** What each block leaves behind (by a phrase it contains). */
const leaves: [RegExp, string[]][] = [
  [/writeResults\(result, 'results\/hello'\)/, ['results/hello/run.json', 'results/hello/flows.csv']],
  [/runSweep\(/, ['results/quickstart-sweep/summary.csv', 'results/quickstart-sweep/plots/index.html']],
];

describe('README.md', () => {
  it('has TypeScript examples, every one importing from fabricsim', () => {
    expect(blocks.length).toBeGreaterThanOrEqual(2);
    for (const b of blocks) expect(b).toMatch(/from 'fabricsim'/);
  });

  it.each(blocks.map((code, i) => [i + 1, code] as const))('block %i runs as written', async (i, code) => {
    const file = join(work, `readme-block-${i}.ts`);
    writeFileSync(file, code.replaceAll("from 'fabricsim'", `from ${JSON.stringify(pathToFileURL(entry).href)}`));
    const log = vi.spyOn(console, 'log').mockImplementation(() => {});
    process.chdir(work);
    try {
      await import(pathToFileURL(file).href);
    } finally {
      process.chdir(cwd);
      log.mockRestore();
    }
    for (const [phrase, files] of leaves) {
      if (phrase.test(code)) for (const f of files) expect(existsSync(join(work, f)), f).toBe(true);
    }
  });
});
