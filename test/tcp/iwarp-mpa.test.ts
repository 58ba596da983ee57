import { describe, expect, it } from 'vitest';
import type { RunResult } from '../../src/experiment/run.js';
import { MPA_REQ_REP_HEADER, MPA_V2_PRIVATE_DATA, mpaFrameBytes } from '../../src/transport/iwarp/mpa-setup.js';
import { run } from '../helpers/run.js';

/**
 * MPA connection setup (RFC 5044 §7.1 + RFC 6581): Request → Reply → the initiator's
 * zero-length RDMA WRITE, then FPDUs. On an idle 2-host star (100 Gb/s, 1 µs cables,
 * store-and-forward: a frame of F bytes takes 2·ser(F) + 2 µs host to host) the first message
 * is later by exactly
 *
 *   one round trip of the MPA frames        2·(2·ser(94) + 2 µs)    Request and Reply: 70 + 24 B
 *   + the responder's ACK of the Request     ser(70)                 (PSH: ACKed at once, ahead of the Reply on its NIC)
 *   + the zero-length WRITE before the data  ser(90)                 70 + FPDU 2 + DDP 14 + CRC 4
 */
const D = 1_000_000;
const ser = (frameBytes: number): number => (frameBytes + 20) * 8 * 10; // ps at 100 Gb/s, with preamble + IFG
const TCP_BASE = 70; // Ethernet 14 + IPv4 20 + TCP 20 + timestamps 12 + FCS 4
const MPA_FRAME = TCP_BASE + mpaFrameBytes();
const RTR = TCP_BASE + 2 + 14 + 4;
const oneWay = (f: number): number => 2 * ser(f) + 2 * D;
const SETUP = oneWay(MPA_FRAME) + oneWay(MPA_FRAME) + ser(TCP_BASE) + ser(RTR);

const base = { name: 'mpa', topology: { generator: 'star', params: { hosts: 2, rate_gbps: 100, delay_ns: 1000 } }, fabric: { mtu: 1500 } };
const flow = (transport: Record<string, unknown>, verb = 'write'): RunResult =>
  run({ ...base, transport: { kind: 'iwarp', ...transport }, workload: { kind: 'flows', list: [{ src: 'h0', dst: 'h1', bytes: 1000, verb }] } });
const perftest = (transport: Record<string, unknown>, test: string, verb: string): RunResult =>
  run({ ...base, transport: { kind: 'iwarp', handshake: true, ...transport }, workload: { kind: 'perftest', test, verb, sizes: [1000], iterations: 10 } });
const col = (r: RunResult, c: string): unknown => {
  const t = r.tables.find((x) => x.name === 'perftest')!;
  return t.rows[0]![t.columns.indexOf(c)];
};

describe('MPA connection setup (iwarp mpa_handshake)', () => {
  it('frames: a 20-byte Request/Reply header with 4 bytes of IRD/ORD private data', () => {
    expect(MPA_REQ_REP_HEADER).toBe(16 + 1 + 1 + 2);
    expect(MPA_V2_PRIVATE_DATA).toBe(4);
    expect(MPA_FRAME).toBe(94);
  });

  it.each([
    [true, 'write'],
    [false, 'write'],
    [true, 'send'],
    [true, 'read'],
  ])('with TCP handshake %s, a first %s pays exactly one more round trip (+ the frames) than without, to the ps', (handshake, verb) => {
    const without = flow({ handshake, mpa_handshake: false }, verb);
    const withMpa = flow({ handshake, mpa_handshake: true }, verb);
    const a = without.flows.records[0]!;
    const b = withMpa.flows.records[0]!;
    expect(b.status).toBe('done');
    expect(b.deliveredBytes).toBe(1000);
    expect(b.finish - a.finish).toBe(SETUP);
    // the setup's frames: Request, Reply, the zero-length WRITE, and the ACK of each
    const t0 = without.fabric.traffic;
    const t1 = withMpa.fabric.traffic;
    expect(t1.injectedPackets - t0.injectedPackets).toBe(6);
    expect(t1.injectedBytes - t0.injectedBytes).toBe(2 * MPA_FRAME + RTR + 3 * TCP_BASE);
  });

  it('follows the TCP handshake option by default', () => {
    expect(flow({ handshake: true }).flows.records[0]!.finish).toBe(flow({ handshake: true, mpa_handshake: true }).flows.records[0]!.finish);
    expect(flow({}).flows.records[0]!.finish).toBe(flow({ mpa_handshake: false }).flows.records[0]!.finish);
  });

  it.each([
    ['lat', 'write'],
    ['lat', 'read'],
    ['bw', 'write'],
  ])('perftest %s %s: ten messages on one connection pay it once', (test, verb) => {
    const a = perftest({ mpa_handshake: false }, test, verb);
    const b = perftest({ mpa_handshake: true }, test, verb);
    expect(b.simTimePs - a.simTimePs).toBe(SETUP);
    if (test === 'lat') {
      // only the first iteration is later (perftest reports half the round trip of a ping-pong
      // write, the whole round trip of a read); every other one is unchanged
      expect(col(b, 't_typical_us')).toBe(col(a, 't_typical_us'));
      expect(col(b, 't_min_us')).toBe(col(a, 't_min_us'));
      const perIteration = verb === 'write' ? SETUP / 2 : SETUP;
      expect(Math.round(((col(b, 't_max_us') as number) - (col(a, 't_max_us') as number)) * 1e6)).toBe(perIteration);
    }
  });
});
