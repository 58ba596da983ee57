import { describe, expect, it } from 'vitest';
import type { RunResult } from '../../src/experiment/run.js';
import { PC_LINK_LOSSES } from '../../src/metrics/port-counters.js';
import { ML_BYTES, ML_COMPLETE, ML_RECV, ML_STATUS, ML_VERB } from '../../src/transport/rdma/message-log.js';
import { V_READ, V_RECV, V_WRITE } from '../../src/transport/rdma/work-request.js';
import { configError } from '../helpers/config-error.js';
import { run } from '../helpers/run.js';
import { STAR2, ScriptApp, pair, runApps, ser, trip } from '../rdma/helpers.js';

/**
 * iWARP on the verbs layer: the perftest, rpc and scripted applications that run over RoCE run
 * over `transport.kind: iwarp` unchanged. Frames on a 1500-byte MTU with TCP timestamps:
 * Ethernet 14 + IPv4 20 + TCP 20 + timestamps 12 + FCS 4 = 70 bytes around one MPA FPDU of
 * ULPDU length 2 + DDP/RDMAP header (tagged 14: WRITE, Read Response; untagged 18: SEND, Read
 * Request + its 28-byte RDMAP header) + payload, padded to 4, + CRC32c 4. A pure ACK is 70
 * bytes. Full segments carry 1428 (tagged) or 1424 (untagged) payload bytes.
 */
const IWARP = { kind: 'iwarp' };
const MTU = { mtu: 1500 };
const TCP_BASE = 70;
const ACK = 70;
const REQ = 122;
const D = 1_000_000;
const fpdu = (hdr: number, payload: number) => 2 + hdr + payload + ((4 - ((2 + hdr + payload) % 4)) % 4) + 4;
function frames(bytes: number, hdr: number, mss: number): number[] {
  const n = Math.max(1, Math.ceil(bytes / mss));
  return Array.from({ length: n }, (_, k) => TCP_BASE + fpdu(hdr, k === n - 1 ? bytes - k * mss : mss));
}
/** Last byte of a back-to-back train over `hops` store-and-forward hops (the first frame is the largest). */
const train = (f: number[], hops = 2): number => f.reduce((a, x) => a + ser(x), 0) + (hops - 1) * ser(f[0]!) + hops * D;
const ps = (us: number) => Math.round(us * 1e6);

function table(r: RunResult, name: string, column: string): number[] {
  const t = r.tables.find((x) => x.name === name)!;
  return t.rows.map((row) => row[t.columns.indexOf(column)] as number);
}

function perftest(workload: Record<string, unknown>, transport: Record<string, unknown> = {}): RunResult {
  return run({ name: 'iwarp-perftest', topology: STAR2, fabric: MTU, transport: { ...IWARP, ...transport }, workload: { kind: 'perftest', iterations: 20, ...workload } });
}

describe('iWARP perftest latency (idle star, 100 Gb/s, 1 µs cables)', () => {
  const SIZES = [2, 64, 1000, 1428, 4096];
  it('write_lat, send_lat and read_lat follow the MPA/DDP/RDMAP + TCP header arithmetic to the picosecond', () => {
    const w = table(perftest({ test: 'lat', verb: 'write', sizes: SIZES }), 'perftest', 't_typical_us').map(ps);
    const s = table(perftest({ test: 'lat', verb: 'send', sizes: SIZES }), 'perftest', 't_typical_us').map(ps);
    const rd = table(perftest({ test: 'lat', verb: 'read', sizes: SIZES }), 'perftest', 't_typical_us').map(ps);
    SIZES.forEach((bytes, i) => {
      // each message leaves right behind the pure ACK its TCP sent a moment before for the
      // previous one (ACKs do not ride on data here), so one-way = ser(ACK) + train
      expect(w[i]).toBe(ser(ACK) + train(frames(bytes, 14, 1428)));
      expect(s[i]).toBe(ser(ACK) + train(frames(bytes, 18, 1424)));
      // READ: (the ACK of the previous response), the Read Request's trip, the response train
      // back; the responder's ACK of the request leaves behind the first response segment and
      // ahead of the second
      const resp = frames(bytes, 14, 1428);
      expect(rd[i]).toBe(ser(ACK) + trip(REQ) + train(resp) + (resp.length > 1 ? ser(ACK) : 0));
    });
    // against RoCEv2 on the same path the 64-byte WRITE pays 154 − 94 = 60 bytes more per hop
    expect(w[1]! - w[0]!).toBe(2 * ((64 - 4) * 80));
  });
});

