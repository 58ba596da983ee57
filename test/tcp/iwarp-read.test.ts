import { describe, expect, it } from 'vitest';
import { PC_LINK_LOSSES } from '../../src/metrics/port-counters.js';
import { DDP_UNTAGGED_HEADER, IwarpFraming, RDMAP_TERMINATE, fpduBytes } from '../../src/transport/iwarp/framing.js';
import { run } from '../helpers/run.js';

/**
 * iWARP READ: the initiator (flow src) sends an RDMAP Read Request — one MPA FPDU holding the
 * untagged DDP header (18) and the Read Request header (28): 2 + 18 + 28 + CRC 4 = 52 bytes, a
 * 122-byte frame with TCP timestamps — and the responder's NIC answers with a Read Response
 * stream of DDP tagged segments (14-byte header, 1428 payload bytes per 1518-byte frame, as a
 * WRITE) on the other half of the same TCP connection. It completes when the last response
 * segment arrives in order.
 */
const PREAMBLE_IFG = 20;
const ser = (frameBytes: number, gbps: number): number => ((frameBytes + PREAMBLE_IFG) * 8 * 1000) / gbps;
const respFrame = (payload: number): number => 14 + 20 + 20 + 12 + 4 + 2 + 14 + payload + ((4 - ((2 + 14 + payload) % 4)) % 4) + 4;

describe('iWARP READ', () => {
  it('frames the Read Request as an untagged FPDU: 122 bytes with timestamps, 110 without', () => {
    expect(new IwarpFraming(1500, false, true, false).readRequestFrame()).toBe(122);
    expect(new IwarpFraming(1500, false, false, false).readRequestFrame()).toBe(110);
    expect(new IwarpFraming(1500, false, true, true).readRequestFrame()).toBe(126);
    // an RDMAP Terminate: untagged DDP header 18 + Terminate Control 4 + DDP segment length 2 +
    // the terminated SEND's DDP header 18 = 42-byte ULPDU, a 48-byte FPDU, 118 bytes with timestamps
    expect(new IwarpFraming(1500, false, true, false).frameAt(fpduBytes(DDP_UNTAGGED_HEADER + RDMAP_TERMINATE), 0)).toBe(118);
  });

  const idle = (bytes: number) =>
    run({
      name: 'iwarp-read',
      topology: { generator: 'star', params: { hosts: 2, rate_gbps: 100, delay_ns: 1000 } },
      fabric: { mtu: 1500 },
      transport: { kind: 'iwarp' },
      workload: { kind: 'flows', list: [{ src: 'h0', dst: 'h1', bytes, verb: 'read' }] },
    }).flows.records[0]!;

  it('on an idle path takes the request trip plus the response trip, to the picosecond', () => {
    const request = 2 * ser(122, 100) + 2 * 1_000_000;
    // one segment
    const one = idle(1000);
    expect(one.status).toBe('done');
    expect(one.deliveredBytes).toBe(1000);
    expect(one.packetsSent).toBe(2); // the Read Request and one response segment
    expect(one.finish - one.start).toBe(request + 2 * ser(respFrame(1000), 100) + 2 * 1_000_000);
    // five segments back to back, the last one short: store-and-forward behind a full frame
    const bytes = 4 * 1428 + 100;
    const f = idle(bytes);
    expect(f.status).toBe('done');
    expect(f.deliveredBytes).toBe(bytes);
    expect(f.packetsSent).toBe(6);
    const response = 4 * ser(1518, 100) + ser(respFrame(100), 100) + ser(1518, 100) + 2 * 1_000_000;
    // the responder's TCP ACKs the Read Request with a pure 70-byte ACK (no piggybacking on the
    // response), which its NIC sends behind the first response segment, ahead of the second
    const ack = ser(70, 100);
    expect(f.recvDone - f.start).toBe(request + response + ack);
    expect(f.finish).toBe(f.recvDone);
    expect(f.idealFct).toBe(request + response + ack);
    expect(one.idealFct).toBe(one.finish - one.start);
  });

  it('a lost Read Request is resent by the initiator\'s TCP after its RTO, doubling', () => {
    const list: Record<string, unknown>[] = [];
    for (let i = 0; i < 100; i++) list.push({ src: 'h0', dst: 'h1', bytes: 4000, verb: 'read', start_ns: i * 1000 });
    const r = run({
      name: 'iwarp-read-request-loss',
      seed: 1,
      topology: { generator: 'star', params: { hosts: 2, rate_gbps: 100, delay_ns: 1000 } },
      fabric: { mtu: 1500, link_loss_rate: 0.05, pfc: { enabled: false } },
      transport: { kind: 'iwarp', min_rto_ms: 1 },
      cc: { kind: 'dctcp', min_window_packets: 2 },
      workload: { kind: 'flows', list },
    });
    for (const f of r.flows.records) {
      expect(f.status).toBe('done');
      expect(f.deliveredBytes).toBe(4000);
    }
    // the request is the only segment of the initiator's stream: when it (or its resend) is lost
    // nothing else can trigger a fast retransmit, so each loss costs the 1 ms RTO, then 2 ms
    // (a timeout may also come after the READ completed: the request's ACK was lost, and the
    // spurious resend is dropped by the responder's TCP as a duplicate, never read twice)
    const late = (f: { finish: number; start: number; idealFct: number }) => f.finish - f.start - f.idealFct;
    const delayed = r.flows.records.filter((f) => late(f) > 100e6);
    expect(delayed.length).toBeGreaterThan(0);
    expect(delayed.some((f) => late(f) > 3e9)).toBe(true);
    for (const f of delayed) {
      // at least one 1 ms RTO; k timeouts in a row cost at most 1 + 2 + ... + 2^(k-1) ms
      expect(f.timeouts).toBeGreaterThan(0);
      expect(late(f)).toBeGreaterThan(0.99e9);
      expect(late(f)).toBeLessThan((2 ** f.timeouts - 1) * 1e9 + 20e6);
    }
    expect(r.flows.records.reduce((n, f) => n + f.retxPackets, 0)).toBeGreaterThan(0);
  });

  it('a READ-heavy workload completes under 1 % random loss, every byte in order', () => {
    const list: Record<string, unknown>[] = [];
    for (let i = 0; i < 40; i++) list.push({ src: 'h0', dst: i % 2 === 0 ? 'h1' : 'h2', bytes: 30_000, verb: 'read', start_ns: i * 2000 });
    list.push({ src: 'h0', dst: 'h1', bytes: 1_000_000, verb: 'read' }, { src: 'h2', dst: 'h0', bytes: 1_000_000, verb: 'read' });
    const r = run({
      name: 'iwarp-read-loss',
      seed: 3,
      topology: { generator: 'star', params: { hosts: 3, rate_gbps: 100, delay_ns: 2000 } },
      fabric: { mtu: 1500, link_loss_rate: 0.01, pfc: { enabled: false } },
      transport: { kind: 'iwarp', min_rto_ms: 1 },
      cc: { kind: 'dctcp', min_window_packets: 2 },
      workload: { kind: 'flows', list },
    });
    expect(r.fabric.counters.total(PC_LINK_LOSSES)).toBeGreaterThan(0);
    let retx = 0;
    for (const f of r.flows.records) {
      expect(f.status).toBe('done');
      expect(f.deliveredBytes).toBe(f.bytes);
      retx += f.retxPackets;
    }
    expect(retx).toBeGreaterThan(0);
  });
});
