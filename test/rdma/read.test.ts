import { describe, expect, it } from 'vitest';
import { ML_COMPLETE, ML_RECV, ML_START, ML_VERB } from '../../src/transport/rdma/message-log.js';
import { V_READ, V_WRITE } from '../../src/transport/rdma/work-request.js';
import { ACK, AETH, BASE, RETH, STAR2, ScriptApp, pair, runApps, ser, trip } from './helpers.js';
import { run } from '../helpers/run.js';

/**
 * RDMA READ against RDMA WRITE on an idle 2-hop path (100 Gb/s, 1 µs per cable), from the header
 * arithmetic: a WRITE Only carries a RETH (16 B), its ACK an AETH (4 B); a READ request is a RETH
 * and no payload (78 B), each READ response First/Last/Only an AETH and the data (Middle: data
 * only). A WRITE completes when its ACK returns, a READ when its last response arrives. For a train
 * of packets whose first is the largest, the last byte arrives Σ s_k + s_0 + 2D after the first
 * leaves (store-and-forward over 2 hops).
 */
const D = 1_000_000;
const REQ = BASE + RETH;
const train = (frames: number[]): number => frames.reduce((a, f) => a + ser(f), 0) + ser(frames[0]!) + 2 * D;
const writeFrames = (bytes: number, mtu: number) => {
  const n = Math.ceil(bytes / mtu);
  return Array.from({ length: n }, (_, k) => BASE + (k === 0 ? RETH : 0) + (k === n - 1 ? bytes - k * mtu : mtu));
};
const readFrames = (bytes: number, mtu: number) => {
  const n = Math.ceil(bytes / mtu);
  return Array.from({ length: n }, (_, k) => BASE + (k === 0 || k === n - 1 ? AETH : 0) + (k === n - 1 ? bytes - k * mtu : mtu));
};

/** Post-to-completion latency of one WRITE and then one READ of `bytes`, each alone. */
function latencies(bytes: number, mtu: number) {
  const app = new ScriptApp(
    (self, api) => {
      const { a } = pair(api);
      self.state.a = a;
      self.state.t0 = api.now;
      a.postSend({ wrId: 1, verb: 'write', bytes });
    },
    {
      onCompletion: (self, c) => {
        if (c.wrId === 1) {
          self.state.write = c.timestampPs - self.state.t0;
          self.state.t1 = self.api.now;
          self.state.a.postSend({ wrId: 2, verb: 'read', bytes });
        } else {
          self.state.read = c.timestampPs - self.state.t1;
          self.api.finish();
        }
      },
    },
  );
  runApps([app], { fabric: { mtu } });
  return { write: app.state.write as number, read: app.state.read as number };
}

