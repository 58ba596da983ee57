import { describe, expect, it } from 'vitest';
import { idealFct } from '../../src/metrics/ideal-fct.js';
import { ns } from '../../src/sim/time.js';
import { run } from '../helpers/run.js';

/** IB RC WRITE Only of `payload`: LRH 8 + BTH 12 + RETH 16 + payload + ICRC 4 + VCRC 2. */
const ibWriteOnly = (payload: number) => 42 + payload;
/** RoCEv2 WRITE Only: Ethernet 14 + IPv4 20 + UDP 8 + BTH 12 + RETH 16 + payload + ICRC 4 + FCS 4. */
const roceWriteOnly = (payload: number) => 78 + payload;

function ser(bytes: number, gbps: number): number {
  return Math.ceil((bytes * 8 * 1000) / gbps);
}

const D = 1000; // ns per cable
const LAT = 100; // ns per switch

/** One `bytes` WRITE from h0 to h2 across leaf0 → spine → leaf1 (4 hops, 3 switches). */
function oneWrite(transport: string, bytes: number, fabric: Record<string, unknown>, params: Record<string, unknown> = {}, transportParams: Record<string, unknown> = {}) {
  return run({
    name: 'cut-through',
    topology: { generator: 'leaf-spine', params: { leaves: 2, spines: 1, hosts_per_leaf: 2, rate_gbps: 100, uplink_rate_gbps: 100, delay_ns: D, ...params } },
    fabric: { switch_latency_ns: LAT, ...fabric },
    transport: { kind: transport, ...transportParams },
    workload: { kind: 'flows', list: [{ src: 'h0', dst: 'h2', bytes }] },
  }).flows.records[0]!;
}

/**
 * Cut-through: a switch starts forwarding a frame once its header has arrived (and its
 * forwarding latency has passed), while the tail still streams in. On a path of H hops at one
 * rate a single packet's last bit therefore arrives after one serialization, plus at each of
 * the H − 1 switches its latency and the header's time, plus H propagation delays:
 *   s + (H − 1)·(latency + header) + H·D
 * against store-and-forward's H·s + (H − 1)·latency + H·D.
 */
describe('cut-through switching', () => {
  it('InfiniBand EDR: one packet arrives after s + 3·(latency + LRH time) + 4·D', () => {
    const payload = 1000;
    const s = ser(ibWriteOnly(payload), 100);
    const lrh = ser(8, 100); // the 8-byte LRH holds the DLID a switch routes on: 640 ps
    expect(lrh).toBe(640);
    const ct = oneWrite('infiniband', payload, { switching: 'cut-through', ib_speed: 'EDR' });
    expect(ct.recvDone).toBe(s + 3 * (ns(LAT) + lrh) + 4 * ns(D));
    const sf = oneWrite('infiniband', payload, { ib_speed: 'EDR' });
    expect(sf.recvDone).toBe(4 * s + 3 * ns(LAT) + 4 * ns(D));
    // the ideal FCT follows the same model (the final ACK waits behind the receiver's 6-byte credit update)
    expect(ct.finish - ct.start).toBe(ct.idealFct + ser(6, 100));
    expect(ct.idealFct).toBeLessThan(sf.idealFct);
  });

  it('Ethernet (RoCEv2) too: the header is the 8-byte preamble/SFD + the 42 bytes ECMP hashes (MAC + IPv4 + UDP)', () => {
    const payload = 1000;
    const s = ser(roceWriteOnly(payload) + 20, 100); // + preamble/SFD and IFG
    const header = ser(8 + 42, 100);
    expect(header).toBe(4000);
    const ct = oneWrite('roce-v2', payload, { switching: 'cut-through' });
    expect(ct.recvDone).toBe(s + 3 * (ns(LAT) + header) + 4 * ns(D));
    expect(ct.finish - ct.start).toBe(ct.idealFct);
    // cut_through_bytes overrides the header size
    const l2 = oneWrite('roce-v2', payload, { switching: 'cut-through', cut_through_bytes: 14 });
    expect(l2.recvDone).toBe(s + 3 * (ns(LAT) + ser(8 + 14, 100)) + 4 * ns(D));
    expect(() => oneWrite('roce-v2', payload, { cut_through_bytes: 14 })).toThrow(/fabric\.cut_through_bytes: cut_through_bytes applies only to switching 'cut-through'/);
  });

  it('a faster egress cannot finish before the tail has arrived: 25 Gb/s hosts, 100 Gb/s uplinks', () => {
    const payload = 4000;
    const F = ibWriteOnly(payload);
    const s25 = ser(F, 25);
    const s100 = ser(F, 100);
    const L25 = ser(8, 25);
    const L100 = ser(8, 100);
    // leaf0 and the spine start at header time but end at the tail's arrival (s25 after the
    // host started, plus the cables): their 100 Gb/s serializations are hidden. leaf1 sends at
    // 25 Gb/s again, starting at header time, so the last bit arrives at
    //   L25 + 2·L100 + 3·(latency + D) + s25 + D
    expect(L25 + 2 * ns(LAT) + s100).toBeLessThan(s25); // the tail is what the fast hops wait for
    const ct = oneWrite('infiniband', payload, { switching: 'cut-through', mtu: 4096 }, { rate_gbps: 25, uplink_rate_gbps: 100 });
    expect(ct.recvDone).toBe(L25 + 2 * L100 + 3 * (ns(LAT) + ns(D)) + s25 + ns(D));
  });

  it('a long message pipelines through cut-through switches exactly as the ideal FCT predicts', () => {
    // one ACK, at the end (on IB every ACK's credit update would take wire time on the sender's link)
    const oneAck = { ack_every: 1024, rto_us: 100000 };
    for (const transport of ['infiniband', 'roce-v2']) {
      const f = oneWrite(transport, 64 * 1024, { switching: 'cut-through', mtu: 2048 }, {}, oneAck);
      expect(f.status).toBe('done');
      // on IB the final ACK waits behind the receiver's 6-byte credit update
      expect(f.finish - f.start).toBe(f.idealFct + (transport === 'infiniband' ? ser(6, 100) : 0));
    }
    // 25 Gb/s hosts, 100 Gb/s uplinks: the fast hops are tail-limited all along
    const mixed = oneWrite('infiniband', 64 * 1024, { switching: 'cut-through', mtu: 2048 }, { rate_gbps: 25, uplink_rate_gbps: 100 }, oneAck);
    expect(mixed.finish - mixed.start).toBe(mixed.idealFct + ser(6, 25));
  });

  it('the ideal FCT model: a hop toward a cut-through switch lets the next start after the header, not before the tail', () => {
    // 2 hops, second one 4x faster: it starts at header arrival but ends when the tail has arrived
    const hops = [
      { rateBps: 25e9, delayPs: 1000, overheadBytes: 0, cutThroughLeadPs: 2560 },
      { rateBps: 100e9, delayPs: 1000, overheadBytes: 0 },
    ];
    const s25 = ser(1000, 25);
    expect(idealFct(hops, [], 1, () => 1000, 0, 0)).toBe(s25 + 1000 + 1000); // the tail, not 2560 + 1000 + s100
    const sf = hops.map(({ rateBps, delayPs }) => ({ rateBps, delayPs, overheadBytes: 0 }));
    expect(idealFct(sf, [], 1, () => 1000, 0, 0)).toBe(s25 + ser(1000, 100) + 2000);
  });
});
