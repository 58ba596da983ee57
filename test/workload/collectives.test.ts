import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { writeResults } from '../../src/experiment/output.js';
import type { RunResult } from '../../src/experiment/run.js';
import { ConfigError } from '../../src/sim/errors.js';
import { ML_HOST, ML_PEER, ML_POST, ML_RECV, ML_VERB } from '../../src/transport/rdma/message-log.js';
import { allGatherAlgorithm, COLLECTIVES_COLUMNS, reduceScatterAlgorithm, ringAllReduceAlgorithm, treeAllReduceAlgorithm, workloads, type CollectiveAlgorithm } from '../../src/workload/index.js';
import { VERB_NAMES } from '../../src/transport/rdma/work-request.js';
import { BASE, RETH, ser } from '../rdma/helpers.js';
import { run } from '../helpers/run.js';
import { ctxFor } from './helpers.js';

const star = (hosts: number) => ({ generator: 'star', params: { hosts, rate_gbps: 100, delay_ns: 1000 } });
const ACK = BASE + 4;
const IMM = 4;
const MTU = 1024;
const D = 1_000_000;
const pad = (n: number) => (n + 3) & ~3;

/** Wire frames of one message: RETH on the first packet and the immediate on the last for write_imm; a SEND carries neither. */
function frames(bytes: number, verb: string): number[] {
  const n = Math.max(1, Math.ceil(bytes / MTU));
  const first = verb === 'send' ? 0 : RETH;
  const last = verb === 'send' ? 0 : IMM;
  return Array.from({ length: n }, (_, k) => BASE + (k === 0 ? first : 0) + (k === n - 1 ? last : 0) + pad(k === n - 1 ? bytes - k * MTU : MTU));
}
/** Last byte of a train of frames over `hops` store-and-forward hops of 1 µs: Σ ser + (hops − 1)·ser(first) + hops·D. */
const train = (f: number[], hops = 2): number => f.reduce((a, x) => a + ser(x), 0) + (hops - 1) * ser(f[0]!) + hops * D;

const table = (r: RunResult) => r.tables.find((t) => t.name === 'collectives')!;
const col = (r: RunResult, c: string): number[] => table(r).rows.map((row) => row[table(r).columns.indexOf(c)] as number);
const timePs = (r: RunResult) => col(r, 'time_us').map((t) => Math.round(t * 1e6));

function collective(kind: string, hosts: number, workload: Record<string, unknown> = {}, extra: Record<string, unknown> = {}): RunResult {
  const r = run({ name: 'coll', topology: star(hosts), ...extra, workload: { kind, ...workload } });
  expect(r.stopReason).toBe('all-flows-ended');
  return r;
}

/**
 * Maps each message of `alg` to its row of the message log: a collective's messages on one
 * directed edge are posted in their list order (each depends, through the chain of arrivals at
 * its sender, on the previous one), and RC keeps them in that order, so the k-th row of an edge
 * by post time is the edge's k-th message. Returns per message its post and arrival times.
 */
function timeline(r: RunResult, alg: CollectiveAlgorithm, ranks: number[], bytes: number): { post: number; recv: number }[] {
  const msgs = alg.messages(ranks.length, bytes);
  const log = r.messages!;
  const rows = new Map<string, { post: number; recv: number }[]>();
  let sends = 0;
  for (let i = 0; i < log.length; i++) {
    if (VERB_NAMES[log.get(i, ML_VERB)] === 'recv') continue;
    sends++;
    const key = `${log.get(i, ML_HOST)}>${log.get(i, ML_PEER)}`;
    if (!rows.has(key)) rows.set(key, []);
    rows.get(key)!.push({ post: log.get(i, ML_POST), recv: log.get(i, ML_RECV) });
  }
  for (const list of rows.values()) list.sort((a, b) => a.post - b.post);
  const taken = new Map<string, number>();
  expect(sends).toBe(msgs.length);
  return msgs.map((m) => {
    const key = `${ranks[m.from]}>${ranks[m.to]}`;
    const k = taken.get(key) ?? 0;
    taken.set(key, k + 1);
    return rows.get(key)![k]!;
  });
}

