import { existsSync, readFileSync, readdirSync, statSync } from 'node:fs';
import { describe, expect, it } from 'vitest';

/** The README's tour of experiments/: one paragraph and one figure per experiment file. */
const readme = readFileSync('README.md', 'utf8');
const experiments = readdirSync('experiments').filter((f) => /\.(ya?ml|json)$/.test(f));

describe('README tour of the experiments', () => {
  it.each(experiments)('%s has a paragraph and a small SVG figure in docs/figures/', (file) => {
    const name = file.replace(/\.(ya?ml|json)$/, '');
    expect(readme).toContain(`**\`${file}\`**`);
    const fig = `docs/figures/${name}.svg`;
    expect(readme).toContain(`](${fig})`);
    expect(existsSync(fig)).toBe(true);
    const svg = readFileSync(fig, 'utf8');
    expect(svg.startsWith('<svg')).toBe(true);
    expect(statSync(fig).size).toBeLessThan(64 * 1024);
  });
});
