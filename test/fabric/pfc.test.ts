import { describe, expect, it } from 'vitest';
import { Simulator } from '../../src/sim/simulator.js';
import { gbps, txTime, us } from '../../src/sim/time.js';
import { PC_PAUSE_TX, PC_PAUSED_PS, PC_RESUME_TX, PortCounters } from '../../src/metrics/port-counters.js';
import { EgressPort } from '../../src/fabric/egress-port.js';
import { PfcIngress, pfcHeadroomBytes, type PfcFrameObserver, type PfcSettings } from '../../src/fabric/flow-control/pfc.js';
import { IngressPort } from '../../src/fabric/ingress-port.js';
import { Link } from '../../src/fabric/link.js';
import { FRAME_DATA, FRAME_PFC, PacketPool } from '../../src/fabric/packet.js';
import { StrictPriority } from '../../src/fabric/scheduler/strict-priority.js';
import { Driver, RecordingSink } from './helpers.js';

const R = gbps(100);
const D = 1_000_000; // 1 µs cable
const QUANTA = 100; // 100 × 512 bit times at 100 Gb/s = 512 000 ps
const PAUSE_PS = 512_000;
const REFRESH_PS = PAUSE_PS / 2;
const TX_PFC = txTime(64 + 20, R); // 6 720 ps
/** From a PFC frame's creation to its arrival at the peer: serialization + cable. */
const LAG = TX_PFC + D;

const SETTINGS: PfcSettings = {
  enabledMask: 1 << 3,
  xoffBytes: 10_000,
  xonBytes: 5_000,
  headroomBytes: [3_000, 4_000],
  quanta: QUANTA,
};

/** A 2-port "switch": egress ports 0 and 1 (global indices 5 and 6) with cables to recording sinks. */
function setup(settings: PfcSettings = SETTINGS) {
  const sim = new Simulator();
  const counters = new PortCounters(8);
  const pool = new PacketPool();
  const ports = [0, 1].map((local) => new EgressPort(sim, 5 + local, 2, local, R, new StrictPriority(), counters));
  const sinks = ports.map((p) => {
    const link = new Link(sim, D);
    const sink = new RecordingSink(sim);
    link.sink = sink;
    p.link = link;
    return sink;
  });
  const seen: [number, number, number, number][] = [];
  const observer: PfcFrameObserver = {
    onPfcFrameSent: (port, priority, quanta) => seen.push([sim.now, port.local, priority, quanta]),
  };
  const pfc = new PfcIngress(sim, ports, settings, pool, counters, observer);
  const driver = new Driver(sim);
  return { sim, counters, pool, ports, sinks, pfc, driver, seen };
}

/** The PFC frames a sink got: [arrival, pfcPriority, pfcQuanta]. */
const pfcFrames = (s: RecordingSink): [number, number, number][] =>
  s.got.filter((g) => g.pkt.frame === FRAME_PFC).map((g) => [g.at, g.pkt.pfcPriority, g.pkt.pfcQuanta]);

