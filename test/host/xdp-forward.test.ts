import { describe, expect, it } from 'vitest';
import type { RunResult } from '../../src/experiment/run.js';
import { PC_TX_BYTES, PC_TX_PACKETS } from '../../src/metrics/port-counters.js';
import { maglevTable } from '../../src/host/maglev.js';
import { configError } from '../helpers/config-error.js';
import { run } from '../helpers/run.js';

const FLOWS = 12;
/** Flows from h1 and h2 (alternating) to the VIP host h0, `bytes` each. */
const toVip = (n = FLOWS, bytes = 20_000) => ({
  kind: 'flows',
  list: Array.from({ length: n }, (_, i) => ({ src: i % 2 === 0 ? 'h1' : 'h2', dst: 'h0', bytes })),
});
const backendIds = [3, 4, 5];
/** Backends count received packets per flow: flow i is steered to core i. */
const counting = { stack: 'dpdk', params: { rx_ns: 0, burst_ns: 0, tx_ns: 0 }, cores: FLOWS, rss: 'flow-steering' };

/** h0 is an XDP load balancer for flows 0..n-1 over backends h3, h4, h5; clients h1, h2 are ideal. */
function lb(lbParams: Record<string, unknown>, lbMore: Record<string, unknown> = {}, n = FLOWS, bytes = 20_000): RunResult {
  return run({
    name: 'xdp-lb',
    topology: { generator: 'star', params: { hosts: 6, rate_gbps: 100, delay_ns: 1000 } },
    fabric: { buffer_bytes: 8 * 1024 * 1024 },
    transport: { kind: 'roce-v2', rto_us: 200 },
    workload: toVip(n, bytes),
    hosts: {
      stack: 'ideal',
      per_host: {
        h0: { stack: 'xdp', params: { tx_flows: Array.from({ length: n }, (_, i) => i), backends: ['h3', 'h4', 'h5'], ...lbParams }, ...lbMore },
        h3: counting,
        h4: counting,
        h5: counting,
      },
    },
  });
}

/** The switch's port toward host `h`. */
const toHost = (r: RunResult, h: number) => r.fabric.path(1 === h ? 2 : 1, h, 0).at(-1)!;

