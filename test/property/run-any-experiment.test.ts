import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { runExperiment } from '../../src/experiment/run.js';
import { ConfigError } from '../../src/sim/errors.js';
import { checkConservation } from '../helpers/run.js';

/** A small valid experiment every mutation starts from. */
const base = () => ({
  name: 'prop',
  seed: 1,
  topology: { generator: 'leaf-spine', params: { leaves: 2, spines: 2, hosts_per_leaf: 2 } },
  fabric: { mtu: 1024, buffer_bytes: 1 << 20, pfc: { enabled: true, priorities: [3], xoff_bytes: 32768, xon_bytes: 16384 }, ecn: { kind: 'none' } },
  transport: { kind: 'roce-v2', ack_every: 2 },
  cc: { kind: 'none' },
  workload: { kind: 'incast', receiver: 'h0', senders: 3, bytes: 20000 },
  outputs: { samples_interval_ns: 0 },
});

/** Places a mutation may touch (existing, nested, and new keys). */
const paths = [
  'name', 'seed', 'topology', 'topology.generator', 'topology.params', 'topology.params.leaves', 'topology.params.spines',
  'topology.params.hosts_per_leaf', 'topology.params.rate_gbps', 'topology.params.delay_ns', 'topology.file', 'fabric',
  'fabric.mtu', 'fabric.buffer_bytes', 'fabric.buffer', 'fabric.buffer.policy', 'fabric.buffer.alpha', 'fabric.pfc',
  'fabric.pfc.enabled', 'fabric.pfc.priorities', 'fabric.pfc.xoff_bytes', 'fabric.pfc.xon_bytes', 'fabric.pfc.headroom_bytes',
  'fabric.pfc.quanta', 'fabric.ecn', 'fabric.ecn.kind', 'fabric.ecn.k_bytes', 'fabric.scheduler', 'fabric.scheduler.kind',
  'fabric.routing.ecmp', 'fabric.switch_latency_ns', 'fabric.vlan_tag', 'transport', 'transport.kind', 'transport.priority',
  'transport.ack_priority', 'transport.ack_every', 'transport.rto_us', 'transport.window_packets', 'transport.retry_count',
  'cc', 'cc.kind', 'workload', 'workload.kind', 'workload.receiver', 'workload.senders', 'workload.bytes', 'workload.start_ns',
  'workload.jitter_ns', 'outputs', 'stop', 'extra', 'fabric.extra',
];

const values = fc.constantFrom<unknown>(
  -1, 0, 1, 2, 3, 7, 1.5, 255, 4096, 65536, 1e9, Number.MAX_SAFE_INTEGER, '', 'x', 'h1', 'h99', 'dwrr', 'threshold', 'red',
  'static', 'spray', 'fat-tree', 'star', 'permutation', 'flows', 'none', 'roce-v2', null, true, false, [], {}, [1, 2], [3, 3],
  { kind: 'strict' }, { policy: 'static', queue_bytes: 4096 }, { kind: 'threshold', k_bytes: 5000 },
);

type Mutation = { op: 'set'; path: string; value: unknown } | { op: 'delete'; path: string };

const mutation: fc.Arbitrary<Mutation> = fc.oneof(
  fc.record({ op: fc.constant('set' as const), path: fc.constantFrom(...paths), value: values }),
  fc.record({ op: fc.constant('delete' as const), path: fc.constantFrom(...paths) }),
);

function apply(obj: Record<string, unknown>, m: Mutation): void {
  const keys = m.path.split('.');
  let o: any = obj;
  for (const k of keys.slice(0, -1)) {
    if (o === null || typeof o !== 'object') return;
    if (o[k] === undefined) o[k] = {};
    o = o[k];
  }
  if (o === null || typeof o !== 'object') return;
  const last = keys[keys.length - 1]!;
  if (m.op === 'delete') delete o[last];
  else o[last] = m.value;
}

describe('any experiment object', () => {
  it('either runs (conserving packets) or fails with one ConfigError naming a field — never another exception or a hang', () => {
    let ran = 0;
    let refused = 0;
    fc.assert(
      fc.property(fc.array(mutation, { minLength: 0, maxLength: 4 }), (ms) => {
        const exp = base() as Record<string, unknown>;
        for (const m of ms) apply(exp, m);
        // bound every run: mutations may make flows huge or stall them
        exp.stop = { time_us: 200, max_events: 200_000 };
        try {
          const r = runExperiment(exp, { file: 'prop.yaml' });
          checkConservation(r);
          expect(['all-flows-ended', 'time-limit', 'event-limit', 'lossless-drop', 'deadlock']).toContain(r.stopReason);
          ran++;
        } catch (e) {
          if (!(e instanceof ConfigError)) throw e;
          expect(e.message).toMatch(/^prop\.yaml/);
          expect(e.message.split('\n').length).toBeLessThanOrEqual(4);
          refused++;
        }
      }),
      { numRuns: 600, seed: 20261125 },
    );
    // the generator must exercise both outcomes
    expect(ran).toBeGreaterThan(50);
    expect(refused).toBeGreaterThan(50);
  });
});
