import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { Simulator } from '../../src/sim/simulator.js';
import { gbps, ns, txTime, us } from '../../src/sim/time.js';
import {
  PC_PAUSED_PS,
  PC_PAUSE_RX,
  PC_RESUME_RX,
  PC_TX_BYTES,
  PC_TX_PACKETS,
  PC_TX_WIRE_BYTES,
  PortCounters,
} from '../../src/metrics/port-counters.js';
import { EgressPort } from '../../src/fabric/egress-port.js';
import { Link } from '../../src/fabric/link.js';
import { FRAME_PFC, Packet } from '../../src/fabric/packet.js';
import { StrictPriority } from '../../src/fabric/scheduler/strict-priority.js';
import { Driver, RecordingSink } from './helpers.js';

function setup(rateBps: number, delay: number) {
  const sim = new Simulator();
  const counters = new PortCounters(1);
  const port = new EgressPort(sim, 0, 0, 0, rateBps, new StrictPriority(), counters);
  const link = new Link(sim, delay);
  const sink = new RecordingSink(sim);
  port.link = link;
  link.sink = sink;
  const driver = new Driver(sim);
  return { sim, counters, port, link, sink, driver };
}

let nextId = 0;
function data(frameBytes: number, priority = 0): Packet {
  const p = new Packet();
  p.frameBytes = frameBytes;
  p.priority = priority;
  p.psn = nextId++;
  return p;
}

function control(): Packet {
  const p = new Packet();
  p.frame = FRAME_PFC;
  p.frameBytes = 64;
  p.priority = 7;
  p.psn = nextId++;
  return p;
}

const RATES = [gbps(10), gbps(25), gbps(40), gbps(100), gbps(400), gbps(3)];

describe('EgressPort + Link timing', () => {
  it('one packet of F bytes arrives at exactly txTime(F + 20, R) + D', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 64, max: 9216 }),
        fc.constantFrom(...RATES),
        fc.integer({ min: 0, max: 5_000_000 }),
        fc.integer({ min: 0, max: 1_000_000 }),
        (F, R, D, t0) => {
          const { sim, sink, port, driver } = setup(R, D);
          const p = data(F);
          driver.at(t0, () => port.enqueue(p));
          sim.run();
          expect(sink.got.length).toBe(1);
          expect(sink.got[0]!.pkt).toBe(p);
          expect(sink.got[0]!.at).toBe(t0 + txTime(F + 20, R) + D);
          expect(port.txTime(F)).toBe(txTime(F + 20, R));
        },
      ),
      { numRuns: 200 },
    );
  });

  it('worked example: 1000 B at 100 Gb/s over 1 µs arrives at 81.6 ns + 1 µs', () => {
    const { sim, sink, port } = setup(gbps(100), us(1));
    port.enqueue(data(1000));
    sim.run();
    expect(sink.times).toEqual([81_600 + 1_000_000]);
  });

  it('N back-to-back packets arrive in order, spaced by exactly their serialization times', () => {
    fc.assert(
      fc.property(
        fc.array(fc.integer({ min: 64, max: 9216 }), { minLength: 1, maxLength: 40 }),
        fc.constantFrom(...RATES),
        fc.integer({ min: 0, max: 3_000_000 }),
        (sizes, R, D) => {
          const { sim, sink, port, counters } = setup(R, D);
          const pkts = sizes.map((s) => data(s));
          for (const p of pkts) port.enqueue(p);
          sim.run();
          expect(sink.got.map((g) => g.pkt)).toEqual(pkts);
          let t = 0;
          const expected = sizes.map((s) => (t += txTime(s + 20, R)) + D);
          expect(sink.times).toEqual(expected);
          const bytes = sizes.reduce((a, b) => a + b, 0);
          expect(counters.get(0, PC_TX_BYTES)).toBe(bytes);
          expect(counters.get(0, PC_TX_WIRE_BYTES)).toBe(bytes + 20 * sizes.length);
          expect(counters.get(0, PC_TX_PACKETS)).toBe(sizes.length);
          expect(port.totalBytes).toBe(0);
          expect(port.transmitting).toBe(false);
        },
      ),
      { numRuns: 150 },
    );
  });

  it('a packet enqueued while the port is busy waits; one enqueued when idle starts at once', () => {
    const { sim, sink, port, driver } = setup(gbps(100), 0);
    driver.at(0, () => port.enqueue(data(1000))); // 0 .. 81 600
    driver.at(40_000, () => port.enqueue(data(500))); // waits: 81 600 .. 123 200
    driver.at(500_000, () => port.enqueue(data(100))); // idle: 500 000 .. 509 600
    sim.run();
    expect(sink.times).toEqual([81_600, 123_200, 509_600]);
  });

  it('the heap holds at most one event per busy actor: one TxDone and one link arrival', () => {
    const { sim, sink, port, link } = setup(gbps(100), us(10));
    const n = 300;
    for (let i = 0; i < n; i++) port.enqueue(data(1000 + (i % 7) * 100));
    let maxInFlight = 0;
    let maxPending = 0;
    while (sim.run(Infinity, 1) === 1) {
      maxPending = Math.max(maxPending, sim.pending);
      maxInFlight = Math.max(maxInFlight, link.inFlight);
      const busyActors = (port.transmitting ? 1 : 0) + (link.inFlight > 0 ? 1 : 0);
      expect(sim.pending).toBeLessThanOrEqual(busyActors);
    }
    expect(sink.got.length).toBe(n);
    expect(maxInFlight).toBeGreaterThan(50); // many packets on the cable at once ...
    expect(maxPending).toBe(2); // ... but never more than two events
    // events: one TxDone + one arrival per packet
    expect(sim.events).toBe(2 * n);
  });

  it('a link delivers in send order with its constant delay, whatever the spacing', () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 0, max: 10_000 }), { maxLength: 50 }), fc.integer({ min: 0, max: 50_000 }), (gaps, D) => {
        const sim = new Simulator();
        const link = new Link(sim, D);
        const sink = new RecordingSink(sim);
        link.sink = sink;
        const driver = new Driver(sim);
        let t = 0;
        const sent: number[] = [];
        gaps.forEach((g) => {
          t += g;
          sent.push(t);
          driver.at(t, () => link.send(data(64)));
        });
        sim.run();
        expect(sink.times).toEqual(sent.map((s) => s + D));
        expect(link.inFlight).toBe(0);
      }),
    );
  });
});

