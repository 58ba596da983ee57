import { describe, expect, it } from 'vitest';
import { Rng } from '../../src/sim/rng.js';
import type { AppQp, SendVerb } from '../../src/workload/rdma-app.js';
import { ScriptApp, runApps, star } from './helpers.js';

/**
 * Every verb mixed on several RC QPs over lossy links, under both loss-recovery policies (and
 * selective repeat's two loss detections: immediate and RACK). Whatever
 * is lost (requests, READ responses, ACKs, atomic ACKs), RC must complete every work request
 * successfully, in posting order per QP, deliver every SEND to a RECV in order, and apply every
 * fetch-and-add exactly once.
 */
describe('all verbs on lossy links', () => {
  it.each([
    ['go-back-n', 1, 'immediate'],
    ['go-back-n', 2, 'immediate'],
    ['go-back-n', 3, 'immediate'],
    ['selective-repeat', 1, 'immediate'],
    ['selective-repeat', 2, 'immediate'],
    ['selective-repeat', 3, 'immediate'],
    ['selective-repeat', 4, 'immediate'],
    ['selective-repeat', 1, 'rack'],
    ['selective-repeat', 2, 'rack'],
    ['selective-repeat', 3, 'rack'],
    ['selective-repeat', 4, 'rack'],
  ] as const)('%s (seed %i) %s: every work request completes once, in order; atomics apply exactly once', (lossRecovery, seed, lossDetection) => {
    const QPS = 3;
    const PER_QP = 60;
    const rng = new Rng(seed).fork('mix');
    const plan: { verb: SendVerb; bytes: number }[][] = [];
    for (let q = 0; q < QPS; q++) {
      plan.push(
        Array.from({ length: PER_QP }, () => {
          const verb = (['write', 'read', 'send', 'faa', 'write_imm', 'send_imm'] as const)[rng.int(6)]!;
          return { verb, bytes: verb === 'faa' ? 8 : 1 + rng.int(12_000) };
        }),
      );
    }
    const total = QPS * PER_QP;
    const app = new ScriptApp(
      (self, api) => {
        self.state.left = total + plan.flat().filter((w) => w.verb === 'send' || w.verb === 'send_imm' || w.verb === 'write_imm').length;
        self.state.order = Array.from({ length: QPS }, () => [] as number[]);
        self.state.recvs = Array.from({ length: QPS }, () => [] as number[]);
        const qps: AppQp[] = [];
        for (let q = 0; q < QPS; q++) {
          const cq = api.createCq(1 + q);
          const cqs = api.createCq(0);
          const a = api.createQp(1 + q, { sendCq: cq, sqDepth: PER_QP, maxRdAtomic: 4 });
          const b = api.createQp(0, { recvCq: cqs, rqDepth: PER_QP });
          api.connect(a, b);
          for (let i = 0; i < PER_QP; i++) b.postRecv({ wrId: i, bytes: 16_384 });
          qps.push(a);
          self.state[`qp${b.qpn}`] = q;
        }
        plan.forEach((ws, q) => ws.forEach((w, i) => qps[q]!.postSend({ wrId: i, verb: w.verb, bytes: w.bytes, remoteAddr: 0, add: 1n, imm: i })));
      },
      {
        onCompletion: (self, c) => {
          expect(c.status).toBe('IBV_WC_SUCCESS');
          if (c.host === 0) self.state.recvs[self.state[`qp${c.qpn}`]].push(c.wrId);
          else self.state.order[c.host - 1].push(c.wrId);
          if (--self.state.left === 0) self.api.finish();
        },
      },
      1,
      0,
    );
    const r = runApps([app], {
      seed,
      topology: star(QPS + 1),
      fabric: { mtu: 1024, link_loss_rate: 0.01 },
      transport: { kind: 'roce-v2', loss_recovery: lossRecovery, loss_detection: lossDetection, rto_us: 30 },
    });
    expect(r.stopReason).toBe('all-flows-ended');
    expect(r.fabric.traffic.droppedPackets).toBeGreaterThan(10);
    for (let q = 0; q < QPS; q++) {
      expect(app.state.order[q]).toEqual(Array.from({ length: PER_QP }, (_, i) => i));
      // RECVs are consumed in order, one per SEND / WRITE with immediate
      const consumers = plan[q]!.filter((w) => w.verb === 'send' || w.verb === 'send_imm' || w.verb === 'write_imm').length;
      expect(app.state.recvs[q]).toEqual(Array.from({ length: consumers }, (_, i) => i));
    }
    const faas = plan.flat().filter((w) => w.verb === 'faa').length;
    expect(app.api.readWord(0, 0)).toBe(BigInt(faas));
    const values = app.completions.filter((c) => c.opcode === 'IBV_WC_FETCH_ADD').map((c) => Number(c.value)).sort((a, b) => a - b);
    expect(values).toEqual(Array.from({ length: faas }, (_, i) => i));
  });
});
