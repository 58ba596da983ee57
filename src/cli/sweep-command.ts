import { resolve } from 'node:path';
import type { Command } from 'commander';
import { mergeSweeps } from '../experiment/merge.js';
import { runSweep } from '../experiment/sweep-exec.js';
import { SLOT_RUNNING, type SweepControl, type SweepTaskResult } from '../experiment/sweep-task.js';
import { writeSlurmScripts } from '../experiment/slurm.js';
import { parseShard, planSweep, runLabel, type SweepPlan, type SweepRun } from '../experiment/sweep.js';
import { ConfigError, SimulationError } from '../sim/errors.js';
import { handleInterrupts, InterruptedError } from './interrupt.js';
import type { CliIo } from './main.js';
import { formatDuration, ProgressBoard } from './progress.js';

function collect(value: string, previous: string[]): string[] {
  return [...previous, value];
}

function positiveInt(what: string) {
  return (v: string): number => {
    const n = Number(v);
    if (!Number.isSafeInteger(n) || n < 1) throw new ConfigError(`${what} must be a whole number >= 1; found ${JSON.stringify(v)}`);
    return n;
  };
}

function seedArg(v: string): number {
  const n = Number(v);
  if (!Number.isSafeInteger(n) || n < 0) throw new ConfigError(`--seed must be a whole number >= 0; found ${JSON.stringify(v)}`);
  return n;
}

function fmt(n: number | undefined, digits: number): string {
  return n !== undefined && Number.isFinite(n) ? n.toFixed(digits) : '-';
}

/** `fabric.mtu: 2 values × seed: 3 values`. */
function describeGrid(plan: SweepPlan): string {
  if (plan.axes.length === 0) return 'no axes';
  return plan.axes.map((a) => `${a.path}: ${a.values.length} value${a.values.length === 1 ? '' : 's'}`).join(' × ');
}

/** The log line of a finished run. */
function runLine(run: SweepRun, plan: SweepPlan, r: SweepTaskResult, ended: number, total: number): string {
  const head = `[${ended}/${total}] ${run.dir}`;
  if (r.status === 'not-started') return `${head}: not started\n`;
  if (r.status === 'failed') return `${head}: failed: ${r.error?.split('\n')[0]}\n`;
  const what =
    r.status === 'interrupted' ? 'interrupted'
    : r.stopReason === 'all-flows-ended' ? 'done'
    : r.stopReason === 'time-limit' || r.stopReason === 'event-limit' ? `done (${r.stopReason})`
    : `stopped (${r.stopReason})`;
  return `${head}: ${what}, ${r.flowsDone}/${r.flows} flows, slowdown p99 ${fmt(r.slowdownP99, 2)}, goodput ${fmt(r.goodputGbps, 2)} Gb/s (${formatDuration(r.wallMs ?? 0)}; ${runLabel(plan.axes, run.values)})\n`;
}

interface SweepOpts {
  out?: string;
  jobs?: number;
  set: string[];
  seed?: number;
  sameSeed?: boolean;
  shard?: string;
  slurm?: boolean;
  shards?: number;
  sbatch: string[];
  dryRun?: boolean;
  quiet?: boolean;
}