describe('EgressPort PFC pause', () => {
  // 100 Gb/s: a quantum is 512 bit times = 5 120 ps; 1000 B frame = 1020 wire B = 81 600 ps
  const R = gbps(100);
  const TX1000 = 81_600;
  const TX500 = 41_600;

  it('pauses a queued class for exactly quanta × 512 bit times; the frame on the wire finishes', () => {
    const { sim, sink, port, counters, driver } = setup(R, 0);
    const a = data(1000, 3);
    const b = data(1000, 3);
    const c = data(500, 1);
    driver.at(0, () => {
      port.enqueue(a);
      port.enqueue(b);
      port.enqueue(c);
    });
    driver.at(ns(10), () => port.applyPause(3, 100)); // until 10 000 + 512 000
    driver.at(ns(20), () => expect(port.isPaused(3)).toBe(true));
    driver.at(521_999, () => expect(port.isPaused(3)).toBe(true));
    sim.run();
    expect(sink.got.map((g) => g.pkt)).toEqual([a, c, b]);
    expect(sink.times).toEqual([TX1000, TX1000 + TX500, 522_000 + TX1000]);
    expect(port.isPaused(3)).toBe(false);
    expect(counters.get(0, PC_PAUSED_PS + 3)).toBe(512_000);
    expect(counters.get(0, PC_PAUSE_RX)).toBe(1);
    for (const p of [0, 1, 2, 4, 5, 6, 7]) expect(counters.get(0, PC_PAUSED_PS + p)).toBe(0);
  });

  it('pause duration scales with the line rate (512 bit times at 25 Gb/s = 20 480 ps)', () => {
    const { sim, sink, port, counters, driver } = setup(gbps(25), 0);
    driver.at(0, () => port.applyPause(0, 7));
    driver.at(1, () => port.enqueue(data(100, 0)));
    sim.run();
    expect(sink.times).toEqual([7 * 20_480 + txTime(120, gbps(25))]);
    expect(counters.get(0, PC_PAUSED_PS + 0)).toBe(7 * 20_480);
  });

  it('RESUME (quanta 0) restarts the class at once', () => {
    const { sim, sink, port, counters, driver } = setup(R, 0);
    driver.at(0, () => {
      port.enqueue(data(1000, 3));
      port.enqueue(data(1000, 3));
    });
    driver.at(ns(10), () => port.applyPause(3, 100));
    driver.at(200_000, () => port.applyPause(3, 0));
    sim.run();
    expect(sink.times).toEqual([TX1000, 200_000 + TX1000]);
    expect(counters.get(0, PC_PAUSED_PS + 3)).toBe(200_000 - 10_000);
    expect(counters.get(0, PC_RESUME_RX)).toBe(1);
    expect(counters.get(0, PC_PAUSE_RX)).toBe(1);
  });

  it('a refreshed PAUSE extends the pause; the first expiry does not end it', () => {
    const { sim, sink, port, counters, driver } = setup(R, 0);
    driver.at(0, () => {
      port.enqueue(data(1000, 3));
      port.enqueue(data(1000, 3));
    });
    driver.at(ns(10), () => port.applyPause(3, 100)); // until 522 000
    driver.at(300_000, () => port.applyPause(3, 100)); // until 812 000
    sim.run();
    expect(sink.times).toEqual([TX1000, 812_000 + TX1000]);
    expect(counters.get(0, PC_PAUSED_PS + 3)).toBe(802_000);
    expect(counters.get(0, PC_PAUSE_RX)).toBe(2);
  });

  it('RESUME then a new PAUSE: the stale expiry of the first PAUSE does not end the second', () => {
    const { sim, sink, port, counters, driver } = setup(R, 0);
    driver.at(0, () => {
      port.enqueue(data(1000, 3));
      port.enqueue(data(1000, 3));
      port.enqueue(data(1000, 3));
    });
    driver.at(ns(10), () => port.applyPause(3, 100)); // expiry event at 522 000
    driver.at(100_000, () => port.applyPause(3, 0)); // 2nd packet: 100 000 .. 181 600
    driver.at(150_000, () => port.applyPause(3, 100)); // until 662 000
    sim.run();
    expect(sink.times).toEqual([TX1000, 100_000 + TX1000, 662_000 + TX1000]);
    expect(counters.get(0, PC_PAUSED_PS + 3)).toBe(90_000 + 512_000);
  });

  it('closePauseAccounting adds the open part of a pause', () => {
    const { sim, port, counters, driver } = setup(R, 0);
    driver.at(1_000, () => port.applyPause(5, 1000)); // 5.12 µs
    sim.run(3_000);
    port.closePauseAccounting();
    expect(counters.get(0, PC_PAUSED_PS + 5)).toBe(2_000);
    sim.run();
    expect(counters.get(0, PC_PAUSED_PS + 5)).toBe(5_120_000);
  });

  it('control frames go before queued data and ignore pause', () => {
    const { sim, sink, port, counters, driver } = setup(R, 0);
    const a = data(1000, 3);
    const b = data(1000, 3);
    const k1 = control();
    const k2 = control();
    const TXC = txTime(84, R); // 6 720
    driver.at(0, () => {
      port.enqueue(a);
      port.enqueue(b);
    });
    driver.at(ns(20), () => port.sendControl(k1)); // jumps ahead of b
    driver.at(300_000, () => {
      for (let p = 0; p < 8; p++) port.applyPause(p, 1000); // everything paused
      port.enqueue(data(64, 7));
      port.sendControl(k2); // idle port: goes at once despite the pause
    });
    sim.run(400_000);
    expect(sink.got.map((g) => g.pkt)).toEqual([a, k1, b, k2]);
    expect(sink.times).toEqual([TX1000, TX1000 + TXC, TX1000 + TXC + TX1000, 300_000 + TXC]);
    expect(counters.get(0, PC_TX_PACKETS)).toBe(4);
    expect(counters.get(0, PC_TX_BYTES)).toBe(2000 + 128);
  });
});
