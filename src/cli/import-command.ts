import { readFileSync } from 'node:fs';
import { basename, dirname } from 'node:path';
import type { Command } from 'commander';
import { writeFileAtomic } from '../metrics/csv.js';
import { ConfigError } from '../sim/errors.js';
import { describeTopology, formatDescription } from '../topology/describe.js';
import { parseNs3Topology } from '../topology/importers/ns3.js';
import { parseIbnetdiscover } from '../topology/importers/ibnetdiscover.js';
import { IB_SPEEDS, ibDataRateGbps, type IbSpeed } from '../fabric/ib-speed.js';
import { saveTopology } from '../topology/io.js';
import { parseHtsimCm } from '../workload/importers/htsim-cm.js';
import { parseNs3Flows } from '../workload/importers/ns3-flows.js';
import { traceCsv, type TraceRow } from '../workload/importers/trace-rows.js';
import type { CliIo } from './main.js';

/** The formats `fabricsim import` reads. */
export const IMPORT_FORMATS = ['ns3-topology', 'ns3-flows', 'htsim-cm', 'ibnetdiscover'] as const;

function readInput(file: string): string {
  try {
    return readFileSync(file, 'utf8');
  } catch (e) {
    const err = e as NodeJS.ErrnoException;
    throw new ConfigError(err.code === 'ENOENT' ? 'file not found' : `cannot read: ${err.message}`, { file });
  }
}

/**
 * Adds `fabricsim import FORMAT FILE [--out PATH]`: the ns-3 HPCC simulator's topology file
 * (→ a graphology JSON topology for `topology: {file: ...}`) and flow file, and htsim's
 * connection matrices (→ a trace CSV for `workload: {kind: trace, file: ...}`). Without `--out`
 * the result goes to stdout.
 */
export function addImportCommand(program: Command, io: CliIo): void {
  program
    .command('import')
    .description('convert another simulator\'s input file: ns3-topology (HPCC topology.txt → topology JSON), ns3-flows (HPCC flow.txt → trace CSV), htsim-cm (htsim connection matrix → trace CSV), ibnetdiscover (an InfiniBand fabric dump → topology JSON)')
    .argument('<format>', IMPORT_FORMATS.join(' | '))
    .argument('<file>', 'the file to import')
    .option('--out <path>', 'where to write the topology JSON or the trace CSV (default: stdout)')
    .option('--delay-ns <ns>', 'ibnetdiscover: propagation delay of every link, ns (the dump has none; default 100)', '100')
    .action((format: string, file: string, opts: { out?: string; delayNs?: string }) => {
      if (!(IMPORT_FORMATS as readonly string[]).includes(format)) throw new ConfigError(`unknown import format '${format}'; expected one of: ${IMPORT_FORMATS.join(', ')}`);
      const text = readInput(file);
      if (format === 'ns3-topology' || format === 'ibnetdiscover') {
        const r = format === 'ns3-topology' ? parseNs3Topology(text, file) : parseIbnetdiscover(text, file, { rateGbps: ibRate, delayNs: delayNs(opts.delayNs) });
        if (opts.out === undefined) io.out(JSON.stringify(r.topology.export(), null, 2) + '\n');
        else {
          saveTopology(r.topology, opts.out);
          io.out(`wrote ${opts.out}\n${formatDescription(describeTopology(r.topology))}\n`);
        }
        for (const w of r.warnings) io.err(`fabricsim: warning: ${w}\n`);
        return;
      }
      const rows: TraceRow[] = format === 'ns3-flows' ? parseNs3Flows(text, file) : parseHtsimCm(text, file);
      const csv = traceCsv(rows);
      if (opts.out === undefined) io.out(csv);
      else {
        writeFileAtomic(dirname(opts.out), basename(opts.out), csv);
        io.out(`wrote ${opts.out}: ${rows.length} flow${rows.length === 1 ? '' : 's'} (use it as workload: {kind: trace, file: ${opts.out}})\n`);
      }
    });
}

/** `4xEDR` → 100 Gb/s (ib-speed.ts), null for an unknown speed or width. */
function ibRate(speed: string, width: number): number | null {
  if (!Object.hasOwn(IB_SPEEDS, speed) || ![1, 2, 4, 8, 12].includes(width)) return null;
  return ibDataRateGbps(speed as IbSpeed, width);
}

function delayNs(text: string | undefined): number {
  const v = Number(text ?? '100');
  if (!Number.isFinite(v) || v < 0) throw new ConfigError(`--delay-ns must be a number of nanoseconds >= 0; found "${text}"`);
  return v;
}
