import { FRAME_DATA, type Packet } from '../../src/fabric/packet.js';
import type { RunResult } from '../../src/experiment/run.js';
import { runExperiment } from '../../src/experiment/run.js';

/** Runs an experiment object (validated by runExperiment) and checks packet and byte conservation. */
export function run(experiment: Record<string, unknown>): RunResult {
  const r = runExperiment({ outputs: { samples_interval_ns: 0 }, ...experiment });
  checkConservation(r);
  return r;
}

/**
 * Conservation, counted two independent ways: the frames physically present in ports, on cables
 * and in switch pipelines are exactly the pool's live frames, and the data packets (and bytes)
 * among them are exactly what the hosts injected minus what hosts received and switches dropped.
 */
export function checkConservation(r: RunResult): void {
  const f = r.fabric;
  let frames = 0;
  let dataPackets = 0;
  let dataBytes = 0;
  const visit = (p: Packet): void => {
    frames++;
    if (p.frame === FRAME_DATA) {
      dataPackets++;
      dataBytes += p.frameBytes;
    }
  };
  for (const p of f.ports) p.forEachHeld(visit);
  for (const l of f.links) l.forEachInFlight(visit);
  for (const s of f.switches) s.pipeline?.forEachInFlight(visit);
  // frames a host stack model holds: SmartNIC rings, PCIe DMA, rx rings, and XDP-forwarded
  // frames on the driver's tx ring waiting for their PCIe read
  for (const rx of r.hostStacks?.rx ?? []) rx?.forEachHeld(visit);
  for (const fwd of r.hostStacks?.forwarders ?? []) fwd?.forEachHeld(visit);
  if (frames !== f.pool.live) throw new Error(`pool says ${f.pool.live} live frames but ${frames} are in ports and links`);
  const t = f.traffic;
  if (t.injectedPackets !== t.deliveredPackets + t.droppedPackets + dataPackets) {
    throw new Error(`packets: injected ${t.injectedPackets} != delivered ${t.deliveredPackets} + dropped ${t.droppedPackets} + in flight ${dataPackets}`);
  }
  if (t.injectedBytes !== t.deliveredBytes + t.droppedBytes + dataBytes) {
    throw new Error(`bytes: injected ${t.injectedBytes} != delivered ${t.deliveredBytes} + dropped ${t.droppedBytes} + in flight ${dataBytes}`);
  }
}
