import type { Command } from 'commander';
import type { CliIo } from './main.js';

/** Adds `fabricsim plot` to the program. */
export function addPlotCommand(program: Command, io: CliIo): void {
  program
    .command('plot')
    .description('draw SVG figures of a results folder (a run or a sweep) and an index.html that shows them with the parameters')
    .argument('<results-dir>', 'a run folder (run.json, flows.csv, ...) or a sweep folder (summary.csv, run-* folders)')
    .option('--out <dir>', 'where to write the figures (default: <results-dir>/plots)')
    .option('-q, --quiet', 'print only the index.html path')
    .action(async (dir: string, opts: { out?: string; quiet?: boolean }) => {
      // Vega loads on first use (about 150 ms), not on every fabricsim command
      const { plotResults } = await import('../plot/plot.js');
      const r = await plotResults(dir, { out: opts.out });
      if (opts.quiet) {
        io.out(r.html + '\n');
        return;
      }
      io.out(`${r.kind === 'sweep' ? 'sweep' : 'run'} ${dir}: ${r.figures.length} figure${r.figures.length === 1 ? '' : 's'} in ${r.out}\n`);
      for (const f of r.figures) io.out(`  ${f.file.padEnd(40)} ${f.title}\n`);
      for (const s of r.skipped) io.out(`  (not drawn: ${s.title} — ${s.skipped})\n`);
      io.out(`open ${r.html}\n`);
    });
}
