import { describe, expect, it } from 'vitest';
import { cpuRows } from '../../src/experiment/cpu-output.js';
import { validateExperiment } from '../../src/experiment/schema.js';
import type { RunResult } from '../../src/experiment/run.js';
import { configError } from '../helpers/config-error.js';
import { run } from '../helpers/run.js';

const star = (hosts: number) => ({ generator: 'star', params: { hosts, rate_gbps: 100, delay_ns: 1000 } });

describe('hosts.per_host: a stack per host', () => {
  const r = run({
    name: 'per-host',
    topology: star(3),
    workload: { kind: 'incast', receiver: 'h0', senders: ['h1', 'h2'], bytes: 20_000 },
    hosts: { stack: 'kernel', cores: 2, per_host: { h0: { stack: 'dpdk', cores: 4 }, h2: { params: { tcp_ns: 500 } } } },
  });

  it('each host runs its own stack, cores and params; cpu.csv names the stack of each host', () => {
    const h = r.hostStacks!;
    expect(h.models.map((m) => m.name)).toEqual(['dpdk', 'kernel', 'kernel']);
    expect(h.rx.map((x) => x!.cpu.cores)).toEqual([4, 2, 2]);
    // h2 keeps the block's stack and takes its tcp_ns on top of the block's params
    const tcp = (host: number) => h.models[host]!.rx.find((s) => s.name === 'tcp')!.perPacketNs;
    expect(tcp(1)).toBe(300);
    expect(tcp(2)).toBe(500);
    const rows = cpuRows(h, r.fabric.hostKeys, 1e9);
    const stackOf = (host: string) => new Set(rows.filter((x) => x[0] === host).map((x) => x[2]));
    expect(stackOf('h0')).toEqual(new Set(['dpdk']));
    expect(stackOf('h1')).toEqual(new Set(['kernel']));
    // the poll-mode host is 100 % busy, the kernel hosts are not
    expect(rows.filter((x) => x[0] === 'h0').every((x) => x[6] === 1)).toBe(true);
    expect(rows.filter((x) => x[0] === 'h1').every((x) => (x[6] as number) < 0.5)).toBe(true);
    for (const f of r.flows.records) expect(f.status).toBe('done');
  });

  it('an ideal host among modelled ones has no rx path and no cpu.csv rows', () => {
    const m = run({ name: 'mixed', topology: star(3), workload: { kind: 'incast', receiver: 'h0', senders: ['h1', 'h2'], bytes: 10_000 }, hosts: { per_host: { h0: { stack: 'kernel' } } } });
    expect(m.hostStacks!.rx[1]).toBeNull();
    expect(m.hostStacks!.rx[0]).not.toBeNull();
    expect(new Set(cpuRows(m.hostStacks!, m.fabric.hostKeys, 1e9).map((x) => x[0]))).toEqual(new Set(['h0']));
  });

  it('every host ideal: no host models at all', () => {
    const m = run({ name: 'ideal', topology: star(2), workload: { kind: 'incast', receiver: 'h0', senders: 1, bytes: 1000 }, hosts: { stack: 'kernel', per_host: { h0: { stack: 'ideal' }, h1: { stack: 'ideal' } } } });
    expect(m.hostStacks).toBeNull();
  });

  it('an unknown host or a bad override names the field (and lists the hosts)', () => {
    const base = { name: 'x', topology: star(3), workload: { kind: 'idle' } };
    const e = configError(() => run({ ...base, hosts: { per_host: { h9: { stack: 'kernel' } } } }));
    expect(e.message).toMatch(/hosts\.per_host\.h9/);
    expect(e.message).toMatch(/h0, h1, h2/);
    expect(configError(() => validateExperiment({ ...base, hosts: { per_host: { h0: { stack: 'nope' } } } })).message).toMatch(/hosts\.per_host\.h0\.stack/);
    expect(configError(() => validateExperiment({ ...base, hosts: { stack: 'kernel', per_host: { h0: { params: { tcp_ns: -1 } } } } })).message).toMatch(/hosts\.per_host\.h0\.params\.tcp_ns/);
    // the block's stack is ideal: a kernel parameter is unknown to it
    expect(configError(() => validateExperiment({ ...base, hosts: { per_host: { h0: { params: { tcp_ns: 1 } } } } })).message).toMatch(/hosts\.per_host\.h0\.params/);
    expect(configError(() => validateExperiment({ ...base, hosts: { per_host: { h0: { cores: 0 } } } })).message).toMatch(/hosts\.per_host\.h0\.cores/);
  });
});

