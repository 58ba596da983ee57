import { describe, expect, it } from 'vitest';
import { runExperiment, type RunResult } from '../../src/experiment/run.js';
import { cpuRows } from '../../src/experiment/cpu-output.js';
import { PC_PAUSE_TX } from '../../src/metrics/port-counters.js';
import { PFC_PAUSE_TX } from '../../src/metrics/pfc-log.js';
import { stacks } from '../../src/host/stacks/index.js';
import { validateExperiment } from '../../src/experiment/schema.js';
import { ConfigError } from '../../src/sim/errors.js';
import { run } from '../helpers/run.js';

/** A DPDK-like stack whose only cost is `c` ns per packet (no per-burst cost). */
const flat = (c: number, more: Record<string, unknown> = {}) => ({ stack: 'dpdk', params: { rx_ns: c, burst_ns: 0 }, ...more });

function incast(senders: number, hosts: Record<string, unknown>, bytes = 1_000_000, fabric: Record<string, unknown> = {}): RunResult {
  return run({
    name: 'host-cpu',
    topology: { generator: 'star', params: { hosts: senders + 1, rate_gbps: 100, delay_ns: 1000 } },
    fabric: { buffer_bytes: 8 * 1024 * 1024, ...fabric },
    transport: { kind: 'roce-v2', rto_us: 200 },
    workload: { kind: 'incast', receiver: 'h0', senders, bytes },
    hosts,
  });
}

/** Data packets host 0 processed per second over the incast (first start to last data packet). */
function rxPps(r: RunResult): number {
  const cpu = r.hostStacks!.rx[0]!.cpu;
  const packets = cpu.corePackets.reduce((a, b) => a + b, 0);
  const end = Math.max(...r.flows.records.map((f) => f.recvDone));
  return packets / (end / 1e12);
}