describe('iWARP READs: ORD and IRD', () => {
  const size = 4096;
  const rtt = trip(REQ) + train(frames(size, 14, 1428));
  const readBurst = (clientOpts: Record<string, unknown>, serverOpts: Record<string, unknown>, n = 64) => {
    const app = new ScriptApp(
      (self, api) => {
        const c0 = api.createCq(0);
        const c1 = api.createCq(1);
        const a = api.createQp(0, { sendCq: c0, recvCq: c0, ...clientOpts });
        const b = api.createQp(1, { sendCq: c1, recvCq: c1, ...serverOpts });
        api.connect(a, b);
        for (let i = 0; i < n; i++) a.postSend({ wrId: i, verb: 'read', bytes: size });
      },
      { onCompletion: (self) => self.completions.length === n && self.api.finish() },
    );
    const r = runApps([app], { fabric: MTU, transport: IWARP });
    expect(app.completions.map((c) => c.wrId)).toEqual([...Array(n).keys()]);
    expect(app.completions.every((c) => c.status === 'IBV_WC_SUCCESS')).toBe(true);
    return { t: app.completions[n - 1]!.timestampPs, r };
  };

  it('throughput is L × message / RTT while L READs fit in the bandwidth-delay product, then the link caps it', () => {
    const gbps = (t: number, n = 64) => (n * size * 8) / (t / 1000);
    for (const L of [1, 2, 4]) {
      const { t } = readBurst({ maxRdAtomic: L }, {});
      const predicted = (L * size * 8) / (rtt / 1000);
      expect(L * size).toBeLessThan((100e9 / 8) * (rtt / 1e12)); // below the BDP (~50 KB)
      // ACKs do not ride on data here: per READ of 3 response segments the initiator sends up to
      // 2 pure ACKs ahead of its next requests and the responder 1 between its response
      // segments, so a round of L READs takes between RTT and RTT + 3·L·ser(ACK)
      const slowest = (L * size * 8) / ((rtt + 3 * L * ser(ACK)) / 1000);
      expect(gbps(t)).toBeLessThanOrEqual(predicted);
      expect(gbps(t)).toBeGreaterThanOrEqual(slowest);
    }
    const free = gbps(readBurst({ maxRdAtomic: 32, sqDepth: 256 }, { maxDestRdAtomic: 32 }, 256).t, 256);
    const lineGoodput = (100 * 4096) / (2 * (1518 + 20) + 70 + fpdu(14, 4096 - 2 * 1428) + 20);
    expect(free).toBeGreaterThan(0.9 * lineGoodput);
    expect(free).toBeLessThanOrEqual(lineGoodput);
  });

  it("the responder's IRD caps the initiator's ORD (MPA negotiates ORD down to the peer's IRD)", () => {
    const ord2 = readBurst({ maxRdAtomic: 2 }, {}).t;
    const ird2 = readBurst({ maxRdAtomic: 16 }, { maxDestRdAtomic: 2 }).t;
    const ord16 = readBurst({ maxRdAtomic: 16 }, {}).t;
    expect(ird2).toBe(ord2);
    expect(ord16).toBeLessThan(ord2 / 3);
  });
});

