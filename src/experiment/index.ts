/**
 * Experiments: the file format (schema, defaults, JSON Schema), loading from YAML/JSON with
 * `--set` overrides, and preparing a validated experiment's topology and flows.
 */

/** Validation of experiment objects and the JSON Schema of experiment files. */
export {
  DEFAULT_CC,
  DEFAULT_GENERATOR,
  DEFAULT_TRANSPORT,
  experimentJsonSchema,
  experimentSchema,
  validateExperiment,
} from './schema.js';
/** The validated experiment and its parts. */
export type { ExperimentConfig, OutputsConfig, StopConfig, TopologyConfig, VariantConfig } from './schema.js';

/** zod schemas of the `fabric` block (for reuse and documentation). */
export { bufferSchema, ecnSchema, fabricSchema, pfcSchema, routingSchema, schedulerSchema } from './fabric-schema.js';
/** The validated `fabric` block and its parts. */
export type { BufferConfig, EcnConfig, FabricConfig, PfcConfig, RoutingConfig, SchedulerConfig } from './fabric-schema.js';

/** Reading experiment files and applying `--set` overrides. */
export { applySet, loadExperimentFile } from './load.js';
/** A loaded experiment and the loader's options. */
export type { LoadedExperiment, LoadOptions } from './load.js';

/** Building the topology and generating the flows of a validated experiment. */
export { hostKeys, prepareExperiment, WORKLOAD_STREAM } from './prepare.js';
/** The topology, hosts and flows of a prepared experiment. */
export type { PreparedExperiment } from './prepare.js';
