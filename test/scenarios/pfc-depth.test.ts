import { describe, expect, it } from 'vitest';
import { loadExperimentFile } from '../../src/experiment/load.js';
import { runExperiment } from '../../src/experiment/run.js';
import { PfcIngress, pfcHeadroomBytes } from '../../src/fabric/flow-control/pfc.js';
import { SharedBuffer } from '../../src/fabric/shared-buffer.js';
import { PortCounters } from '../../src/metrics/port-counters.js';
import { PFC_PAUSE_TX } from '../../src/metrics/pfc-log.js';
import { PacketPool } from '../../src/fabric/packet.js';
import { Simulator } from '../../src/sim/simulator.js';
import { checkConservation, run } from '../helpers/run.js';

describe('congestion spreading and pause attribution', () => {
  const { config } = loadExperimentFile('experiments/pfc-victim-flow.yaml');
  const r = runExperiment(config);
  const victim = r.flows.records.find((f) => r.fabric.hostKeys[f.src] === 'h7')!;
  const culprits = r.flows.records.filter((f) => f !== victim);
  const triggers = r.fabric.pfcLog.triggersByConn(r.flows.records.length);

  it('a victim flow on idle links is slowed by PAUSEs it did not cause', () => {
    checkConservation(r);
    expect(r.fabric.traffic.droppedPackets).toBe(0);
    expect((victim.finish - victim.start) / victim.idealFct).toBeGreaterThan(2);
    expect(victim.nicPausedPs).toBeGreaterThan(0);
    expect(victim.pauseDelayPs).toBeGreaterThan(0);
    expect(triggers[victim.id]).toBe(0);
    expect(culprits.reduce((s, f) => s + triggers[f.id]!, 0)).toBeGreaterThan(0);
  });

  it('PAUSEs at the congested switch are blamed on congestion, those upstream on propagation', () => {
    const log = r.fabric.pfcLog.cols;
    let rootAtLeaf0 = 0;
    let propagatedAtSpine = 0;
    for (let i = 0; i < log.length; i++) {
      if (log.get(i, 3) !== PFC_PAUSE_TX) continue;
      const node = r.fabric.nodeKeys[r.fabric.ports[log.get(i, 1)]!.node];
      if (node === 'leaf0' && log.get(i, 5) >= 0) rootAtLeaf0++;
      if (node === 'spine0' && log.get(i, 5) === -2) propagatedAtSpine++;
    }
    expect(rootAtLeaf0).toBeGreaterThan(0);
    expect(propagatedAtSpine).toBeGreaterThan(0);
  });

  it('alone, the victim runs at its ideal completion time', () => {
    const alone = run({ ...config, workload: { kind: 'flows', list: [{ src: 'h7', dst: 'h11', bytes: 1_000_000 }] } });
    const f = alone.flows.records[0]!;
    expect(f.finish - f.start).toBe(f.idealFct);
    expect(f.nicPausedPs).toBe(0);
  });
});

describe('PFC thresholds and headroom', () => {
  it('dynamic XOFF follows alpha × free buffer, and XON keeps the configured gap below it', () => {
    const sim = new Simulator();
    const buffer = new SharedBuffer(1_000_000, { policy: 'dynamic', alpha: 1 });
    const pfc = new PfcIngress(sim, [], { enabledMask: 8, xoffBytes: 100_000, xonBytes: 80_000, headroomBytes: [], quanta: 65535, xoffAlpha: 0.25 }, new PacketPool(), new PortCounters(1), null, buffer);
    expect(pfc.xoffThreshold()).toBe(250_000);
    expect(pfc.xonThreshold()).toBe(230_000);
    buffer.take(600_000);
    expect(pfc.xoffThreshold()).toBe(100_000);
    expect(pfc.xonThreshold()).toBe(80_000);
  });

  it('a smaller dynamic XOFF pauses earlier and more often, still without drops', () => {
    const incast = (xoffAlpha: number) =>
      run({
        name: 'dyn',
        topology: { generator: 'star', params: { hosts: 9 } },
        fabric: { buffer_bytes: 2 << 20, pfc: { xoff_alpha: xoffAlpha, xoff_bytes: 20_000, xon_bytes: 10_000 } },
        workload: { kind: 'incast', receiver: 'h0', senders: 8, bytes: 400_000 },
      });
    const tight = incast(1 / 64);
    const loose = incast(1 / 4);
    expect(tight.fabric.traffic.droppedPackets).toBe(0);
    expect(loose.fabric.traffic.droppedPackets).toBe(0);
    expect(tight.fabric.pfcLog.count(PFC_PAUSE_TX)).toBeGreaterThan(loose.fabric.pfcLog.count(PFC_PAUSE_TX));
    expect(tight.fabric.switches[0]!.buffer.peak).toBeLessThan(loose.fabric.switches[0]!.buffer.peak);
  });

  it('warns when the configured headroom is below what a port needs, naming the port and the need', () => {
    const need = pfcHeadroomBytes(100e9, 5_000_000, 1024 + 78);
    const r = run({
      name: 'hr',
      topology: { generator: 'star', params: { hosts: 3, delay_ns: 5000 } },
      fabric: { pfc: { headroom_bytes: 4000 } },
      workload: { kind: 'flows', list: [{ src: 'h1', dst: 'h0', bytes: 10_000 }] },
    });
    expect(r.warnings.join('\n')).toMatch(new RegExp(`headroom_bytes \\(4000\\).*3 switch port\\(s\\).*needs ${need} bytes`));
    const ok = run({
      name: 'hr',
      topology: { generator: 'star', params: { hosts: 3, delay_ns: 5000 } },
      fabric: { pfc: { headroom_bytes: need } },
      workload: { kind: 'flows', list: [{ src: 'h1', dst: 'h0', bytes: 10_000 }] },
    });
    expect(ok.warnings.join('\n')).not.toMatch(/headroom/);
  });
});
