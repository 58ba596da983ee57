import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { validateExperiment } from '../../src/experiment/index.js';
import { ConfigError } from '../../src/sim/errors.js';

/** A valid experiment that sets almost every field, so mutations reach every part of the schema. */
const base = {
  name: 'fuzz',
  description: 'every field set',
  seed: 3,
  topology: { generator: 'leaf-spine', params: { leaves: 2, spines: 2, hosts_per_leaf: 2 } },
  fabric: {
    mtu: 2048,
    buffer_bytes: 1_000_000,
    buffer: { policy: 'dynamic', alpha: 2 },
    scheduler: { kind: 'dwrr', weights: [1, 2, 3, 4, 5, 6, 7, 8], quantum_bytes: 1500 },
    pfc: { enabled: true, priorities: [3, 4], xoff_bytes: 50_000, xon_bytes: 40_000, headroom_bytes: 30_000, quanta: 1000 },
    ecn: { kind: 'red', kmin_bytes: 1000, kmax_bytes: 5000, pmax: 0.1 },
    routing: { ecmp: 'spray' },
    switch_latency_ns: 100,
    vlan_tag: true,
  },
  transport: { kind: 'roce-v2', ack_every: 2, rto_us: 50 },
  cc: { kind: 'none' },
  workload: { kind: 'incast', receiver: 'h3', senders: [0, 'h1'], bytes: 100, jitter_ns: 5 },
  stop: { time_us: 10, max_events: 1000 },
  outputs: { dir: 'out', samples_interval_ns: 0 },
};

type Path = (string | number)[];

/** Every path in `v` below the root (objects and lists included). */
function paths(v: unknown, prefix: Path = []): Path[] {
  if (v === null || typeof v !== 'object') return [];
  const entries: [string | number, unknown][] = Array.isArray(v) ? v.map((x, i) => [i, x]) : Object.entries(v);
  return entries.flatMap(([k, x]) => [[...prefix, k], ...paths(x, [...prefix, k])]);
}
const allPaths = paths(base);
const containerPaths: Path[] = [[], ...allPaths.filter((p) => typeof at(base, p) === 'object')];

function at(root: unknown, path: Path): unknown {
  return path.reduce<unknown>((v, k) => (v !== null && typeof v === 'object' ? (v as Record<string, unknown>)[k] : undefined), root);
}

/** Values of the wrong type, out of range, or wrong enum members. */
const garbage = fc.oneof(
  fc.constantFrom<unknown>(-1, 0, 1, 0.5, -0.5, 7, 8, 256, 65536, 1e20, 2 ** 53, NaN, Infinity, -Infinity, -0),
  fc.constantFrom<unknown>('', 'nope', 'roce-v2', 'none', 'red', 'threshold', 'static', 'dynamic', 'dwrr', 'fat-tree', 'incast', 'flows', 'h999', 'x.json'),
  fc.constantFrom<unknown>(null, undefined, true, false, [], {}, [1, 2, 3], { kind: 'red' }, { policy: 'static' }, { generator: 'star', file: 'f' }),
  fc.integer(),
  fc.double(),
  fc.string({ maxLength: 8 }),
  fc.anything({ maxDepth: 2 }),
);

const key = fc.oneof(
  fc.string({ maxLength: 8 }),
  fc.constantFrom('kind', 'policy', 'generator', 'file', 'params', 'extra', 'fabirc', '__proto__', 'constructor', 'toString', 'hasOwnProperty'),
);

type Mutation =
  | { op: 'delete'; path: Path }
  | { op: 'set'; path: Path; value: unknown }
  | { op: 'add'; path: Path; key: string; value: unknown };

const mutation: fc.Arbitrary<Mutation> = fc.oneof(
  fc.record({ op: fc.constant('delete' as const), path: fc.constantFrom(...allPaths) }),
  fc.record({ op: fc.constant('set' as const), path: fc.constantFrom(...allPaths), value: garbage }),
  fc.record({ op: fc.constant('add' as const), path: fc.constantFrom(...containerPaths), key, value: garbage }),
);

/** Applies mutations to a deep copy of `base`; keys are own properties, even `__proto__`. */
function mutate(mutations: Mutation[]): unknown {
  const root = structuredClone(base) as unknown;
  for (const m of mutations) {
    const target = m.op === 'add' ? at(root, m.path) : at(root, m.path.slice(0, -1));
    if (target === null || typeof target !== 'object') continue; // an earlier mutation replaced it
    const k = m.op === 'add' ? m.key : m.path[m.path.length - 1]!;
    if (m.op === 'delete') {
      if (Array.isArray(target) && typeof k === 'number') {
        // Shift by hand: an `add` may have given the list an own `constructor`, which splice uses.
        for (let i = k; i < target.length - 1; i++) target[i] = target[i + 1];
        target.length = Math.max(0, target.length - 1);
      } else delete (target as Record<string | number, unknown>)[k];
    } else {
      if (Array.isArray(target) && k === 'length') continue; // not a key a parser could produce
      Object.defineProperty(target, k, { value: m.value, enumerable: true, writable: true, configurable: true });
    }
  }
  return root;
}

const experimentLike = fc.oneof(
  { weight: 1, arbitrary: fc.anything({ maxDepth: 3 }) },
  { weight: 12, arbitrary: fc.array(mutation, { minLength: 1, maxLength: 4 }).map(mutate) },
);

const isObject = (v: unknown): boolean => v !== null && typeof v === 'object' && !Array.isArray(v);

describe('validateExperiment on arbitrary input', () => {
  it('accepts the unmutated base', () => {
    expect(validateExperiment(structuredClone(base)).fabric.mtu).toBe(2048);
  });

  it('returns a config or throws a ConfigError naming a field, never anything else', () => {
    let accepted = 0;
    let rejected = 0;
    fc.assert(
      fc.property(experimentLike, (raw) => {
        let config;
        try {
          config = validateExperiment(raw, { file: 'fuzz.yaml' });
        } catch (e) {
          if (!(e instanceof ConfigError)) throw e;
          rejected++;
          expect(e.message).toContain('fuzz.yaml');
          if (isObject(raw)) expect(e.field).not.toBe('');
          return;
        }
        accepted++;
        // A config is plain data and validates to itself.
        expect(validateExperiment(config, { file: 'fuzz.yaml' })).toEqual(config);
        expect(() => JSON.stringify(config)).not.toThrow();
      }),
      { numRuns: 2000, seed: 20240601 },
    );
    // Both outcomes occur, so the property exercised both paths.
    expect(accepted).toBeGreaterThan(50);
    expect(rejected).toBeGreaterThan(500);
  }, 20_000);
});