describe('iWARP queue pairs', () => {
  it('carry many messages on one connection and complete them in posting order; a READ sees an earlier WRITE', () => {
    const app = new ScriptApp(
      (self, api) => {
        const { a, b } = pair(api);
        b.postRecv({ wrId: 100, bytes: 5000 });
        a.postSend({ wrId: 1, verb: 'write', bytes: 100_000 });
        a.postSend({ wrId: 2, verb: 'read', bytes: 8 });
        a.postSend({ wrId: 3, verb: 'send', bytes: 5000 });
        a.postSend({ wrId: 4, verb: 'write', bytes: 10, signaled: false });
        a.postSend({ wrId: 5, verb: 'write', bytes: 10 });
      },
      { onCompletion: (self) => self.completions.length === 5 && self.api.finish() },
    );
    const r = runApps([app], { fabric: MTU, transport: IWARP });
    const client = app.completions.filter((c) => c.host === 0);
    expect(client.map((c) => c.wrId)).toEqual([1, 2, 3, 5]);
    expect(client.every((c) => c.status === 'IBV_WC_SUCCESS')).toBe(true);
    const recv = app.completions.find((c) => c.host === 1)!;
    expect([recv.wrId, recv.opcode, recv.bytes]).toEqual([100, 'IBV_WC_RECV', 5000]);
    // messages.csv: 5 send-queue rows and the RECV, as over RoCE
    const log = r.messages!;
    expect(log.length).toBe(6);
    const rows = [...Array(log.length).keys()];
    expect(rows.every((i) => log.get(i, ML_STATUS) === 0)).toBe(true);
    expect(rows.filter((i) => log.get(i, ML_VERB) === V_RECV).length).toBe(1);
    const writeLanded = log.get(rows.find((i) => log.get(i, ML_VERB) === V_WRITE && log.get(i, ML_BYTES) === 100_000)!, ML_RECV);
    const readDone = log.get(rows.find((i) => log.get(i, ML_VERB) === V_READ)!, ML_COMPLETE);
    // the Read Request follows the WRITE in the stream; its response needs a trip back
    expect(readDone).toBeGreaterThanOrEqual(writeLanded + trip(TCP_BASE + fpdu(14, 8)));
  });

  it.each([
    ['no RECV posted', undefined, 'IBV_WC_REM_OP_ERR'],
    ['a RECV too small', 50, 'IBV_WC_REM_OP_ERR'],
  ])('have no RNR retry: a SEND with %s terminates the connection (RFC 5040 Terminate), both QPs in ERR', (_what, recvBytes, sendStatus) => {
    const app = new ScriptApp(
      (self, api) => {
        const { a, b } = pair(api);
        self.state.a = a;
        self.state.b = b;
        if (recvBytes !== undefined) b.postRecv({ wrId: 7, bytes: recvBytes });
        a.postSend({ wrId: 1, verb: 'write', bytes: 3000 });
        a.postSend({ wrId: 2, verb: 'send', bytes: 100 });
        a.postSend({ wrId: 3, verb: 'write', bytes: 10 });
      },
      {
        // finish 20 µs after the last completion: time for the Terminate's ACK to come back
        onCompletion: (self) => self.completions.length === (recvBytes === undefined ? 3 : 4) && self.api.schedule(20_000_000, 0),
        onTimer: (self) => self.api.finish(),
      },
    );
    const r = runApps([app], { fabric: MTU, transport: IWARP });
    const byId = new Map(app.completions.map((c) => [c.wrId, c.status]));
    expect(byId.get(1)).toBe('IBV_WC_SUCCESS');
    // the Terminate leaves before the TCP ACK of the SEND, so the SEND fails at the sender
    expect(byId.get(2)).toBe(sendStatus);
    expect(byId.get(3)).toBe('IBV_WC_WR_FLUSH_ERR');
    if (recvBytes !== undefined) expect(byId.get(7)).toBe('IBV_WC_LOC_LEN_ERR');
    expect(app.state.a.stateName).toBe('ERR');
    expect(app.state.b.stateName).toBe('ERR');
    // both directions of the TCP connection are closed: no retransmission keeps the run going
    expect(app.state.a.out.tcp.closed).toBe(true);
    expect(app.state.b.out.tcp.closed).toBe(true);
    expect(r.complete).toBe(true);
  });

  it('refuse UC and UD (iWARP has only RC) and the verbs RFC 5040 lacks, naming the field', () => {
    const uc = configError(() => perftest({ test: 'lat', verb: 'write', sizes: [64], qp_type: 'uc' }));
    expect(uc.field).toBe('workload.qp_type');
    expect(uc.message).toMatch(/only reliable connected/);
    const atomic = configError(() => perftest({ test: 'lat', verb: 'atomic', sizes: [8] }));
    expect(atomic.message).toMatch(/'faa' needs send with immediate or atomics/);
  });

  it('carry write_imm as RFC 7306 does: the WRITE, then an 8-byte Immediate Data message that consumes a RECV', () => {
    const app = new ScriptApp(
      (self, api) => {
        const { a, b } = pair(api);
        b.postRecv({ wrId: 50, bytes: 0 });
        a.postSend({ wrId: 1, verb: 'write_imm', bytes: 3000, imm: 0xbeef });
      },
      { onCompletion: (self) => self.completions.length === 2 && self.api.finish() },
    );
    const r = runApps([app], { fabric: MTU, transport: IWARP });
    const recv = app.completions.find((c) => c.host === 1)!;
    expect([recv.wrId, recv.opcode, recv.bytes, recv.imm, recv.status]).toEqual([50, 'IBV_WC_RECV_RDMA_WITH_IMM', 3000, 0xbeef, 'IBV_WC_SUCCESS']);
    // 3 frames: the WRITE's 1428 + 1428 + 144 bytes, then the Immediate Data FPDU: 2 + 18 + 8 + 4 = 32 bytes
    const wr = app.completions.find((c) => c.host === 0)!;
    expect(wr.status).toBe('IBV_WC_SUCCESS');
    const writeFrames = frames(3000, 14, 1428);
    const immFrame = TCP_BASE + fpdu(18 + 8, 0);
    expect(immFrame).toBe(102);
    // the RECV completes when the Immediate Data arrives: right behind the WRITE's last segment
    expect(recv.timestampPs).toBe(train([...writeFrames, immFrame]));
    expect(r.flows.records[0]!.deliveredBytes).toBe(3000);
  });

  it('run the collectives and RPC workloads unchanged (write_imm chunks and replies)', () => {
    const topology = { generator: 'star', params: { hosts: 4, rate_gbps: 100, delay_ns: 1000 } };
    const ring = run({ name: 'iwarp-ring', topology, fabric: MTU, transport: IWARP, workload: { kind: 'ring-allreduce', bytes: 1 << 20 } });
    for (const f of ring.flows.records) expect(f.status).toBe('done');
    // ring all-reduce: each of 4 ranks sends 2 (N − 1) chunks of 1 MiB / 4
    expect(ring.flows.records.reduce((a, f) => a + f.deliveredBytes, 0)).toBe(4 * 2 * 3 * (1 << 18));
    const rpc = run({ name: 'iwarp-rpc', topology, fabric: MTU, transport: IWARP, workload: { kind: 'rpc', server: 'h0', clients: ['h1', 'h2'], reply: 'write_imm', requests: 20 } });
    expect(table(rpc, 'rpc', 'errors')).toEqual([0, 0]);
    expect(table(rpc, 'rpc', 'requests')).toEqual([20, 20]);
  });
});

