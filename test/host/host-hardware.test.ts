import { describe, expect, it } from 'vitest';
import { runExperiment, type RunResult } from '../../src/experiment/run.js';
import { cpuRows } from '../../src/experiment/cpu-output.js';
import { pcieRows } from '../../src/experiment/pcie-output.js';
import { validateExperiment } from '../../src/experiment/schema.js';
import { ConfigError } from '../../src/sim/errors.js';
import { run } from '../helpers/run.js';
import { PC_PAUSE_TX } from '../../src/metrics/port-counters.js';

const sum = (a: ArrayLike<number>) => Array.from(a).reduce((s, v) => s + v, 0);

describe('SmartNIC vs XDP vs iptables: where an attack is dropped', () => {
  // h1 sends a legitimate 100 kB (flow 0), h2 an attack of 50 kB (flow 1, resent once after its
  // timeout) into h0, lossy; every host has a PCIe link
  const ddos = (stack: string) =>
    run({
      name: 'ddos',
      topology: { generator: 'star', params: { hosts: 3, rate_gbps: 100, delay_ns: 1000 } },
      fabric: { pfc: { enabled: false }, buffer_bytes: 8 * 1024 * 1024 },
      transport: { kind: 'roce-v2', rto_us: 20, retry_count: 1 },
      workload: { kind: 'flows', list: [{ src: 'h1', dst: 'h0', bytes: 100_000 }, { src: 'h2', dst: 'h0', bytes: 50_000 }] },
      hosts: { stack, params: { drop_flows: [1] }, pcie: {} },
    });
  const stagePackets = (r: RunResult, name: string) => {
    const cpu = r.hostStacks!.rx[0]!.cpu;
    return cpu.stagePackets[cpu.stageNames.indexOf(name)]!;
  };

  it('with the SmartNIC attack packets cost no PCIe bytes and no host core; with XDP they cross PCIe but skip the sk_buff', () => {
    const nic = ddos('smartnic');
    const xdp = ddos('xdp');
    const ipt = ddos('kernel');
    for (const r of [nic, xdp, ipt]) {
      expect(r.flows.records[0]!.status).toBe('done');
      expect(r.flows.records[1]!.deliveredBytes).toBe(0);
    }
    const legit = nic.flows.records[0]!.packetsSent;
    const attack = nic.flows.records[1]!.packetsSent;
    expect(attack).toBeGreaterThan(0);
    // SmartNIC: the NIC cores saw everything and dropped the attack on the card
    const rx = nic.hostStacks!.rx[0]!;
    expect(sum(rx.nic!.corePackets)).toBe(legit + attack);
    expect(sum(rx.nic!.stackDrops)).toBe(attack);
    const link = nic.hostStacks!.hardware[0]!.pcie!;
    expect(link.rxPackets).toBe(legit);
    // every byte h0's PCIe carried upstream is the legitimate frames' DMA: 98 frames of 62 B of
    // headers + 100,000 B of payload (+16 B RETH on the first) = 106,092 B, in 97 × 5 + 3 = 488
    // memory writes of 24 B overhead (1102 and 1086 B frames: 5 each of MPS 256; the last, 734 B: 3),
    // + a 40 B write-back and a 24 B descriptor read request per frame, + a 28 B MSI-X write per
    // interrupt the host core took
    expect(legit).toBe(98);
    expect(link.rxFrameBytes).toBe(98 * 62 + 100_000 + 16);
    const irqs = rx.cpu.stageCalls[rx.cpu.stageNames.indexOf('interrupt')]!;
    expect(link.interrupts).toBe(irqs);
    expect(irqs).toBeGreaterThan(0);
    expect(link.upBytes).toBe(488 * 24 + 106_092 + 98 * 64 + irqs * 28);
    // ... and the host cores only the legitimate packets
    expect(sum(rx.cpu.corePackets)).toBe(legit);
    expect(sum(rx.cpu.stackDrops)).toBe(0);
    // XDP: the attack crosses PCIe and costs the driver and the program, never the sk_buff
    const xl = xdp.hostStacks!.hardware[0]!.pcie!;
    expect(xl.rxPackets).toBe(legit + attack);
    expect(stagePackets(xdp, 'xdp_prog')).toBe(legit + attack);
    expect(stagePackets(xdp, 'sk_buff_alloc')).toBe(legit);
    // iptables: the attack reaches the sk_buff and netfilter: every packet the core took, and the
    // one it may still be working on when the flows have ended (its stages are paid at its start)
    const ic = ipt.hostStacks!.rx[0]!.cpu;
    expect(sum(ic.stackDrops)).toBeGreaterThan(0);
    expect(sum(ic.corePackets)).toBe(legit + sum(ic.stackDrops));
    expect(stagePackets(ipt, 'sk_buff_alloc')).toBe(sum(ic.corePackets) + (ic.occupancy(0) > 0 ? 1 : 0));
    expect(stagePackets(ipt, 'tcp')).toBe(legit);
    // host CPU: SmartNIC < XDP < iptables
    const cpu = (r: RunResult) => sum(r.hostStacks!.rx[0]!.cpu.coreBusyPs);
    expect(cpu(nic)).toBeLessThan(cpu(xdp));
    expect(cpu(xdp)).toBeLessThan(cpu(ipt));
    // pcie.csv: one row per host
    const rows = pcieRows(nic.hostStacks!, nic.fabric.hostKeys, nic.simTimePs);
    expect(rows.length).toBe(3);
    expect(rows[0]![5]).toBe(legit); // rx_packets
    expect(rows[0]![13]).toBe(attack); // nic_program_drops
    // cpu.csv: the NIC cores' rows
    const nicRows = cpuRows(nic.hostStacks!, nic.fabric.hostKeys, nic.simTimePs).filter((r) => r[0] === 'h0' && String(r[1]).startsWith('nic'));
    expect(nicRows.length).toBe(16 * 2);
    expect(sum(nicRows.filter((r) => r[3] === 'nic_program').map((r) => r[7] as number))).toBe(legit + attack);
  });

  it('NIC cores slower than the arrivals fill their rings and drop on a lossy class', () => {
    const r = runExperiment({
      name: 'slow-nic',
      outputs: { samples_interval_ns: 0 },
      topology: { generator: 'star', params: { hosts: 2, rate_gbps: 100, delay_ns: 1000 } },
      fabric: { pfc: { enabled: false } },
      workload: { kind: 'incast', receiver: 'h0', senders: 1, bytes: 500_000 },
      hosts: { stack: 'smartnic', params: { nic_cores: 1, nic_ring: 64, nic_ns: 1000 } },
      stop: { time_us: 200 },
    });
    const rx = r.hostStacks!.rx[0]!;
    expect(rx.nicRingDrops).toBeGreaterThan(0);
    // one NIC core at 1 µs per packet serves 1 Mpps: in 200 µs at most 200 packets
    expect(sum(rx.nic!.corePackets)).toBeLessThanOrEqual(200);
  });

  it('the same slow NIC cores on a lossless class make the host NIC send PAUSE and drop nothing', () => {
    const r = run({
      name: 'slow-nic-pfc',
      topology: { generator: 'star', params: { hosts: 2, rate_gbps: 100, delay_ns: 1000 } },
      workload: { kind: 'incast', receiver: 'h0', senders: 1, bytes: 200_000 },
      hosts: { stack: 'smartnic', rx_pfc_headroom: 32, params: { nic_cores: 1, nic_ring: 128, nic_ns: 1000 } },
    });
    const rx = r.hostStacks!.rx[0]!;
    expect(r.flows.records[0]!.status).toBe('done');
    expect(rx.drops).toBe(0);
    expect(r.fabric.traffic.droppedPackets).toBe(0);
    expect(r.fabric.counters.get(r.fabric.hostPort(0).index, PC_PAUSE_TX)).toBeGreaterThan(0);
    // the NIC core, not the wire, sets the pace: one packet per µs
    const f = r.flows.records[0]!;
    expect(f.recvDone - f.start).toBeGreaterThan((sum(rx.nic!.corePackets) - 1) * 1_000_000);
  });
});

