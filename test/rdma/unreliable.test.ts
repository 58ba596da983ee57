import { describe, expect, it } from 'vitest';
import { PC_LINK_LOSSES } from '../../src/metrics/port-counters.js';
import { ML_RECV } from '../../src/transport/rdma/message-log.js';
import { VerbsError } from '../../src/transport/rdma/errors.js';
import { BASE, DETH, ScriptApp, runApps, star, trip } from './helpers.js';
import { run } from '../helpers/run.js';

const FLOWS = 120;
const BYTES = 8192; // 8 packets of 1024 B

function lossy(qpType: 'rc' | 'uc') {
  return run({
    name: `lossy-${qpType}`,
    seed: 2,
    topology: { generator: 'star', params: { hosts: 3, rate_gbps: 100, delay_ns: 1000 } },
    fabric: { mtu: 1024, link_loss_rate: 0.01 },
    transport: { kind: 'roce-v2', qp_type: qpType, rto_us: 20 },
    workload: { kind: 'flows', list: Array.from({ length: FLOWS }, (_, i) => ({ src: i % 2 === 0 ? 'h1' : 'h2', dst: 'h0', bytes: BYTES, start_ns: i * 2000 })) },
  });
}

describe('unreliable QPs', () => {
  it('under random loss UC loses whole messages (no retransmission) where RC delivers every byte', () => {
    const uc = lossy('uc');
    const rc = lossy('rc');
    for (const r of [uc, rc]) expect(r.fabric.counters.total(PC_LINK_LOSSES)).toBeGreaterThan(0);
    // RC: every message whole, with retransmissions
    expect(rc.flows.records.every((f) => f.status === 'done' && f.deliveredBytes === BYTES)).toBe(true);
    expect(rc.flows.records.reduce((s, f) => s + f.retxPackets, 0)).toBeGreaterThan(0);
    // UC: the sender completes every message (nothing is acknowledged), no packet is sent twice ...
    expect(uc.flows.records.every((f) => f.status === 'done' && f.retxPackets === 0)).toBe(true);
    const lost = uc.flows.records.filter((f) => f.recvDone < 0);
    // ... and a message with a lost packet is lost whole: P = 1 − 0.99^16 (8 packets × 2 cables) ≈ 14.9 % of 120 ≈ 18
    expect(lost.length).toBeGreaterThan(5);
    expect(lost.length).toBeLessThan(35);
    // every lost message lost at least one packet (the run drains the fabric before it ends)
    expect(lost.length).toBeLessThanOrEqual(uc.fabric.traffic.droppedPackets);
    expect(uc.flows.records.filter((f) => f.recvDone >= 0).every((f) => f.deliveredBytes === BYTES)).toBe(true);
    // the packets of a lost message that did arrive were placed before the loss: never the whole message
    expect(lost.every((f) => f.deliveredBytes < BYTES)).toBe(true);
    // messages.csv has no receive time for them
    const log = uc.messages!;
    const unreceived = [...Array(log.length).keys()].filter((i) => log.get(i, ML_RECV) < 0).length;
    expect(unreceived).toBe(lost.length);
  });

  it('a UC receiver resynchronizes on the next FIRST/ONLY: later messages arrive whole after a loss', () => {
    const uc = lossy('uc');
    const received = uc.flows.records.filter((f) => f.recvDone >= 0);
    expect(received.length).toBeGreaterThan(FLOWS / 2);
  });

  it('UD rejects a datagram above one MTU at post time; one MTU arrives with the 40-byte GRH counted', () => {
    const app = new ScriptApp(
      (self, api) => {
        const cq0 = api.createCq(0);
        const cq1 = api.createCq(1);
        const a = api.createQp(0, { type: 'ud', sendCq: cq0 });
        const b = api.createQp(1, { type: 'ud', recvCq: cq1 });
        for (const qp of [a, b]) for (const st of ['INIT', 'RTR', 'RTS'] as const) qp.modify(st);
        b.postRecv({ wrId: 5, bytes: 1024 + 40 });
        try {
          a.postSend({ wrId: 1, verb: 'send', bytes: 1025, dest: { host: 1, qpn: b.qpn } });
        } catch (e) {
          self.state.error = e;
        }
        a.postSend({ wrId: 2, verb: 'send', bytes: 1024, dest: { host: 1, qpn: b.qpn } });
        try {
          a.postSend({ wrId: 3, verb: 'write', bytes: 8, dest: { host: 1, qpn: b.qpn } });
        } catch (e) {
          self.state.writeError = e;
        }
      },
      { onCompletion: (self) => self.completions.length === 2 && self.api.finish() },
    );
    runApps([app], { fabric: { mtu: 1024 } });
    expect(app.state.error).toBeInstanceOf(VerbsError);
    expect((app.state.error as VerbsError).code).toBe('EINVAL');
    expect((app.state.error as Error).message).toMatch(/at most one MTU \(1024 bytes\), got 1025/);
    expect((app.state.writeError as Error).message).toMatch(/write is not supported on UD/);
    const recv = app.completions.find((c) => c.host === 1)!;
    expect(recv).toMatchObject({ wrId: 5, status: 'IBV_WC_SUCCESS', bytes: 1024 + 40 });
    expect(recv.srcQpn).toBeGreaterThan(0);
    // a UD SEND Only carries a DETH (8 B)
    expect(recv.timestampPs).toBe(trip(BASE + DETH + 1024));
    // the sender completes when its datagram is on the wire
    expect(app.completions.find((c) => c.host === 0)!.timestampPs).toBe(0);
  });

  it('UD is addressed per send: one QP reaches QPs on two hosts; a datagram with no RECV posted is dropped', () => {
    const app = new ScriptApp(
      (self, api) => {
        const cq = [0, 1, 2].map((h) => api.createCq(h));
        const [a, b, c] = [0, 1, 2].map((h) => api.createQp(h, { type: 'ud', sendCq: cq[h], recvCq: cq[h] }));
        for (const qp of [a!, b!, c!]) for (const st of ['INIT', 'RTR', 'RTS'] as const) qp.modify(st);
        b!.postRecv({ wrId: 1, bytes: 4096 });
        c!.postRecv({ wrId: 2, bytes: 4096 });
        a!.postSend({ wrId: 10, verb: 'send_imm', imm: 7, bytes: 100, dest: { host: 1, qpn: b!.qpn } });
        a!.postSend({ wrId: 11, verb: 'send', bytes: 200, dest: { host: 2, qpn: c!.qpn } });
        a!.postSend({ wrId: 12, verb: 'send', bytes: 300, dest: { host: 2, qpn: c!.qpn } }); // c has no second RECV
        self.state.c = c;
        api.schedule(10_000_000, 0);
      },
      { onTimer: (self) => self.api.finish() },
    );
    runApps([app], { topology: star(3) });
    const recvs = app.completions.filter((c) => c.opcode === 'IBV_WC_RECV').map((c) => [c.host, c.wrId, c.bytes, c.imm]);
    expect(recvs).toEqual([
      [1, 1, 140, 7],
      [2, 2, 240, undefined],
    ]);
    expect(app.state.c.dropsNoRecv).toBe(1);
  });
});