describe('PfcIngress', () => {
  it('crossing XOFF sends exactly one 64-byte PAUSE out of the ingress port itself', () => {
    const { sim, counters, sinks, pfc, driver, seen } = setup();
    driver.at(0, () => pfc.charge(0, 3, 6_000));
    driver.at(10, () => pfc.charge(0, 3, 4_000)); // exactly at XOFF: not above
    driver.at(20, () => expect(pfc.isXoff(0, 3)).toBe(false));
    driver.at(1_000, () => pfc.charge(0, 3, 1)); // 10 001 > XOFF
    driver.at(2_000, () => pfc.charge(0, 3, 2_000)); // more: no second frame
    driver.at(3_000, () => pfc.charge(0, 3, 500));
    // frames sent before the first refresh (counted when sent, i.e. before they arrive)
    const sent: [number, number, typeof seen][] = [];
    driver.at(1_000 + REFRESH_PS - 1, () => sent.push([counters.get(5, PC_PAUSE_TX), counters.get(6, PC_PAUSE_TX), [...seen]]));
    sim.run(1_000 + REFRESH_PS - 1 + LAG); // frames sent before the first refresh have arrived
    expect(pfc.isXoff(0, 3)).toBe(true);
    expect(pfc.charged(0, 3)).toBe(12_501);
    expect(sinks[0]!.got.length).toBe(1);
    const f = sinks[0]!.got[0]!;
    expect(f.at).toBe(1_000 + TX_PFC + D);
    expect(f.pkt.frame).toBe(FRAME_PFC);
    expect(f.pkt.frameBytes).toBe(64);
    expect(f.pkt.pfcPriority).toBe(3);
    expect(f.pkt.pfcQuanta).toBe(QUANTA);
    expect(sinks[1]!.got.length).toBe(0); // not out of the other port
    expect(sent).toEqual([[1, 0, [[1_000, 0, 3, QUANTA]]]]);
  });

  it('re-sends the PAUSE every half pause time while above XON', () => {
    const { sim, counters, sinks, pfc, driver } = setup();
    driver.at(1_000, () => pfc.charge(0, 3, 11_000));
    driver.at(1_000 + REFRESH_PS + 5, () => pfc.release(0, 3, 5_000)); // 6 000: still above XON
    const sentBy: number[] = [];
    driver.at(1_000 + 3 * REFRESH_PS + 1, () => sentBy.push(counters.get(5, PC_PAUSE_TX), counters.get(5, PC_RESUME_TX)));
    sim.run(1_000 + 3 * REFRESH_PS + LAG);
    expect(pfcFrames(sinks[0]!)).toEqual([0, 1, 2, 3].map((k) => [1_000 + k * REFRESH_PS + TX_PFC + D, 3, QUANTA]));
    expect(sentBy).toEqual([4, 0]);
  });

  it('releasing to XON sends one RESUME (quanta 0) and stops the refreshes', () => {
    const { sim, counters, sinks, pfc, driver, seen } = setup();
    driver.at(0, () => pfc.charge(0, 3, 12_000));
    driver.at(100_000, () => pfc.release(0, 3, 6_000)); // 6 000 > XON: nothing
    driver.at(200_000, () => pfc.release(0, 3, 1_000)); // 5 000 = XON: RESUME
    driver.at(210_000, () => pfc.release(0, 3, 1_000)); // lower still: nothing more
    sim.run(10 * PAUSE_PS);
    expect(pfcFrames(sinks[0]!)).toEqual([
      [TX_PFC + D, 3, QUANTA],
      [200_000 + TX_PFC + D, 3, 0],
    ]);
    expect(pfc.isXoff(0, 3)).toBe(false);
    expect(pfc.charged(0, 3)).toBe(4_000);
    expect(counters.get(5, PC_PAUSE_TX)).toBe(1);
    expect(counters.get(5, PC_RESUME_TX)).toBe(1);
    expect(seen.map((s) => s[3])).toEqual([QUANTA, 0]);
  });

  it('PAUSE, RESUME, PAUSE again: refreshes follow the latest PAUSE only', () => {
    const { sim, sinks, pfc, driver } = setup();
    driver.at(0, () => pfc.charge(0, 3, 12_000));
    driver.at(50_000, () => pfc.release(0, 3, 8_000)); // RESUME
    driver.at(100_000, () => pfc.charge(0, 3, 8_000)); // PAUSE again
    sim.run(100_000 + REFRESH_PS + LAG);
    // the first PAUSE's refresh (due at REFRESH_PS) is stale; the next is at 100 000 + REFRESH_PS
    expect(pfcFrames(sinks[0]!)).toEqual([
      [TX_PFC + D, 3, QUANTA],
      [50_000 + TX_PFC + D, 3, 0],
      [100_000 + TX_PFC + D, 3, QUANTA],
      [100_000 + REFRESH_PS + TX_PFC + D, 3, QUANTA],
    ]);
  });

  it('(port, priority) pairs are independent', () => {
    const { sim, sinks, pfc, driver } = setup({ ...SETTINGS, enabledMask: 0b1001000 });
    driver.at(0, () => {
      pfc.charge(1, 3, 9_000);
      pfc.charge(0, 3, 9_000);
      pfc.charge(1, 6, 9_000);
      pfc.charge(1, 6, 2_000); // only (1, 6) crosses XOFF
    });
    sim.run(REFRESH_PS - 1 + LAG);
    expect(pfcFrames(sinks[1]!)).toEqual([[TX_PFC + D, 6, QUANTA]]);
    expect(sinks[0]!.got).toEqual([]);
    expect([pfc.isXoff(1, 6), pfc.isXoff(1, 3), pfc.isXoff(0, 3), pfc.isXoff(0, 6)]).toEqual([true, false, false, false]);
    expect([pfc.isLossless(3), pfc.isLossless(6), pfc.isLossless(0), pfc.isLossless(7)]).toEqual([true, true, false, false]);
  });

  it('the PAUSE frame overtakes queued data but not the frame on the wire', () => {
    const { sim, sinks, ports, pfc, driver } = setup();
    const TX1000 = txTime(1020, R);
    driver.at(0, () => {
      for (let i = 0; i < 3; i++) {
        const p = new PacketPool().acquire();
        p.frameBytes = 1000;
        ports[0]!.enqueue(p);
      }
    });
    driver.at(10_000, () => pfc.charge(0, 3, 20_000));
    sim.run(REFRESH_PS - 1 + LAG);
    expect(sinks[0]!.got.map((g) => [g.pkt.frame, g.at])).toEqual([
      [FRAME_DATA, TX1000 + D],
      [FRAME_PFC, TX1000 + TX_PFC + D],
      [FRAME_DATA, 2 * TX1000 + TX_PFC + D],
      [FRAME_DATA, 3 * TX1000 + TX_PFC + D],
    ]);
  });

  it('admits() takes anything below XOFF, then only the ingress port’s own headroom above the crossing point', () => {
    const { pfc } = setup();
    // below XOFF every packet is admitted: it may be the one that crosses XOFF
    expect(pfc.admits(0, 3, 13_000)).toBe(true);
    expect(pfc.admits(0, 3, 50_000)).toBe(true);
    pfc.charge(0, 3, 9_000);
    expect(pfc.isXoff(0, 3)).toBe(false);
    pfc.charge(0, 3, 1_500); // crosses XOFF (10,000) at 10,500: headroom counts from here
    expect(pfc.isXoff(0, 3)).toBe(true);
    expect(pfc.admits(0, 3, 3_000)).toBe(true);
    expect(pfc.admits(0, 3, 3_001)).toBe(false);
    pfc.charge(0, 3, 2_000);
    expect(pfc.admits(0, 3, 1_000)).toBe(true);
    expect(pfc.admits(0, 3, 1_001)).toBe(false);
    expect(pfc.admits(0, 4, 50_000)).toBe(true); // other priority unaffected
    expect(pfc.admits(1, 3, 50_000)).toBe(true); // other port unaffected
    pfc.release(0, 3, 12_500); // down to 0 ≤ XON: RESUME, admission open again
    expect(pfc.isXoff(0, 3)).toBe(false);
    expect(pfc.admits(0, 3, 13_000)).toBe(true);
  });

  it('end to end: PAUSE frames (with refreshes) hold the upstream class until the RESUME arrives', () => {
    const { sim, sinks, ports, pfc, pool, driver, counters } = setup();
    // the upstream device: its egress (global index 0) sends toward us over its own cable
    const up = new EgressPort(sim, 0, 0, 0, R, new StrictPriority(), counters);
    const upSink = new RecordingSink(sim);
    up.link = new Link(sim, D);
    up.link.sink = upSink;
    const upIngress = new IngressPort(up, pool);
    const toNode: number[] = [];
    upIngress.handler = { receiveFrom: () => toNode.push(sim.now) };
    // our port 0 transmits to the upstream's ingress
    ports[0]!.link = new Link(sim, D);
    ports[0]!.link.sink = upIngress;
    const TX1000 = txTime(1020, R);
    const T_REL = 700_000; // after two refreshes (256 000, 512 000)
    driver.at(0, () => pfc.charge(0, 3, 11_000));
    driver.at(LAG + 1, () => {
      expect(up.isPaused(3)).toBe(true);
      const p = pool.acquire();
      p.frameBytes = 1000;
      p.priority = 3;
      up.enqueue(p); // held: class 3 is paused
      const q = pool.acquire();
      q.frameBytes = 1000;
      q.priority = 2;
      up.enqueue(q); // class 2 is not paused: goes at once
    });
    // without the refreshes the first PAUSE would expire at LAG + 512 000 < T_REL + LAG
    driver.at(T_REL, () => pfc.release(0, 3, 7_000)); // 4 000 ≤ XON: RESUME
    sim.run();
    expect(up.isPaused(3)).toBe(false);
    expect(upSink.times).toEqual([LAG + 1 + TX1000 + D, T_REL + LAG + TX1000 + D]);
    expect(upSink.got.map((g) => g.pkt.priority)).toEqual([2, 3]);
    expect(counters.get(0, PC_PAUSED_PS + 3)).toBe(T_REL);
    expect(counters.get(5, PC_PAUSE_TX)).toBe(3);
    expect(counters.get(5, PC_RESUME_TX)).toBe(1);
    expect(sinks[0]!.got).toEqual([]); // re-wired
    expect(toNode).toEqual([]); // PFC frames are consumed, never handed to the node
    for (const g of upSink.got) pool.release(g.pkt);
    expect(pool.live).toBe(0); // every PFC frame went back to the pool
  });
});

describe('pfcHeadroomBytes', () => {
  it('100 Gb/s, 1 µs, 1086-byte frames = 25 000 + 2·1106 + 84', () => {
    expect(pfcHeadroomBytes(gbps(100), us(1), 1086)).toBe(25_000 + 2 * 1106 + 84);
    expect(pfcHeadroomBytes(gbps(100), us(1), 1086)).toBe(27_296);
  });

  it('scales with rate × delay and with the frame size', () => {
    // cable round trip at 25 Gb/s over 2 µs: 2 × 25e9 × 2e-6 / 8 = 12 500 B
    expect(pfcHeadroomBytes(gbps(25), us(2), 9216)).toBe(12_500 + 2 * 9236 + 84);
    expect(pfcHeadroomBytes(gbps(100), 0, 1000)).toBe(2 * 1020 + 84);
    // a non-integral byte count of cable rounds up
    expect(pfcHeadroomBytes(gbps(100), 1, 1000)).toBe(1 + 2 * 1020 + 84);
  });
});