describe('DDIO / LLC thrashing', () => {
  const slow = (llc: Record<string, unknown>) =>
    run({
      name: 'llc',
      topology: { generator: 'star', params: { hosts: 3, rate_gbps: 100, delay_ns: 1000 } },
      fabric: { buffer_bytes: 8 * 1024 * 1024 },
      workload: { kind: 'incast', receiver: 'h0', senders: 2, bytes: 300_000 },
      hosts: { stack: 'dpdk', params: { rx_ns: 500, burst_ns: 0 }, rx_ring: 512, rx_pfc_headroom: 64, llc },
    });

  it('the llc_miss stage charges lines × miss_ns only while the rx buffers in flight exceed the DDIO share', () => {
    // 64 KiB × 2/11 ways = 11,915 B of DDIO: 5 rx buffers of 2 KiB fit
    const small = slow({ size_mib: 1 / 16 });
    const hw = small.hostStacks!.hardware[0]!.llc!;
    expect(hw.fitDescriptors).toBe(5);
    const cpu = small.hostStacks!.rx[0]!.cpu;
    expect(hw.missedPackets).toBeGreaterThan(0);
    expect(hw.missedPackets).toBeLessThan(sum(cpu.corePackets));
    // every missed packet is a 1086 or 1102 B frame: 17 or 18 lines of 64 B, 80 ns each
    expect(sum(cpu.stateBusyPs)).toBe(hw.missedLines * 80_000);
    expect(hw.missedLines).toBeGreaterThanOrEqual(17 * hw.missedPackets);
    expect(hw.missedLines).toBeLessThanOrEqual(18 * hw.missedPackets);
    const rows = cpuRows(small.hostStacks!, small.fabric.hostKeys, small.simTimePs).filter((r) => r[0] === 'h0' && r[3] === 'llc_miss');
    expect(rows.length).toBe(1);
    expect(rows[0]![4]).toBe(hw.missedLines * 80);
    // 32 MiB: 2,978 buffers fit in DDIO, more than the 512-descriptor ring: no miss ever
    const big = slow({});
    expect(big.hostStacks!.hardware[0]!.llc!.missedPackets).toBe(0);
    expect(sum(big.hostStacks!.rx[0]!.cpu.stateBusyPs)).toBe(0);
    // thrashing makes each packet dearer: the same work takes longer
    const busy = (r: RunResult) => sum(r.hostStacks!.rx[0]!.cpu.coreBusyPs);
    expect(busy(small)).toBeGreaterThan(busy(big));
  });

  it('ddio_ways above ways is refused at hosts.llc.ddio_ways', () => {
    expect(() => validateExperiment({ name: 'x', workload: { kind: 'idle' }, hosts: { stack: 'kernel', llc: { ways: 4, ddio_ways: 5 } } })).toThrow(ConfigError);
    expect(() => validateExperiment({ name: 'x', workload: { kind: 'idle' }, hosts: { stack: 'kernel', llc: { ways: 4, ddio_ways: 5 } } })).toThrow(/hosts\.llc\.ddio_ways/);
  });
});

