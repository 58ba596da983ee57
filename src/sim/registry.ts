import type { z } from 'zod';
import { ConfigError } from './errors.js';

/**
 * A named, pluggable variant (a topology generator, a transport, a congestion control, a
 * workload, ...): one file defines it, one registry line adds it. `params` is the zod schema of
 * the variant's own parameters, with defaults, so validation, `fabricsim list` and the JSON
 * Schema all come from the same place.
 */
export interface Variant<P = unknown> {
  /** Name used in experiment files (`leaf-spine`, `roce-v2`, `dcqcn`). */
  readonly name: string;
  /** One line for `fabricsim list`. */
  readonly description: string;
  /** Parameters with their defaults. */
  readonly params: z.ZodType<P>;
}

/** A set of variants of one kind, looked up by name. */
export class Registry<V extends Variant<any>> {
  private readonly byName = new Map<string, V>();

  /** @param kind what the variants are, for error messages ("topology generator"). */
  constructor(readonly kind: string) {}

  /** Adds a variant; a duplicate name is a programming error. */
  add(v: V): this {
    if (this.byName.has(v.name)) throw new Error(`duplicate ${this.kind} '${v.name}'`);
    this.byName.set(v.name, v);
    return this;
  }

  has(name: string): boolean {
    return this.byName.has(name);
  }

  /**
   * The variant called `name`; throws a {@link ConfigError} naming the known ones otherwise.
   * `where` gives the file and field for the message.
   */
  get(name: string, where: { file?: string; field?: string } = {}): V {
    const v = this.byName.get(name);
    if (v === undefined) {
      throw new ConfigError(`unknown ${this.kind} '${name}'; expected one of: ${this.names().join(', ')}`, where);
    }
    return v;
  }

  /** Names in registration order. */
  names(): string[] {
    return [...this.byName.keys()];
  }

  /** Variants in registration order. */
  all(): V[] {
    return [...this.byName.values()];
  }
}
