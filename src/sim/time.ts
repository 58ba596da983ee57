/**
 * Simulated time and unit helpers.
 *
 * Time is an integer number of **picoseconds** held in a `number` (exact up to 2^53 ps, about
 * 2.5 hours of simulated time). Sizes are bytes; rates are bit/s internally and Gb/s in files.
 */

/** Simulated time in integer picoseconds. */
export type Time = number;

/** Picoseconds per nanosecond. */
export const PS_PER_NS = 1_000;
/** Picoseconds per microsecond. */
export const PS_PER_US = 1_000_000;
/** Picoseconds per millisecond. */
export const PS_PER_MS = 1_000_000_000;
/** Picoseconds per second. */
export const PS_PER_S = 1_000_000_000_000;

/** `n` nanoseconds as picoseconds (rounded to the nearest picosecond). */
export const ns = (n: number): Time => Math.round(n * PS_PER_NS);
/** `n` microseconds as picoseconds. */
export const us = (n: number): Time => Math.round(n * PS_PER_US);
/** `n` milliseconds as picoseconds. */
export const ms = (n: number): Time => Math.round(n * PS_PER_MS);
/** `n` Gb/s as bit/s. */
export const gbps = (n: number): number => n * 1e9;
/** `n` KiB as bytes. */
export const KiB = (n: number): number => n * 1024;
/** `n` MiB as bytes. */
export const MiB = (n: number): number => n * 1024 * 1024;

/**
 * Serialization time of `bytes` on a link of `rateBps` bit/s, in picoseconds, rounded up so that
 * a transmission never finishes early. Exact for every rate that is a whole number of Mb/s (the
 * quotient of two exactly represented numbers is correctly rounded); for other rates the float
 * division can land 1 ps early. Exact (no rounding) for the usual rates: 1 byte is 80 ps at
 * 100 Gb/s, 320 ps at 25 Gb/s, 800 ps at 10 Gb/s.
 */
export function txTime(bytes: number, rateBps: number): Time {
  // bytes * 8e12 is exact below ~36 MB, so an integral result is never rounded up by mistake.
  return Math.ceil((bytes * 8 * PS_PER_S) / rateBps);
}

/** Picoseconds to nanoseconds (a float, for output). */
export const toNs = (t: Time): number => t / PS_PER_NS;

/** Throws if `t` is not a safe integer picosecond count. */
export function assertTime(t: Time, what = 'time'): void {
  if (!Number.isSafeInteger(t)) throw new RangeError(`${what} ${t} is not a safe integer number of picoseconds`);
}
