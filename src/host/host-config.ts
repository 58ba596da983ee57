import { z } from 'zod';
import { parseWith } from '../sim/parse.js';
import { stacks } from './stacks/index.js';
import { pcieSchema } from './pcie.js';
import { llcSchema } from './llc.js';
import { coalescingSchema } from './coalescing.js';
import { ConfigError } from '../sim/errors.js';

/** The `hosts:` block of an experiment file, as written (stack parameters not yet checked). */
export const hostsSchema = z
  .object({
    stack: z.string().min(1).default('ideal').describe("host stack model by name (`fabricsim list`): ideal (default), kernel, dpdk, xdp, rdma-offload, soft-roce, soft-iwarp, ..."),
    params: z.record(z.string(), z.unknown()).default(() => ({})).describe("the stack model's parameters (costs in ns at the reference clock); absent ones take their defaults"),
    cores: z.int().min(1).max(1024).default(1).describe('cores that process received packets, one rx queue each (default 1)'),
    clock_ghz: z.number().positive().max(10).default(3).describe('core clock in GHz (default 3); costs are given at 3 GHz and scale with 3 / clock_ghz'),
    rss: z.enum(['hash', 'flow-steering']).default('hash').describe("how flows are spread over cores: 'hash' (RSS hash of the flow) or 'flow-steering' (connection i on core i mod cores)"),
    rx_ring: z.int().min(1).max(1 << 20).default(1024).describe('rx ring descriptors per core (default 1024)'),
    rx_pfc_headroom: z
      .int()
      .min(0)
      .max(1 << 20)
      .optional()
      .describe('descriptors kept free above XOFF on a lossless class (default: the PFC headroom of the link in 64-byte frames)'),
    pcie: pcieSchema.optional().describe('the PCIe link between each NIC and its memory (src/host/pcie.ts); absent: none (packets land in memory at once)'),
    llc: llcSchema.optional().describe('last-level cache and DDIO share (src/host/llc.ts); absent: every packet hits'),
    coalescing: coalescingSchema.optional().describe('interrupt coalescing, ethtool -C rx-usecs / rx-frames (src/host/coalescing.ts); absent: interrupt at once'),
    per_host: z
      .record(z.string(), z.lazy(() => hostOverrideSchema))
      .default(() => ({}))
      .describe('per-host overrides by host name (e.g. `h0: { stack: xdp, cores: 4 }`): the fields given replace the block\'s for that host; a host not listed uses the block'),
  })
  .strict()
  .describe('end-host model: stack, cores, clock, RSS, rx ring; the default of every host, with per_host overrides');

/**
 * One host's override in `hosts.per_host`: any field of the block. With a `stack`, `params` start
 * from that stack's defaults; without one, they are the block's `params` with these on top.
 */
export const hostOverrideSchema = z
  .object({
    stack: z.string().min(1).optional().describe('this host\'s stack model (default: the block\'s)'),
    params: z.record(z.string(), z.unknown()).optional().describe("this host's stack parameters"),
    cores: z.int().min(1).max(1024).optional(),
    clock_ghz: z.number().positive().max(10).optional(),
    rss: z.enum(['hash', 'flow-steering']).optional(),
    rx_ring: z.int().min(1).max(1 << 20).optional(),
    rx_pfc_headroom: z.int().min(0).max(1 << 20).optional(),
    pcie: pcieSchema.optional().describe("this host's PCIe link (replaces the block's whole)"),
    llc: llcSchema.optional().describe("this host's LLC (replaces the block's whole)"),
    coalescing: coalescingSchema.optional().describe("this host's interrupt coalescing (replaces the block's whole)"),
  })
  .strict();

/** A validated `hosts:` block with every default filled in. */
export type HostsConfig = z.output<typeof hostsSchema>;

/** Reference clock of the default costs, GHz. */
export const REFERENCE_CLOCK_GHZ = 3;

/** One host's resolved model settings: the block with its `per_host` override applied. */
export type HostStackConfig = Omit<HostsConfig, 'per_host'>;

/** The block's settings for host `name`, its override (if any) applied; params not yet checked. */
export function hostStackConfig(h: HostsConfig, name: string): HostStackConfig {
  const { per_host, ...base } = h;
  const o = per_host[name];
  if (o === undefined) return base;
  const params = o.stack !== undefined && o.stack !== base.stack ? (o.params ?? {}) : { ...base.params, ...o.params };
  return {
    ...base,
    stack: o.stack ?? base.stack,
    params,
    cores: o.cores ?? base.cores,
    clock_ghz: o.clock_ghz ?? base.clock_ghz,
    rss: o.rss ?? base.rss,
    rx_ring: o.rx_ring ?? base.rx_ring,
    ...(o.rx_pfc_headroom !== undefined ? { rx_pfc_headroom: o.rx_pfc_headroom } : {}),
    ...(o.pcie !== undefined ? { pcie: o.pcie } : {}),
    ...(o.llc !== undefined ? { llc: o.llc } : {}),
    ...(o.coalescing !== undefined ? { coalescing: o.coalescing } : {}),
  };
}

/**
 * Checks the stack names and their parameters (errors at `hosts.stack`, `hosts.params.<field>`,
 * `hosts.per_host.<host>.stack`, `hosts.per_host.<host>.params.<field>`); host names are checked
 * against the topology when the hosts are built (src/host/setup.ts).
 */
export function validateHosts(h: HostsConfig, file?: string): HostsConfig {
  const variant = stacks.get(h.stack, { file, field: 'hosts.stack' });
  const params = parseWith(variant.params, h.params, { file, field: 'hosts.params' });
  const checked = { ...h, params: params as Record<string, unknown> };
  for (const hw of ['pcie', 'llc', 'coalescing'] as const) {
    const anyModel = Object.values(h.per_host).some((o) => o.stack !== undefined && o.stack !== 'ideal');
    if (h[hw] !== undefined && variant.create(params, 1).ideal && !anyModel) {
      throw new ConfigError(`host hardware needs a host stack model, but hosts.stack is ideal (no CPU, no rings); set hosts.stack to kernel, dpdk, xdp, smartnic, rdma-offload, ...`, { file, field: `hosts.${hw}` });
    }
  }
  for (const [name, o] of Object.entries(h.per_host)) {
    const field = `hosts.per_host.${name}`;
    const stack = o.stack ?? h.stack;
    const v = stacks.get(stack, { file, field: `${field}.stack` });
    // the params this host will use (its own, on top of the block's when it keeps the block's stack)
    parseWith(v.params, hostStackConfig(h, name).params, { file, field: `${field}.params` });
  }
  return checked;
}