/** Adds `fabricsim sweep` and `fabricsim merge` to the program. */
export function addSweepCommands(program: Command, io: CliIo): void {
  program
    .command('sweep')
    .description("run the grid of an experiment's `sweep:` block and --set lists, one folder per run, in parallel worker threads; summary.csv has one row per run")
    .argument('<file>', 'experiment file (YAML or JSON)')
    .option('--out <dir>', 'the sweep folder (default: <outputs.dir>/<name>/sweep)')
    .option('-j, --jobs <n>', 'runs at once, each in a worker thread (default: the number of CPUs)', positiveInt('--jobs'))
    .option(
      '--set <path=values>',
      'override a field; a comma list makes a grid axis: --set fabric.mtu=1024,4096 (commas inside [], {} or quotes do not split: --set "x=[1,2]" is one value) (repeatable)',
      collect,
      [] as string[],
    )
    .option('--seed <n>', 'the base seed (default: the file\'s seed)', seedArg)
    .option('--same-seed', "every run uses the base seed (default: each run's seed is derived from the base seed and its values)")
    .option('--shard <i/N>', 'run only the runs r with (r-1) mod N = i (e.g. 0/4); combine the shard folders with fabricsim merge')
    .option('--slurm', 'write a Slurm array-job script for the sweep (into <out>/slurm/) and print how to submit it; runs nothing')
    .option('--shards <n>', 'array tasks for --slurm (default: one per run)', positiveInt('--shards'))
    .option('--sbatch <option>', 'an extra #SBATCH option for --slurm, e.g. --sbatch partition=debug (repeatable)', collect, [] as string[])
    .option('--dry-run', 'print the runs (folders, values, seeds) without running them')
    .option('-q, --quiet', 'no progress or per-run lines; print only the sweep folder')
    .action(async (file: string, opts: SweepOpts) => {
      const shard = opts.shard !== undefined ? parseShard(opts.shard) : undefined;
      const planned = planSweep(file, { set: opts.set, seed: opts.seed, sameSeed: opts.sameSeed });
      const { plan, configs } = planned;
      const out = resolve(opts.out ?? `${configs[0]!.outputs.dir}/${plan.name}/sweep`);

      if (opts.slurm) {
        if (shard !== undefined) throw new ConfigError('--slurm writes the script that runs every shard; leave out --shard');
        const scripts = writeSlurmScripts({
          file,
          out,
          name: plan.name,
          runs: plan.runs.length,
          shards: opts.shards,
          jobs: opts.jobs,
          set: opts.set,
          seed: opts.seed,
          sameSeed: opts.sameSeed,
          sbatch: opts.sbatch,
        });
        io.out(scripts.instructions);
        return;
      }
      if (opts.shards !== undefined || opts.sbatch.length > 0) throw new ConfigError('--shards and --sbatch go with --slurm');

      const runs = plan.runs.filter((r) => shard === undefined || (r.run - 1) % shard.count === shard.index);
      if (opts.dryRun) {
        io.out(`sweep ${plan.name}: ${plan.runs.length} runs (${describeGrid(plan)}), seeds ${plan.seedRule}${shard ? `; shard ${shard.index}/${shard.count}: ${runs.length} runs` : ''}\n`);
        for (const r of runs) io.out(`${r.dir}  seed=${r.seed}  ${runLabel(plan.axes, r.values)}\n`);
        return;
      }

      const jobs = opts.jobs;
      if (!opts.quiet) {
        io.out(
          `sweep ${plan.name}: ${plan.runs.length} runs (${describeGrid(plan)})${shard ? `, shard ${shard.index}/${shard.count}: ${runs.length} runs` : ''}, ${jobs ?? 'one per CPU'} job${jobs === 1 ? '' : 's'} → ${out}\n`,
        );
      }
      const board = new ProgressBoard(io.errStream ?? { write: () => true }, { enabled: !opts.quiet });
      const interrupt = handleInterrupts((t) => board.log(t, io.err));
      let timer: NodeJS.Timeout | undefined;
      const poll = (control: SweepControl, list: readonly SweepRun[]) => {
        list.forEach((r, slot) => {
          const s = control.get(slot);
          if (s.state === SLOT_RUNNING && s.wallMs > 0) board.update(r.dir, r.dir, s);
        });
      };
      let report;
      try {
        report = await runSweep(planned, {
          out,
          jobs,
          shard,
          signal: interrupt.signal,
          onStart: (control, list) => {
            if (board.enabled) timer = setInterval(() => poll(control, list), 250);
          },
          onRunEnd: (run, result, ended, total) => {
            board.remove(run.dir);
            if (!opts.quiet) board.log(runLine(run, plan, result, ended, total), io.out);
          },
        });
      } finally {
        if (timer !== undefined) clearInterval(timer);
        board.close();
        interrupt.dispose();
      }

      const failed = report.failed as SweepTaskResult | null;
      if (failed !== null) {
        const run = plan.runs[failed.run - 1]!;
        const where = `sweep run ${run.run} [${run.dir}]: ${runLabel(plan.axes, run.values)}`;
        if (failed.configError) throw new ConfigError(`${failed.error} (in ${where}); the other runs were stopped`);
        throw new Error(`${where} failed: ${failed.error}`);
      }
      const done = report.runs.filter((r) => r.status === 'done').length;
      if (report.interrupted) {
        throw new InterruptedError(
          `interrupted: ${done} of ${report.runs.length} runs finished; unfinished runs are marked in ${out}/sweep.json; those that had started wrote what they measured, with complete: false in run.json`,
          interrupt.exitCode,
        );
      }
      if (opts.quiet) io.out(out + '\n');
      else io.out(`summary: ${out}/summary.csv (${report.summaryRows} run${report.summaryRows === 1 ? '' : 's'})\n`);
      const stopped = report.results.filter((r) => r.stopReport !== null);
      if (stopped.length > 0) {
        throw new SimulationError(
          `${stopped.length} run(s) stopped on a pathology: ${stopped.map((r) => `${plan.runs[r.run - 1]!.dir} (${r.stopReason})`).join(', ')}; their results are written`,
        );
      }
    });

  program
    .command('merge')
    .description('combine the folders of a sharded sweep (fabricsim sweep --shard i/N) into one, with the summary.csv an unsharded sweep writes')
    .argument('<out>', 'the merged sweep folder (may be one of the inputs, or hold them)')
    .argument('<dirs...>', 'the shard folders')
    .option('--partial', 'merge even when runs are missing or unfinished (sweep.json then says complete: false)')
    .option('-q, --quiet', 'print only the merged folder')
    .action((out: string, dirs: string[], opts: { partial?: boolean; quiet?: boolean }) => {
      const r = mergeSweeps(out, dirs, { partial: opts.partial });
      if (opts.quiet) io.out(r.dir + '\n');
      else {
        io.out(`merged ${r.merged} of ${r.plan.runs.length} runs from ${dirs.length} folder${dirs.length === 1 ? '' : 's'} into ${r.dir} (summary.csv)\n`);
        if (r.missing.length > 0) io.out(`missing or unfinished: runs ${r.missing.join(', ')}\n`);
      }
    });
}
