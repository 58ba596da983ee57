import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { writeResults } from '../../src/experiment/output.js';
import type { RunResult } from '../../src/experiment/run.js';
import { ibSlStar } from '../helpers/ib-sl-star.js';
import { run } from '../helpers/run.js';

/**
 * SL→VL mapping per (input port, output port) pair of a switch (IBA SLtoVLMappingTable,
 * `fabric.sl_to_vl.pairs`). A star of three hosts on an EDR switch: h0 and h1 both WRITE 1 MB
 * into h2 on SL 1. The switch's VL arbitration serves VL 5 from the high-priority table and
 * VL 1 from the low one. Mapping SL 1 to VL 5 on the pair sw0:0>2 (from h0 to h2) alone puts
 * h0's packets on VL 5 and leaves h1's on VL 1 at the same output port: h0's flow goes first at
 * (nearly) line rate, about 1 MB / 100 Gb/s = 80 µs, and h1's finishes after both, about 160 µs.
 */
const bytes = 1_000_000;
const experiment = (slToVl: Record<string, unknown> | undefined, stopUs?: number) => ibSlStar(slToVl, { bytes, h1Sl: 1, stopUs, name: 'sl2vl-pairs' });
const toVl5 = [0, 5, 2, 3, 4, 5, 6, 7];

/** The VLs (bitmask) of the packets held at switch port sw0:2 (to h2), per input local port. */
function heldVlsByInput(r: RunResult): number[] {
  const masks = [0, 0, 0];
  const port = r.fabric.switches[0]!.ports[2]!;
  port.forEachHeld((pkt) => {
    if (pkt.ingress >= 0) masks[pkt.ingress]! |= 1 << pkt.priority;
  });
  return masks;
}

const tmp = mkdtempSync(join(tmpdir(), 'fabricsim-sl2vl-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));
let runs = 0;
function csvs(r: RunResult): Record<string, string> {
  const dir = join(tmp, String(runs++));
  writeResults(r, dir);
  return Object.fromEntries(['flows.csv', 'ports.csv', 'pfc.csv'].map((f) => [f, readFileSync(join(dir, f), 'utf8')]));
}

describe('SL→VL mapping per (input, output) port pair', () => {
  it('puts one input\'s traffic on another VL than a second input\'s at the same output port', () => {
    const r = run(experiment({ pairs: { 'sw0:0>2': toVl5 } }, 40));
    expect(r.fabric.portName(r.fabric.switches[0]!.ports[2]!.index)).toBe('sw0:2>h2');
    expect(r.fabric.portName(r.fabric.switches[0]!.ports[0]!.index)).toBe('sw0:0>h0');
    // mid-transfer: the bottleneck port holds h0's packets on VL 5 only and h1's on VL 1 only
    const held = heldVlsByInput(r);
    expect(held[0]).toBe(1 << 5);
    expect(held[1]).toBe(1 << 1);
    expect(r.fabric.switches[0]!.ports[2]!.queueBytes[1]).toBeGreaterThan(0);
    // the same run with the egress table only: both inputs share VL 5
    const egress = run(experiment({ ports: { 'sw0:2': toVl5 } }, 40));
    const both = heldVlsByInput(egress);
    expect(both[0]! | both[1]!).toBe(1 << 5);
  });

  it('the high-priority VL of one input finishes first; without the pair the two share the port', () => {
    const r = run(experiment({ pairs: { 'sw0:0>2': toVl5 } }));
    const [a, b] = r.flows.records;
    expect(a!.status).toBe('done');
    expect(b!.status).toBe('done');
    expect(r.fabric.traffic.droppedPackets).toBe(0);
    expect(a!.recvDone / b!.recvDone).toBeLessThan(0.55); // ≈ 80 µs / 160 µs
    const shared = run(experiment(undefined));
    const [c, d] = shared.flows.records;
    expect(c!.recvDone / d!.recvDone).toBeGreaterThan(0.9);
    expect(c!.recvDone / d!.recvDone).toBeLessThan(1.1);
  });

  it('a pair whose table equals its egress port\'s gives byte-identical results to the egress table alone', () => {
    const egressOnly = csvs(run(experiment({ ports: { 'sw0:2': toVl5 } })));
    const withPair = csvs(run(experiment({ ports: { 'sw0:2': toVl5 }, pairs: { 'sw0:1>2': toVl5, 'sw0:2>0': [0, 1, 2] } })));
    expect(withPair).toEqual(egressOnly);
    expect(egressOnly['flows.csv']!.split('\n').length).toBeGreaterThan(2);
  });

  it('names a bad key, an unknown switch, a host and a port out of range', () => {
    expect(() => run(experiment({ pairs: { 'sw0:0-2': toVl5 } }))).toThrow(/fabric\.sl_to_vl\.pairs: 'sw0:0-2' is not a switch's port pair: name it node:in>out/);
    expect(() => run(experiment({ pairs: { 'sw9:0>2': toVl5 } }))).toThrow(/fabric\.sl_to_vl\.pairs: 'sw9:0>2' .*'sw9' is no node/);
    expect(() => run(experiment({ pairs: { 'h0:0>0': toVl5 } }))).toThrow(/fabric\.sl_to_vl\.pairs: 'h0:0>0' .*'h0' is a host/);
    expect(() => run(experiment({ pairs: { 'sw0:0>3': toVl5 } }))).toThrow(/fabric\.sl_to_vl\.pairs: 'sw0:0>3': sw0 has ports 0 \.\. 2; name an input and an output port in that range/);
  });
});

/**
 * SL→VL at hosts (channel adapters, `fabric.sl_to_vl.hosts`): a host's port sends a QP's SL on
 * the VL its table gives, and the switches map the packet's SL (not the host's VL) again.
 */
describe('SL→VL mapping at hosts', () => {
  it('a host sends SL 1 on VL 4: its credit gate spends VL 4 credits, the switch sees the packet arrive on VL 4 and maps SL 1 again', () => {
    const r = run(experiment({ hosts: [0, 4] }, 40));
    const f = r.fabric;
    const gate = f.hostPort(0).credits!;
    expect(gate.credits[4]).toBeLessThan(gate.limit); // VL 4 credits in use mid-transfer
    expect(gate.credits[1]).toBe(gate.limit); // VL 1 untouched
    let held = 0;
    f.switches[0]!.ports[2]!.forEachHeld((pkt) => {
      if (pkt.ingress < 0) return;
      held++;
      expect(pkt.inVl).toBe(4);
      expect(pkt.sl).toBe(1);
      expect(pkt.priority).toBe(1); // the switch's tables are the identity: VL = SL
    });
    expect(held).toBeGreaterThan(0);
  });

  it('an identity host table gives byte-identical results to none; a whole run completes', () => {
    const none = run(experiment(undefined));
    const identity = run(experiment({ hosts: [0, 1, 2, 3, 4, 5, 6, 7] }));
    expect(csvs(identity)).toEqual(csvs(none));
    const mapped = run(experiment({ hosts: [0, 4] }));
    expect(mapped.flows.records.every((x) => x.status === 'done')).toBe(true);
    expect(mapped.fabric.traffic.droppedPackets).toBe(0);
  });
});
