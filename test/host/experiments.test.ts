import { describe, expect, it } from 'vitest';
import { runExperiment } from '../../src/experiment/run.js';
import { planSweep } from '../../src/experiment/sweep.js';
import { summarize } from '../../src/metrics/summary.js';
import { checkConservation } from '../helpers/run.js';

/** The rx cost of one 64-byte packet on a saturated kernel core (no interrupt, no wake-up), ps. */
const KERNEL_64B_PS = (100 / 64 + 28 + 45 + 30 + 140 + 50 + 300 + 50 + 0.152 * 64) * 1000;

describe('the host stack experiments', () => {
  it('host-performance-cliff.yaml: three stacks × three link rates × six frame sizes; a core takes 1/c', () => {
    const { configs } = planSweep('experiments/host-performance-cliff.yaml');
    expect(configs.length).toBe(54);
    const h0 = configs.map((c) => (c.hosts!.per_host['h0'] as { stack: string }).stack);
    expect([...new Set(h0)]).toEqual(['kernel', 'xdp', 'dpdk']);
    // the kernel point at 64 bytes and 10 Gb/s, cut to 50 µs: line rate in, 1/c out
    const kernel = configs.find((c) => c.hosts!.per_host['h0']!.stack === 'kernel' && c.transport['frame_bytes'] === 64)!;
    const r = runExperiment({ ...kernel, stop: { time_us: 50 } });
    checkConservation(r);
    const cpu = r.hostStacks!.rx[0]!.cpu;
    // the core is busy from the first arrival (one interrupt + wake-up, then back to back)
    const first = 2 * 67_200 + 2 * 1_000_000;
    const startUp = 1_000_000 + 1_500_000;
    const served = Math.floor((50e6 - first - startUp) / KERNEL_64B_PS);
    expect(Math.abs(cpu.corePackets[0]! - served)).toBeLessThanOrEqual(1);
    // the rest waits in the ring (1024 descriptors: not full yet after 50 µs), one per 67.2 ns in
    const arrived = Math.floor((50e6 - first) / 67_200) + 1;
    expect(Math.abs(cpu.occupancy(0) - (arrived - cpu.corePackets[0]!))).toBeLessThanOrEqual(1);
    expect(cpu.ringDrops[0]).toBe(0);
  });

  it('host-xdp-load-balancer.yaml: the LB core count is swept; every flow goes to a backend with IP-in-IP', () => {
    const { configs } = planSweep('experiments/host-xdp-load-balancer.yaml');
    expect(configs.map((c) => c.hosts!.per_host['h0']!.cores)).toEqual([1, 2, 4, 6, 8, 10, 12, 16]);
    const r = runExperiment({ ...configs[0]!, stop: { time_us: 20 } });
    checkConservation(r);
    const fwd = r.hostStacks!.forwarders[0]!;
    const to = Array.from(fwd.forwardedTo);
    // only the four backends receive, and Maglev gives each some of the sixteen flows
    expect(to.slice(0, 5).every((n) => n === 0)).toBe(true);
    expect(to.slice(5).every((n) => n > 0)).toBe(true);
  });

  it("host-xdp-load-balancer.yaml: one LB core forwards Katran's published 5.16 Mpps (XDP paper, 3.6 GHz)", () => {
    const { configs } = planSweep('experiments/host-xdp-load-balancer.yaml');
    const r = runExperiment({ ...configs[0]!, outputs: { ...configs[0]!.outputs, samples_interval_ns: 0 } });
    checkConservation(r);
    const cpu = r.hostStacks!.rx[0]!.cpu;
    const n = cpu.corePackets[0]!;
    const ns = (stage: string) => cpu.stageBusyPs[cpu.stageNames.indexOf(stage)]! / 1000;
    // at 3.6 GHz every 3 GHz cost is divided by 1.2: the program 173, XDP_TX 20 + IP-in-IP 10
    expect(ns('xdp_prog')).toBeCloseTo((n * 173) / 1.2, 3);
    expect(ns('xdp_tx')).toBeCloseTo((n * 30) / 1.2, 3);
    // saturated: a poll call (100 ns) per 64 packets; per packet 232.5625 / 1.2 = 193.8 ns
    const perPacketNs = (28 + 173 + 20 + 10 + 100 / 64) / 1.2;
    expect(1e3 / perPacketNs).toBeCloseTo(5.16, 2);
    expect(cpu.stageCalls[cpu.stageNames.indexOf('napi_poll')]).toBe(Math.ceil(n / 64));
    // the core's busy time: every packet's cost plus one interrupt (its first, idle → busy)
    const busyNs = cpu.coreBusyPs[0]! / 1000;
    expect(busyNs / n).toBeGreaterThan(perPacketNs);
    expect(busyNs / n).toBeLessThan(perPacketNs + 1);
    // delivered at the backends, from the first send to the drained end: 5.12 Mpps, the
    // published 5,161,976 pps less the start-up
    const delivered = r.flows.records.reduce((a, f) => a + f.deliveredPackets, 0);
    expect(delivered).toBe(n);
    expect(summarize(r.flows, r.fabric.counters, r.fabric.traffic, r.simTimePs, r.events).delivered_mpps).toBeCloseTo(5.12, 2);
  });

  it('host-rdma-vs-tcp.yaml: three pairs, each on its own stacks', () => {
    const { configs } = planSweep('experiments/host-rdma-vs-tcp.yaml');
    expect(configs.length).toBe(1);
    const stacks = Object.fromEntries(Object.entries(configs[0]!.hosts!.per_host).map(([h, o]) => [h, o.stack]));
    expect(stacks).toEqual({ h0: 'rdma-offload', h1: 'rdma-offload', h2: 'kernel', h3: 'kernel', h4: 'soft-roce', h5: 'soft-roce' });
  });
});
