import { resolve } from 'node:path';
import { z } from 'zod';
import { ConfigError } from '../sim/errors.js';
import { parseWith } from '../sim/parse.js';
import type { Registry, Variant } from '../sim/registry.js';
import { generators } from '../topology/generators/index.js';
import { congestionControls } from '../transport/cc/index.js';
import { transports } from '../transport/registry.js';
import { workloads } from '../workload/index.js';
import { fabricSchema, type FabricConfig } from './fabric-schema.js';
import { faultsSchema, type FaultConfig } from './faults.js';
import { nicSchema, type NicConfig } from '../transport/rdma/nic-limits.js';
import { hostsSchema, validateHosts, type HostsConfig } from '../host/host-config.js';
import { sweepSchema, type SweepConfig } from './sweep-schema.js';

/**
 * The experiment file schema. Validation runs in two steps: {@link experimentSchema} checks the
 * shape of the whole file (every object strict, defaults filled in), then the `{kind, ...params}`
 * blocks (`transport`, `cc`, `workload`) and `topology.params` are checked against the zod schema
 * of the variant they name, found in its registry. Every error is one `ConfigError` naming the
 * file and the dotted field path.
 */

/** The topology generator used when a file names neither a generator nor a file. */
export const DEFAULT_GENERATOR = 'leaf-spine';
/** The transport used when `transport.kind` is absent. */
export const DEFAULT_TRANSPORT = 'roce-v2';
/** The congestion control used when `cc.kind` is absent. */
export const DEFAULT_CC = 'none';

/** A validated `{kind, ...params}` block: the variant's name and its parameters, defaults filled in. */
export type VariantConfig = { kind: string } & Record<string, unknown>;

/** A validated `topology`: a generator with its parameters (defaults filled in), or a topology file. */
export type TopologyConfig =
  | { generator: string; params: Record<string, unknown> }
  | { /** Absolute when the experiment came from a file (or `baseDir` was given). */ file: string };

/** A validated `stop` block; absent fields mean "until every flow completes". */
export interface StopConfig {
  /** Simulated time limit in microseconds. */
  time_us?: number;
  /** Limit on processed events. */
  max_events?: number;
}

/** A validated `outputs` block. */
export interface OutputsConfig {
  /** Results directory (`results/<name>/<run-id>/` goes below it). */
  dir: string;
  /** Interval of `samples.csv` rows in ns; 0 = no samples. */
  samples_interval_ns: number;
}

/** A validated experiment with every default filled in: what `runExperiment()` consumes. */
export interface ExperimentConfig {
  /** Experiment name (`/^[A-Za-z0-9][A-Za-z0-9._-]*$/`), used in the results path. */
  name: string;
  /** What the experiment shows. */
  description?: string;
  /** Root random seed; every random stream is forked from it. */
  seed: number;
  /** The network. */
  topology: TopologyConfig;
  /** Switches and links. */
  fabric: FabricConfig;
  /** `{kind, ...params}` of a `transports` entry (default `roce-v2`). */
  transport: VariantConfig;
  /** `{kind, ...params}` of a `congestionControls` entry (default `none`). */
  cc: VariantConfig;
  /** `{kind, ...params}` of a `workloads` entry. */
  workload: VariantConfig;
  /** When to stop. */
  stop: StopConfig;
  /** Where and what to write. */
  outputs: OutputsConfig;
  /** Faults injected during the run (pause storms); empty by default. */
  faults: FaultConfig[];
  /** RDMA NIC limits of every host (message rate, doorbell/DMA latency, QP-context cache); profile `ideal` by default. */
  nic: NicConfig;
  /** End-host stack model, cores, rx rings (src/host/); absent: the ideal host. */
  hosts?: HostsConfig;
  /** A parameter grid for `fabricsim sweep` (dotted path → values); absent for a single run. */
  sweep?: SweepConfig;
}

/** `{kind, ...params}`: the kind is checked here, the params later by the variant's own schema. */
function variantBlock(what: string, opts: { defaultKind?: string; whenMissing?: string }) {
  const kind = z.string().min(1).describe(`the ${what}, by its registered name (\`fabricsim list\`)`);
  const shape = { kind: opts.defaultKind === undefined ? kind : kind.default(opts.defaultKind) };
  const error = (iss: { input?: unknown }) => (iss.input === undefined ? opts.whenMissing : undefined);
  return z.object(shape, { error }).loose();
}

const topologyFile = z.string().min(1).describe("a topology file (graphology JSON), relative to the experiment file's folder");

