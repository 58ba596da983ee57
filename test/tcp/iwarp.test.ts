import { describe, expect, it } from 'vitest';
import type { RunResult } from '../../src/experiment/run.js';
import { PC_LINK_LOSSES } from '../../src/metrics/port-counters.js';
import { IwarpFraming } from '../../src/transport/iwarp/framing.js';
import { run } from '../helpers/run.js';

/**
 * iWARP WRITEs: one MPA FPDU per TCP segment. On a 1500-byte MTU with timestamps the TCP
 * segment holds 1448 bytes; the FPDU spends 2 (ULPDU length) + 14 (DDP tagged + RDMAP header)
 * + 4 (CRC32c) of them, so 1428 bytes of RDMA payload per 1518-byte frame (1538 on the wire):
 * goodput = 1428/1538 = 92.85 % of the line rate (TCP alone: 1448/1538 = 94.15 %).
 */
const PREAMBLE_IFG = 20;
const ser = (frameBytes: number, gbps: number): number => ((frameBytes + PREAMBLE_IFG) * 8 * 1000) / gbps;

describe('iWARP framing', () => {
  it('fits one FPDU in each TCP segment', () => {
    const f = new IwarpFraming(1500, false, true, false);
    expect(f.emss).toBe(1448);
    expect(f.mss).toBe(1428);
    expect(f.fpduBytes(1428)).toBe(1448);
    expect(f.dataFrame(1428)).toBe(1518);
    expect(f.fpduBytes(1)).toBe(2 + 14 + 1 + 3 + 4); // padded to 4
    const noTs = new IwarpFraming(1500, false, false, false);
    expect(noTs.mss).toBe(1440);
    // markers: MULPDU = EMSS − (6 + 4·⌈1448/512⌉ + 1448 mod 4) = 1430, so 1416 payload bytes
    // in a 1436-byte FPDU, which leaves room for the 3 markers a 1448-byte span can hold
    const m = new IwarpFraming(1500, false, true, true);
    expect(m.mulpdu).toBe(1430);
    expect(m.mss).toBe(1416);
    expect(m.fpduBytes(m.mss)).toBe(1436);
  });

  it('places MPA markers every 512 bytes of the TCP stream, by stream position (RFC 5044)', () => {
    const m = new IwarpFraming(1500, false, true, true);
    // the stream's first FPDU begins with a marker: positions 0, 512, 1024 fall in the first 1448 bytes
    expect(m.frameAt(1436, 0)).toBe(70 + 1436 + 12);
    // segment k of full FPDUs starts k·1436 FPDU bytes in; its markers are those of its span
    const markersOf = (k: number) => (m.frameAt(1436, k * 1436) - 70 - 1436) / 4;
    const counts = Array.from({ length: 127 }, (_, k) => markersOf(k));
    expect(new Set(counts)).toEqual(new Set([2, 3]));
    // 127 FPDUs of 1436 bytes = 182,372 FPDU bytes: one marker per 508 of them, the first at 0
    expect(counts.reduce((a, b) => a + b, 0)).toBe(Math.ceil((127 * 1436) / 508));
    // brute force: walk the stream byte by byte, a marker at every multiple of 512
    let pos = 0;
    for (let k = 0; k < 127; k++) {
      let fpduLeft = 1436;
      let markers = 0;
      while (fpduLeft > 0) {
        if (pos % 512 === 0) {
          markers++;
          pos += 4;
        } else {
          pos++;
          fpduLeft--;
        }
      }
      expect(markers).toBe(counts[k]);
    }
    // a small FPDU that starts just after a marker carries none; one that crosses 508 carries one
    expect(m.frameAt(64, 100)).toBe(70 + 64);
    expect(m.frameAt(64, 500)).toBe(70 + 64 + 4);
  });

  it('a WRITE with markers: each frame carries the markers its stream span holds; goodput follows', () => {
    const bytes = 1416 * 200;
    const r = run({
      name: 'iwarp-markers',
      topology: { generator: 'star', params: { hosts: 2, rate_gbps: 100, delay_ns: 1000 } },
      fabric: { mtu: 1500 },
      transport: { kind: 'iwarp', mpa_markers: true },
      workload: { kind: 'flows', list: [{ src: 'h0', dst: 'h1', bytes }] },
    });
    const f = r.flows.records[0]!;
    expect(f.status).toBe('done');
    expect(f.packetsSent).toBe(200);
    const markers = Math.ceil((200 * 1436) / 508);
    const wire = 200 * (70 + 1436 + 20) + 4 * markers;
    // the first frame (3 markers) is the largest: store-and-forward adds it once more
    const lastByte = (wire * 8 * 1000) / 100 + ser(1518, 100) + 2 * 1_000_000;
    expect(f.recvDone - f.start).toBe(lastByte);
    expect(f.idealFct).toBe(f.finish - f.start);
    // goodput: 1416 payload bytes per 1526 + 4·1436/508 wire bytes = 92.11 % (92.85 % without markers)
    const goodput = (bytes * 8) / ((f.recvDone - f.start - ser(1518, 100) - 2 * 1_000_000) / 1000);
    expect(goodput).toBeCloseTo((100 * bytes) / wire, 9);
    expect(goodput).toBeCloseTo(92.108, 2);
    expect(goodput).toBeLessThan((100 * 1428) / 1538);
  });

  it('a single WRITE alone reaches the goodput the MPA/DDP/RDMAP arithmetic predicts, to the picosecond', () => {
    const bytes = 2_000_000;
    const r = run({
      name: 'iwarp-goodput',
      topology: { generator: 'star', params: { hosts: 2, rate_gbps: 100, delay_ns: 1000 } },
      fabric: { mtu: 1500 },
      transport: { kind: 'iwarp' },
      workload: { kind: 'flows', list: [{ src: 'h0', dst: 'h1', bytes }] },
    });
    const f = r.flows.records[0]!;
    const n = Math.ceil(bytes / 1428);
    const last = bytes - (n - 1) * 1428;
    const lastFrame = 14 + 20 + 20 + 12 + 4 + 2 + 14 + last + ((4 - ((2 + 14 + last) % 4)) % 4) + 4;
    const sum = (n - 1) * ser(1518, 100) + ser(lastFrame, 100);
    const lastByte = sum + ser(1518, 100) + 2 * 1_000_000;
    expect(f.status).toBe('done');
    expect(f.deliveredBytes).toBe(bytes);
    expect(f.packetsSent).toBe(n);
    expect(f.recvDone - f.start).toBe(lastByte);
    expect(f.finish - f.start).toBe(lastByte + 2 * (ser(70, 100) + 1_000_000));
    expect(f.finish - f.start).toBe(f.idealFct);
    const goodput = (bytes * 8) / (sum / 1000);
    expect(Math.abs(goodput - (100 * 1428) / 1538)).toBeLessThan(0.01);
  });
});