describe('host cores as servers of work items', () => {
  it('a stack costing c ns per packet saturates one core at 1/c packets/s, losslessly', () => {
    const c = 1000;
    const r = incast(2, flat(c));
    const cpu = r.hostStacks!.rx[0]!.cpu;
    const packets = cpu.corePackets[0]!;
    // every packet costs exactly c: the core's busy time is packets × c
    expect(cpu.coreBusyPs[0]).toBe(packets * c * 1000);
    // back to back from the first packet to the last: 1/c packets/s (1 Mpps), within the start-up
    // (one one-way delay) of a ~2 ms run
    expect(rxPps(r)).toBeGreaterThan(0.995e6);
    expect(rxPps(r)).toBeLessThanOrEqual(1e6);
    expect(r.fabric.traffic.droppedPackets).toBe(0);
    for (const f of r.flows.records) expect(f.status).toBe('done');
  });

  it('RSS: adding cores scales the rate k/c until the wire limits it', () => {
    const c = 500;
    for (const k of [1, 2, 4]) {
      const r = incast(k, flat(c, { cores: k, rss: 'flow-steering' }));
      expect(rxPps(r)).toBeGreaterThan(0.99 * (k / c) * 1e9);
      expect(rxPps(r)).toBeLessThanOrEqual((k / c) * 1e9);
    }
    // 8 cores could take 16 Mpps; a 100 Gb/s wire carries ~11 Mpps of these frames: the host
    // model then runs as fast as the ideal host
    const ideal = run({ name: 'ideal', topology: { generator: 'star', params: { hosts: 9, rate_gbps: 100, delay_ns: 1000 } }, fabric: { buffer_bytes: 8 * 1024 * 1024 }, transport: { kind: 'roce-v2', rto_us: 200 }, workload: { kind: 'incast', receiver: 'h0', senders: 8, bytes: 1_000_000 } });
    const idealEnd = Math.max(...ideal.flows.records.map((f) => f.recvDone));
    const r = incast(8, flat(c, { cores: 8, rss: 'flow-steering' }));
    const packets = r.hostStacks!.rx[0]!.cpu.corePackets.reduce((x, y) => x + y, 0);
    const wirePps = packets / (idealEnd / 1e12);
    expect(wirePps).toBeLessThan((8 / c) * 1e9);
    // within 3 %: PFC at the switch lets some flows lag, and in the tail a lagging flow is pinned
    // to its one core (2 Mpps) where the ideal host would give it the whole wire
    expect(rxPps(r)).toBeGreaterThan(0.97 * wirePps);
    expect(rxPps(r)).toBeLessThanOrEqual(wirePps);
    // a core faster than the wire's packet rate (80 ns < 90 ns per 1126-byte frame) never queues:
    // the wire alone sets the rate, and every packet is just 80 ns later
    const fast = incast(8, flat(80));
    expect(rxPps(fast)).toBeGreaterThan(0.999 * wirePps);
    expect(fast.hostStacks!.rx[0]!.cpu.corePackets[0]).toBe(packets);
  });

  it('RSS hashing spreads many flows over every core', () => {
    const r = incast(16, flat(100, { cores: 4 }), 50_000);
    const per = Array.from(r.hostStacks!.rx[0]!.cpu.corePackets);
    expect(per.every((n) => n > 0)).toBe(true);
  });

  it('a slow receiver on a lossless class sends PAUSE frames upstream and drops nothing', () => {
    const r = incast(2, flat(2000, { rx_ring: 256, rx_pfc_headroom: 64 }), 500_000);
    const host0 = r.fabric.hostPort(0);
    expect(r.fabric.counters.get(host0.index, PC_PAUSE_TX)).toBeGreaterThan(0);
    let fromHost = 0;
    const log = r.fabric.pfcLog.cols;
    for (let i = 0; i < log.length; i++) if (log.get(i, 1) === host0.index && log.get(i, 3) === PFC_PAUSE_TX) fromHost++;
    expect(fromHost).toBeGreaterThan(0);
    expect(r.hostStacks!.rx[0]!.drops).toBe(0);
    expect(r.fabric.traffic.droppedPackets).toBe(0);
    for (const f of r.flows.records) expect(f.status).toBe('done');
  });

  it('the same slow receiver on a lossy class drops at its rx ring and sends no PAUSE', () => {
    const r = runExperiment({
      name: 'host-cpu-lossy',
      outputs: { samples_interval_ns: 0 },
      topology: { generator: 'star', params: { hosts: 3, rate_gbps: 100, delay_ns: 1000 } },
      fabric: { buffer_bytes: 8 * 1024 * 1024, pfc: { enabled: false } },
      transport: { kind: 'roce-v2', rto_us: 200 },
      workload: { kind: 'incast', receiver: 'h0', senders: 2, bytes: 500_000 },
      hosts: flat(2000, { rx_ring: 256 }),
      stop: { time_us: 500 },
    });
    expect(r.hostStacks!.rx[0]!.drops).toBeGreaterThan(0);
    expect(r.fabric.counters.get(r.fabric.hostPort(0).index, PC_PAUSE_TX)).toBe(0);
  });

  it('DPDK cores are 100 % busy at zero load; kernel cores are idle', () => {
    const at = (stack: string) =>
      runExperiment({
        name: 'idle-host',
        outputs: { samples_interval_ns: 0 },
        topology: { generator: 'star', params: { hosts: 2 } },
        workload: { kind: 'idle' },
        hosts: { stack, cores: 2 },
      });
    // no traffic for 100 µs
    const T = 100e6;
    const dpdk = at('dpdk');
    const rows = cpuRows(dpdk.hostStacks!, dpdk.fabric.hostKeys, T);
    expect(rows.length).toBeGreaterThan(0);
    for (const row of rows) expect(row[6]).toBe(1); // cpu_util
    expect(rows.filter((row) => row[3] === 'poll_idle').every((row) => row[4] === 100_000)).toBe(true);
    const kernel = at('kernel');
    for (const row of cpuRows(kernel.hostStacks!, kernel.fabric.hostKeys, T)) expect(row[6]).toBe(0);
  });

  it('the kernel stack adds its rx cost to a message latency, exactly', () => {
    const one = (hosts?: Record<string, unknown>) =>
      run({
        name: 'latency',
        topology: { generator: 'star', params: { hosts: 2, rate_gbps: 100, delay_ns: 1000 } },
        workload: { kind: 'incast', receiver: 'h0', senders: 1, bytes: 512 },
        ...(hosts ? { hosts } : {}),
      });
    const ideal = one();
    const kernel = one({ stack: 'kernel' });
    const k = kernel.hostStacks!;
    // the data packet at h0 and the ACK at h1, each from an idle core: every stage once, with its per-call cost
    const cost = (h: number) => k.rx[h]!.cpu.coreBusyPs[0]!;
    expect(k.rx[0]!.cpu.corePackets[0]).toBe(1);
    expect(k.rx[1]!.cpu.corePackets[0]).toBe(1);
    const fct = (r: RunResult) => r.flows.records[0]!.finish - r.flows.records[0]!.start;
    expect(fct(kernel) - fct(ideal)).toBe(cost(0) + cost(1));
    // 1000 interrupt + 128 NAPI + 45 + 30 + 140 + 50 + 300 + 50 + 1500 wake-up + 0.152 ns/B copy
    expect(cost(0)).toBeGreaterThan(3_243_000);
    expect(cost(0)).toBeLessThan(3_243_000 + 0.152 * 1000 * 1600);
  });

  it('netfilter cost grows with iptables rules; an eBPF map policy is constant', () => {
    const nf = (params: Record<string, unknown>) => stacks.get('kernel').create(stacks.get('kernel').params.parse(params), 1).rx.find((s) => s.name === 'netfilter')!.perPacketNs;
    expect(nf({ iptables_rules: 1000 }) - nf({ iptables_rules: 0 })).toBe(5000);
    expect(nf({ iptables_rules: 1000, ebpf_policy: true })).toBe(nf({ ebpf_policy: true }));
  });

  it('the hosts block is validated with field paths', () => {
    const base = { name: 'x', workload: { kind: 'idle' } };
    expect(() => validateExperiment({ ...base, hosts: { stack: 'nope' } })).toThrow(ConfigError);
    expect(() => validateExperiment({ ...base, hosts: { stack: 'nope' } })).toThrow(/hosts\.stack/);
    expect(() => validateExperiment({ ...base, hosts: { stack: 'kernel', params: { tcp_ns: -1 } } })).toThrow(/hosts\.params\.tcp_ns/);
    expect(() => validateExperiment({ ...base, hosts: { cores: 0 } })).toThrow(/hosts\.cores/);
    const v = validateExperiment({ ...base, hosts: { stack: 'kernel' } });
    expect(v.hosts!.cores).toBe(1);
    expect(v.hosts!.params['budget']).toBe(64);
    expect(validateExperiment(base).hosts).toBeUndefined();
  });
});

