import { describe, expect, it } from 'vitest';
import { VerbsError } from '../../src/transport/rdma/errors.js';
import type { AppQp, RdmaApi } from '../../src/workload/rdma-app.js';
import { runExperiment } from '../../src/experiment/run.js';
import { ConfigError } from '../../src/sim/errors.js';
import { ScriptApp, runApps, STAR2 } from './helpers.js';

/** Runs `fn` in an application's start and returns what it threw (or null). */
function thrown(fn: (api: RdmaApi) => void): unknown {
  let err: unknown = null;
  runApps([
    new ScriptApp((self, api) => {
      try {
        fn(api);
      } catch (e) {
        err = e;
      }
      api.finish();
    }),
  ]);
  return err;
}

const expectVerbsError = (e: unknown, code: 'EINVAL' | 'ENOMEM', message: RegExp) => {
  expect(e).toBeInstanceOf(VerbsError);
  expect((e as VerbsError).code).toBe(code);
  expect((e as Error).message).toMatch(message);
};

describe('queue pair state machine', () => {
  it('a send posted before RTS fails with EINVAL naming the state; a receive needs at least INIT', () => {
    const write = { wrId: 1, verb: 'write', bytes: 8 } as const;
    for (const steps of [[], ['INIT'], ['INIT', 'RTR']] as const) {
      const e = thrown((api) => {
        const a = api.createQp(0);
        const b = api.createQp(1);
        if (steps.length === 2) api.connect(a, b), a.modify('RESET'), a.modify('INIT'), a.modify('RTR');
        else for (const s of steps) a.modify(s);
        a.postSend(write);
      });
      expectVerbsError(e, 'EINVAL', new RegExp(`the QP is in ${steps.length === 0 ? 'RESET' : steps[steps.length - 1]}; sends need RTS`));
    }
    expectVerbsError(thrown((api) => api.createQp(0).postRecv({ wrId: 1, bytes: 8 })), 'EINVAL', /in RESET; receives need INIT/);
    expect(
      thrown((api) => {
        const a = api.createQp(0);
        a.modify('INIT');
        a.postRecv({ wrId: 1, bytes: 8 });
      }),
    ).toBeNull();
  });

  it('only RESET → INIT → RTR → RTS (and → ERR, → RESET) are valid transitions; RTR needs a peer', () => {
    expectVerbsError(thrown((api) => api.createQp(0).modify('RTS')), 'EINVAL', /cannot go from RESET to RTS/);
    expectVerbsError(
      thrown((api) => {
        const a = api.createQp(0);
        a.modify('INIT');
        a.modify('RTR');
      }),
      'EINVAL',
      /needs a remote QP to go to RTR/,
    );
    expect(thrown((api) => api.createQp(0).modify('ERR'))).toBeNull();
  });

  it('posting beyond the queue depth fails with ENOMEM; an inline payload above max inline, READ on UC and atomics on a misaligned address with EINVAL', () => {
    expectVerbsError(
      thrown((api) => {
        const a = api.createQp(0, { sqDepth: 2 });
        api.connect(a, api.createQp(1));
        for (let i = 0; i < 3; i++) a.postSend({ wrId: i, verb: 'write', bytes: 64 });
      }),
      'ENOMEM',
      /send queue is full \(2 outstanding/,
    );
    expectVerbsError(
      thrown((api) => {
        const a = api.createQp(0, { rqDepth: 1 });
        a.modify('INIT');
        a.postRecv({ wrId: 1, bytes: 8 });
        a.postRecv({ wrId: 2, bytes: 8 });
      }),
      'ENOMEM',
      /receive queue is full/,
    );
    expectVerbsError(
      thrown((api) => {
        const a = api.createQp(0);
        api.connect(a, api.createQp(1));
        a.postSend({ wrId: 1, verb: 'send', bytes: api.maxInline + 1, inline: true });
      }),
      'EINVAL',
      /exceeds max_inline_data \(220\)/,
    );
    expectVerbsError(
      thrown((api) => {
        const a = api.createQp(0, { type: 'uc' });
        api.connect(a, api.createQp(1, { type: 'uc' }));
        a.postSend({ wrId: 1, verb: 'read', bytes: 64 });
      }),
      'EINVAL',
      /read is not supported on UC/,
    );
    expectVerbsError(
      thrown((api) => {
        const a = api.createQp(0);
        api.connect(a, api.createQp(1));
        a.postSend({ wrId: 1, verb: 'faa', bytes: 8, remoteAddr: 12, add: 1n });
      }),
      'EINVAL',
      /8-byte aligned/,
    );
  });

  it('in ERR every work request posted completes with IBV_WC_WR_FLUSH_ERR', () => {
    const app = new ScriptApp(
      (self, api) => {
        const cq = api.createCq(0);
        const a = api.createQp(0, { sendCq: cq, recvCq: cq });
        api.connect(a, api.createQp(1));
        a.modify('ERR');
        a.postSend({ wrId: 1, verb: 'write', bytes: 64 });
        a.postRecv({ wrId: 2, bytes: 64 });
      },
      { onCompletion: (self) => self.completions.length === 2 && self.api.finish() },
    );
    runApps([app]);
    expect(app.completions.map((c) => [c.wrId, c.status, c.opcode])).toEqual([
      [1, 'IBV_WC_WR_FLUSH_ERR', 'IBV_WC_RDMA_WRITE'],
      [2, 'IBV_WC_WR_FLUSH_ERR', 'IBV_WC_RECV'],
    ]);
  });

  it('a verbs error inside an application of a workload is a ConfigError naming the workload', () => {
    expect(() =>
      runExperiment({ name: 'ud-big', topology: STAR2, fabric: { mtu: 1024 }, workload: { kind: 'perftest', test: 'lat', verb: 'send', qp_type: 'ud', sizes: [2048] } }, { file: 'x.yaml' }),
    ).toThrow(ConfigError);
    expect(() =>
      runExperiment({ name: 'ud-big', topology: STAR2, fabric: { mtu: 1024 }, workload: { kind: 'perftest', test: 'lat', verb: 'send', qp_type: 'ud', sizes: [2048] } }, { file: 'x.yaml' }),
    ).toThrow(/^x\.yaml: workload: perftest send_lat h0→h1: EINVAL: post_send .* at most one MTU/);
  });
});

describe('completion queues', () => {
  it('one CQ shared by three QPs (as send and receive CQ) gets every completion, each naming its QP', () => {
    const app = new ScriptApp(
      (self, api) => {
        const shared = api.createCq(0);
        const cq1 = api.createCq(1);
        const qps: AppQp[] = [];
        for (let i = 0; i < 3; i++) {
          const a = api.createQp(0, { sendCq: shared, recvCq: shared });
          const b = api.createQp(1, { sendCq: cq1, recvCq: cq1 });
          api.connect(a, b);
          a.postRecv({ wrId: 100 + i, bytes: 64 });
          b.postSend({ wrId: 200 + i, verb: 'send', bytes: 64, signaled: false });
          a.postSend({ wrId: i, verb: 'write', bytes: 1000 * (3 - i) });
          qps.push(a);
        }
        self.state.qpns = qps.map((q) => q.qpn);
        self.state.cq = shared.id;
      },
      { onCompletion: (self) => self.completions.length === 6 && self.api.finish() },
    );
    runApps([app]);
    expect(app.completions.every((c) => c.cq.id === app.state.cq && c.host === 0 && c.status === 'IBV_WC_SUCCESS')).toBe(true);
    expect(new Set(app.completions.map((c) => c.qpn))).toEqual(new Set(app.state.qpns));
    expect(app.completions.filter((c) => c.opcode === 'IBV_WC_RECV').map((c) => c.wrId).sort()).toEqual([100, 101, 102]);
    expect(app.completions.filter((c) => c.opcode === 'IBV_WC_RDMA_WRITE').map((c) => c.wrId).sort()).toEqual([0, 1, 2]);
    // entries are in time order
    const ts = app.completions.map((c) => c.timestampPs);
    expect(ts).toEqual([...ts].sort((x, y) => x - y));
  });

  it('on one RC QP completions come in posting order even when a later message is much shorter; unsignaled ones produce none', () => {
    const app = new ScriptApp(
      (self, api) => {
        const cq = api.createCq(0);
        const a = api.createQp(0, { sendCq: cq });
        api.connect(a, api.createQp(1));
        const sizes = [200_000, 8, 64_000, 1, 5000];
        sizes.forEach((bytes, i) => a.postSend({ wrId: i, verb: i % 2 ? 'read' : 'write', bytes, signaled: i !== 3 }));
      },
      { onCompletion: (self) => self.completions.length === 4 && self.api.finish() },
    );
    runApps([app]);
    expect(app.completions.map((c) => c.wrId)).toEqual([0, 1, 2, 4]);
  });
});
