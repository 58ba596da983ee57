import { describe, expect, it } from 'vitest';
import { loadExperimentFile } from '../../src/experiment/load.js';
import { runExperiment, type RunResult } from '../../src/experiment/run.js';
import { summarize } from '../../src/metrics/summary.js';

/** Runs experiments/NAME.yaml with `set` overrides (`path=value`). */
function point(name: string, set: string[]): RunResult {
  const { config } = loadExperimentFile(`experiments/${name}.yaml`, { set });
  return runExperiment({ ...config, outputs: { ...config.outputs, samples_interval_ns: 0 } });
}
const goodput = (r: RunResult) => summarize(r.flows, r.fabric.counters, r.fabric.traffic, r.simTimePs, r.events).goodput_gbps;

describe('the host hardware experiments, as their headers say', () => {
  it('host-ddos-mitigation: legitimate goodput iptables < XDP < SmartNIC; only the SmartNIC keeps the attack off PCIe', () => {
    const [ipt, xdp, nic] = ['kernel', 'xdp', 'smartnic'].map((s) => point('host-ddos-mitigation', [`hosts.stack=${s}`]));
    expect(goodput(ipt!)).toBeCloseTo(2.91, 1);
    expect(goodput(xdp!)).toBeCloseTo(6.62, 1);
    expect(goodput(nic!)).toBeCloseTo(9.98, 1);
    const up = (r: RunResult) => r.hostStacks!.hardware[0]!.pcie!.upBytes;
    expect(up(ipt!)).toBe(up(xdp!));
    // the legitimate flow's 977 frames only
    expect(nic!.hostStacks!.hardware[0]!.pcie!.rxPackets).toBe(977);
    expect(up(nic!)).toBeLessThan(up(xdp!) / 8);
  });

  it('host-ddio-thrashing: rings within the DDIO share never miss; deeper ones make every packet above it 17 × 10 ns dearer', () => {
    const within = point('host-ddio-thrashing', ['hosts.rx_ring=2048']);
    const beyond = point('host-ddio-thrashing', ['hosts.rx_ring=4096']);
    const llc = (r: RunResult) => r.hostStacks!.hardware[0]!.llc!;
    expect(llc(within).fitDescriptors).toBe(2978);
    expect(llc(within).missedPackets).toBe(0);
    expect(llc(beyond).missedPackets).toBeGreaterThan(20_000);
    // 1086-byte frames: 17 lines each (1102 for the first of a message: 18)
    expect(llc(beyond).missedLines).toBeGreaterThanOrEqual(17 * llc(beyond).missedPackets);
    expect(llc(beyond).missedLines).toBeLessThanOrEqual(17 * llc(beyond).missedPackets + 8);
    expect(goodput(beyond) / goodput(within)).toBeCloseTo(0.851, 2);
  });

  it('host-cache-lines: 4 → 2 lines saves 2 × 80 ns per packet and 13 % of the CPU per transaction', () => {
    const busy = (r: RunResult) => Array.from(r.hostStacks!.rx[0]!.cpu.coreBusyPs).reduce((a, b) => a + b, 0);
    const four = point('host-cache-lines', ['hosts.params.cache_lines_per_packet=4']);
    const two = point('host-cache-lines', ['hosts.params.cache_lines_per_packet=2']);
    const packets = two.hostStacks!.rx[0]!.cpu.corePackets[0]!;
    expect(four.hostStacks!.rx[0]!.cpu.corePackets[0]).toBe(packets);
    expect(busy(four) - busy(two)).toBe(packets * 2 * 80_000);
    expect(1 - busy(two) / busy(four)).toBeCloseTo(0.134, 2);
  });

  it('host-cache-lines with GRO on: super-packets outlive budget ends at HZ=1000 (~210 of ~26 segments); HZ=250 flushes each poll (~690)', () => {
    const superPackets = (r: RunResult) => {
      const cpu = r.hostStacks!.rx[0]!.cpu;
      return cpu.stagePackets[cpu.stageNames.indexOf('tcp')]!;
    };
    const hz1000 = point('host-cache-lines', ['hosts.params.gro=true']);
    const hz250 = point('host-cache-lines', ['hosts.params.gro=true', 'hosts.params.jiffy_us=4000']);
    const packets = hz1000.hostStacks!.rx[0]!.cpu.corePackets[0]!;
    expect(packets).toBe(5528);
    expect(superPackets(hz1000)).toBeGreaterThan(200);
    expect(superPackets(hz1000)).toBeLessThan(220);
    expect(superPackets(hz250)).toBeGreaterThan(680);
    expect(superPackets(hz250)).toBeLessThan(700);
    expect(goodput(hz1000)).toBeCloseTo(28.95, 1);
    expect(goodput(hz250)).toBeCloseTo(26.07, 1);
  });

  it('host-pcie-gen: Gen3 x16 caps a 200 G NIC near 100 Gb/s, Gen4 x16 does not', () => {
    const g3 = point('host-pcie-gen', ['hosts.pcie.gen=3']);
    const g4 = point('host-pcie-gen', ['hosts.pcie.gen=4']);
    // 113.7 Gb/s of TLPs × 4096 / 4630 bytes per frame = 100.6 Gb/s at most
    expect(goodput(g3)).toBeLessThan(100.6);
    expect(goodput(g3)).toBeGreaterThan(99.5);
    expect(goodput(g4)).toBeGreaterThan(190);
  });
});
