import { z } from 'zod';

/**
 * Schema pieces shared by the generators, so every generator says "count", "rate" and "delay" the
 * same way and with the same limits.
 */

/** The largest count accepted for any one parameter (the total size is checked separately). */
export const MAX_COUNT = 1_000_000;

/** The fastest link rate accepted, Gb/s (1.6 Tb/s ports exist; this leaves room). */
export const MAX_RATE_GBPS = 100_000;
/** The longest one-way delay accepted, ns (1 s: far beyond any datacenter cable). */
export const MAX_DELAY_NS = 1e9;

/** A whole number of things, at least `min`. */
export const count = (def: number, what: string, min = 1) =>
  z.number().int().min(min).max(MAX_COUNT).default(def).describe(`${what} (integer ≥ ${min}, default ${def})`);

/** A line rate in Gb/s, > 0. */
export const rateGbps = (def: number, what: string) =>
  z.number().positive().max(MAX_RATE_GBPS).default(def).describe(`${what} in Gb/s (> 0, ≤ ${MAX_RATE_GBPS}, default ${def})`);

/** A line rate in Gb/s, > 0, derived from other parameters when absent. */
export const optionalRateGbps = (what: string) => z.number().positive().max(MAX_RATE_GBPS).optional().describe(`${what} in Gb/s (> 0, ≤ ${MAX_RATE_GBPS})`);

/** A one-way propagation delay in ns, ≥ 0. */
export const delayNs = (def: number, what: string) =>
  z.number().min(0).max(MAX_DELAY_NS).default(def).describe(`${what} in ns (≥ 0, ≤ ${MAX_DELAY_NS}, default ${def})`);

/** A one-way propagation delay in ns, ≥ 0, derived from other parameters when absent. */
export const optionalDelayNs = (what: string) => z.number().min(0).max(MAX_DELAY_NS).optional().describe(`${what} in ns (≥ 0, ≤ ${MAX_DELAY_NS})`);

/** The default line rate of every generator: 100 Gb/s. */
export const DEFAULT_RATE_GBPS = 100;
/** The default per-hop propagation delay of every generator: 1 µs. */
export const DEFAULT_DELAY_NS = 1000;

/**
 * `rate_gbps` and `delay_ns`, the parameters every generator has (100 Gb/s and 1 µs by default);
 * `which` says which links they apply to ("every link", "host links and ...").
 */
export const linkParams = (which = 'every link') => ({
  rate_gbps: rateGbps(DEFAULT_RATE_GBPS, `rate of ${which}`),
  delay_ns: delayNs(DEFAULT_DELAY_NS, `one-way propagation delay of ${which}`),
});