describe('iWARP verbs under random loss (no PFC)', () => {
  it('every message completes and every byte arrives once, recovered by TCP', () => {
    const lossy = { topology: { generator: 'star', params: { hosts: 3, rate_gbps: 100, delay_ns: 2000 } }, fabric: { ...MTU, link_loss_rate: 0.01, pfc: { enabled: false } }, transport: { ...IWARP, min_rto_ms: 1 }, cc: { kind: 'dctcp', min_window_packets: 2 } };
    const bw = run({ name: 'iwarp-loss-bw', seed: 5, ...lossy, workload: { kind: 'perftest', test: 'bw', verb: 'write', sizes: [65536], iterations: 200, client: 'h1', server: 'h0' } });
    expect(bw.fabric.counters.total(PC_LINK_LOSSES)).toBeGreaterThan(0);
    expect(table(bw, 'perftest', 'errors')).toEqual([0]);
    const app = bw.flows.records[0]!;
    expect(app.status).toBe('done');
    expect(app.deliveredBytes).toBe(200 * 65536);
    expect(app.retxPackets).toBeGreaterThan(0);
    const log = bw.messages!;
    expect(log.length).toBe(200);
    for (let i = 0; i < log.length; i++) expect(log.get(i, ML_STATUS)).toBe(0);
    const rpc = run({ name: 'iwarp-loss-rpc', seed: 6, ...lossy, workload: { kind: 'rpc', server: 'h0', clients: ['h1', 'h2'], request_bytes: 2000, response_bytes: 20_000, concurrency: 4, requests: 100 } });
    expect(table(rpc, 'rpc', 'errors')).toEqual([0, 0]);
    expect(table(rpc, 'rpc', 'requests')).toEqual([100, 100]);
    for (const f of rpc.flows.records) expect(f.status).toBe('done');
  });

  it('static flows over iwarp log their messages as over roce-v2', () => {
    const r = run({ name: 'iwarp-static', topology: STAR2, fabric: MTU, transport: IWARP, workload: { kind: 'flows', list: [{ src: 'h0', dst: 'h1', bytes: 10_000 }, { src: 'h1', dst: 'h0', bytes: 3000, verb: 'read' }, { src: 'h0', dst: 'h1', bytes: 500, verb: 'send' }] } });
    const log = r.messages!;
    expect(log.length).toBe(4); // three work requests and the SEND's RECV
    for (const f of r.flows.records) expect(f.status).toBe('done');
  });
});

describe('iWARP and the nic block', () => {
  it("the NIC's message rate caps small-message bandwidth as on RoCE", () => {
    const bw = (nic: Record<string, unknown>) =>
      table(run({ name: 'iwarp-msg-rate', topology: STAR2, fabric: MTU, nic, transport: IWARP, workload: { kind: 'perftest', test: 'bw', verb: 'write', sizes: [64], iterations: 2000 } }), 'perftest', 'msg_rate_mpps')[0]!;
    const free = bw({});
    const capped = bw({ msg_rate_mpps: 5 });
    expect(free).toBeGreaterThan(20);
    // one work request per 200 ns: 2000 of them take 400 µs (+ one round trip for the last ACK)
    expect(capped).toBeLessThanOrEqual(5);
    expect(capped).toBeGreaterThan(4.9);
  });
});
