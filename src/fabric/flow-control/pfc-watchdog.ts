import type { Actor } from '../../sim/actor.js';
import type { Simulator } from '../../sim/simulator.js';
import type { Time } from '../../sim/time.js';
import { PfcLog, PFC_WATCHDOG_RESTORE, PFC_WATCHDOG_TRIP } from '../../metrics/pfc-log.js';
import { PC_DROPS, PC_DROP_BYTES, PC_WATCHDOG_DROPS, PC_WATCHDOG_TRIPS, type PortCounters } from '../../metrics/port-counters.js';
import type { TrafficCounters } from '../../metrics/traffic.js';
import type { EgressPort, PacketDiscard } from '../egress-port.js';
import type { Packet, PacketPool } from '../packet.js';
import { TRAFFIC_CLASSES } from '../scheduler/scheduler.js';

const CHECK = 0;
const RESTORE = 1;

/** What the watchdog does to a queue it finds stuck. */
export type WatchdogAction = 'drop' | 'disable';

/** Settings of the PFC watchdog, in simulator units. */
export interface PfcWatchdogSettings {
  /** A lossless queue paused continuously for this long trips the watchdog, ps. */
  timeoutPs: Time;
  /** The watchdog restores the queue once no PAUSE has arrived for this long, ps. */
  restorePs: Time;
  /**
   * `drop`: discard the queue's packets and every new arrival for it, and ignore PAUSE frames;
   * `disable`: ignore PAUSE frames for the queue (it transmits into the paused peer).
   */
  action: WatchdogAction;
}

/**
 * The PFC watchdog of datacenter switches (SONiC `pfcwd`, Arista / Cisco / NVIDIA "PFC watchdog"):
 * a lossless egress queue that stays paused longer than `timeoutPs` is declared stormed. The
 * watchdog then stops honouring PAUSE frames for that port and priority and, with action `drop`,
 * discards the queue and whatever arrives for it, so the pause stops spreading upstream. Once no
 * PAUSE frame has arrived for `restorePs` the queue is restored. Trips and restores are logged in
 * pfc.csv and counted per port (`watchdog_trips`, `watchdog_drops`).
 *
 * One actor for the whole fabric; it is told about pause changes (not packets), and keeps at most
 * one pending check per (port, priority): a check that finds the pause restarted since it was
 * armed re-arms itself at the new deadline (lazy push-back), so the heap stays O(ports).
 * Discarded packets release their switch buffer and PFC ingress charge as if they had left.
 */
export class PfcWatchdog implements Actor, PacketDiscard {
  actorId = -1;
  /** Time of the pending check per (global port, priority); Infinity when none. */
  private readonly armedAt: Float64Array;
  /** 1 while (port, priority) is tripped. */
  private readonly tripped: Uint8Array;
  /** Trips so far (all ports). */
  trips = 0;
  /** Packets discarded so far (all ports). */
  drops = 0;

  constructor(
    private readonly sim: Simulator,
    /** Every port of the fabric by global index; only those in `watched` are acted on. */
    private readonly ports: readonly EgressPort[],
    /** 1 for ports the watchdog guards (switch ports), by global index. */
    private readonly watched: Uint8Array,
    /** Bit p set for every lossless priority. */
    private readonly losslessMask: number,
    readonly settings: PfcWatchdogSettings,
    private readonly counters: PortCounters,
    private readonly log: PfcLog,
    private readonly pool: PacketPool,
    private readonly traffic: TrafficCounters,
  ) {
    const n = ports.length * TRAFFIC_CLASSES;
    this.armedAt = new Float64Array(n).fill(Infinity);
    this.tripped = new Uint8Array(n);
    for (const p of ports) if (watched[p.index] === 1) p.discard = this;
    sim.register(this);
  }

  /** True while the watchdog holds (global port, priority) tripped. */
  isTripped(port: number, priority: number): boolean {
    return this.tripped[port * TRAFFIC_CLASSES + priority] === 1;
  }

  /** A port's pause state changed (called for every PAUSE that starts or ends a pause). */
  onPauseChange(port: EgressPort, priority: number, paused: boolean): void {
    if (!paused || (this.losslessMask & (1 << priority)) === 0 || this.watched[port.index] !== 1) return;
    const i = port.index * TRAFFIC_CLASSES + priority;
    if (this.armedAt[i] !== Infinity || this.tripped[i] === 1) return; // a pending check re-arms itself
    const at = this.sim.now + this.settings.timeoutPs;
    this.armedAt[i] = at;
    this.sim.at(at, this, CHECK, i);
  }

  onEvent(kind: number, i: number): void {
    const now = this.sim.now;
    const port = this.ports[Math.floor(i / TRAFFIC_CLASSES)]!;
    const priority = i % TRAFFIC_CLASSES;
    if (kind === CHECK) {
      if (now !== this.armedAt[i]) return; // superseded
      this.armedAt[i] = Infinity;
      if (this.tripped[i] === 1 || !port.isPaused(priority)) return;
      const deadline = port.pausedSinceAt(priority) + this.settings.timeoutPs;
      if (now >= deadline) this.trip(port, priority, i);
      else {
        this.armedAt[i] = deadline; // paused again since this check was armed
        this.sim.at(deadline, this, CHECK, i);
      }
    } else if (kind === RESTORE) {
      if (this.tripped[i] !== 1) return;
      const quietUntil = port.lastPauseRx[priority]! + this.settings.restorePs;
      if (now >= quietUntil) this.restore(port, priority, i);
      else this.sim.at(quietUntil, this, RESTORE, i);
    }
  }

  /** Takes a packet of a discarded class: frees its switch resources and counts the drop. */
  discardPacket(pkt: Packet, port: EgressPort): void {
    const t = this.traffic;
    t.droppedPackets++;
    t.droppedBytes += pkt.frameBytes;
    this.drops++;
    this.counters.add(port.index, PC_DROPS, 1);
    this.counters.add(port.index, PC_DROP_BYTES, pkt.frameBytes);
    this.counters.add(port.index, PC_WATCHDOG_DROPS, 1);
    port.owner?.onTxDone(pkt, port); // release the buffer and the PFC ingress charge
    this.pool.release(pkt);
  }

  private trip(port: EgressPort, priority: number, i: number): void {
    const bit = 1 << priority;
    this.tripped[i] = 1;
    this.trips++;
    this.counters.add(port.index, PC_WATCHDOG_TRIPS, 1);
    this.log.record(this.sim.now, port.index, priority, PFC_WATCHDOG_TRIP, 0);
    port.pfcIgnoreMask |= bit;
    if (this.settings.action === 'drop') {
      port.discardMask |= bit;
      port.flushClass(priority, (pkt) => this.discardPacket(pkt, port));
    }
    port.forceResume(priority);
    this.sim.at(this.sim.now + this.settings.restorePs, this, RESTORE, i);
  }

  private restore(port: EgressPort, priority: number, i: number): void {
    const bit = 1 << priority;
    this.tripped[i] = 0;
    port.pfcIgnoreMask &= ~bit;
    port.discardMask &= ~bit;
    this.log.record(this.sim.now, port.index, priority, PFC_WATCHDOG_RESTORE, 0);
  }
}