/** One 64 KB flow h1 → h0 over `transport` with every host on `hosts`. */
function oneFlow(transport: Record<string, unknown>, hosts: Record<string, unknown>, cc = 'none'): RunResult {
  return run({
    name: 'one-flow',
    topology: star(2),
    fabric: transport['kind'] === 'roce-v2' ? {} : { pfc: { enabled: false } },
    transport,
    cc: { kind: cc },
    workload: { kind: 'incast', receiver: 'h0', senders: ['h1'], bytes: 65_536 },
    hosts,
  });
}

describe('software RDMA: soft-RoCE and soft-iWARP', () => {
  it('soft-RoCE pays per received packet; the RDMA offload pays only per completion event', () => {
    const soft = oneFlow({ kind: 'roce-v2' }, { stack: 'soft-roce' });
    const off = oneFlow({ kind: 'roce-v2' }, { stack: 'rdma-offload', params: { completions: 'interrupt' } });
    expect(soft.flows.records[0]!.status).toBe('done');
    const sc = soft.hostStacks!.rx[0]!.cpu;
    // every data packet at h0 runs udp + rxe + a copy into the memory region: at least 80 + 250 ns each
    const packets = sc.corePackets[0]!;
    expect(packets).toBeGreaterThanOrEqual(16);
    const perPacket = (name: string) => sc.stageBusyPs[sc.stageNames.indexOf(name)]! / sc.stagePackets[sc.stageNames.indexOf(name)]!;
    expect(perPacket('udp')).toBe(80_000);
    expect(perPacket('rxe')).toBeGreaterThan(250_000);
    expect(sc.stageBusyPs[sc.stageNames.indexOf('copy_to_mr')]!).toBeGreaterThan(0.1 * 1000 * 65_536);
    expect(sc.stageNames).not.toContain('tcp');
    // the offload: a completion event per busy period, nothing per packet
    const oc = off.hostStacks!.rx[0]!.cpu;
    const ev = oc.stageNames.indexOf('completion_event');
    expect(oc.coreBusyPs[0]).toBe(oc.stageCalls[ev]! * 2_500_000);
    // soft-RoCE's sender pays rxe_tx per packet too; the offload's has no transmit work
    expect(soft.hostStacks!.tx[1]!.corePackets.reduce((a, b) => a + b, 0)).toBe(soft.flows.records[0]!.packetsSent);
    expect(off.hostStacks!.tx[1]).toBeNull();
    expect(soft.flows.records[0]!.finish).toBeGreaterThan(off.flows.records[0]!.finish);
  });

  it('soft-iWARP runs the kernel TCP path and siw over transport iwarp', () => {
    const r = oneFlow({ kind: 'iwarp' }, { stack: 'soft-iwarp' }, 'newreno');
    expect(r.flows.records[0]!.status).toBe('done');
    const cpu = r.hostStacks!.rx[0]!.cpu;
    const n = cpu.corePackets[0]!;
    for (const s of ['sk_buff_alloc', 'siw']) expect(cpu.stagePackets[cpu.stageNames.indexOf(s)]).toBe(n);
    expect(cpu.stageBusyPs[cpu.stageNames.indexOf('siw')]).toBe(n * 200_000);
    // GRO (the kernel's default) merges the backlog up to TCP: TCP runs once per super-packet,
    // and once for each packet that could not merge
    expect(cpu.mergedSegments[0]).toBeGreaterThan(0);
    expect(cpu.stagePackets[cpu.stageNames.indexOf('tcp')]).toBe(cpu.superPackets[0]! + n - cpu.mergedSegments[0]!);
    expect(cpu.superPackets[0]).toBeLessThan(n);
    // the one work request h1 posted, through the iWARP verbs layer's posting hook
    expect(r.hostStacks!.posting!.core(1, 0)).toEqual({ busyPs: 100_000, posts: 1 });
    expect(r.hostStacks!.posting!.core(0, 0).posts).toBe(0);
  });

  it('a software RDMA stack refuses another transport, naming hosts.stack', () => {
    const a = configError(() => oneFlow({ kind: 'tcp' }, { stack: 'soft-roce' }, 'newreno'));
    expect(a.field).toBe('hosts.stack');
    expect(a.message).toMatch(/roce-v2/);
    expect(configError(() => oneFlow({ kind: 'roce-v2' }, { stack: 'soft-iwarp' })).message).toMatch(/iwarp/);
    expect(configError(() => oneFlow({ kind: 'roce-v2' }, { per_host: { h0: { stack: 'soft-iwarp' } } })).field).toBe('hosts.per_host.h0.stack');
  });
});