describe('collectives respect their dependencies', () => {
  // an oversubscribed leaf-spine (4 hosts per leaf, one 100G uplink): steps are uneven, so order matters
  const topology = { generator: 'leaf-spine', params: { leaves: 3, spines: 1, hosts_per_leaf: 4, rate_gbps: 100, uplink_rate_gbps: 100, delay_ns: 1000 } };
  const ranks = [0, 5, 9, 1, 6, 10, 2];
  const bytes = 70_001; // not a multiple of the rank count: uneven chunks
  it.each([
    ['ring-allreduce', ringAllReduceAlgorithm, {}],
    ['all-gather', allGatherAlgorithm, {}],
    ['reduce-scatter', reduceScatterAlgorithm, {}],
    ['tree-allreduce', treeAllReduceAlgorithm(1), {}],
    ['tree-allreduce', treeAllReduceAlgorithm(4), { chunks: 4 }],
  ] as const)('%s: every message is posted exactly when its last input has arrived at its sender, never before', (kind, alg, more) => {
    for (const verb of ['write_imm', 'send']) {
      const r = collective(kind, 12, { hosts: ranks.map((h) => `h${h}`), bytes, verb, ...more }, { topology });
      const msgs = alg.messages(ranks.length, bytes);
      const t = timeline(r, alg, ranks, bytes);
      const start = Math.min(...t.map((x) => x.post));
      msgs.forEach((m, i) => {
        const ready = m.deps.length === 0 ? start : Math.max(...m.deps.map((d) => t[d]!.recv));
        expect(t[i]!.post).toBeGreaterThanOrEqual(ready);
        expect(t[i]!.post).toBe(ready); // ideal NIC: no delay between an arrival and the post it enables
        expect(t[i]!.recv).toBeGreaterThan(t[i]!.post);
      });
      // the collective ends when its last message has arrived; its bytes are each message's
      const end = Math.max(...t.map((x) => x.recv));
      expect(timePs(r)[0]).toBe(end - start);
      expect(r.flows.records[0]!.bytes).toBe(msgs.reduce((s, m) => s + m.bytes, 0));
    }
  });

  it('with NIC costs (connectx-5: doorbell, DMA) a step still never starts before its input is visible, and starts later than the bare arrival', () => {
    const r = collective('ring-allreduce', 4, { bytes: 40_000 }, { nic: { profile: 'connectx-5' } });
    const t = timeline(r, ringAllReduceAlgorithm, [0, 1, 2, 3], 40_000);
    const msgs = ringAllReduceAlgorithm.messages(4, 40_000);
    msgs.forEach((m, i) => {
      if (m.deps.length === 0) return;
      const ready = Math.max(...m.deps.map((d) => t[d]!.recv));
      expect(t[i]!.post).toBeGreaterThan(ready); // the RECV completion is DMA-written before the app sees it
    });
  });

  it('message counts and sizes: ring all-reduce 2(N−1)·N chunks of bytes/N, all-gather and reduce-scatter (N−1)·N, tree 2(N−1) per chunk', () => {
    for (const n of [2, 3, 5, 8]) {
      const b = 1000 * n + 3;
      const ring = ringAllReduceAlgorithm.messages(n, b);
      expect(ring).toHaveLength(2 * (n - 1) * n);
      expect(ring.reduce((s, m) => s + m.bytes, 0)).toBe(2 * (n - 1) * b);
      expect(allGatherAlgorithm.messages(n, b)).toHaveLength((n - 1) * n);
      expect(reduceScatterAlgorithm.messages(n, b).reduce((s, m) => s + m.bytes, 0)).toBe((n - 1) * b);
      const tree = treeAllReduceAlgorithm(3).messages(n, b);
      expect(tree).toHaveLength(3 * 2 * (n - 1));
      expect(tree.reduce((s, m) => s + m.bytes, 0)).toBe(2 * (n - 1) * b);
      // every rank of a ring sends each chunk index exactly twice in all-reduce (once reducing, once gathering)
      for (let r = 0; r < n; r++) expect(ring.filter((m) => m.from === r)).toHaveLength(2 * (n - 1));
    }
  });
});

