import { describe, expect, it } from 'vitest';
import { ACK, BASE, RETH, ScriptApp, pair, runApps, trip } from './helpers.js';
import { run } from '../helpers/run.js';
import type { QueuePair } from '../../src/transport/rdma/queue-pair.js';

/**
 * SEND/RECV on an RC QP between two hosts of a 100 Gb/s star (2 hops of 1 µs). A 64-byte SEND is
 * one SEND Only frame of 62 + 64 = 126 bytes; an ACK or NAK is 62 + 4 (AETH) = 66 bytes.
 *
 * With no RECV posted the responder answers with an RNR NAK; the requester waits the responder's
 * RNR timer (min_rnr_timer 1 = 10 µs, IBA Table 45) and resends. Attempt k therefore leaves at
 * k·P, P = trip(SEND) + trip(NAK) + 10 µs, and the first attempt to arrive after the RECV is
 * posted completes, its ACK arriving trip(ACK) later.
 */
const SEND64 = BASE + 64;
const RNR_WAIT = 10_000_000; // min_rnr_timer 1
const PERIOD = trip(SEND64) + trip(ACK) + RNR_WAIT;
const RECV_AT = 50_000_000;

/** The first attempt whose SEND arrives at or after the RECV is posted. */
const firstGood = Math.ceil((RECV_AT - trip(SEND64)) / PERIOD);

