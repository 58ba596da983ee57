import { describe, expect, it } from 'vitest';
import { buildFabric } from '../../src/fabric/build-fabric.js';
import { fabricOptions } from '../../src/experiment/fabric-options.js';
import { fabricSchema } from '../../src/experiment/fabric-schema.js';
import { Simulator } from '../../src/sim/simulator.js';
import { us } from '../../src/sim/time.js';
import { buildTopology } from '../../src/topology/generators/index.js';
import { Driver } from './helpers.js';

/** The clockwise ring ports of a 3-switch ring: sw0:1>sw1, sw1:2>sw2, sw2:2>sw0 (local 1 faces the previous switch, 2 the next; sw0 the other way). */
const CLOCKWISE = ['sw0:1>sw1', 'sw1:2>sw2', 'sw2:2>sw0'];

/**
 * A 3-switch ring whose clockwise ports are held paused (a PAUSE every 100 µs from t = 0), and
 * into each of which `fill` may queue a priority-3 packet, stamped with a switch-local ingress.
 */
function ring(fill: (port: string) => number | null) {
  const sim = new Simulator(1);
  const f = buildFabric(sim, buildTopology('ring', { switches: 3 }), fabricOptions(fabricSchema.parse({ pfc: { deadlock_check_us: 10 } }), 1100));
  const driver = new Driver(sim);
  const ports = CLOCKWISE.map((name) => f.ports.find((p) => f.portName(p.index) === name)!);
  for (let t = 0; t < us(300); t += us(100)) for (const p of ports) driver.at(t, () => p.applyPause(3, 65535));
  driver.at(1, () => {
    for (const p of ports) {
      const ingress = fill(f.portName(p.index));
      if (ingress === null) continue;
      const pkt = f.pool.acquire();
      pkt.priority = 3;
      pkt.frameBytes = 1000;
      pkt.ingress = ingress;
      p.enqueue(pkt);
    }
  });
  sim.run(us(300));
  return { f, detector: f.guards!.deadlock! };
}

describe('the deadlock detector', () => {
  it('paused ports with nothing queued wait on nothing: no deadlock', () => {
    const { detector } = ring(() => null);
    expect(detector.checks).toBeGreaterThan(10);
    expect(detector.report).toBeNull();
  });

  it('each paused port holding a packet that came in over the previous paused link closes the cycle', () => {
    const { f, detector } = ring(() => 1); // local 1 faces the previous switch for sw1 and sw2...
    // ...but at sw0 local 1 faces sw1: sw0's packet came from the host (0) or sw1, not from sw2 (local 2)
    expect(detector.report).toBeNull();
    const closed = ring((name) => (name.startsWith('sw0') ? 2 : 1));
    const r = closed.detector.report!;
    expect(r.cycle).toEqual(CLOCKWISE);
    expect(r.priority).toBe(3);
    // reported at the first check after the ports had been paused for the interval (10 µs; checks every 5 µs)
    expect(r.atPs).toBe(us(10));
    expect(closed.f.sim.now).toBe(r.atPs); // and it stopped the simulator
    expect(f.sim.now).toBe(us(300));
  });

  it('a packet from the host breaks the chain: the port waits on the host link, not the ring', () => {
    const { detector } = ring((name) => (name.startsWith('sw0') ? 2 : name.startsWith('sw1') ? 0 : 1));
    expect(detector.report).toBeNull();
  });
});