describe('iWARP under random loss', () => {
  const BYTES = 2_000_000;
  const lossy = (transport: Record<string, unknown>, rate: number): RunResult =>
    run({
      name: 'iwarp-loss',
      topology: { generator: 'star', params: { hosts: 3, rate_gbps: 100, delay_ns: 2000 } },
      fabric: { mtu: 1500, link_loss_rate: rate, pfc: { enabled: false } },
      transport,
      cc: { kind: 'dctcp', min_window_packets: 2 },
      workload: { kind: 'flows', list: [{ src: 'h1', dst: 'h0', bytes: BYTES }, { src: 'h2', dst: 'h0', bytes: BYTES }] },
    });
  const retx = (r: RunResult) => r.flows.records.reduce((s, f) => s + f.retxPackets, 0);

  // RoCEv2 without PFC recovers by go-back-N: several times the retransmissions (its completion
  // time at these loss rates is not worse here: its 50 µs RTO and full-rate restart are
  // aggressive, while TCP's window halves per loss)
  it('completes with TCP recovery where RoCEv2 without PFC degrades to go-back-N', () => {
    for (const rate of [0.001, 0.01]) {
      const iw = lossy({ kind: 'iwarp', min_rto_ms: 1 }, rate);
      const roce = lossy({ kind: 'roce-v2', loss_recovery: 'go-back-n', rto_us: 50 }, rate);
      expect(iw.fabric.counters.total(PC_LINK_LOSSES)).toBeGreaterThan(0);
      for (const f of iw.flows.records) {
        expect(f.status).toBe('done');
        expect(f.deliveredBytes).toBe(BYTES);
      }
      expect(retx(iw)).toBeLessThanOrEqual(iw.fabric.counters.total(PC_LINK_LOSSES));
      expect(retx(roce)).toBeGreaterThan(5 * retx(iw));
    }
  });
});

describe('iWARP SEND', () => {
  it('carries untagged DDP segments: 18-byte headers, 1424 payload bytes per 1518-byte frame', () => {
    const f = new IwarpFraming(1500, false, true, false, false);
    expect(f.mss).toBe(1424);
    expect(f.fpduBytes(1424)).toBe(1448);
    const bytes = 1424 * 100;
    const r = run({
      name: 'iwarp-send',
      topology: { generator: 'star', params: { hosts: 2, rate_gbps: 100, delay_ns: 1000 } },
      fabric: { mtu: 1500 },
      transport: { kind: 'iwarp' },
      workload: { kind: 'flows', list: [{ src: 'h0', dst: 'h1', bytes, verb: 'send' }] },
    });
    const rec = r.flows.records[0]!;
    expect(rec.status).toBe('done');
    expect(rec.packetsSent).toBe(100);
    expect(rec.recvDone - rec.start).toBe(101 * ser(1518, 100) + 2 * 1_000_000);
    // the ideal FCT counts the SEND's own (untagged) segments, and the final ACK
    expect(rec.finish - rec.start).toBe(rec.idealFct);
    expect(rec.idealFct).toBe(101 * ser(1518, 100) + 2 * 1_000_000 + 2 * (ser(70, 100) + 1_000_000));
  });

  it('refuses a SEND whose RECV comes late (no RNR retry in iWARP)', () => {
    expect(() =>
      run({
        name: 'iwarp-late-recv',
        topology: { generator: 'star', params: { hosts: 2 } },
        fabric: { mtu: 1500 },
        transport: { kind: 'iwarp' },
        workload: { kind: 'flows', list: [{ src: 'h0', dst: 'h1', bytes: 10_000, verb: 'send', recv_delay_ns: 1000 }] },
      }),
    ).toThrow(/no RNR retry/);
  });
});
