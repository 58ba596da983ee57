import { describe, expect, it } from 'vitest';
import { buildFabric, type Fabric } from '../../src/fabric/build-fabric.js';
import { fabricOptions } from '../../src/experiment/fabric-options.js';
import { fabricSchema } from '../../src/experiment/fabric-schema.js';
import { validateExperiment } from '../../src/experiment/schema.js';
import { runExperiment } from '../../src/experiment/run.js';
import { PC_TX_BYTES } from '../../src/metrics/port-counters.js';
import { Simulator } from '../../src/sim/simulator.js';
import { buildTopology } from '../../src/topology/generators/index.js';

function fabric(generator: string, params: Record<string, unknown>, routing: Record<string, unknown>): Fabric {
  return buildFabric(new Simulator(1), buildTopology(generator, params), fabricOptions(fabricSchema.parse({ routing }), 4200, 'infiniband'));
}

function tables(f: Fabric): number[][][] {
  const out: number[][][] = [];
  for (let s = 0; s < f.fib.switches; s++) out.push(Array.from({ length: f.hostCount }, (_, h) => f.fib.candidates(s, h)));
  return out;
}

describe("subnet-manager routing by OpenSM's engine names", () => {
  it("'minhop' is 'shortest' and 'updn' is 'updown' (the same tables)", () => {
    const ring = { switches: 6, hosts_per_switch: 1 };
    expect(tables(fabric('ring', ring, { algorithm: 'minhop' }))).toEqual(tables(fabric('ring', ring, { algorithm: 'shortest' })));
    expect(tables(fabric('ring', ring, { algorithm: 'updn' }))).toEqual(tables(fabric('ring', ring, { algorithm: 'updown' })));
    expect(tables(fabric('ring', ring, { algorithm: 'updn' }))).not.toEqual(tables(fabric('ring', ring, { algorithm: 'minhop' })));
    // root names the up*/down* root under either name, and only there
    expect(() => validateExperiment({ name: 'x', fabric: { routing: { algorithm: 'updn', root: 'sw0' } }, workload: { kind: 'flows', list: [{ src: 'h0', dst: 'h1', bytes: 1000 }] } })).not.toThrow();
    expect(() => validateExperiment({ name: 'x', fabric: { routing: { algorithm: 'ftree', root: 'sw0' } }, workload: { kind: 'flows', list: [{ src: 'h0', dst: 'h1', bytes: 1000 }] } })).toThrow(
      /fabric\.routing\.root/,
    );
  });

  describe("'ftree' on a k = 4 fat tree (16 hosts)", () => {
    const f = fabric('fat-tree', { k: 4 }, { algorithm: 'ftree' });
    const shortest = fabric('fat-tree', { k: 4 }, { algorithm: 'shortest' });

    it('is a linear forwarding table: exactly one port per (switch, destination), one of the shortest-path ports', () => {
      for (let s = 0; s < f.fib.switches; s++) {
        for (let h = 0; h < f.hostCount; h++) {
          const c = f.fib.candidates(s, h);
          expect(c).toHaveLength(1);
          expect(shortest.fib.candidates(s, h)).toContain(c[0]);
        }
      }
    });

    it('spreads the destinations evenly over every switch’s up-links', () => {
      for (let s = 0; s < f.fib.switches; s++) {
        const perPort = new Map<number, number>();
        let multi = 0;
        for (let h = 0; h < f.hostCount; h++) {
          if (shortest.fib.count(s, h) < 2) continue; // a down-going (unique) choice
          multi++;
          const p = f.fib.candidates(s, h)[0]!;
          perPort.set(p, (perPort.get(p) ?? 0) + 1);
        }
        if (multi === 0) continue;
        expect(perPort.size).toBe(2); // k/2 up-links, all used
        expect(new Set(perPort.values()).size).toBe(1); // equally
      }
    });

    it('routes a shift permutation (h → h + 8) with at most one flow per link: non-blocking, as D-mod-k promises', () => {
      const load = new Map<number, number>();
      for (let h = 0; h < 16; h++) {
        for (const port of f.path(h, (h + 8) % 16, 0)) load.set(port.index, (load.get(port.index) ?? 0) + 1);
      }
      expect(Math.max(...load.values())).toBe(1);
    });
  });
});

describe('LMC: 2^LMC LIDs per host, a path per QP', () => {
  /** 16 QPs from leaf1’s hosts to h0 on a leaf-spine with 4 spines: which spines carry their data (more than the credit updates and ACK credits every spine port carries)? */
  function spinesUsed(lmc: number): Set<string> {
    const r = runExperiment({
      name: 'lmc',
      seed: 1,
      topology: { generator: 'leaf-spine', params: { leaves: 3, spines: 4, hosts_per_leaf: 4, rate_gbps: 100, delay_ns: 1000 } },
      transport: { kind: 'infiniband', lmc },
      outputs: { samples_interval_ns: 0 },
      workload: { kind: 'flows', list: Array.from({ length: 16 }, (_, i) => ({ src: `h${4 + (i % 4)}`, dst: 'h0', bytes: 10_000 })) },
    });
    expect(r.flows.records.every((f) => f.status === 'done')).toBe(true);
    const spines = new Set<string>();
    for (const p of r.fabric.ports) {
      const name = r.fabric.portName(p.index);
      if (/^spine\d+:\d+>leaf0$/.test(name) && r.fabric.counters.get(p.index, PC_TX_BYTES) > 5000) spines.add(name.split(':')[0]!);
    }
    return spines;
  }

  it('LMC 0: every QP to a host takes the one path of its LID; LMC 2: the QPs spread over several spines', () => {
    expect(spinesUsed(0).size).toBe(1);
    expect(spinesUsed(2).size).toBeGreaterThanOrEqual(2);
  });

  it('lmc is validated (0..7)', () => {
    expect(() => validateExperiment({ name: 'x', transport: { kind: 'infiniband', lmc: 8 }, workload: { kind: 'flows', list: [{ src: 'h0', dst: 'h1', bytes: 1 }] } })).toThrow(/transport\.lmc/);
  });
});
