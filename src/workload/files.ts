import { readFileSync } from 'node:fs';
import { dirname, isAbsolute, resolve } from 'node:path';
import { ConfigError } from '../sim/errors.js';
import { at } from './common.js';
import type { WorkloadContext } from './workload.js';

/**
 * The absolute path of a file named in a workload's parameters: as given when absolute, else
 * relative to `ctx.baseDir`, else to the experiment file's folder, else to the working directory.
 */
export function workloadPath(path: string, ctx: WorkloadContext): string {
  if (isAbsolute(path)) return path;
  const base = ctx.baseDir ?? (ctx.file !== undefined ? dirname(resolve(ctx.file)) : process.cwd());
  return resolve(base, path);
}

/** The text of a file named by a workload parameter; a ConfigError at the parameter otherwise. */
export function readWorkloadFile(path: string, ctx: WorkloadContext, ...field: (string | number)[]): { text: string; path: string } {
  const abs = workloadPath(path, ctx);
  try {
    return { text: readFileSync(abs, 'utf8'), path: abs };
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    const why = code === 'ENOENT' ? 'no such file' : code === 'EISDIR' ? 'it is a directory' : (e as Error).message;
    throw new ConfigError(`cannot read '${path}' (${abs}): ${why}`, at(ctx, ...field));
  }
}
