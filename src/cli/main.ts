import { resolve } from 'node:path';
import { stacks } from '../host/stacks/index.js';
import { Command, CommanderError, Option } from 'commander';
import { parse as parseYaml } from 'yaml';
import { experimentJsonSchema } from '../experiment/schema.js';
import { loadExperimentFile } from '../experiment/load.js';
import { writeResults } from '../experiment/output.js';
import type { RunResult } from '../experiment/run.js';
import { summarize } from '../metrics/summary.js';
import { ConfigError, SimulationError } from '../sim/errors.js';
import { describeTopology, formatDescription } from '../topology/describe.js';
import { assignLids } from '../topology/lids.js';
import { buildTopology, generators } from '../topology/generators/index.js';
import { loadTopology, saveTopology } from '../topology/io.js';
import { congestionControls } from '../transport/cc/index.js';
import { transports } from '../transport/registry.js';
import { workloads } from '../workload/index.js';
import { VERSION } from '../version.js';
import { InterruptedError } from './interrupt.js';
import { listVariants } from './list.js';
import { addImportCommand } from './import-command.js';
import { addPlotCommand } from './plot-command.js';
import type { ProgressStream } from './progress.js';
import { runInteractive } from './run-interactive.js';
import { addSweepCommands } from './sweep-command.js';

/** Where the CLI writes. Tests pass buffers; the binary passes the process streams. */
export interface CliIo {
  out(text: string): void;
  err(text: string): void;
  /** The stream progress lines are drawn on (stderr); drawn only when it is a terminal. */
  errStream?: ProgressStream;
}

const processIo: CliIo = {
  out: (t) => process.stdout.write(t),
  err: (t) => process.stderr.write(t),
  errStream: process.stderr,
};

/** Exit codes: 0 success, 1 a fabricsim bug, 2 bad input or usage, 3 a run stopped on a pathology. */
export const EXIT_OK = 0;
export const EXIT_BUG = 1;
export const EXIT_USAGE = 2;
/** The run stopped on a detected pathology (PFC deadlock, lossless drop); its results were written. */
export const EXIT_SIMULATION = 3;

function collect(value: string, previous: string[]): string[] {
  return [...previous, value];
}

function parseSeed(v: string): number {
  const n = Number(v);
  if (!Number.isSafeInteger(n) || n < 0) throw new ConfigError(`--seed must be a whole number >= 0; found ${JSON.stringify(v)}`);
  return n;
}

/** Removes `--<flag> value` (or `--<flag>=value`) from `args` and returns the value. */
function takeOption(args: string[], flag: string): string | undefined {
  const i = args.findIndex((a) => a === `--${flag}` || a.startsWith(`--${flag}=`));
  if (i < 0) return undefined;
  const a = args[i]!;
  if (a.startsWith(`--${flag}=`)) {
    args.splice(i, 1);
    return a.slice(flag.length + 3);
  }
  const v = args[i + 1];
  if (v === undefined) throw new ConfigError(`--${flag} needs a value`);
  args.splice(i, 2);
  return v;
}

/** `--name value` pairs after a generator name → a params object (values parsed as YAML). */
export function parseGeneratorArgs(args: readonly string[]): Record<string, unknown> {
  const params: Record<string, unknown> = {};
  for (let i = 0; i < args.length; i++) {
    const a = args[i]!;
    if (!a.startsWith('--') || a.length < 3) throw new ConfigError(`expected --<parameter> <value>; found ${JSON.stringify(a)}`);
    const eq = a.indexOf('=');
    const name = (eq > 0 ? a.slice(2, eq) : a.slice(2)).replace(/-/g, '_');
    let text: string;
    if (eq > 0) text = a.slice(eq + 1);
    else {
      const next = args[i + 1];
      if (next === undefined) throw new ConfigError(`--${name} needs a value`);
      text = next;
      i++;
    }
    let value: unknown;
    try {
      value = parseYaml(text);
    } catch {
      value = text;
    }
    params[name] = value;
  }
  return params;
}

function fmt(n: number, digits = 1): string {
  return Number.isFinite(n) ? n.toFixed(digits) : '-';
}

function printRun(io: CliIo, r: RunResult, dir: string): void {
  const s = summarize(r.flows, r.fabric.counters, r.fabric.traffic, r.simTimePs, r.events);
  const evps = r.wallMs > 0 ? Math.round(r.events / (r.wallMs / 1000)) : 0;
  io.out(
    [
      `${r.config.name}: ${s.flows_done}/${s.flows} flows done${s.flows_failed ? `, ${s.flows_failed} failed` : ''} in ${fmt(s.duration_ns / 1000, 3)} µs simulated (${r.stopReason})`,
      `  FCT       p50 ${fmt(s.fct_p50_ns / 1000, 2)} µs   p99 ${fmt(s.fct_p99_ns / 1000, 2)} µs   slowdown p50 ${fmt(s.slowdown_p50, 2)}  p99 ${fmt(s.slowdown_p99, 2)}`,
      `  goodput   ${fmt(s.goodput_gbps, 2)} Gb/s   drops ${s.drops} (lossless ${s.lossless_drops})   PAUSE ${s.pause_frames}  RESUME ${s.resume_frames}   ECN marks ${s.ecn_marks}   retransmitted ${s.retx_packets}`,
      `  engine    ${r.events} events in ${fmt(r.wallMs / 1000, 2)} s (${evps.toLocaleString('en-US')} events/s)`,
      ...r.warnings.map((w) => `  warning:  ${w}`),
      `results in ${dir}`,
      '',
    ].join('\n'),
  );
}

