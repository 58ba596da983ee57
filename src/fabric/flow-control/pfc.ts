import type { Actor } from '../../sim/actor.js';
import type { Simulator } from '../../sim/simulator.js';
import { PC_PAUSE_TX, PC_RESUME_TX, type PortCounters } from '../../metrics/port-counters.js';
import type { EgressPort } from '../egress-port.js';
import { ETH_MIN_FRAME_BYTES, FRAME_PFC, type PacketPool } from '../packet.js';
import { TRAFFIC_CLASSES } from '../scheduler/scheduler.js';

const REFRESH = 0;

/** PFC settings of one switch. */
export interface PfcSettings {
  /** Bit p set when priority p is lossless. */
  readonly enabledMask: number;
  /** Ingress bytes (per port and priority) above which a PAUSE is sent. */
  readonly xoffBytes: number;
  /** Ingress bytes at or below which a RESUME is sent. */
  readonly xonBytes: number;
  /** Bytes accepted above XOFF while the PAUSE takes effect, per port (index = local port). */
  readonly headroomBytes: readonly number[];
  /** Pause time carried by each PAUSE frame, in quanta of 512 bit times. */
  readonly quanta: number;
}

/** Observes the PAUSE / RESUME frames a switch sends. */
export interface PfcFrameObserver {
  onPfcFrameSent(port: EgressPort, priority: number, quanta: number): void;
}

/**
 * IEEE 802.1Qbb priority flow control at a switch's ingress: bytes are charged to
 * (ingress port, priority) when a lossless packet is admitted and released when it leaves the
 * switch. Above XOFF the switch sends a PAUSE upstream (and refreshes it at half its duration
 * while still above XON); at or below XON it sends a RESUME (a PAUSE with zero quanta). PFC
 * frames are 64-byte MAC control frames that take wire time and go out before queued data.
 */
export class PfcIngress implements Actor {
  actorId = -1;
  private readonly bytes: Float64Array;
  private readonly xoff: Uint8Array;
  private readonly nextRefresh: Float64Array;
  private readonly refreshPs: number[];

  constructor(
    private readonly sim: Simulator,
    private readonly ports: readonly EgressPort[],
    readonly settings: PfcSettings,
    private readonly pool: PacketPool,
    private readonly counters: PortCounters,
    private readonly observer: PfcFrameObserver | null,
  ) {
    const n = ports.length * TRAFFIC_CLASSES;
    this.bytes = new Float64Array(n);
    this.xoff = new Uint8Array(n);
    this.nextRefresh = new Float64Array(n);
    this.refreshPs = ports.map((p) => Math.max(1, Math.floor((settings.quanta * 512 * 1e12) / p.rateBps / 2)));
    sim.register(this);
  }

  /** True if priority `p` is lossless here. */
  isLossless(p: number): boolean {
    return (this.settings.enabledMask & (1 << p)) !== 0;
  }

  /** Bytes charged to (local port, priority). */
  charged(local: number, p: number): number {
    return this.bytes[local * TRAFFIC_CLASSES + p]!;
  }

  /** True while a PAUSE for (local port, priority) is in force upstream. */
  isXoff(local: number, p: number): boolean {
    return this.xoff[local * TRAFFIC_CLASSES + p] === 1;
  }

  /** Whether a lossless packet of `size` fits under XOFF + headroom for its ingress. */
  admits(local: number, p: number, size: number): boolean {
    return this.bytes[local * TRAFFIC_CLASSES + p]! + size <= this.settings.xoffBytes + this.settings.headroomBytes[local]!;
  }

  /** Charges an admitted packet; may send a PAUSE. */
  charge(local: number, p: number, size: number): void {
    const i = local * TRAFFIC_CLASSES + p;
    const b = (this.bytes[i]! += size);
    if (b > this.settings.xoffBytes && this.xoff[i] === 0) {
      this.xoff[i] = 1;
      this.sendFrame(local, p, this.settings.quanta);
      const at = this.sim.now + this.refreshPs[local]!;
      this.nextRefresh[i] = at;
      this.sim.at(at, this, REFRESH, i);
    }
  }

  /** Releases a departed packet's bytes; may send a RESUME. */
  release(local: number, p: number, size: number): void {
    const i = local * TRAFFIC_CLASSES + p;
    const b = (this.bytes[i]! -= size);
    if (this.xoff[i] === 1 && b <= this.settings.xonBytes) {
      this.xoff[i] = 0;
      this.sendFrame(local, p, 0);
    }
  }

  /** Refreshes a PAUSE that is still needed before the upstream's pause timer runs out. */
  onEvent(_kind: number, i: number): void {
    if (this.xoff[i] !== 1 || this.sim.now !== this.nextRefresh[i]) return; // resumed or superseded
    const local = Math.floor(i / TRAFFIC_CLASSES);
    this.sendFrame(local, i % TRAFFIC_CLASSES, this.settings.quanta);
    const at = this.sim.now + this.refreshPs[local]!;
    this.nextRefresh[i] = at;
    this.sim.at(at, this, REFRESH, i);
  }

  private sendFrame(local: number, p: number, quanta: number): void {
    const port = this.ports[local]!;
    const f = this.pool.acquire();
    f.frame = FRAME_PFC;
    f.frameBytes = ETH_MIN_FRAME_BYTES;
    f.pfcPriority = p;
    f.pfcQuanta = quanta;
    f.priority = 7;
    this.counters.add(port.index, quanta === 0 ? PC_RESUME_TX : PC_PAUSE_TX, 1);
    this.observer?.onPfcFrameSent(port, p, quanta);
    port.sendControl(f);
  }
}

/**
 * Headroom a lossless ingress needs so that nothing is dropped after XOFF: what arrives while
 * the PAUSE is on its way and taking effect. Bytes = the cable's round trip at line rate
 * (2 × rate × delay), plus one maximum frame the switch may be sending when it must send the
 * PAUSE, plus one maximum frame the upstream may have just started, plus the PAUSE frame itself
 * (64 B + 20 B preamble/IFG). (IEEE 802.1Qbb Annex O has the full budget incl. PHY delays.)
 */
export function pfcHeadroomBytes(rateBps: number, delayPs: number, maxFrameBytes: number): number {
  const cable = Math.ceil((2 * rateBps * delayPs) / 8 / 1e12);
  return cable + 2 * (maxFrameBytes + 20) + ETH_MIN_FRAME_BYTES + 20;
}
