import { describe, expect, it } from 'vitest';
import { EgressPort, type EgressOwner } from '../../src/fabric/egress-port.js';
import { PfcWatchdog, type WatchdogAction } from '../../src/fabric/flow-control/pfc-watchdog.js';
import { Link } from '../../src/fabric/link.js';
import { PacketPool, type Packet } from '../../src/fabric/packet.js';
import { StrictPriority } from '../../src/fabric/scheduler/strict-priority.js';
import { PfcLog, PFC_WATCHDOG_RESTORE, PFC_WATCHDOG_TRIP } from '../../src/metrics/pfc-log.js';
import { PC_DROPS, PC_PAUSE_RX, PC_WATCHDOG_DROPS, PC_WATCHDOG_TRIPS, PortCounters } from '../../src/metrics/port-counters.js';
import { TrafficCounters } from '../../src/metrics/traffic.js';
import { Simulator } from '../../src/sim/simulator.js';
import { gbps, us } from '../../src/sim/time.js';
import { Driver, RecordingSink } from './helpers.js';

const TIMEOUT = us(100);
const RESTORE = us(200);

/** One switch port (global index 0) with a watchdog, a cable to a recording sink and an owner that records releases. */
function setup(action: WatchdogAction) {
  const sim = new Simulator();
  const counters = new PortCounters(1);
  const pool = new PacketPool();
  const log = new PfcLog();
  const traffic = new TrafficCounters();
  const port = new EgressPort(sim, 0, 0, 0, gbps(100), new StrictPriority(), counters);
  const link = new Link(sim, 1000);
  const sink = new RecordingSink(sim);
  link.sink = sink;
  port.link = link;
  const released: Packet[] = [];
  const owner: EgressOwner = { onTxDone: (pkt) => released.push(pkt) };
  port.owner = owner;
  const wd = new PfcWatchdog(sim, [port], Uint8Array.of(1), 1 << 3, { timeoutPs: TIMEOUT, restorePs: RESTORE, action }, counters, log, pool, traffic);
  port.pauseObserver = { onPauseChange: (p, prio, paused) => wd.onPauseChange(p, prio, paused) };
  const driver = new Driver(sim);
  const packet = (priority: number): Packet => {
    const p = pool.acquire();
    p.frameBytes = 1000;
    p.priority = priority;
    traffic.injectedPackets++;
    return p;
  };
  /** A PAUSE storm from the peer: a PAUSE of 65535 quanta (335.5 µs) every 100 µs in [from, to). */
  const storm = (from: number, to: number) => {
    for (let t = from; t < to; t += us(100)) driver.at(t, () => port.applyPause(3, 65535));
  };
  const kinds = (kind: number) => {
    const out: number[] = [];
    for (let i = 0; i < log.length; i++) if (log.cols.get(i, 3) === kind) out.push(log.cols.get(i, 0));
    return out;
  };
  return { sim, counters, pool, traffic, port, sink, released, wd, driver, packet, storm, kinds };
}

describe('PFC watchdog', () => {
  it("action 'drop': trips timeout after the pause began, flushes and discards the class, ignores PAUSE, restores after a quiet restore time", () => {
    const t = setup('drop');
    t.storm(us(10), us(700)); // last PAUSE at 610 µs
    t.driver.at(us(20), () => {
      for (let i = 0; i < 5; i++) t.port.enqueue(t.packet(3));
      t.port.enqueue(t.packet(0)); // another class: not touched
    });
    t.driver.at(us(300), () => t.port.enqueue(t.packet(3))); // while tripped: discarded on arrival
    t.driver.at(us(1000), () => t.port.enqueue(t.packet(3))); // after the restore: sent
    const paused: boolean[] = [];
    for (const at of [109, 111, 500]) t.driver.at(us(at), () => paused.push(t.port.isPaused(3)));
    t.sim.run();
    expect(paused).toEqual([true, false, false]); // the trip ends the pause, later PAUSEs are ignored
    expect(t.kinds(PFC_WATCHDOG_TRIP)).toEqual([us(110)]);
    expect(t.kinds(PFC_WATCHDOG_RESTORE)).toEqual([us(610) + RESTORE]);
    expect(t.counters.get(0, PC_WATCHDOG_TRIPS)).toBe(1);
    expect(t.counters.get(0, PC_WATCHDOG_DROPS)).toBe(6);
    expect(t.counters.get(0, PC_DROPS)).toBe(6);
    expect(t.traffic.droppedPackets).toBe(6);
    expect(t.released).toHaveLength(6 + 2); // the owner freed each discarded packet (and the 2 sent ones)
    expect(t.wd.drops).toBe(6);
    expect(t.counters.get(0, PC_PAUSE_RX)).toBe(7); // every PAUSE is counted, honoured or not
    // what got through: the class-0 packet (sent at 20 µs, never paused) and the one after the restore
    expect(t.sink.got.map((g) => g.pkt.priority)).toEqual([0, 3]);
    expect(t.sink.times[1]).toBeGreaterThan(us(1000));
    expect(t.pool.live).toBe(2); // the discarded packets went back to the pool; the sink holds 2
    expect(t.port.queueLength(3)).toBe(0);
    expect(t.port.totalBytes).toBe(0);
  });

  it("action 'disable': the tripped class transmits into the paused peer; nothing is dropped", () => {
    const t = setup('disable');
    t.storm(us(10), us(400));
    t.driver.at(us(20), () => {
      for (let i = 0; i < 5; i++) t.port.enqueue(t.packet(3));
    });
    t.sim.run();
    expect(t.kinds(PFC_WATCHDOG_TRIP)).toEqual([us(110)]);
    expect(t.counters.get(0, PC_WATCHDOG_DROPS)).toBe(0);
    expect(t.sink.got).toHaveLength(5);
    expect(Math.min(...t.sink.times)).toBeGreaterThan(us(110)); // held by the pause until the trip
    expect(Math.max(...t.sink.times)).toBeLessThan(us(111)); // then sent at line rate despite the storm
  });

  it('a pause that ends before the timeout does not trip; a new pause starts the clock again', () => {
    const t = setup('drop');
    t.driver.at(0, () => t.port.applyPause(3, 65535));
    t.driver.at(us(90), () => t.port.applyPause(3, 0)); // RESUME just before the timeout
    t.driver.at(us(95), () => t.port.applyPause(3, 65535)); // paused again: the timeout runs from here
    t.driver.at(us(180), () => t.port.applyPause(3, 65535)); // a refresh keeps it paused
    t.driver.at(us(190), () => t.port.enqueue(t.packet(3)));
    t.sim.run(us(2000));
    expect(t.kinds(PFC_WATCHDOG_TRIP)).toEqual([us(195)]);
    expect(t.counters.get(0, PC_WATCHDOG_DROPS)).toBe(1);
  });

  it('ignores lossy priorities', () => {
    const t = setup('drop');
    for (let k = 0; k < 5; k++) t.driver.at(us(100 * k), () => t.port.applyPause(1, 65535));
    t.sim.run(us(1000));
    expect(t.kinds(PFC_WATCHDOG_TRIP)).toEqual([]);
  });
});
