import type { Actor } from '../sim/actor.js';
import type { Simulator } from '../sim/simulator.js';
import { Timer } from '../sim/timer.js';
import type { EgressPort, PacketSource, PauseListener } from '../fabric/egress-port.js';
import type { Packet } from '../fabric/packet.js';
import type { NicHandle, SendQueue } from '../transport/endpoint.js';
import type { TxPath } from './tx-path.js';
import type { PcieLink } from './pcie.js';

const WAKE = 0;

/**
 * A host's NIC transmit side: it arbitrates the send queues (QPs) that have data, round robin,
 * skipping those whose priority the switch has paused or whose congestion control holds them
 * back, and hands the port one packet per pull. Control packets (ACK/NAK) are queued in the
 * port's traffic-class queues and go before data. When no queue is ready now but one will be
 * (rate pacing), a single wake-up timer is set for the earliest.
 */
export class Nic implements PacketSource, NicHandle, Actor, PauseListener {
  actorId = -1;
  private readonly active: SendQueue[] = [];
  private rr = 0;
  private readonly wake: Timer;
  /** The host stack's transmit work (src/host/tx-path.ts); null: the ideal host, no CPU on transmit. */
  tx: TxPath | null = null;
  /** The host's PCIe link (src/host/pcie.ts): the NIC reads each packet over it before sending; null: no PCIe model. */
  pcie: PcieLink | null = null;
  /**
   * InfiniBand SL→VL table of the port (`fabric.sl_to_vl.hosts`), 16 entries: a send queue's
   * priority is its SL and its packets leave on VL `slToVl[SL]`; null: VL = SL.
   */
  slToVl: Uint8Array | null = null;

  /** The VL (port traffic class) of service level `sl`. */
  private vl(sl: number): number {
    return this.slToVl === null ? sl : this.slToVl[sl]!;
  }

  /** Records a packet's SL and moves it to its VL (with a table). */
  private mapVl(pkt: Packet): void {
    if (this.slToVl !== null && pkt.sl < 0) {
      pkt.sl = pkt.priority;
      pkt.priority = this.slToVl[pkt.priority]!;
    }
  }

  constructor(
    private readonly sim: Simulator,
    readonly port: EgressPort,
  ) {
    port.source = this;
    port.pauseListener = this;
    this.wake = new Timer(sim, this, WAKE);
  }

  get rateBps(): number {
    return this.port.rateBps;
  }

  get wireOverheadBytes(): number {
    return this.port.overheadBytes;
  }

  activate(q: SendQueue): void {
    if (!q.inNic) {
      q.inNic = true;
      this.active.push(q);
      if (this.port.isPaused(this.vl(q.priority))) q.onNicPause?.(true, this.sim.now);
    }
    this.port.kick();
  }

  sendPacket(pkt: Packet): void {
    this.mapVl(pkt);
    this.port.enqueue(pkt);
  }

  pull(pausedMask: number): Packet | null {
    const now = this.sim.now;
    const active = this.active;
    // Drop queues that have nothing left, keeping the round-robin order.
    let w = 0;
    for (let r = 0; r < active.length; r++) {
      const q = active[r]!;
      if (q.hasData()) active[w++] = q;
      else {
        q.inNic = false;
        if (r < this.rr) this.rr--;
      }
    }
    active.length = w;
    if (this.rr >= w || this.rr < 0) this.rr = 0;
    let earliest = Infinity;
    for (let i = 0; i < w; i++) {
      const idx = (this.rr + i) % w;
      const q = active[idx]!;
      if (pausedMask & (1 << this.vl(q.priority))) continue;
      let t = q.readyAt(now);
      if (this.tx !== null && t <= now) t = Math.max(t, this.tx.readyAt());
      if (this.pcie !== null && t <= now) t = Math.max(t, this.pcie.txReadyAt());
      if (t <= now) {
        this.rr = (idx + 1) % w;
        const pkt = q.nextPacket();
        this.mapVl(pkt);
        // TSO / GSO: a stream's super-segment ends unless it can send its next segment now
        if (this.tx !== null) this.tx.charge(pkt, now, !this.tx.mergesSegmentsOf(pkt) || !q.hasData() || q.readyAt(now) > now);
        this.pcie?.tx(pkt, now);
        return pkt;
      }
      if (t < earliest) earliest = t;
    }
    if (earliest !== Infinity) this.wake.set(earliest);
    return null;
  }

  /** Tells the send queues whose VL is `priority` that the switch paused (or resumed) them. */
  onPause(priority: number, paused: boolean): void {
    for (const q of this.active) if (this.vl(q.priority) === priority) q.onNicPause?.(paused, this.sim.now);
  }

  onEvent(): void {
    this.port.kick();
  }
}