/** Builds the commander program. */
export function buildProgram(io: CliIo): Command {
  const program = new Command();
  program
    .name('fabricsim')
    .description('Cluster-scale RDMA and datacenter fabric simulator')
    .version(VERSION)
    .exitOverride()
    .configureOutput({ writeOut: io.out, writeErr: io.err })
    .showHelpAfterError('(run fabricsim --help for usage)');

  program
    .command('run')
    .description('run an experiment file and write its CSV results')
    .argument('<file>', 'experiment file (YAML or JSON)')
    .option('--out <dir>', 'write the results into this folder (default: <outputs.dir>/<name>/seed<seed>)')
    .option('--seed <n>', 'override the experiment seed', parseSeed)
    .option('--set <path=value>', 'override a field, e.g. --set fabric.mtu=4096 (repeatable)', collect, [] as string[])
    .option('-q, --quiet', 'print only the results folder')
    .action(async (file: string, opts: { out?: string; seed?: number; set: string[]; quiet?: boolean }) => {
      const loaded = loadExperimentFile(file, { set: opts.set, seed: opts.seed });
      if (loaded.config.sweep !== undefined && !opts.quiet) io.err(`fabricsim: note: ${file} has a sweep block; \`run\` runs the experiment as written (use \`fabricsim sweep ${file}\` for the grid)\n`);
      const { result, interruptCode } = await runInteractive(loaded.config, { file, quiet: opts.quiet, errStream: io.errStream, err: io.err });
      const dir = resolve(opts.out ?? `${loaded.config.outputs.dir}/${loaded.config.name}/seed${loaded.config.seed}`);
      writeResults(result, dir, { file });
      if (opts.quiet) io.out(dir + '\n');
      else printRun(io, result, dir);
      if (interruptCode !== 0) throw new InterruptedError(`interrupted at ${(result.simTimePs / 1e6).toFixed(3)} µs simulated; partial results (run.json complete: false) in ${dir}`, interruptCode);
      if (result.stopReport !== null) throw new SimulationError(`${result.stopReason}: ${result.stopReport} (results in ${dir})`);
    });

  const topo = program
    .command('topo')
    .description('generate a topology (fabricsim topo GENERATOR --param value ... [--name NAME] [--lmc N] [--out FILE]; --lmc gives every node an InfiniBand LID and GUID) or describe one (fabricsim topo describe FILE)')
    .argument('<generator>', `a generator (${generators.names().join(', ')}) or 'describe'`)
    .argument('[args...]', 'generator parameters as --name value (see fabricsim list generators)')
    .allowUnknownOption()
    .helpOption(false)
    .addOption(new Option('-h, --help', 'show help'))
    .action((generator: string, args: string[], opts: { help?: boolean }) => {
      if (opts.help) {
        topo.outputHelp();
        return;
      }
      if (generator === 'describe') {
        const file = args[0];
        if (file === undefined || args.length > 1) throw new ConfigError('usage: fabricsim topo describe FILE');
        io.out(formatDescription(describeTopology(loadTopology(file))) + '\n');
        return;
      }
      const rest = [...args];
      const out = takeOption(rest, 'out');
      const name = takeOption(rest, 'name');
      // --lmc N: give every node an InfiniBand LID and GUID as a subnet manager would (topology/lids.ts)
      const lmc = takeOption(rest, 'lmc');
      if (lmc !== undefined && !/^[0-7]$/.test(lmc)) throw new ConfigError(`--lmc ${lmc}: expected a LID mask control 0..7`, { field: 'topo.lmc' });
      const g = buildTopology(generator, parseGeneratorArgs(rest), { field: 'topo' });
      if (name !== undefined) g.setAttribute('name', name);
      if (lmc !== undefined) assignLids(g, Number(lmc));
      if (out !== undefined) {
        saveTopology(g, out);
        io.out(`wrote ${out}\n`);
      }
      io.out(formatDescription(describeTopology(g)) + '\n');
    });

  program
    .command('list')
    .description('list topology generators, transports, congestion controls and workloads with their parameters and defaults')
    .argument('[what]', 'generators | transports | cc | workloads (default: all)')
    .action((what?: string) => {
      io.out(listVariants(what, { generators, transports, cc: congestionControls, workloads, stacks }));
    });

  addSweepCommands(program, io);
  addPlotCommand(program, io);
  addImportCommand(program, io);

  program
    .command('schema')
    .description('print the JSON Schema of experiment files')
    .action(() => {
      io.out(JSON.stringify(experimentJsonSchema(), null, 2) + '\n');
    });

  return program;
}

/**
 * Runs the CLI with `argv` (without the node and script names) and returns the exit code:
 * 0 on success, 2 for bad input or usage (one clear message, no stack trace), 3 when the run stopped
 * on a detected pathology (deadlock, lossless drop; results are written), 1 for a bug.
 */
export async function main(argv: readonly string[], io: CliIo = processIo): Promise<number> {
  const program = buildProgram(io);
  try {
    await program.parseAsync([...argv], { from: 'user' });
    return EXIT_OK;
  } catch (e) {
    if (e instanceof ConfigError) {
      io.err(`fabricsim: ${e.message}\n`);
      return EXIT_USAGE;
    }
    if (e instanceof InterruptedError) {
      io.err(`fabricsim: ${e.message}\n`);
      return e.exitCode;
    }
    if (e instanceof SimulationError) {
      io.err(`fabricsim: ${e.message}\n`);
      return EXIT_SIMULATION;
    }
    if (e instanceof CommanderError) {
      if (e.code === 'commander.helpDisplayed' || e.code === 'commander.version' || e.code === 'commander.help') return EXIT_OK;
      return EXIT_USAGE;
    }
    const err = e as Error;
    io.err(`fabricsim: internal error: ${err?.message ?? String(e)}\n${err?.stack ?? ''}\nThis is a bug in fabricsim; please report it with the experiment file.\n`);
    return EXIT_BUG;
  }
}
