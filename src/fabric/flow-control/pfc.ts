import type { Actor } from '../../sim/actor.js';
import type { Simulator } from '../../sim/simulator.js';
import { PC_PAUSE_TX, PC_RESUME_TX, type PortCounters } from '../../metrics/port-counters.js';
import type { EgressPort } from '../egress-port.js';
import { ETH_MIN_FRAME_BYTES, FRAME_PFC, type PacketPool } from '../packet.js';
import { TRAFFIC_CLASSES } from '../scheduler/scheduler.js';
import type { SharedBuffer } from '../shared-buffer.js';

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
  /**
   * Dynamic XOFF (as shared-buffer switches offer it): when > 0 the XOFF threshold of each
   * (port, priority) is `xoffAlpha` × the free shared buffer at the moment, and XON is that minus
   * (xoffBytes − xonBytes). 0: the static thresholds.
   */
  readonly xoffAlpha?: number;
}

/** Observes the PAUSE / RESUME frames a switch sends. */
export interface PfcFrameObserver {
  /**
   * `trigger` is the connection held responsible for a PAUSE: the one with the most bytes from
   * that ingress in the switch's queues when XOFF was crossed (-1 for refreshes and RESUMEs).
   */
  onPfcFrameSent(port: EgressPort, priority: number, quanta: number, trigger: number): void;
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
  /** Bytes charged when the PAUSE in force was sent (the base of the headroom). */
  private readonly xoffAt: Float64Array;
  private readonly nextRefresh: Float64Array;
  private readonly refreshPs: number[];

  constructor(
    private readonly sim: Simulator,
    private readonly ports: readonly EgressPort[],
    readonly settings: PfcSettings,
    private readonly pool: PacketPool,
    private readonly counters: PortCounters,
    private readonly observer: PfcFrameObserver | null,
    /** The switch's shared buffer (required for dynamic XOFF). */
    private readonly buffer: SharedBuffer | null = null,
  ) {
    if ((settings.xoffAlpha ?? 0) > 0 && buffer === null) throw new Error('fabricsim internal error: dynamic XOFF needs the shared buffer');
    const n = ports.length * TRAFFIC_CLASSES;
    this.bytes = new Float64Array(n);
    this.xoff = new Uint8Array(n);
    this.xoffAt = new Float64Array(n);
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

  /** The XOFF threshold in force now (static, or dynamic: alpha × free buffer). */
  xoffThreshold(): number {
    const s = this.settings;
    const alpha = s.xoffAlpha ?? 0;
    return alpha > 0 ? alpha * (this.buffer!.capacity - this.buffer!.used) : s.xoffBytes;
  }

  /** The XON threshold in force now. */
  xonThreshold(): number {
    const s = this.settings;
    return (s.xoffAlpha ?? 0) > 0 ? Math.max(0, this.xoffThreshold() - (s.xoffBytes - s.xonBytes)) : s.xonBytes;
  }

  /**
   * Whether a lossless packet of `size` may enter from ingress `local`: always before XOFF (it may
   * be the one that crosses it); after XOFF only into the headroom, i.e. while the bytes charged
   * stay within `headroom` of what they were when the PAUSE was sent. (With dynamic XOFF the
   * threshold moves with the free buffer, so headroom is counted from the crossing point.)
   */
  admits(local: number, p: number, size: number): boolean {
    const i = local * TRAFFIC_CLASSES + p;
    if (this.xoff[i] === 0) return true;
    return this.bytes[i]! + size <= this.xoffAt[i]! + this.settings.headroomBytes[local]!;
  }

  /**
   * Finds the connection most responsible for the bytes charged to (ingress, priority); set by the
   * switch. Consulted only when a PAUSE is sent.
   */
  culprit: ((local: number, p: number) => number) | null = null;

  /** Charges an admitted packet; may send a PAUSE. */
  charge(local: number, p: number, size: number): void {
    const i = local * TRAFFIC_CLASSES + p;
    const b = (this.bytes[i]! += size);
    if (this.xoff[i] === 0 && b > this.xoffThreshold()) {
      this.xoff[i] = 1;
      this.xoffAt[i] = b;
      this.sendFrame(local, p, this.settings.quanta, this.culprit !== null ? this.culprit(local, p) : -1);
      const at = this.sim.now + this.refreshPs[local]!;
      this.nextRefresh[i] = at;
      this.sim.at(at, this, REFRESH, i);
    }
  }

  /** Releases a departed packet's bytes; may send a RESUME. */
  release(local: number, p: number, size: number): void {
    const i = local * TRAFFIC_CLASSES + p;
    const b = (this.bytes[i]! -= size);
    if (this.xoff[i] === 1 && b <= this.xonThreshold()) {
      this.xoff[i] = 0;
      this.sendFrame(local, p, 0, -1);
    }
  }

  /** Refreshes a PAUSE that is still needed before the upstream's pause timer runs out. */
  onEvent(_kind: number, i: number): void {
    if (this.xoff[i] !== 1 || this.sim.now !== this.nextRefresh[i]) return; // resumed or superseded
    const local = Math.floor(i / TRAFFIC_CLASSES);
    this.sendFrame(local, i % TRAFFIC_CLASSES, this.settings.quanta, -1);
    const at = this.sim.now + this.refreshPs[local]!;
    this.nextRefresh[i] = at;
    this.sim.at(at, this, REFRESH, i);
  }

  private sendFrame(local: number, p: number, quanta: number, trigger: number): void {
    const port = this.ports[local]!;
    const f = this.pool.acquire();
    f.frame = FRAME_PFC;
    f.frameBytes = ETH_MIN_FRAME_BYTES;
    f.pfcPriority = p;
    f.pfcQuanta = quanta;
    f.priority = 7;
    this.counters.add(port.index, quanta === 0 ? PC_RESUME_TX : PC_PAUSE_TX, 1);
    this.observer?.onPfcFrameSent(port, p, quanta, trigger);
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
