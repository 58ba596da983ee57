import type { z } from 'zod';
import { ConfigError } from './errors.js';

/** Renders a value briefly for an error message ("found ..."). */
export function describeValue(v: unknown): string {
  if (v === undefined) return 'nothing';
  if (v === null) return 'null';
  if (typeof v === 'string') return JSON.stringify(v.length > 40 ? v.slice(0, 40) + '…' : v);
  if (typeof v === 'number' || typeof v === 'boolean') return String(v);
  if (Array.isArray(v)) return `a list of ${v.length}`;
  return 'an object';
}

function valueAt(root: unknown, path: readonly PropertyKey[]): unknown {
  let v: unknown = root;
  for (const k of path) {
    if (v === null || typeof v !== 'object') return undefined;
    v = (v as Record<PropertyKey, unknown>)[k];
  }
  return v;
}

/** Joins a field prefix and a zod issue path into a dotted path (`fabric.pfc.priorities.0`). */
export function joinPath(prefix: string | undefined, path: readonly PropertyKey[]): string {
  const parts = path.map(String);
  return [prefix, ...parts].filter((s) => s !== undefined && s !== '').join('.');
}

/**
 * Parses `value` with `schema`. On failure throws one {@link ConfigError} naming the file, the
 * dotted field path of the first problem, what was expected and what was found.
 */
export function parseWith<T>(schema: z.ZodType<T>, value: unknown, where: { file?: string; field?: string } = {}): T {
  const r = schema.safeParse(value);
  if (r.success) return r.data;
  const issue = r.error.issues[0]!;
  const field = joinPath(where.field, issue.path);
  const found = describeValue(valueAt(value, issue.path));
  let msg = issue.message;
  if (issue.code === 'unrecognized_keys') {
    msg = `unknown field${issue.keys.length > 1 ? 's' : ''} ${issue.keys.map((k) => `'${k}'`).join(', ')} (check the spelling; \`fabricsim schema\` lists every field)`;
  } else if (!/found|received/i.test(msg)) {
    msg = `${msg}; found ${found}`;
  }
  const more = r.error.issues.length > 1 ? ` (and ${r.error.issues.length - 1} more problem${r.error.issues.length > 2 ? 's' : ''})` : '';
  throw new ConfigError(msg + more, { file: where.file, field });
}
