import { describe, expect, it } from 'vitest';
import { PC_LINK_LOSSES } from '../../../src/metrics/port-counters.js';
import { TailLossProbe } from '../../../src/transport/reliability/tail-loss-probe.js';
import { configError } from '../../helpers/config-error.js';
import { run } from '../../helpers/run.js';

const MTU = 1024;
const RTO_US = 100;

/** Two hosts on one switch, 100 Gb/s, 1 µs cables; RoCEv2 selective repeat with RACK. */
function star(flows: { bytes: number; start_ns?: number }[], opts: { seed?: number; loss?: number; tlp?: boolean } = {}) {
  return run({
    name: 'tlp',
    seed: opts.seed ?? 1,
    topology: { generator: 'star', params: { hosts: 2, rate_gbps: 100, delay_ns: 1000 } },
    fabric: { mtu: MTU, link_loss_rate: opts.loss ?? 0 },
    transport: { kind: 'roce-v2', loss_recovery: 'selective-repeat', loss_detection: 'rack', tail_loss_probe: opts.tlp ?? true, rto_us: RTO_US },
    // SEND: every packet carries the same headers (a WRITE's first packet has a RETH), so every
    // packet's RTT is the same on the idle path
    workload: { kind: 'flows', list: flows.map((f) => ({ src: 'h1', dst: 'h0', verb: 'send', ...f })) },
  });
}

describe('TailLossProbe arithmetic (RFC 8985 §7.2)', () => {
  it('PTO = 2·SRTT, + the max ACK delay with one packet out, capped by the time left to the RTO; none without an RTT sample', () => {
    const t = new TailLossProbe(7);
    expect(t.timeout(1000, 4, 1e9)).toBe(2000);
    expect(t.timeout(1000, 1, 1e9)).toBe(2007);
    expect(t.timeout(1000, 4, 1500)).toBe(1500);
    expect(t.timeout(0, 4, 1e9)).toBe(Infinity);
  });

  it('one probe per episode; an acknowledgement past the probe closes it, and says whether the probe repaired a loss', () => {
    const t = new TailLossProbe();
    t.sent(8, 7);
    expect(t.open).toBe(true);
    expect(t.probeAcked(4, -1)).toBe(false); // not yet past the probe
    expect(t.open).toBe(true);
    expect(t.probeAcked(8, -1)).toBe(true); // acknowledged, no duplicate: the original was lost
    expect(t.open).toBe(false);
    t.sent(16, 15);
    expect(t.probeAcked(16, 15)).toBe(false); // a duplicate report: only the ACK had been lost
    t.sent(20, -1); // new data: nothing to repair
    expect(t.probeAcked(20, -1)).toBe(false);
    expect([t.probes, t.repaired]).toEqual([3, 1]);
  });
});

describe('tail loss probe: a lost last packet', () => {
  // 8 packets; the responder ACKs every 4 (ack_every) and the message end. Seed 35's link losses
  // drop exactly the last data packet (PSN 7) and nothing else (asserted below).
  const N = 8;
  const seed = 35;
  const loss = 0.05;
  const ser = (MTU + 62 + 20) * 8 * 10; // a SEND frame (Eth 14 + IPv4 20 + UDP 8 + BTH 12 + ICRC 4 + FCS 4) + preamble/IFG 20, ps at 100 Gb/s
  const one = star([{ bytes: MTU }]).flows.records[0]!;
  const R = one.finish; // the RTT of one packet on the idle path: its ACK completes it
  const clean = star([{ bytes: N * MTU }]).flows.records[0]!;
  const tlp = star([{ bytes: N * MTU }], { seed, loss });
  const rack = star([{ bytes: N * MTU }], { seed, loss, tlp: false });

  it('the packets go back to back: the clean message ends 7 serializations after the one-packet one', () => {
    expect(clean.finish - R).toBe((N - 1) * ser);
  });

  it('is recovered one PTO (2·SRTT) after the last ACK instead of one RTO', () => {
    for (const r of [tlp, rack]) expect(r.fabric.counters.total(PC_LINK_LOSSES)).toBe(1);
    const f = tlp.flows.records[0]!;
    expect(f.status).toBe('done');
    expect(f.deliveredBytes).toBe(N * MTU);
    expect(f.timeouts).toBe(0);
    expect(f.retxPackets).toBe(1); // the probe: PSN 7 again
    expect(f.spuriousRetx).toBe(0);
    // PSN 3 leaves at 3·ser, its ACK (the only RTT sample: SRTT = R) comes R later and arms the
    // PTO (nothing new to send, 4 packets out): the probe leaves 2R later and is ACKed R after that
    expect(f.finish).toBe(3 * ser + R + 2 * R + R);
    // RACK alone: the RTO (restarted by that ACK) fires, and PSNs 4..7 (none SACKed) all go again
    const g = rack.flows.records[0]!;
    expect(g.timeouts).toBe(1);
    expect(g.retxPackets).toBe(4);
    expect(g.spuriousRetx).toBe(3);
    expect(g.finish).toBe(3 * ser + R + RTO_US * 1e6 + 3 * ser + R);
  });
});