describe('transmit work', () => {
  it('a TCP sender whose stack costs t ns per transmitted packet sends at most 1/t packets/s per core', () => {
    const t = 1000;
    const tcp = (cores: number) =>
      run({
        name: 'tcp-tx',
        topology: { generator: 'star', params: { hosts: 2, rate_gbps: 100, delay_ns: 1000 } },
        fabric: { mtu: 1500, pfc: { enabled: false } },
        transport: { kind: 'tcp' },
        cc: { kind: 'newreno' },
        workload: { kind: 'incast', receiver: 'h0', senders: 1, bytes: 1_000_000 },
        hosts: { stack: 'dpdk', cores, params: { rx_ns: 0, burst_ns: 0, tx_ns: t } },
      });
    for (const cores of [1, 2]) {
      const r = tcp(cores);
      const f = r.flows.records[0]!;
      expect(f.status).toBe('done');
      const tx = r.hostStacks!.tx[1]!;
      const sent = tx.corePackets.reduce((a, b) => a + b, 0);
      expect(sent).toBe(f.packetsSent);
      expect(tx.coreBusyPs.reduce((a, b) => a + b, 0)).toBe(sent * t * 1000);
      // packet n+1 leaves no earlier than n × t / cores after the first
      expect(f.recvDone - f.start).toBeGreaterThanOrEqual(((sent - 1) * t * 1000) / cores);
      if (cores === 1) expect(f.recvDone - f.start).toBeLessThan(sent * t * 1000 + 100e6);
    }
  });
});

describe('early drops: iptables vs XDP', () => {
  // h1 sends legitimate traffic (flow 0), h2 an attack (flow 1), both into h0 on a lossy class
  const ddos = (stack: string) =>
    runExperiment({
      name: 'ddos',
      outputs: { samples_interval_ns: 0 },
      topology: { generator: 'star', params: { hosts: 3, rate_gbps: 100, delay_ns: 1000 } },
      fabric: { pfc: { enabled: false } },
      workload: { kind: 'incast', receiver: 'h0', senders: 2, bytes: 200_000 },
      hosts: { stack, params: { drop_flows: [1] } },
      stop: { time_us: 300 },
    });
  const stageOf = (r: RunResult, name: string) => {
    const cpu = r.hostStacks!.rx[0]!.cpu;
    return cpu.stagePackets[cpu.stageNames.indexOf(name)]!;
  };
  it('with XDP_DROP attack packets cost no sk_buff stage; with iptables they do', () => {
    const xdp = ddos('xdp');
    const cpu = xdp.hostStacks!.rx[0]!.cpu;
    expect(cpu.stackDrops[0]).toBeGreaterThan(0);
    expect(stageOf(xdp, 'xdp_prog')).toBe(cpu.corePackets[0]);
    expect(stageOf(xdp, 'sk_buff_alloc')).toBe(cpu.corePackets[0]! - cpu.stackDrops[0]!);
    expect(xdp.flows.records[0]!.status).toBe('done');
    expect(xdp.flows.records[1]!.deliveredBytes).toBe(0);
    const ipt = ddos('kernel');
    const c2 = ipt.hostStacks!.rx[0]!.cpu;
    expect(c2.stackDrops[0]).toBeGreaterThan(0);
    // a packet the core is still working on at the stop has paid its stages, not yet left the ring
    const inProgress = c2.occupancy(0) > 0 ? 1 : 0;
    expect(stageOf(ipt, 'sk_buff_alloc')).toBe(c2.corePackets[0]! + inProgress);
    expect(stageOf(ipt, 'tcp')).toBeGreaterThanOrEqual(c2.corePackets[0]! - c2.stackDrops[0]!);
    expect(stageOf(ipt, 'tcp')).toBeLessThanOrEqual(c2.corePackets[0]! - c2.stackDrops[0]! + inProgress);
    // the mean CPU per received packet (attack and legitimate) is lower with XDP
    const mean = (c: typeof cpu) => c.stageBusyPs.reduce((s, v) => s + v, 0) / c.corePackets[0]!;
    expect(mean(cpu)).toBeLessThan(mean(c2));
  });
});
