import { readFileSync } from 'node:fs';
import { dirname, extname, resolve } from 'node:path';
import { parse as parseYaml, parseDocument } from 'yaml';
import { ConfigError } from '../sim/errors.js';
import { describeValue } from '../sim/parse.js';
import { validateExperiment, type ExperimentConfig } from './schema.js';
import { excerpt, jsonErrorOffset, lineCol } from './text-position.js';

/** An experiment file, read, overridden and validated. */
export interface LoadedExperiment {
  /** The validated config, defaults filled in, `topology.file` absolute. */
  config: ExperimentConfig;
  /** The file as given by the caller (used in error messages). */
  file: string;
  /** The absolute folder of the file; relative paths in it are resolved against this. */
  baseDir: string;
  /** What was validated: the file's content with the `--set` and seed overrides applied. */
  raw: unknown;
}

/** Options of {@link loadExperimentFile}. */
export interface LoadOptions {
  /** `dotted.path=value` overrides, applied in order before validation (see {@link applySet}). */
  set?: readonly string[];
  /** Replaces the file's `seed`. */
  seed?: number;
}

/**
 * Reads an experiment from a YAML (`.yaml`, `.yml`, or any other extension) or JSON (`.json`)
 * file, applies `opts.set` overrides and `opts.seed`, and validates it. Every problem is a
 * `ConfigError`: an unreadable file names it; a syntax error gives `file:line:col`, the parser's
 * message and the offending line; a schema error names the file and the dotted field.
 */
export function loadExperimentFile(file: string, opts: LoadOptions = {}): LoadedExperiment {
  const path = resolve(file);
  const baseDir = dirname(path);
  const text = readText(path, file);
  if (text.trim() === '') throw new ConfigError('the file is empty; an experiment needs at least `name` and `workload`', { file });
  let raw = extname(file).toLowerCase() === '.json' ? parseJson(text, file) : parseYamlText(text, file);
  for (const assignment of opts.set ?? []) raw = applySet(raw, assignment);
  if (opts.seed !== undefined && (raw === null || raw === undefined || (typeof raw === 'object' && !Array.isArray(raw)))) {
    raw = { ...(raw as object | null), seed: opts.seed };
  }
  const config = validateExperiment(raw, { file, baseDir });
  return { config, file, baseDir, raw };
}

/**
 * Reads and parses an experiment file (YAML or JSON, as {@link loadExperimentFile} does) without
 * validating it: a sweep validates each of its runs instead, since the base alone may lack a
 * field that every run's values fill in. Syntax errors are ConfigErrors at `file:line:col`.
 */
export function readExperimentRaw(file: string): { raw: unknown; baseDir: string } {
  const path = resolve(file);
  const text = readText(path, file);
  if (text.trim() === '') throw new ConfigError('the file is empty; an experiment needs at least `name` and `workload`', { file });
  const raw = extname(file).toLowerCase() === '.json' ? parseJson(text, file) : parseYamlText(text, file);
  return { raw, baseDir: dirname(path) };
}

/** The file's text, or a ConfigError naming it. */
function readText(path: string, file: string): string {
  try {
    return readFileSync(path, 'utf8').replace(/^\uFEFF/, '');
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    const why =
      code === 'ENOENT' ? 'no such file' : code === 'EISDIR' ? 'it is a directory' : code === 'EACCES' ? 'permission denied' : (e as Error).message;
    throw new ConfigError(`cannot read experiment file: ${why}`, { file });
  }
}

/** A ConfigError at `file:line:col` for a syntax error at `offset`. */
function syntaxError(text: string, file: string, offset: number, what: string, message: string): ConfigError {
  const { line, col } = lineCol(text, offset);
  return new ConfigError(`${what} syntax error: ${message}${excerpt(text, line, col)}`, { file: `${file}:${line}:${col}` });
}

function parseJson(text: string, file: string): unknown {
  try {
    return JSON.parse(text);
  } catch (e) {
    const message = (e as Error).message;
    const offset = jsonErrorOffset(text);
    if (offset < 0) throw new ConfigError(`JSON syntax error: ${message}`, { file });
    throw syntaxError(text, file, offset, 'JSON', message);
  }
}

function parseYamlText(text: string, file: string): unknown {
  const doc = parseDocument(text, { prettyErrors: false, uniqueKeys: true });
  const err = doc.errors[0];
  if (err !== undefined) throw syntaxError(text, file, err.pos[0], 'YAML', err.message);
  try {
    return doc.toJS({ maxAliasCount: 1000 });
  } catch (e) {
    throw new ConfigError(`YAML error: ${(e as Error).message}`, { file });
  }
}

/** Keys an override may not name: they would reach `Object.prototype`. */
const FORBIDDEN = new Set(['__proto__', 'prototype', 'constructor']);
const INDEX = /^(?:0|[1-9]\d*)$/;

/**
 * Applies one `dotted.path=value` override to `raw` and returns the result (`raw` itself is not
 * modified; objects along the path are copied). The value is read as YAML (`3`, `true`, `[1, 2]`,
 * `{kind: red}`, `roce-v2`; empty means the empty string). Missing objects along the path are
 * created (a list when the next segment is an index); a numeric segment indexes a list (at most
 * one past its end, to append). A malformed override is a ConfigError naming it.
 */
export function applySet(raw: unknown, assignment: string): unknown {
  const eq = assignment.indexOf('=');
  const pathText = eq < 0 ? '' : assignment.slice(0, eq).trim();
  if (eq < 0 || pathText === '') {
    throw new ConfigError(`bad --set '${assignment}': expected <dotted.path>=<value>, e.g. fabric.mtu=2048`);
  }
  const path = pathText.split('.');
  if (path.some((p) => p === '')) throw new ConfigError(`bad --set '${assignment}': empty segment in the path '${pathText}'`);
  const bad = path.find((p) => FORBIDDEN.has(p));
  if (bad !== undefined) throw new ConfigError(`bad --set '${assignment}': '${bad}' cannot be set`);
  const valueText = assignment.slice(eq + 1);
  let value: unknown;
  if (valueText.trim() === '') value = '';
  else {
    try {
      value = parseYaml(valueText, { prettyErrors: false });
    } catch (e) {
      throw new ConfigError(`bad --set '${assignment}': the value is not valid YAML (${(e as Error).message.split('\n')[0]})`);
    }
  }
  return setPath(raw, path, value, assignment);
}

/** `node` with `value` at `path` (copy on write); `what` names the override in errors. */
function setPath(node: unknown, path: readonly string[], value: unknown, what: string, depth = 0): unknown {
  if (depth === path.length) return value;
  const key = path[depth]!;
  const here = path.slice(0, depth).join('.') || 'the experiment';
  if (node === undefined || node === null) node = INDEX.test(key) ? [] : {};
  if (Array.isArray(node)) {
    if (!INDEX.test(key)) throw new ConfigError(`bad --set '${what}': ${here} is a list; expected an index, found '${key}'`);
    const i = Number(key);
    if (i > node.length) {
      throw new ConfigError(`bad --set '${what}': index ${i} is past the end of ${here} (a list of ${node.length})`);
    }
    const copy = node.slice();
    copy[i] = setPath(node[i], path, value, what, depth + 1);
    return copy;
  }
  if (typeof node === 'object') {
    const obj = node as Record<string, unknown>;
    const child = Object.hasOwn(obj, key) ? obj[key] : undefined;
    return { ...obj, [key]: setPath(child, path, value, what, depth + 1) };
  }
  throw new ConfigError(`bad --set '${what}': ${here} is ${describeValue(node)}, not a mapping or a list`);
}
