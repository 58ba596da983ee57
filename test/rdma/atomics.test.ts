import { describe, expect, it } from 'vitest';
import type { AppQp } from '../../src/workload/rdma-app.js';
import { ATOMIC_ACK_ETH, ATOMIC_ETH, AETH, BASE, ScriptApp, runApps, star, trip } from './helpers.js';

/**
 * Atomics act on 8-byte words of the responder's memory when the request arrives, one at a time,
 * and return the word's previous value. With N QPs (on N client hosts) each adding 1 k times to
 * the same word, the word ends at N·k and, since every fetch-and-add sees a distinct state, the
 * returned values are exactly 0, 1, …, N·k − 1.
 */
describe('atomics', () => {
  it('N QPs × k fetch-and-adds of 1: the word ends at N·k and every returned value is distinct', () => {
    const N = 4;
    const k = 50;
    const ADDR = 4096;
    const app = new ScriptApp(
      (self, api) => {
        const qps: AppQp[] = [];
        for (let i = 0; i < N; i++) {
          const cq = api.createCq(1 + i);
          const cqs = api.createCq(0);
          const c = api.createQp(1 + i, { sendCq: cq });
          const s = api.createQp(0, { sendCq: cqs, recvCq: cqs });
          api.connect(c, s);
          qps.push(c);
        }
        self.state.left = N * k;
        // each QP keeps several requests outstanding, so requests from the QPs interleave at the server
        for (const qp of qps) for (let j = 0; j < k; j++) qp.postSend({ wrId: j, verb: 'faa', bytes: 8, remoteAddr: ADDR, add: 1n });
      },
      { onCompletion: (self) => --self.state.left === 0 && self.api.finish() },
      1,
      0,
    );
    runApps([app], { topology: star(N + 1), transport: { kind: 'roce-v2', max_rd_atomic: 8, sq_depth: 64 } });
    expect(app.completions).toHaveLength(N * k);
    expect(app.completions.every((c) => c.status === 'IBV_WC_SUCCESS' && c.opcode === 'IBV_WC_FETCH_ADD')).toBe(true);
    const values = app.completions.map((c) => Number(c.value)).sort((a, b) => a - b);
    expect(values).toEqual(Array.from({ length: N * k }, (_, i) => i));
    expect(app.api.readWord(0, 4096)).toBe(BigInt(N * k));
    // and they did interleave: consecutive values came from different hosts
    const byValue = app.completions.slice().sort((a, b) => Number(a.value! - b.value!));
    expect(byValue.some((c, i) => i > 0 && c.host !== byValue[i - 1]!.host)).toBe(true);
  });

  it('compare-and-swap swaps only on a match and returns the old value either way; fetch-and-add wraps modulo 2^64', () => {
    const app = new ScriptApp(
      (self, api) => {
        api.writeWord(1, 0, 10n);
        api.writeWord(1, 8, (1n << 64n) - 1n);
        const cq = api.createCq(0);
        const cq1 = api.createCq(1);
        const a = api.createQp(0, { sendCq: cq });
        const b = api.createQp(1, { sendCq: cq1 });
        api.connect(a, b);
        a.postSend({ wrId: 1, verb: 'cas', bytes: 8, remoteAddr: 0, compare: 3n, swap: 99n }); // no match
        a.postSend({ wrId: 2, verb: 'cas', bytes: 8, remoteAddr: 0, compare: 10n, swap: 77n }); // match
        a.postSend({ wrId: 3, verb: 'faa', bytes: 8, remoteAddr: 0, add: 1n });
        a.postSend({ wrId: 4, verb: 'faa', bytes: 8, remoteAddr: 8, add: 2n });
      },
      { onCompletion: (self) => self.completions.length === 4 && self.api.finish() },
    );
    runApps([app]);
    expect(app.completions.map((c) => [c.wrId, c.opcode, c.value])).toEqual([
      [1, 'IBV_WC_COMP_SWAP', 10n],
      [2, 'IBV_WC_COMP_SWAP', 10n],
      [3, 'IBV_WC_FETCH_ADD', 77n],
      [4, 'IBV_WC_FETCH_ADD', (1n << 64n) - 1n],
    ]);
    expect(app.api.readWord(1, 0)).toBe(78n);
    expect(app.api.readWord(1, 8)).toBe(1n);
  });

  it('an atomic takes the request trip (AtomicETH 28 B) and the ATOMIC ACK trip (AETH + AtomicAckETH 12 B)', () => {
    const app = new ScriptApp(
      (self, api) => {
        const cq = api.createCq(0);
        const a = api.createQp(0, { sendCq: cq });
        const b = api.createQp(1);
        api.connect(a, b);
        a.postSend({ wrId: 1, verb: 'faa', bytes: 8, add: 1n });
      },
      { onCompletion: (self) => self.api.finish() },
    );
    runApps([app]);
    expect(app.completions[0]!.timestampPs).toBe(trip(BASE + ATOMIC_ETH) + trip(BASE + AETH + ATOMIC_ACK_ETH));
  });

  it('a lost atomic request or ACK is retried without applying twice (the responder replays the saved result)', () => {
    const k = 300;
    const app = new ScriptApp(
      (self, api) => {
        const cq = api.createCq(0);
        const a = api.createQp(0, { sendCq: cq, sqDepth: k });
        const b = api.createQp(1);
        api.connect(a, b);
        self.state.b = b;
        self.state.left = k;
        for (let j = 0; j < k; j++) a.postSend({ wrId: j, verb: 'faa', bytes: 8, add: 1n });
      },
      { onCompletion: (self) => --self.state.left === 0 && self.api.finish() },
    );
    const r = runApps([app], { seed: 5, fabric: { link_loss_rate: 0.02 }, transport: { kind: 'roce-v2', rto_us: 20 } });
    expect(r.fabric.traffic.droppedPackets).toBeGreaterThan(0);
    expect(app.completions.every((c) => c.status === 'IBV_WC_SUCCESS')).toBe(true);
    expect(app.api.readWord(1, 0)).toBe(BigInt(k));
    expect(app.completions.map((c) => Number(c.value))).toEqual(Array.from({ length: k }, (_, i) => i));
    // some lost ACKs made the requester ask again, and the responder answered from its saved results
    expect(app.state.b.atomicReplays).toBeGreaterThan(0);
    expect(r.flows.records[0]!.retxPackets).toBeGreaterThan(0);
  });
});