describe('XDP_TX: an L4 load balancer (IP-in-IP to a Maglev-chosen backend)', () => {
  it('every flow arrives whole at exactly one backend, each frame 20 B longer, with no sk_buff on the LB', () => {
    const r = lb({ encap: 'ipip' });
    const plain = lb({});
    for (const f of r.flows.records) expect(f.status).toBe('done');
    const lbCpu = r.hostStacks!.rx[0]!.cpu;
    const at = (name: string) => lbCpu.stagePackets[lbCpu.stageNames.indexOf(name)]!;
    const lbPackets = lbCpu.corePackets[0]!;
    // every data packet at the LB ran the program and XDP_TX, none got an sk_buff or reached TCP/IP
    expect(at('xdp_prog')).toBe(lbPackets);
    expect(at('xdp_tx')).toBe(lbPackets);
    expect(at('sk_buff_alloc')).toBe(0);
    expect(at('ip_routing')).toBe(0);
    expect(lbCpu.stackForwards[0]).toBe(lbPackets);
    const used = new Set<number>();
    for (const [i, f] of r.flows.records.entries()) {
      // flow i's packets, counted on core i of each backend: exactly one backend has them all
      const got = backendIds.map((b) => r.hostStacks!.rx[b]!.cpu.corePackets[i]!);
      expect(got.filter((n) => n > 0).length).toBe(1);
      expect(got.reduce((a, b) => a + b, 0)).toBe(f.packetsSent);
      used.add(got.findIndex((n) => n > 0));
    }
    // twelve flows over three backends: Maglev spreads them (the table gives each a third)
    expect(used.size).toBeGreaterThan(1);
    // the bounce is on the wire: the LB's port sends every data packet it received, plus ACKs
    const lbOut = r.fabric.counters.get(r.fabric.hostPort(0).index, PC_TX_PACKETS);
    expect(lbOut).toBeGreaterThanOrEqual(lbPackets);
    // 20 B more per frame toward each backend, relative to the same run without encapsulation
    const fwd = r.hostStacks!.forwarders[0]!;
    let total = 0;
    for (const b of backendIds) {
      const extra = r.fabric.counters.get(toHost(r, b).index, PC_TX_BYTES) - plain.fabric.counters.get(toHost(plain, b).index, PC_TX_BYTES);
      expect(extra).toBe(20 * fwd.forwardedTo[b]!);
      total += fwd.forwardedTo[b]!;
    }
    expect(total).toBe(lbPackets);
    // without encapsulation the backends receive exactly the bytes the switch sent the VIP
    const intoVip = plain.fabric.counters.get(toHost(plain, 0).index, PC_TX_BYTES);
    expect(backendIds.reduce((s, b) => s + plain.fabric.counters.get(toHost(plain, b).index, PC_TX_BYTES), 0)).toBe(intoVip);
  });

  it('throughput scales with the LB cores (c ns per packet: k/c packets/s) until the wire limits it', () => {
    const c = 500;
    const flat = { interrupt_ns: 0, napi_poll_ns: 0, driver_rx_ns: 0, xdp_ns: c, xdp_tx_ns: 0, encap_ns: 0, wakeup_ns: 0, encap: 'ipip' };
    const rate = (cores: number) => {
      const r = lb(flat, { cores, rss: 'flow-steering' }, 8, 200_000);
      const cpu = r.hostStacks!.rx[0]!.cpu;
      const packets = cpu.corePackets.reduce((a, b) => a + b, 0);
      const start = Math.min(...r.flows.records.map((f) => f.start));
      const end = Math.max(...r.flows.records.map((f) => f.recvDone));
      return { pps: packets / ((end - start) / 1e12), busy: cpu.coreBusyPs.reduce((a, b) => a + b, 0), packets };
    };
    for (const k of [1, 2, 4]) {
      const { pps, busy, packets } = rate(k);
      expect(busy).toBe(packets * c * 1000);
      // back to back on every core from the first packet to the last, less the start-up
      expect(pps).toBeLessThanOrEqual((k / c) * 1e9);
      expect(pps).toBeGreaterThan(0.95 * (k / c) * 1e9);
    }
    // 8 cores could forward 16 Mpps; the 100 Gb/s wire into the LB carries ~11 Mpps of these frames
    const wire = rate(8).pps;
    expect(wire).toBeLessThan(0.75 * (8 / c) * 1e9);
    expect(wire).toBeGreaterThan(0.9 * (100e9 / ((1024 + 102 + 20) * 8)));
  });

  it('XDP_REDIRECT sends a flow to its configured host; XDP_PASS flows reach the LB host itself', () => {
    const r = run({
      name: 'xdp-redirect',
      topology: { generator: 'star', params: { hosts: 4, rate_gbps: 100, delay_ns: 1000 } },
      transport: { kind: 'roce-v2' },
      workload: { kind: 'flows', list: [{ src: 'h1', dst: 'h0', bytes: 10_000 }, { src: 'h2', dst: 'h0', bytes: 10_000 }] },
      hosts: { per_host: { h0: { stack: 'xdp', params: { redirect_flows: [0], redirect_to: 'h3' } } } },
    });
    for (const f of r.flows.records) expect(f.status).toBe('done');
    const cpu = r.hostStacks!.rx[0]!.cpu;
    const at = (name: string) => cpu.stagePackets[cpu.stageNames.indexOf(name)]!;
    const fwd = r.hostStacks!.forwarders[0]!;
    expect(fwd.forwardedTo[3]).toBe(r.flows.records[0]!.packetsSent);
    expect(at('xdp_redirect')).toBe(r.flows.records[0]!.packetsSent);
    expect(at('xdp_tx')).toBe(0);
    // flow 1 passed into the kernel path at h0 (and h0's ACKs of flow 0's... none: h3 is the receiver)
    expect(at('sk_buff_alloc')).toBe(cpu.corePackets[0]! - at('xdp_redirect'));
    expect(r.fabric.counters.get(toHost(r, 3).index, PC_TX_PACKETS)).toBe(r.flows.records[0]!.packetsSent);
  });

  it('backends and the redirect target must be hosts of the topology; verdicts need their destination', () => {
    const base = {
      name: 'bad',
      topology: { generator: 'star', params: { hosts: 3 } },
      workload: { kind: 'flows', list: [{ src: 'h1', dst: 'h0', bytes: 1000 }] },
    };
    const e = configError(() => run({ ...base, hosts: { per_host: { h0: { stack: 'xdp', params: { tx_flows: [0], backends: ['h7'] } } } } }));
    expect(e.message).toMatch(/hosts\.per_host\.h0\.params\.backends/);
    expect(e.message).toMatch(/h0, h1, h2/);
    expect(configError(() => run({ ...base, hosts: { stack: 'xdp', params: { tx_flows: [0] } } })).message).toMatch(/hosts\.params\.backends/);
    // to itself: its packets would loop through the switch
    expect(configError(() => run({ ...base, hosts: { per_host: { h0: { stack: 'xdp', params: { redirect_flows: [0], redirect_to: 'h0' } } } } })).field).toBe('hosts.per_host.h0.params.redirect_to');
    expect(configError(() => run({ ...base, hosts: { stack: 'xdp', params: { redirect_flows: [0] } } })).message).toMatch(/hosts\.params\.redirect_to/);
    expect(configError(() => run({ ...base, hosts: { stack: 'xdp', params: { drop_flows: [0], tx_flows: [0], backends: ['h1'] } } })).message).toMatch(/more than one/);
  });
});

describe('Maglev lookup table', () => {
  it('splits the table evenly, and removing a backend moves little else', () => {
    const names = ['h3', 'h4', 'h5', 'h6', 'h7'];
    const t = maglevTable(names, 65537);
    const share = names.map((_, i) => t.filter((x) => x === i).length);
    // round-robin filling: the shares differ by at most one entry
    expect(Math.max(...share) - Math.min(...share)).toBeLessThanOrEqual(1);
    const u = maglevTable(names.slice(0, 4), 65537);
    let moved = 0;
    for (let i = 0; i < t.length; i++) if (t[i] !== 4 && t[i] !== u[i]) moved++;
    // the entries of the four remaining backends mostly stay (Maglev: a small disruption)
    expect(moved / t.length).toBeLessThan(0.1);
    expect(Array.from(maglevTable(names, 65537))).toEqual(Array.from(t));
  });
});