const topologySchema = z
  .object({
    generator: z.string().min(1).optional().describe(`topology generator name (default ${DEFAULT_GENERATOR} when no file is given)`),
    params: z.record(z.string(), z.unknown()).optional().describe("the generator's parameters; absent ones take their defaults"),
    file: topologyFile.optional(),
  })
  .strict()
  .superRefine((t, ctx) => {
    if (t.file !== undefined && (t.generator !== undefined || t.params !== undefined)) {
      ctx.addIssue({
        code: 'custom',
        message: 'give either `generator` (with `params`) or `file`, not both',
        path: [],
        input: t,
      });
    }
  })
  .default(() => ({}))
  .describe('the network: a generator with params, or a topology file');

const stopSchema = z
  .object({
    time_us: z.number().positive().max(9e9).optional().describe('stop at this simulated time in µs (absent: when every flow completes)'),
    max_events: z.int().positive().optional().describe('stop after this many events (absent: no limit)'),
  })
  .strict()
  .default(() => ({}))
  .describe('when to stop; absent: run until every flow completes');

const outputsObject = z
  .object({
    dir: z.string().min(1).default('results').describe("results directory (default 'results'); runs go to <dir>/<name>/<run-id>/"),
    samples_interval_ns: z
      .number()
      .min(0)
      .max(1e12)
      .default(10000)
      .describe('time between samples.csv rows in ns (default 10000; 0: no samples)'),
  })
  .strict();

const outputsSchema = outputsObject.default(() => outputsObject.parse({})).describe('where and what to write');

/** The fields every experiment file has, with the variant blocks left for their registries. */
const baseShape = {
  name: z
    .string({ error: (iss) => (iss.input === undefined ? 'required: the experiment name' : undefined) })
    .regex(/^[A-Za-z0-9][A-Za-z0-9._-]*$/, 'expected a name of letters, digits, ".", "_" and "-" starting with a letter or digit')
    .max(200)
    .describe('experiment name, used in the results path: letters, digits, ".", "_", "-"'),
  description: z.string().optional().describe('what the experiment shows'),
  seed: z.int().min(0).default(1).describe('root random seed (integer ≥ 0, default 1); same seed, same results'),
  topology: topologySchema,
  fabric: fabricSchema,
  transport: variantBlock('transport', { defaultKind: DEFAULT_TRANSPORT })
    .default(() => ({ kind: DEFAULT_TRANSPORT }))
    .describe(`the transport and its parameters, flat next to \`kind\` (default ${DEFAULT_TRANSPORT})`),
  cc: variantBlock('congestion control', { defaultKind: DEFAULT_CC })
    .default(() => ({ kind: DEFAULT_CC }))
    .describe(`the congestion control and its parameters, flat next to \`kind\` (default ${DEFAULT_CC})`),
  workload: variantBlock('workload', {
    whenMissing: 'required: the traffic to run, e.g. `workload: { kind: incast, senders: 8, bytes: 1000000 }`',
  }).describe('the traffic: a workload and its parameters, flat next to `kind`'),
  stop: stopSchema,
  outputs: outputsSchema,
  faults: faultsSchema,
  nic: nicSchema,
  hosts: hostsSchema.optional(),
  sweep: sweepSchema,
};

/** The first validation step: the whole file, with variant parameters passed through unchecked. */
export const experimentSchema = z
  .object(baseShape, {
    error: (iss) => (iss.code === 'invalid_type' ? 'an experiment must be a mapping of fields (name, topology, workload, ...)' : undefined),
  })
  .strict().describe('a fabricsim experiment');

type Where = { file?: string; baseDir?: string };

/** Edit distance of two short strings (for "did you mean"). */
function editDistance(a: string, b: string): number {
  let prev = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const cur = [i];
    for (let j = 1; j <= b.length; j++) {
      cur[j] = Math.min(prev[j]! + 1, cur[j - 1]! + 1, prev[j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1));
    }
    prev = cur;
  }
  return prev[b.length]!;
}

/**
 * An unknown top-level key is reported at its own name (`fabirc: unknown field ...; did you mean
 * 'fabric'?`) rather than at the root, so the error always names a field.
 */
function checkTopLevelKeys(raw: unknown, file?: string): void {
  if (raw === null || typeof raw !== 'object' || Array.isArray(raw)) return;
  const known = Object.keys(baseShape);
  for (const key of Object.keys(raw)) {
    if (known.includes(key)) continue;
    const near = known.find((k) => editDistance(k, key.toLowerCase()) <= 2);
    const hint = near === undefined ? `expected one of: ${known.join(', ')}` : `did you mean '${near}'?`;
    throw new ConfigError(`unknown field '${key}'; ${hint}`, { file, field: key === '' ? '""' : key });
  }
}