describe('tail loss probe: a window-limited sender whose ACK is lost', () => {
  // 12 packets, window_packets 4: PSNs 0..3, their ACK, PSNs 4..7, whose one ACK seed 2 loses
  // (asserted: one loss, and the probe is reported a duplicate). The window is full and nothing
  // else will come back: the probe resends PSN 7 (not new data, which the responder would not ACK
  // before ack_every packets), the duplicate is ACKed at once and the window opens.
  const ser = (MTU + 62 + 20) * 8 * 10;
  const R = star([{ bytes: MTU }]).flows.records[0]!.finish;
  const windowed = (tlp: boolean) =>
    run({
      name: 'tlp-window',
      seed: 2,
      topology: { generator: 'star', params: { hosts: 2, rate_gbps: 100, delay_ns: 1000 } },
      fabric: { mtu: MTU, link_loss_rate: 0.05 },
      transport: { kind: 'roce-v2', loss_recovery: 'selective-repeat', loss_detection: 'rack', tail_loss_probe: tlp, rto_us: RTO_US, window_packets: 4 },
      workload: { kind: 'flows', list: [{ src: 'h1', dst: 'h0', bytes: 12 * MTU, verb: 'send' }] },
    });

  it('probes 2·SRTT after PSN 7 left and finishes without the RTO', () => {
    const a = windowed(true);
    const b = windowed(false);
    for (const r of [a, b]) expect(r.fabric.counters.total(PC_LINK_LOSSES)).toBe(1);
    const f = a.flows.records[0]!;
    expect([f.status, f.deliveredBytes, f.timeouts, f.retxPackets, f.spuriousRetx]).toEqual(['done', 12 * MTU, 0, 1, 1]);
    // PSN 7 leaves at 3·ser + R + 3·ser; the probe 2R later; its ACK R after that opens the
    // window for PSNs 8..11, the last ACKed R after it leaves
    const t7 = 3 * ser + R + 3 * ser;
    expect(f.finish).toBe(t7 + 2 * R + R + 3 * ser + R);
    const g = b.flows.records[0]!;
    expect(g.timeouts).toBe(1);
    expect(g.finish).toBeGreaterThan(RTO_US * 1e6);
  });
});

describe('tail loss probe under random loss', () => {
  // 300 messages of 8 packets, one every 20 µs: many tails, each a chance for a lost last packet or ACK
  const flows = Array.from({ length: 300 }, (_, i) => ({ bytes: 8 * MTU, start_ns: i * 20_000 }));
  type R = ReturnType<typeof star>;
  const sum = (r: R, f: (x: R['flows']['records'][number]) => number) => r.flows.records.reduce((s, x) => s + f(x), 0);

  it.each([0.001, 0.01])('at a %s loss rate every byte arrives and TLP takes fewer timeouts than RACK alone', (loss) => {
    const seeds = loss === 0.001 ? [1, 2, 3, 4] : [1];
    let toTlp = 0;
    let toRack = 0;
    for (const seed of seeds) {
      const a = star(flows, { seed, loss, tlp: true });
      const b = star(flows, { seed, loss, tlp: false });
      for (const r of [a, b]) {
        expect(r.fabric.counters.total(PC_LINK_LOSSES)).toBeGreaterThan(0);
        for (const f of r.flows.records) {
          expect(f.status).toBe('done');
          expect(f.deliveredBytes).toBe(8 * MTU);
        }
      }
      toTlp += sum(a, (f) => f.timeouts);
      toRack += sum(b, (f) => f.timeouts);
    }
    expect(toRack).toBeGreaterThan(0);
    expect(toTlp).toBeLessThan(toRack / 2);
  });

  it('without loss no probe fires: the run is RACK alone, event for event', () => {
    const a = star(flows.slice(0, 20), { tlp: true });
    const b = star(flows.slice(0, 20), { tlp: false });
    expect(sum(a, (f) => f.retxPackets)).toBe(0);
    expect(a.flows.records.map((f) => f.finish)).toEqual(b.flows.records.map((f) => f.finish));
  });

  it('is refused without RACK, naming the field and the fix', () => {
    const e = configError(() =>
      run({
        name: 'tlp',
        topology: { generator: 'star', params: { hosts: 2 } },
        transport: { kind: 'roce-v2', loss_recovery: 'selective-repeat', loss_detection: 'immediate', tail_loss_probe: true },
        workload: { kind: 'flows', list: [{ src: 'h1', dst: 'h0', bytes: 1000 }] },
      }),
    );
    expect(e.field).toBe('transport.tail_loss_probe');
    expect(e.message).toContain('loss_detection: rack');
  });
});
