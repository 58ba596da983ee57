import { describe, expect, it } from 'vitest';
import { buildFabric } from '../../src/fabric/build-fabric.js';
import { fabricOptions } from '../../src/experiment/fabric-options.js';
import { fabricSchema } from '../../src/experiment/fabric-schema.js';
import { loadExperimentFile } from '../../src/experiment/load.js';
import { runExperiment } from '../../src/experiment/run.js';
import { SMP_FRAME_BYTES } from '../../src/fabric/management/subnet-manager.js';
import { CREDIT_STALL } from '../../src/metrics/pfc-log.js';
import { Simulator } from '../../src/sim/simulator.js';
import { ns, txTime, us } from '../../src/sim/time.js';
import { buildTopology } from '../../src/topology/generators/index.js';
import { configError } from '../helpers/config-error.js';
import { checkConservation } from '../helpers/run.js';

describe('VL15: subnet management packets outside credit flow control', () => {
  it('an SMP is LRH 8 + BTH 12 + DETH 8 + a 256-byte MAD + ICRC 4 + VCRC 2 = 290 bytes', () => {
    expect(SMP_FRAME_BYTES).toBe(290);
  });

  it('with every switch port out of credits on every VL, a sweep still completes: SMPs need no credits, and return none', () => {
    const sim = new Simulator(1);
    const options = fabricSchema.parse({ subnet_manager: { host: 'h0', sweep_interval_us: 0 } });
    const f = buildFabric(sim, buildTopology('leaf-spine', { leaves: 2, spines: 2, hosts_per_leaf: 2, delay_ns: 1000 }), fabricOptions(options, 4200, 'infiniband'));
    for (const p of f.ports) p.credits!.credits.fill(0);
    sim.run(us(100));
    const sm = f.subnetManager!;
    expect(sm.sweeps).toHaveLength(1);
    expect(sm.sweeps[0]!.endPs).toBeGreaterThan(0);
    expect(sm.smpsSent).toBe(2 * 3); // a SubnGet to each of the 3 other hosts and its SubnGetResp
    expect(sm.smpsDelivered).toBe(6);
    for (const p of f.ports) {
      expect(Array.from(p.credits!.credits).every((c) => c === 0)).toBe(true);
      expect(p.credits!.updatesSent).toBe(0);
    }
    // h0 → h2 is 4 cables: the farthest round trip is 8 cable delays + 8 serializations at 100 Gb/s, no waiting
    expect(sm.sweeps[0]!.endPs).toBeLessThanOrEqual(8 * (ns(1000) + txTime(290, 100e9)) + 3 * txTime(290, 100e9));
    expect(f.pool.live).toBe(0);
  });

  it('in the congestion tree (credits stalled for hundreds of µs) SMPs overtake every data VL: each waits at most one data packet per hop', () => {
    const FILE = 'experiments/ib-congestion-tree.yaml';
    const { config } = loadExperimentFile(FILE, { set: ['outputs.samples_interval_ns=0', "fabric.subnet_manager={host: h1, start_us: 100, sweep_interval_us: 20}"] });
    const r = runExperiment(config, { file: FILE });
    checkConservation(r);
    expect(r.fabric.traffic.droppedPackets).toBe(0);
    const sm = r.fabric.subnetManager!;
    // sweeps every 20 µs from 100 µs while the tree stands: all done but perhaps the last
    expect(sm.sweeps.length).toBeGreaterThan(10);
    expect(sm.sweeps.slice(0, -1).every((s) => s.endPs > s.startPs)).toBe(true);
    let stalls = 0;
    const log = r.fabric.pfcLog;
    for (let i = 0; i < log.length; i++) if (log.cols.get(i, 3) === CREDIT_STALL && log.cols.get(i, 0) >= us(100)) stalls++;
    expect(stalls).toBeGreaterThan(0);
    // longest SMP path h1 → leaf0 → spine0 → leaf2 → h11: 4 ports; per port at most one data frame
    // (2048 B MTU: ≤ 2100 B) already on the wire, the other SMPs on the wire (4 requests + their
    // responses) and a credit update per VL ahead of it, plus the SMP itself and the cable (1 µs)
    const perHop = txTime(2100, 100e9) + 8 * txTime(290, 100e9) + 8 * txTime(6, 100e9) + txTime(290, 100e9) + ns(1000);
    expect(sm.maxSmpLatencyPs).toBeLessThanOrEqual(4 * perHop);
    // while the victim's data packets wait far longer behind the stalled credits
    const victim = r.flows.records[4]!;
    expect((victim.finish - victim.start) / victim.idealFct).toBeGreaterThan(3);
  });

  it('is refused on Ethernet transports and with an unknown host, naming the field', () => {
    const base = { name: 'x', workload: { kind: 'flows', list: [{ src: 'h0', dst: 'h1', bytes: 1000 }] } };
    expect(configError(() => runExperiment({ ...base, fabric: { subnet_manager: { host: 'h0' } } })).field).toBe('fabric.subnet_manager');
    expect(configError(() => runExperiment({ ...base, transport: { kind: 'infiniband' }, fabric: { subnet_manager: { host: 'h99' } } })).field).toBe('fabric.subnet_manager.host');
  });
});