/** Validates a `{kind, ...params}` block against the variant it names in `registry`. */
function validateVariant(registry: Registry<Variant<any>>, block: { kind: string }, field: string, file?: string): VariantConfig {
  const { kind, ...rest } = block;
  const variant = registry.get(kind, { file, field: `${field}.kind` });
  const params: unknown = parseWith(variant.params, rest, { file, field });
  return { kind, ...(params as Record<string, unknown>) };
}

/** Resolves the topology block: a generator with validated params, or an absolute file path. */
function validateTopologyBlock(t: z.output<typeof topologySchema>, where: Where): TopologyConfig {
  if (t.file !== undefined) return { file: where.baseDir === undefined ? t.file : resolve(where.baseDir, t.file) };
  const name = t.generator ?? DEFAULT_GENERATOR;
  const gen = generators.get(name, { file: where.file, field: 'topology.generator' });
  const params: unknown = parseWith(gen.params, t.params ?? {}, { file: where.file, field: 'topology.params' });
  return { generator: name, params: params as Record<string, unknown> };
}

/**
 * Validates an experiment (as parsed from YAML/JSON, or built by a library user) and fills in
 * every default. `where.file` names the source in errors; `where.baseDir` is the folder a
 * relative `topology.file` is resolved against. Throws one `ConfigError` for the first problem,
 * naming the file and the dotted field (`fabric.pfc.xon_bytes`, `transport.kind`,
 * `topology.params.k`); a non-object input gives an error with an empty field.
 *
 * Host references in the workload (`workload.receiver: h9`) need the built topology, so they are
 * checked by `prepareExperiment`, not here.
 */
export function validateExperiment(raw: unknown, where: Where = {}): ExperimentConfig {
  const { file } = where;
  checkTopLevelKeys(raw, file);
  const base = parseWith(experimentSchema, raw, { file });
  return {
    name: base.name,
    ...(base.description !== undefined ? { description: base.description } : {}),
    seed: base.seed,
    topology: validateTopologyBlock(base.topology, where),
    fabric: base.fabric,
    transport: validateVariant(transports, base.transport, 'transport', file),
    cc: validateVariant(congestionControls, base.cc, 'cc', file),
    workload: validateVariant(workloads, base.workload, 'workload', file),
    stop: base.stop,
    outputs: base.outputs,
    faults: base.faults,
    nic: base.nic,
    ...(base.hosts !== undefined ? { hosts: validateHosts(base.hosts, file) } : {}),
    ...(base.sweep !== undefined ? { sweep: base.sweep } : {}),
  };
}

/** One JSON-Schema entry per variant: its params object with `kind` added as a constant. */
function variantUnion(registry: Registry<Variant<any>>, what: string, defaultKind?: string) {
  const options = registry.all().map((v): z.ZodType => {
    const lit = z.literal(v.name).describe(`${what} '${v.name}'`);
    const kind = v.name === defaultKind ? lit.default(v.name) : lit;
    const params: z.ZodType = v.params;
    const entry = params instanceof z.ZodObject ? params.safeExtend({ kind }) : z.object({ kind }).and(params);
    return entry.describe(`${v.name}: ${v.description}`);
  });
  return z.union(options);
}

/** The topology block for editors: one entry per generator, or a file. */
function topologyUnion() {
  const options = generators.all().map((g): z.ZodType => {
    const lit = z.literal(g.name).describe(`topology generator '${g.name}'`);
    return z
      .object({
        generator: g.name === DEFAULT_GENERATOR ? lit.optional() : lit,
        params: (g.params as z.ZodType).optional().describe(`parameters of ${g.name}; absent ones take their defaults`),
      })
      .strict()
      .describe(`${g.name}: ${g.description}`);
  });
  const file = z.object({ file: topologyFile }).strict().describe('a topology file');
  return z.union([...options, file]);
}

/**
 * The JSON Schema (draft 2020-12) of experiment files, for editors and `fabricsim schema`:
 * `topology`, `transport`, `cc` and `workload` are unions over the registered variants, each
 * entry with its `generator`/`kind` as a constant, so every field can be completed and checked.
 */
export function experimentJsonSchema(): Record<string, unknown> {
  const doc = z
    .object({
      ...baseShape,
      topology: topologyUnion().optional().describe(baseShape.topology.description ?? 'the network'),
      transport: variantUnion(transports, 'transport', DEFAULT_TRANSPORT).optional().describe(baseShape.transport.description ?? ''),
      cc: variantUnion(congestionControls, 'congestion control', DEFAULT_CC).optional().describe(baseShape.cc.description ?? ''),
      workload: variantUnion(workloads, 'workload').describe(baseShape.workload.description ?? ''),
    })
    .strict();
  const schema = z.toJSONSchema(doc, { target: 'draft-2020-12', io: 'input', unrepresentable: 'any' }) as Record<string, unknown>;
  return { ...schema, title: 'fabricsim experiment', description: experimentSchema.description };
}
