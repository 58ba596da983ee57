import { z } from 'zod';
import { parseWith } from '../sim/parse.js';
import { stacks } from './stacks/index.js';

/** The `hosts:` block of an experiment file, as written (stack parameters not yet checked). */
export const hostsSchema = z
  .object({
    stack: z.string().min(1).default('ideal').describe("host stack model by name (`fabricsim list`): ideal (default), kernel, dpdk, rdma-offload"),
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
  })
  .strict()
  .describe('end-host model: stack, cores, clock, RSS, rx ring');

/** A validated `hosts:` block with every default filled in. */
export type HostsConfig = z.output<typeof hostsSchema>;

/** Reference clock of the default costs, GHz. */
export const REFERENCE_CLOCK_GHZ = 3;

/** Checks the stack name and its parameters (errors at `hosts.stack`, `hosts.params.<field>`). */
export function validateHosts(h: HostsConfig, file?: string): HostsConfig {
  const variant = stacks.get(h.stack, { file, field: 'hosts.stack' });
  const params = parseWith(variant.params, h.params, { file, field: 'hosts.params' });
  return { ...h, params: params as Record<string, unknown> };
}