describe('RDMA READ', () => {
  it.each([
    [64, 1024],
    [1024, 1024],
    [4096, 1024],
    [10_000, 4096],
  ])('%i B (MTU %i): WRITE = data train + ACK trip, READ = request trip + response train, to the picosecond', (bytes, mtu) => {
    const { write, read } = latencies(bytes, mtu);
    expect(write).toBe(train(writeFrames(bytes, mtu)) + trip(ACK));
    expect(read).toBe(trip(REQ) + train(readFrames(bytes, mtu)));
  });

  it('perftest: READ latency (full round trip) exceeds WRITE latency (half a ping-pong) by the request trip, less header and ACK differences', () => {
    const perftest = (verb: string) =>
      run({ name: `lat-${verb}`, topology: STAR2, workload: { kind: 'perftest', test: 'lat', verb, sizes: [64, 2048], iterations: 50 } }).tables[0]!;
    const w = perftest('write');
    const r = perftest('read');
    const col = (t: typeof w, c: string) => t.rows.map((row) => Math.round((row[t.columns.indexOf(c)] as number) * 1e6));
    for (const [i, bytes] of [64, 2048].entries()) {
      const n = Math.ceil(bytes / 1024);
      // one-way WRITE: the data train, after the ACK the replying NIC started a moment before
      const oneWay = train(writeFrames(bytes, 1024)) + ser(ACK);
      const readRtt = trip(REQ) + train(readFrames(bytes, 1024));
      expect(col(w, 't_typical_us')[i]).toBe(oneWay);
      expect(col(r, 't_typical_us')[i]).toBe(readRtt);
      if (n === 1) {
        // READ − WRITE = the request's trip, less the ACK ahead of each ping-pong reply and the
        // 12 bytes a READ response Only carries fewer than a WRITE Only (AETH 4 vs RETH 16), at each of 2 hops
        expect(readRtt - oneWay).toBe(trip(REQ) - ser(ACK) - 2 * 12 * 80);
      }
    }
  });

  it('READ throughput is capped by the outstanding-READ limit when the bandwidth-delay product exceeds it: ≈ limit × size / RTT', () => {
    const size = 4096;
    const rtt = trip(REQ) + train(readFrames(size, 1024));
    const bdpBytes = (100e9 / 8) * (rtt / 1e12);
    const bw = (limit: number) => {
      const r = run({
        name: `read-bw-${limit}`,
        topology: STAR2,
        transport: { kind: 'roce-v2', max_rd_atomic: limit },
        workload: { kind: 'perftest', test: 'bw', verb: 'read', sizes: [size], iterations: 4000 },
      });
      const t = r.tables[0]!;
      return t.rows[0]![t.columns.indexOf('bw_avg_gbps')] as number;
    };
    const capped = bw(4);
    expect(4 * size).toBeLessThan(bdpBytes); // the window of 4 READs is below the BDP (~55 KB)
    const predicted = (4 * size * 8) / (rtt / 1000); // Gb/s
    expect(Math.abs(capped - predicted) / predicted).toBeLessThan(0.005);
    // with 16 outstanding (64 KB > BDP) the link, not the limit, is the bottleneck
    const free = bw(16);
    const lineGoodput = (100 * 1024) / (1024 + BASE + 20);
    expect(free).toBeGreaterThan(0.95 * lineGoodput);
    expect(free).toBeLessThan(lineGoodput);
  });

  it('the fence flag makes a WRITE wait for the outstanding READ; without it the WRITE follows the request at once', () => {
    const go = (fence: boolean) => {
      const app = new ScriptApp(
        (self, api) => {
          const { a } = pair(api);
          a.postSend({ wrId: 1, verb: 'read', bytes: 65536 });
          a.postSend({ wrId: 2, verb: 'write', bytes: 64, fence });
        },
        { onCompletion: (self) => self.completions.length === 2 && self.api.finish() },
      );
      const r = runApps([app]);
      const log = r.messages!;
      const row = (verb: number) => [...Array(log.length).keys()].find((i) => log.get(i, ML_VERB) === verb)!;
      return { readDone: log.get(row(V_READ), ML_COMPLETE), writeStart: log.get(row(V_WRITE), ML_START), order: app.completions.map((c) => c.wrId) };
    };
    const fenced = go(true);
    expect(fenced.writeStart).toBe(fenced.readDone);
    const free = go(false);
    expect(free.writeStart).toBe(ser(REQ)); // right behind the READ request on the wire
    // completions in posting order either way: the WRITE's ACK cannot overtake the READ responses
    expect(fenced.order).toEqual([1, 2]);
    expect(free.order).toEqual([1, 2]);
  });

  it('completions come in posting order, and a READ after a WRITE is answered after the WRITE landed', () => {
    const app = new ScriptApp(
      (self, api) => {
        const { a } = pair(api);
        a.postSend({ wrId: 1, verb: 'write', bytes: 100_000 });
        a.postSend({ wrId: 2, verb: 'read', bytes: 8 });
        a.postSend({ wrId: 3, verb: 'faa', bytes: 8, add: 5n, remoteAddr: 64 });
        a.postSend({ wrId: 4, verb: 'send', bytes: 0, signaled: false });
        a.postSend({ wrId: 5, verb: 'write', bytes: 10 });
        self.state.b = undefined;
      },
      { onCompletion: (self) => self.completions.length === 5 && self.api.finish() },
    );
    const r = runApps([app], { transport: { kind: 'roce-v2', rnr_retry: 0 } });
    // the unsignaled SEND (no RECV: it fails, and errors always complete) ends the QP; every signaled one before it completed in order
    expect(app.completions.map((c) => [c.wrId, c.status])).toEqual([
      [1, 'IBV_WC_SUCCESS'],
      [2, 'IBV_WC_SUCCESS'],
      [3, 'IBV_WC_SUCCESS'],
      [4, 'IBV_WC_RNR_RETRY_EXC_ERR'],
      [5, 'IBV_WC_WR_FLUSH_ERR'],
    ]);
    expect(app.completions[2]!.value).toBe(0n);
    const log = r.messages!;
    const rows = [...Array(log.length).keys()];
    const writeLanded = log.get(rows.find((i) => log.get(i, ML_VERB) === V_WRITE)!, ML_RECV);
    const readDone = log.get(rows.find((i) => log.get(i, ML_VERB) === V_READ)!, ML_COMPLETE);
    expect(readDone).toBeGreaterThanOrEqual(writeLanded + trip(BASE + AETH + 8));
  });

  it.each(['go-back-n', 'selective-repeat'])('static READ flows recover lost requests and responses (%s)', (lossRecovery) => {
    const list = Array.from({ length: 6 }, (_, i) => ({ src: `h${1 + (i % 2)}`, dst: 'h0', bytes: 200_000, verb: 'read', start_ns: i * 1000 }));
    const r = run({
      name: 'read-loss',
      seed: 3,
      topology: { generator: 'star', params: { hosts: 3, rate_gbps: 100, delay_ns: 1000 } },
      fabric: { mtu: 1024, link_loss_rate: 0.005 },
      transport: { kind: 'roce-v2', loss_recovery: lossRecovery, rto_us: 50 },
      workload: { kind: 'flows', list },
    });
    expect(r.fabric.traffic.droppedPackets).toBeGreaterThan(0);
    for (const f of r.flows.records) {
      expect(f.status).toBe('done');
      expect(f.deliveredBytes).toBeGreaterThanOrEqual(200_000);
    }
    expect(r.flows.records.reduce((s, f) => s + f.retxPackets, 0)).toBeGreaterThan(0);
  });
});
