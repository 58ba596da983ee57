import type { Time } from '../../sim/time.js';
import type { Fabric } from '../build-fabric.js';
import type { EgressPort } from '../egress-port.js';
import { PAUSE_QUANTUM_BITS } from '../egress-port.js';
import type { Packet } from '../packet.js';
import { DeadlockDetector } from './deadlock.js';
import { PfcWatchdog, type WatchdogAction } from './pfc-watchdog.js';

/** What the fabric does about the pathologies of lossless Ethernet (the `fabric.pfc` extras). */
export interface LosslessGuardOptions {
  /**
   * Deadlock detection interval, ps: ports paused this long in a wait-for cycle are a deadlock.
   * 0: no detection. Absent: the longest pause time of any switch port (quanta × 512 bit times), so
   * a port in the cycle has been kept paused by at least one refreshed PAUSE (with the defaults,
   * 336 µs at 100 Gb/s: reported before RoCE QPs with the default RTO and retry count give up).
   */
  deadlockCheckPs?: number | undefined;
  /** The PFC watchdog; absent or null: none. */
  watchdog?: { timeoutPs: Time; restorePs: Time; action: WatchdogAction } | null | undefined;
  /** `error`: the first drop in a lossless class (not by the watchdog) stops the run; `warn`: it is counted and reported. */
  onLosslessDrop?: 'error' | 'warn' | undefined;
}

/** The first drop in a lossless class, when `onLosslessDrop` is `error`. */
export interface LosslessDropReport {
  atPs: Time;
  /** Global egress port the packet was headed for (the drop is counted there). */
  port: number;
  priority: number;
  /** Switch-local ingress port it arrived on, or -1 if unknown. */
  ingressLocal: number;
  /** The explanation printed by the CLI. */
  message: string;
}

/**
 * The watchdog, the deadlock detector and the lossless-drop invariant of one fabric. The fabric
 * calls {@link onPauseChange} when a port's pause state changes and {@link onLosslessDrop} when a
 * switch drops a lossless packet; neither is on the per-packet path.
 */
export class LosslessGuards {
  readonly deadlock: DeadlockDetector | null;
  readonly watchdog: PfcWatchdog | null;
  /** Set when a lossless drop stopped the run. */
  losslessDrop: LosslessDropReport | null = null;
  private readonly stopOnDrop: boolean;

  constructor(
    private readonly fabric: Fabric,
    losslessMask: number,
    options: LosslessGuardOptions,
  ) {
    const sim = fabric.sim;
    this.stopOnDrop = (options.onLosslessDrop ?? 'error') === 'error';
    const switchPorts = fabric.ports.filter((p) => fabric.switchOf[p.node]! >= 0);
    let interval = options.deadlockCheckPs;
    if (interval === undefined) {
      let longest = 0;
      for (const p of switchPorts) longest = Math.max(longest, pauseTimePs(fabric.options.pfc.quanta, p.rateBps));
      interval = longest;
    }
    this.deadlock = losslessMask !== 0 && interval > 0 ? new DeadlockDetector(sim, fabric, losslessMask, interval) : null;
    const wd = options.watchdog;
    if (losslessMask !== 0 && wd) {
      const watched = new Uint8Array(fabric.ports.length);
      for (const p of switchPorts) watched[p.index] = 1;
      this.watchdog = new PfcWatchdog(sim, fabric.ports, watched, losslessMask, wd, fabric.counters, fabric.pfcLog, fabric.pool, fabric.traffic);
    } else {
      this.watchdog = null;
    }
  }

  /** A port was paused or resumed on `priority`. */
  onPauseChange(port: EgressPort, priority: number, paused: boolean): void {
    this.watchdog?.onPauseChange(port, priority, paused);
    this.deadlock?.onPauseChange(port, priority, paused);
  }

  /** A switch dropped `pkt` (headed for `port`) in a lossless class; `pkt.ingress` is its ingress. */
  onLosslessDrop(pkt: Packet, port: EgressPort): void {
    if (!this.stopOnDrop || this.losslessDrop !== null) return;
    const f = this.fabric;
    const now = f.sim.now;
    const c = pkt.priority;
    const inLocal = pkt.ingress;
    const sw = f.switches[f.switchOf[port.node]!];
    const pfc = sw?.pfc ?? null;
    const at = `packet dropped in lossless priority ${c} at port ${f.portName(port.index)} at ${fmtNs(now)} ns`;
    let why = 'no room for it';
    if (sw !== undefined && pfc !== null && inLocal >= 0) {
      const from = f.portName(f.portPeer[f.adjStart[port.node]! + inLocal]!);
      const bytes = pfc.charged(inLocal, c) + pkt.frameBytes;
      const xoff = pfc.xoffThreshold();
      const headroom = pfc.settings.headroomBytes[inLocal]!;
      if (!pfc.admits(inLocal, c, pkt.frameBytes)) {
        why = `headroom exhausted (ingress bytes ${bytes} > xoff ${Math.round(xoff)} + headroom ${headroom}, arriving from ${from}): raise fabric.pfc.headroom_bytes, or leave it out to size headroom per port`;
      } else {
        why = `shared buffer full (${sw.buffer.used} + ${pkt.frameBytes} bytes > ${sw.buffer.capacity}, arriving from ${from}): raise fabric.buffer_bytes or lower fabric.pfc.xoff_bytes`;
      }
    }
    this.losslessDrop = { atPs: now, port: port.index, priority: c, ingressLocal: inLocal, message: `${at}: ${why}` };
    f.sim.stop();
  }
}

/** Pause time of one PAUSE frame of `quanta` on a port of `rateBps`, ps. */
export function pauseTimePs(quanta: number, rateBps: number): Time {
  return Math.ceil((quanta * PAUSE_QUANTUM_BITS * 1e12) / rateBps);
}

function fmtNs(ps: Time): string {
  return String(Math.round(ps) / 1000);
}