describe('ring all-reduce on an idle non-blocking fabric', () => {
  /**
   * On a star every rank's step is one chunk over 2 hops, all ranks in lockstep, so a step takes
   * the chunk's train time. With one ACK per message (ack_every ≥ packets), the only interference
   * is that ACK: when a chunk arrives its receiver has just queued the ACK for it, and its next
   * chunk, posted at that instant, leaves right behind it: ser(ACK) on every step but the first.
   * T = 2(N−1)·train(chunk) + (2(N−1) − 1)·ser(ACK), exactly.
   */
  it.each([2, 3, 4, 8])('N = %i: the time is 2(N−1) × (chunk serialization + per-step latency) plus one ACK per step after the first, to the picosecond', (n) => {
    for (const chunk of [1024, 8192, 65536, 262144]) {
      for (const verb of ['write_imm', 'send']) {
        const r = collective('ring-allreduce', n, { bytes: chunk * n, verb }, { transport: { kind: 'roce-v2', ack_every: 1024 } });
        const steps = 2 * (n - 1);
        expect(timePs(r)[0]).toBe(steps * train(frames(chunk, verb)) + (steps - 1) * ser(ACK));
      }
    }
  });

  it('with coalesced ACKs (one per 4 packets) each step is longer by at most its ACKs\' serialization, and by all but the first few', () => {
    for (const n of [2, 4, 8]) {
      const chunk = 131072;
      const r = collective('ring-allreduce', n, { bytes: chunk * n });
      const steps = 2 * (n - 1);
      const base = steps * train(frames(chunk, 'write_imm'));
      const acks = Math.ceil(chunk / MTU / 4);
      const t = timePs(r)[0]!;
      // the receiver's ACKs share its uplink with its own outgoing chunk; only those sent after that chunk has left cost nothing
      expect(t).toBeLessThanOrEqual(base + steps * acks * ser(ACK));
      expect(t).toBeGreaterThanOrEqual(base + steps * (acks - 8) * ser(ACK));
    }
  });

  it('busbw approaches the link rate times the payload fraction for large buffers; algbw = bytes/time; busbw = algbw·2(N−1)/N', () => {
    const n = 4;
    const bytes = 1 << 24;
    const r = collective('ring-allreduce', n, { bytes, iterations: 2 });
    const [t0, t1] = timePs(r);
    const alg = col(r, 'algbw_gbps');
    const bus = col(r, 'busbw_gbps');
    expect(alg[0]).toBeCloseTo((bytes * 8 * 1000) / t0!, 6);
    expect(bus[1]).toBeCloseTo((alg[1]! * 2 * (n - 1)) / n, 9);
    expect(Math.abs(t1! - t0!)).toBeLessThan(20_000); // the second iteration is the first, give or take an ACK or two
    // payload fraction of a full packet (1024 B in 1024 + 62 + 20 wire bytes), less the coalesced ACKs' share of each uplink (one 86-byte ACK per 4 data frames)
    const wire = MTU + BASE + 20;
    const line = 100 * (MTU / wire) * ((4 * wire) / (4 * wire + ACK + 20));
    expect(bus[0]).toBeLessThanOrEqual(line);
    expect(bus[0]).toBeGreaterThan(0.99 * line);
  });

  it('tree all-reduce: the same idle star, and pipelining the buffer in chunks shortens it', () => {
    const whole = timePs(collective('tree-allreduce', 7, { bytes: 1 << 20 }))[0]!;
    const piped = timePs(collective('tree-allreduce', 7, { bytes: 1 << 20, chunks: 16 }))[0]!;
    expect(piped).toBeLessThan(whole / 2);
    // unpipelined: depth 2 up and 2 down; at the root (two children) and at each inner node, two 1 MB messages share one link
    const one = train(frames(1 << 20, 'write_imm'));
    expect(whole).toBeGreaterThan(4 * one);
  });
});

describe('collectives.csv and parameters', () => {
  it('one row per iteration with the documented columns, written beside flows.csv and messages.csv', () => {
    const r = collective('all-gather', 4, { bytes: 4096, iterations: 3 });
    const dir = mkdtempSync(join(tmpdir(), 'coll-'));
    writeResults(r, dir);
    const lines = readFileSync(join(dir, 'collectives.csv'), 'utf8').trim().split('\n');
    expect(lines[0]).toBe(COLLECTIVES_COLUMNS.join(','));
    expect(lines).toHaveLength(4);
    expect(col(r, 'iteration')).toEqual([0, 1, 2]);
    expect(readFileSync(join(dir, 'flows.csv'), 'utf8').trim().split('\n')).toHaveLength(2);
    expect(r.flows.records[0]!.bytes).toBe(3 * 3 * 4096);
  });

  it('bad hosts and sizes are ConfigErrors naming the field', () => {
    const apps = (kind: string, params: Record<string, unknown>, hosts = 4) => {
      const w = workloads.get(kind);
      return w.apps!(w.params.parse(params), ctxFor(hosts));
    };
    expect(() => apps('ring-allreduce', { hosts: ['h0', 'h0'] })).toThrow(/listed twice/);
    expect(() => apps('ring-allreduce', { hosts: ['h0', 'h9'] })).toThrow(ConfigError);
    expect(() => apps('tree-allreduce', { bytes: 3 })).toThrow(/workload\.bytes/);
    expect(() => apps('all-gather', {}, 1)).toThrow(/at least 2 hosts/);
    expect(apps('reduce-scatter', { hosts: [3, 'h1'] })[0]!.src).toBe(3);
  });
});
