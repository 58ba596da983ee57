import { mkdtempSync, readFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { writeResults } from '../../src/experiment/output.js';
import type { RunResult } from '../../src/experiment/run.js';
import { ACK, AETH, BASE, RETH, STAR2, ser, trip } from './helpers.js';
import { run } from '../helpers/run.js';

/**
 * perftest latency over a sweep of sizes, from the header arithmetic. On a path of H
 * store-and-forward hops of D each, a train of packets whose first is the largest has its last
 * byte in Σ s_k + (H − 1)·s_0 + H·D. In the WRITE and SEND ping-pongs each reply leaves right
 * behind the ACK its NIC started a moment before (ser(ACK) at the first hop; the smaller ACK never
 * delays it again), so one-way = train + ser(ACK). READ: the request's trip plus the response
 * train. Payloads are padded to 4 bytes (BTH PadCnt).
 */
const pad = (n: number) => (n + 3) & ~3;
const D = 1_000_000;
function frames(bytes: number, mtu: number, first: number, last: number, middle = 0): number[] {
  const n = Math.max(1, Math.ceil(bytes / mtu));
  return Array.from({ length: n }, (_, k) => BASE + (k === 0 ? first : k === n - 1 ? last : middle) + pad(k === n - 1 ? bytes - k * mtu : mtu));
}
const train = (f: number[], hops: number): number => f.reduce((a, x) => a + ser(x), 0) + (hops - 1) * ser(f[0]!) + hops * D;

const table = (r: RunResult, name = 'perftest') => r.tables.find((t) => t.name === name)!;
const col = (r: RunResult, c: string): number[] => {
  const t = table(r);
  return t.rows.map((row) => row[t.columns.indexOf(c)] as number);
};
const ps = (us: number) => Math.round(us * 1e6);

function perftest(workload: Record<string, unknown>, extra: Record<string, unknown> = {}): RunResult {
  return run({ name: 'perftest', topology: STAR2, ...extra, workload: { kind: 'perftest', iterations: 20, ...workload } });
}

const SIZES = [2, 64, 256, 1024, 1500, 4096, 9000];

describe('perftest latency sweep (ideal NIC)', () => {
  it.each([1024, 4096])('write_lat, send_lat and read_lat per size follow the serialization arithmetic exactly (MTU %i)', (mtu) => {
    const extra = { fabric: { mtu } };
    const w = col(perftest({ test: 'lat', verb: 'write', sizes: SIZES }, extra), 't_typical_us').map(ps);
    const s = col(perftest({ test: 'lat', verb: 'send', sizes: SIZES }, extra), 't_typical_us').map(ps);
    const rd = col(perftest({ test: 'lat', verb: 'read', sizes: SIZES }, extra), 't_typical_us').map(ps);
    SIZES.forEach((bytes, i) => {
      // the first packet of a multi-packet READ response and its last carry an AETH, the middle ones none
      const n = Math.ceil(bytes / mtu);
      const readFirstLast = n === 1 ? AETH : AETH;
      expect(w[i]).toBe(train(frames(bytes, mtu, RETH, 0), 2) + ser(ACK));
      expect(s[i]).toBe(train(frames(bytes, mtu, 0, 0), 2) + ser(ACK));
      expect(rd[i]).toBe(trip(BASE + RETH) + train(frames(bytes, mtu, readFirstLast, AETH), 2));
    });
    // latency grows with size by exactly the extra serialization: 2 hops × 80 ps per byte within one MTU
    expect(w[2]! - w[1]!).toBe(2 * (256 - 64) * 80);
  });

  it('on a 4-hop leaf-spine path the pipeline formula holds with H = 4', () => {
    const topology = { generator: 'leaf-spine', params: { leaves: 2, spines: 2, hosts_per_leaf: 1, rate_gbps: 100, uplink_rate_gbps: 100, delay_ns: 1000 } };
    const w = col(perftest({ test: 'lat', verb: 'write', sizes: [64, 4096, 9000] }, { topology }), 't_typical_us').map(ps);
    [64, 4096, 9000].forEach((bytes, i) => expect(w[i]).toBe(train(frames(bytes, 1024, RETH, 0), 4) + ser(ACK)));
  });

  it('atomic_lat is the request (AtomicETH) and ATOMIC ACK round trip; every sample equal on an idle path', () => {
    const r = perftest({ test: 'lat', verb: 'atomic', sizes: [8] });
    expect(ps(col(r, 't_min_us')[0]!)).toBe(trip(BASE + 28) + trip(BASE + 12));
    expect(col(r, 't_max_us')[0]).toBe(col(r, 't_min_us')[0]);
    expect(col(r, 't_stdev_us')[0]).toBe(0);
  });
});

describe('NIC limits', () => {
  it('doorbell, DMA read of a non-inline payload and DMA write of the data add to the one-way latency (connectx-5 profile)', () => {
    const nic = { profile: 'connectx-5' };
    const inline = ps(col(perftest({ test: 'lat', verb: 'write', sizes: [64] }, { nic }), 't_typical_us')[0]!);
    const dma = ps(col(perftest({ test: 'lat', verb: 'write', sizes: [64], inline_bytes: 0 }, { nic }), 't_typical_us')[0]!);
    // post → doorbell (250 ns) → wire → data visible to the polling server (DMA write, 250 ns); the ACK is long gone
    expect(inline).toBe(250_000 + trip(BASE + RETH + 64) + 250_000);
    // without inline the NIC must first DMA-read the payload (500 ns)
    expect(dma - inline).toBe(500_000);
    // READ: doorbell, request trip, the responder's DMA read, the response trip, the completion's DMA write
    const read = ps(col(perftest({ test: 'lat', verb: 'read', sizes: [64] }, { nic }), 't_typical_us')[0]!);
    expect(read).toBe(250_000 + trip(BASE + RETH) + 500_000 + trip(BASE + AETH + 64) + 250_000);
  });

  it('a static flow under the connectx-5 profile completes in its ideal time (the NIC costs are in the ideal)', () => {
    for (const verb of ['write', 'send', 'read']) {
      const r = run({ name: 'cx5', topology: STAR2, nic: { profile: 'connectx-5' }, workload: { kind: 'flows', list: [{ src: 'h0', dst: 'h1', bytes: 65536, verb }] } });
      const f = r.flows.records[0]!;
      expect(f.status).toBe('done');
      expect(f.finish - f.start).toBe(f.idealFct);
    }
  });

  it('the NIC message-rate ceiling caps small-message rate; the per-QP ceiling caps each QP', () => {
    // a window of 1024 (> 77 Mpps × 4 µs RTT) so the window does not limit
    const rate = (nic: Record<string, unknown>, qps = 1) =>
      col(perftest({ test: 'bw', verb: 'write', sizes: [64], iterations: 20000, qps, tx_depth: 1024 }, { nic }), 'msg_rate_mpps')[0]!;
    const line = 1e6 / ser(BASE + RETH + 64); // 64-byte WRITEs back to back: 77.2 Mpps
    expect(rate({})).toBeGreaterThan(0.97 * line);
    expect(rate({ msg_rate_mpps: 20 })).toBeCloseTo(20, 0);
    expect(rate({ qp_msg_rate_mpps: 5 })).toBeCloseTo(5, 1);
    expect(rate({ qp_msg_rate_mpps: 5 }, 4)).toBeCloseTo(20, 0);
  });

  it('the QP-context cache: the message rate collapses once active QPs exceed the cache (LRU misses on every round-robin turn)', () => {
    const CACHE = 16;
    const MISS_NS = 500;
    const run1 = (qps: number) => {
      // 64 outstanding per QP: 8 QPs already keep more than a round trip's worth (~310 messages) in flight
      const r = perftest({ test: 'bw', verb: 'write', sizes: [64], iterations: 20000, qps, tx_depth: 64, cq_mod: 16 }, { nic: { qp_cache: CACHE, qp_cache_miss_ns: MISS_NS } });
      return { rate: col(r, 'msg_rate_mpps')[0]!, misses: col(r, 'qp_cache_misses')[0]! };
    };
    const at8 = run1(8);
    const at16 = run1(CACHE);
    const at32 = run1(2 * CACHE);
    // within the cache: only the first touch of each QP misses, and the rate is the line's
    expect(at16.misses).toBe(CACHE);
    expect(at8.misses).toBe(8);
    expect(Math.abs(at16.rate - at8.rate) / at8.rate).toBeLessThan(0.02);
    // beyond it: every message waits a context fetch, then its own serialization
    expect(at32.misses).toBeGreaterThan(0.99 * 20000);
    const thrash = 1e6 / (MISS_NS * 1000 + ser(BASE + RETH + 64));
    expect(Math.abs(at32.rate - thrash) / thrash).toBeLessThan(0.02);
    expect(at32.rate).toBeLessThan(at16.rate / 20);
  });
});

describe('outputs', () => {
  it('perftest rows (perftest.csv) and one messages.csv row per work request are written', () => {
    const r = perftest({ test: 'bw', verb: 'send', sizes: [64, 1024], iterations: 100, cq_mod: 10 });
    const dir = mkdtempSync(join(tmpdir(), 'fabricsim-rdma-'));
    writeResults(r, dir);
    const perf = readFileSync(join(dir, 'perftest.csv'), 'utf8').trim().split('\n');
    expect(perf[0]).toBe('app,test,qp_type,qps,client,server,bytes,iterations,t_min_us,t_max_us,t_typical_us,t_avg_us,t_stdev_us,t_p99_us,t_p999_us,bw_avg_gbps,msg_rate_mpps,qp_cache_misses,errors');
    expect(perf).toHaveLength(3);
    const msgs = readFileSync(join(dir, 'messages.csv'), 'utf8').trim().split('\n');
    expect(msgs[0]).toBe('flow_id,qpn,host,peer,verb,bytes,post_ns,start_ns,completion_ns,latency_ns,recv_ns,status');
    // 200 sends and the 200 RECVs they consumed (RECVs still posted at the end are not work requests that ran)
    expect(msgs.filter((l) => l.includes(',send,')).length).toBe(200);
    expect(msgs.filter((l) => l.includes(',recv,')).length).toBe(200);
    expect(msgs.slice(1).every((l) => l.endsWith('IBV_WC_SUCCESS'))).toBe(true);
    const run = JSON.parse(readFileSync(join(dir, 'run.json'), 'utf8'));
    expect(run.files).toEqual(['flows.csv', 'ports.csv', 'samples.csv', 'pfc.csv', 'messages.csv', 'summary.csv', 'perftest.csv', 'run.json']);
    expect(existsSync(join(dir, 'flows.csv'))).toBe(true);
    // the app is one flows.csv row
    expect(readFileSync(join(dir, 'flows.csv'), 'utf8').trim().split('\n')).toHaveLength(2);
  });
});