describe('SEND/RECV', () => {
  it('a SEND with no RECV meets RNR NAKs and completes once a RECV is posted, at the predicted retry', () => {
    const app = new ScriptApp(
      (self, api) => {
        const { a, b } = pair(api, { minRnrTimer: 1 });
        self.state.a = a;
        self.state.b = b;
        a.postSend({ wrId: 7, verb: 'send', bytes: 64 });
        api.schedule(RECV_AT, 0);
      },
      {
        onTimer: (self) => self.state.b.postRecv({ wrId: 9, bytes: 4096 }),
        onCompletion: (self) => self.completions.length === 2 && self.api.finish(),
      },
    );
    const r = runApps([app]);
    expect(firstGood).toBe(4);
    const recv = app.completions.find((c) => c.host === 1)!;
    const send = app.completions.find((c) => c.host === 0)!;
    expect(recv).toMatchObject({ wrId: 9, status: 'IBV_WC_SUCCESS', opcode: 'IBV_WC_RECV', bytes: 64 });
    expect(recv.timestampPs).toBe(firstGood * PERIOD + trip(SEND64));
    expect(send).toMatchObject({ wrId: 7, status: 'IBV_WC_SUCCESS', opcode: 'IBV_WC_SEND' });
    expect(send.timestampPs).toBe(firstGood * PERIOD + trip(SEND64) + trip(ACK));
    expect((app.state.a as QueuePair).rnrNaks).toBe(firstGood);
    // every attempt, a NAK per failed one, and the final ACK
    expect(r.fabric.traffic.injectedPackets).toBe(2 * firstGood + 2);
  });

  it('exhausting rnr_retry completes the SEND with IBV_WC_RNR_RETRY_EXC_ERR and flushes the rest', () => {
    const app = new ScriptApp(
      (self, api) => {
        const { a } = pair(api, { minRnrTimer: 1, rnrRetry: 2 });
        self.state.a = a;
        a.postSend({ wrId: 1, verb: 'send', bytes: 64 });
        a.postSend({ wrId: 2, verb: 'write', bytes: 64 });
      },
      { onCompletion: (self) => self.completions.length === 2 && self.api.finish() },
    );
    runApps([app]);
    // the initial attempt and 2 retries each meet an RNR NAK; the third NAK ends it
    const failAt = 2 * PERIOD + trip(SEND64) + trip(ACK);
    expect(app.completions.map((c) => [c.wrId, c.status, c.timestampPs])).toEqual([
      [1, 'IBV_WC_RNR_RETRY_EXC_ERR', failAt],
      [2, 'IBV_WC_WR_FLUSH_ERR', failAt],
    ]);
    expect((app.state.a as QueuePair).stateName).toBe('ERR');
    expect((app.state.a as QueuePair).rnrNaks).toBe(3);
  });

  it('rnr_retry 7 retries forever (IBA: infinite)', () => {
    const app = new ScriptApp((self, api) => {
      const { a } = pair(api, { minRnrTimer: 1, rnrRetry: 7 });
      self.state.a = a;
      a.postSend({ wrId: 1, verb: 'send', bytes: 64 });
    });
    runApps([app], { stop: { time_us: 300 } });
    expect(app.completions).toEqual([]);
    const a = app.state.a as QueuePair;
    expect(a.rnrNaks).toBe(Math.floor((300_000_000 - trip(SEND64) - trip(ACK)) / PERIOD) + 1);
    expect(a.stateName).toBe('RTS');
  });

  it('a SEND larger than the RECV: IBV_WC_LOC_LEN_ERR at the responder, IBV_WC_REM_INV_REQ_ERR at the requester, both QPs in ERR', () => {
    const app = new ScriptApp(
      (self, api) => {
        const { a, b } = pair(api);
        Object.assign(self.state, { a, b });
        b.postRecv({ wrId: 1, bytes: 32 });
        b.postRecv({ wrId: 2, bytes: 32 });
        a.postSend({ wrId: 3, verb: 'send', bytes: 64 });
      },
      { onCompletion: (self) => self.completions.length === 3 && self.api.finish() },
    );
    runApps([app]);
    expect(app.completions.map((c) => [c.host, c.wrId, c.status])).toEqual([
      [1, 1, 'IBV_WC_LOC_LEN_ERR'],
      [1, 2, 'IBV_WC_WR_FLUSH_ERR'],
      [0, 3, 'IBV_WC_REM_INV_REQ_ERR'],
    ]);
    expect(app.completions[2]!.timestampPs).toBe(trip(SEND64) + trip(ACK));
    expect((app.state.a as QueuePair).stateName).toBe('ERR');
    expect((app.state.b as QueuePair).stateName).toBe('ERR');
  });

  it('SEND with immediate and WRITE with immediate each consume a RECV; a plain WRITE does not', () => {
    const app = new ScriptApp(
      (self, api) => {
        const { a, b } = pair(api);
        for (let i = 0; i < 2; i++) b.postRecv({ wrId: 10 + i, bytes: 1024 });
        a.postSend({ wrId: 1, verb: 'write', bytes: 3000 });
        a.postSend({ wrId: 2, verb: 'send_imm', bytes: 100, imm: 0xbeef });
        a.postSend({ wrId: 3, verb: 'write_imm', bytes: 5000, imm: 42 });
      },
      { onCompletion: (self) => self.completions.filter((c) => c.host === 0).length === 3 && self.api.finish() },
    );
    runApps([app]);
    const recvs = app.completions.filter((c) => c.host === 1).map((c) => [c.wrId, c.opcode, c.bytes, c.imm]);
    expect(recvs).toEqual([
      [10, 'IBV_WC_RECV', 100, 0xbeef],
      [11, 'IBV_WC_RECV_RDMA_WITH_IMM', 5000, 42],
    ]);
    // the plain WRITE was seen by the polling loop, not through the CQ
    expect(app.writes.map((w) => w.bytes)).toEqual([3000]);
  });

  it('a static send flow whose receiver posts its RECV late completes at the same retry (flows workload, recv_delay_ns)', () => {
    const r = run({
      name: 'late-recv',
      topology: { generator: 'star', params: { hosts: 2, rate_gbps: 100, delay_ns: 1000 } },
      transport: { kind: 'roce-v2', min_rnr_timer: 1 },
      workload: { kind: 'flows', list: [{ src: 'h0', dst: 'h1', bytes: 64, verb: 'send', recv_delay_ns: RECV_AT / 1000 }] },
    });
    const f = r.flows.records[0]!;
    expect(f.status).toBe('done');
    expect(f.finish - f.start).toBe(firstGood * PERIOD + trip(SEND64) + trip(ACK));
    expect(f.retxPackets).toBe(firstGood);
    // pre-posted, the same send takes one trip and its ACK: its ideal (no RETH on a SEND)
    const pre = run({ name: 'pre', topology: { generator: 'star', params: { hosts: 2 } }, workload: { kind: 'flows', list: [{ src: 'h0', dst: 'h1', bytes: 64, verb: 'send' }] } });
    const g = pre.flows.records[0]!;
    expect(g.finish - g.start).toBe(trip(SEND64) + trip(ACK));
    expect(g.idealFct).toBe(g.finish - g.start);
    expect(trip(SEND64 + RETH) - trip(SEND64)).toBe(2 * 16 * 80);
  });

  it('a static send flow with no RECV ever and rnr_retry 0 fails at the first RNR NAK', () => {
    const r = run({
      name: 'no-recv',
      topology: { generator: 'star', params: { hosts: 2 } },
      transport: { kind: 'roce-v2', rnr_retry: 0 },
      workload: { kind: 'flows', list: [{ src: 'h0', dst: 'h1', bytes: 64, verb: 'send', recv_delay_ns: null }] },
    });
    expect(r.flows.records[0]!.status).toBe('failed');
    expect(r.messages!.length).toBe(1);
  });
});