describe('DPDK with a user-space TCP', () => {
  it('adds tcp_ns per packet on receive and on transmit, on the poll-mode cores', () => {
    const hosts = (user_tcp: boolean) => ({ stack: 'dpdk', params: { rx_ns: 20, burst_ns: 0, tx_ns: 20, user_tcp, tcp_ns: 100 } });
    const r = oneFlow({ kind: 'tcp' }, hosts(true), 'newreno');
    const plain = oneFlow({ kind: 'tcp' }, hosts(false), 'newreno');
    const rx = r.hostStacks!.rx[0]!.cpu;
    expect(rx.coreBusyPs[0]).toBe(rx.corePackets[0]! * 120_000);
    expect(plain.hostStacks!.rx[0]!.cpu.coreBusyPs[0]).toBe(plain.hostStacks!.rx[0]!.cpu.corePackets[0]! * 20_000);
    const tx = r.hostStacks!.tx[1]!;
    expect(tx.coreBusyPs.reduce((a, b) => a + b, 0)).toBe(tx.corePackets.reduce((a, b) => a + b, 0) * 120_000);
    expect(r.hostStacks!.models[0]!.pollMode).toBe(true);
  });
});

describe('posting cost of the verbs layer (rdma-offload)', () => {
  const perftest = (hosts?: Record<string, unknown>) =>
    run({
      name: 'post',
      topology: star(2),
      transport: { kind: 'roce-v2' },
      workload: { kind: 'perftest', test: 'bw', verb: 'write', sizes: [4096], iterations: 50 },
      ...(hosts ? { hosts } : {}),
    });

  it('the host pays post_send_ns per work request, exactly, and it delays each doorbell', () => {
    const r = perftest({ stack: 'rdma-offload', params: { post_send_ns: 250 } });
    const p = r.hostStacks!.posting!;
    const wrs = r.messages!.length;
    expect(wrs).toBeGreaterThan(0);
    let posts = 0;
    let busy = 0;
    for (const h of [0, 1]) {
      posts += p.core(h, 0).posts;
      busy += p.core(h, 0).busyPs;
    }
    expect(posts).toBe(wrs);
    expect(busy).toBe(wrs * 250_000);
    const rows = cpuRows(r.hostStacks!, r.fabric.hostKeys, 1e9).filter((x) => x[3] === 'post_send');
    expect(rows.reduce((s, x) => s + (x[8] as number), 0)).toBe(wrs);
    expect(rows.reduce((s, x) => s + (x[4] as number), 0)).toBe(wrs * 250);
    // a free post: same work requests, finished no later
    const free = perftest({ stack: 'rdma-offload', params: { post_send_ns: 0 } });
    expect(free.hostStacks!.posting).toBeNull();
    expect(free.messages!.length).toBe(wrs);
    expect(free.simTimePs).toBeLessThan(r.simTimePs);
  });
});

describe('latency each stack adds to a message', () => {
  /** One 512-byte WRITE h1 → h0 on an idle 100 Gb/s star. */
  const one = (hosts?: Record<string, unknown>) =>
    run({
      name: 'latency',
      topology: star(2),
      workload: { kind: 'incast', receiver: 'h0', senders: ['h1'], bytes: 512 },
      ...(hosts ? { hosts } : {}),
    });
  const fct = (r: RunResult) => r.flows.records[0]!.finish - r.flows.records[0]!.start;

  it('RDMA offload with completion events: the post, then one event for the data and one for the ACK', () => {
    const r = one({ stack: 'rdma-offload', params: { completions: 'interrupt', post_send_ns: 250, event_ns: 2000 } });
    expect(fct(r) - fct(one())).toBe(250_000 + 2 * 2_000_000);
  });

  it('soft-RoCE: the full receive path for the data packet at h0 and for the ACK at h1', () => {
    const r = one({ stack: 'soft-roce' });
    const k = r.hostStacks!;
    // from idle cores, so each packet pays the interrupt and the wake-up too; the first packet of a
    // burst leaves without waiting for the transmit work, and ACKs bypass it
    const cost = (h: number) => k.rx[h]!.cpu.coreBusyPs[0]!;
    expect(k.rx[0]!.cpu.corePackets[0]).toBe(1);
    // plus posting the work request (post_send_ns 100) before the doorbell
    expect(fct(r) - fct(one())).toBe(100_000 + cost(0) + cost(1));
    // interrupt 1000 + NAPI 100 + 20 + sk_buff 40 + netfilter 20 + IP 50 + UDP 80 + rxe 250 + wake-up 1500, + per byte
    expect(cost(0)).toBeGreaterThan(3_060_000);
  });
});