describe('cache lines per packet', () => {
  it('each cache line of connection state costs cache_line_miss_ns per packet: 4 → 2 lines saves 2 × 80 ns', () => {
    const at = (lines: number) =>
      run({
        name: 'lines',
        topology: { generator: 'star', params: { hosts: 2, rate_gbps: 100, delay_ns: 1000 } },
        workload: { kind: 'incast', receiver: 'h0', senders: 1, bytes: 100_000 },
        hosts: { stack: 'kernel', params: { cache_lines_per_packet: lines } },
      });
    const four = at(4);
    const two = at(2);
    const stage = (r: RunResult) => {
      const cpu = r.hostStacks!.rx[0]!.cpu;
      const s = cpu.stageNames.indexOf('conn_cache_lines');
      return { ps: cpu.stageBusyPs[s]!, packets: cpu.stagePackets[s]! };
    };
    expect(stage(four).ps).toBe(stage(four).packets * 4 * 80_000);
    expect(stage(two).ps).toBe(stage(two).packets * 2 * 80_000);
    expect(stage(two).packets).toBe(stage(four).packets);
    // default 0: no stage at all, as before
    expect(at(0).hostStacks!.rx[0]!.cpu.stageNames).not.toContain('conn_cache_lines');
  });
});

describe('interrupt coalescing (ethtool -C rx-usecs / rx-frames)', () => {
  const one = (hosts: Record<string, unknown>, more: Record<string, unknown> = {}) =>
    run({
      name: 'coalesce',
      topology: { generator: 'star', params: { hosts: 2, rate_gbps: 100, delay_ns: 1000 } },
      workload: { kind: 'incast', receiver: 'h0', senders: 1, bytes: 512 },
      hosts,
      ...more,
    });

  it('a lone packet waits exactly rx_usecs for its interrupt', () => {
    const plain = one({ stack: 'kernel' });
    const co = one({ stack: 'kernel', coalescing: { rx_usecs: 16, rx_frames: 32 } });
    const f = (r: RunResult) => r.flows.records[0]!;
    expect(f(co).recvDone - f(plain).recvDone).toBe(16_000_000);
    // and the ACK waits as long at h1
    expect(f(co).finish - f(plain).finish).toBe(32_000_000);
  });

  it('rx_frames raises one interrupt per rx_frames packets when they trickle in', () => {
    // 8 packets 8.7 µs apart at 1 Gb/s; a kernel core handles one in ~3 µs, so without
    // coalescing every packet finds the core idle: 8 interrupts at h0
    // (runExperiment: ACKs may still wait in h1's ring for their coalesced interrupt at the end)
    const trickle = (coalescing?: Record<string, unknown>) =>
      runExperiment({
        outputs: { samples_interval_ns: 0 },
        name: 'trickle',
        topology: { generator: 'star', params: { hosts: 2, rate_gbps: 1, delay_ns: 1000 } },
        // no retransmission while h1's ACKs wait for their coalesced interrupt
        transport: { kind: 'roce-v2', rto_us: 10_000 },
        workload: { kind: 'incast', receiver: 'h0', senders: 1, bytes: 8 * 1024 },
        hosts: { stack: 'kernel', ...(coalescing ? { coalescing } : {}) },
      });
    const irqs = (r: RunResult) => {
      const cpu = r.hostStacks!.rx[0]!.cpu;
      return cpu.stageCalls[cpu.stageNames.indexOf('interrupt')]!;
    };
    const plain = trickle();
    expect(plain.hostStacks!.rx[0]!.cpu.corePackets[0]).toBe(8);
    expect(irqs(plain)).toBe(8);
    // rx_frames 4 (rx_usecs long): interrupts at the 4th and the 8th packet
    const co = trickle({ rx_usecs: 1000, rx_frames: 4 });
    expect(irqs(co)).toBe(2);
    // with a PCIe link each interrupt is a 28-byte MSI-X write upstream
    const withPcie = runExperiment({
      name: 'trickle-pcie',
      outputs: { samples_interval_ns: 0 },
      topology: { generator: 'star', params: { hosts: 2, rate_gbps: 1, delay_ns: 1000 } },
      transport: { kind: 'roce-v2', rto_us: 10_000 },
      workload: { kind: 'incast', receiver: 'h0', senders: 1, bytes: 8 * 1024 },
      hosts: { stack: 'kernel', coalescing: { rx_usecs: 1000, rx_frames: 4 }, pcie: {} },
    });
    expect(withPcie.hostStacks!.hardware[0]!.pcie!.interrupts).toBe(2);
    // the last packet is processed after packets 5-7 (1086 B frames), each at the kernel's
    // per-packet cost without the per-call ones (interrupt, NAPI call, wake-up): driver 28 +
    // sk_buff 45 + GRO 30 + netfilter 140 + IP 50 + TCP 300 + socket 50 + copy 0.152 × 1086 =
    // 808.072 ns
    const f = (r: RunResult) => r.flows.records[0]!;
    expect(f(co).recvDone - f(plain).recvDone).toBe(3 * 808_072);
  });
});
