import { describe, expect, it } from 'vitest';
import { PacketPool, type Packet } from '../../src/fabric/packet.js';
import { FlowRecord, FlowTable } from '../../src/metrics/flow-table.js';
import { TrafficCounters } from '../../src/metrics/traffic.js';
import { NewReno, newRenoParams } from '../../src/transport/cc/newreno.js';
import type { NicHandle, SendQueue } from '../../src/transport/endpoint.js';
import { TCP_ACK, TcpConnection } from '../../src/transport/tcp/connection.js';
import { TcpFraming } from '../../src/transport/tcp/framing.js';
import { tcpParams } from '../../src/transport/tcp/params.js';
import { ccContext } from '../transport/cc/helpers.js';

/**
 * Proportional rate reduction (RFC 6937) on one TCP sender, driven by hand: 20 segments in
 * flight (NewReno, initial window 20), segment 0 lost, then ACKs that SACK segments 1, 2, ...
 * one at a time; recovery starts at the first (dupack_threshold 1, so the window has not grown
 * before it). NewReno halves: ssthresh = 10 segments, RecoverFS = 20. PRR lets the sender
 * send ⌈prr_delivered · 10 / 20⌉ − prr_out segments on each ACK while pipe > ssthresh — one per
 * two delivered, from the first — and brings pipe to exactly ssthresh at the end. Without PRR
 * (RFC 6675 with the halved cwnd) the sender is silent until pipe falls below cwnd.
 */
const MSS = 1448;

class WireNic implements NicHandle {
  readonly rateBps = 100e9;
  readonly sent: Packet[] = [];
  q: SendQueue | null = null;
  activate(q: SendQueue): void {
    this.q = q;
  }
  sendPacket(p: Packet): void {
    this.sent.push(p);
  }
  /** Takes every packet the sender may send now. */
  drain(now: number): void {
    const q = this.q;
    while (q !== null && q.hasData() && q.readyAt(now) <= now) this.sent.push(q.nextPacket());
  }
}

function sender(prr: boolean) {
  const cc = new NewReno(newRenoParams.parse({ initial_window_packets: 20 }), ccContext({ mtu: MSS }));
  const sim = ccContext().sim;
  const pool = new PacketPool();
  const flows = new FlowTable();
  const flow = flows.add(new FlowRecord(0, 0, 1, 60 * MSS, 0, 'tcp', 'write'));
  const a = new WireNic();
  const b = new WireNic();
  const fr = new TcpFraming(1500, false, true);
  const conn = new TcpConnection(
    {
      sim, pool, traffic: new TrafficCounters(), flows, conn: 0, src: 0, dst: 1, srcNic: a, dstNic: b,
      params: tcpParams.parse({ prr, dupack_threshold: 1 }), framing: { mtu: 1500, vlan: false }, frames: fr.framing(), cc,
      feedback: { cnp: false, cnpIntervalPs: 0, int: false }, flowHash: 0, baseRttPs: 10_000_000,
    },
    { fr },
  );
  conn.post(flow);
  a.drain(0);
  expect(a.sent.length).toBe(20);
  /** The receiver's ACK after segments 1..k arrived (segment 0 lost): cumulative 0, SACK [1, k+1). */
  const sackUpTo = (k: number): number => {
    const before = a.sent.length;
    const p = pool.acquire();
    p.type = TCP_ACK;
    p.psn = 0;
    p.window = 1 << 30;
    p.sack = new Float64Array(8);
    p.sack[0] = 1;
    p.sack[1] = k + 1;
    p.sackBlocks = 1;
    conn.onPacket(p);
    a.drain(0);
    return a.sent.length - before;
  };
  return { conn, a, sackUpTo };
}

describe('TCP proportional rate reduction (RFC 6937)', () => {
  it('sends one segment per two delivered from the start of recovery and ends with pipe = ssthresh', () => {
    const { conn, a, sackUpTo } = sender(true);
    let inRecovery = 0;
    for (let k = 1; k <= 19; k++) {
      inRecovery += sackUpTo(k);
      // prr_delivered = k; pipe = 19 + ⌈(k − 1)/2⌉ − k (what was sent before this ACK) stays above
      // ssthresh (10) up to k = 16: the proportional part; then the reduction bound tops pipe up to 10
      if (k <= 16) expect(inRecovery).toBe(Math.ceil((k * 10) / 20));
    }
    expect(inRecovery).toBe(10);
    expect(a.sent[20]!.psn).toBe(0); // the fast retransmit first
    expect(conn.recovering).toBe(true);
    expect(conn.pipe()).toBe(10); // ssthresh, reached by the slow-start reduction bound at the end
    expect(conn.prrOut).toBe(inRecovery);
  });

  it('without PRR the sender is silent for half a window after the fast retransmit', () => {
    const { conn, sackUpTo } = sender(false);
    const sends: number[] = [];
    for (let k = 1; k <= 19; k++) sends.push(sackUpTo(k));
    // the fast retransmit at k = 1; then nothing until pipe + 1 ≤ cwnd (10): pipe = 20 − k, k ≥ 11
    expect(sends.slice(0, 10)).toEqual([1, 0, 0, 0, 0, 0, 0, 0, 0, 0]);
    expect(sends.slice(10).every((n) => n >= 1)).toBe(true);
    expect(conn.pipe()).toBe(10);
    // PRR had sent 5 segments by the 10th ACK, spread over the round trip
    const prr = sender(true);
    let early = 0;
    for (let k = 1; k <= 10; k++) early += prr.sackUpTo(k);
    expect(early).toBe(5);
  });
});
