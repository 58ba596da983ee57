import type { Actor } from '../../sim/actor.js';
import type { Simulator } from '../../sim/simulator.js';
import type { Time } from '../../sim/time.js';
import type { EgressPort } from '../egress-port.js';
import type { SmpHandler } from '../ingress-port.js';
import { FRAME_SMP, type Packet, type PacketPool } from '../packet.js';
import type { Switch } from '../switch.js';

/**
 * VL15 and the subnet manager's traffic (IBA Vol. 1 §7.6.4, §14). Subnet management packets
 * (SMPs) are 256-byte MADs on QP0, always on VL15: LRH 8 + BTH 12 + DETH 8 + MAD 256 + ICRC 4 +
 * VCRC 2 = {@link SMP_FRAME_BYTES} bytes. VL15 has no link-level flow control (a receiver may
 * drop a VL15 packet it has no room for; here every one is taken) and is not subject to VL
 * arbitration: it goes before any data VL. In the fabric an SMP is a FRAME_SMP frame that every
 * port sends from its control queue (ahead of data, never paused, no credits consumed or
 * returned) and that switches forward by destination (the LFT, like data; LID-routed SMPs).
 *
 * The subnet manager at host `smHost` sweeps the subnet at `startPs` and every `intervalPs`: it
 * sends a SubnGet (e.g. PortInfo) to every other host and each host's SMA answers with a
 * SubnGetResp at once; at most `maxOnWire` requests are outstanding, the next going when a
 * response returns (OpenSM's `max_wire_smps`). A sweep ends when its last response arrives.
 *
 * Defaults (fabric-schema.ts `subnet_manager`): sweep every 10 s (OpenSM's `sweep_interval`,
 * OSM_DEFAULT_SWEEP_INTERVAL_SECS = 10), 4 SMPs on the wire (OpenSM's
 * OSM_DEFAULT_SMP_MAX_ON_WIRE; some later OpenSM releases use 32).
 */
export const SMP_FRAME_BYTES = 8 + 12 + 8 + 256 + 4 + 2;

/** SMP method in `Packet.type`. */
const SUBN_GET = 0;
const SUBN_GET_RESP = 1;

const SWEEP = 0;

/** One completed or running sweep of the subnet manager. */
export interface SmSweep {
  /** When it began and ended (its last response arrived), ps; end −1 while running. */
  startPs: Time;
  endPs: Time;
}

/** Forwards VL15 packets through a switch: its forwarding table, then the out port's control queue. */
export class Vl15Forwarding implements SmpHandler {
  constructor(private readonly sw: Switch) {}
  receiveSmp(pkt: Packet): void {
    this.sw.route(pkt).sendControl(pkt);
  }
}

/** The subnet manager and every host's subnet management agent (SMA). */
export class SubnetManager implements Actor {
  actorId = -1;
  /** Sweeps so far, in order. */
  readonly sweeps: SmSweep[] = [];
  /** SMPs put on the wire (requests and responses) and SMPs delivered. */
  smpsSent = 0;
  smpsDelivered = 0;
  /** Largest time an SMP took from its sender's NIC to its destination, ps. */
  maxSmpLatencyPs = 0;
  private next = 0;
  private outstanding = 0;
  private answered = 0;
  private readonly targets: number[] = [];

  constructor(
    private readonly sim: Simulator,
    private readonly pool: PacketPool,
    /** Host h's NIC port. */
    private readonly hostPort: (h: number) => EgressPort,
    hosts: number,
    /** Host id of the subnet manager. */
    readonly smHost: number,
    private readonly startPs: Time,
    private readonly intervalPs: Time,
    private readonly maxOnWire: number,
  ) {
    for (let h = 0; h < hosts; h++) if (h !== smHost) this.targets.push(h);
    sim.register(this);
    sim.at(startPs, this, SWEEP);
  }

  /** The SMA of host `host` (or the SM itself at the SM's host). */
  agent(host: number): SmpHandler {
    return { receiveSmp: (pkt) => this.arrive(pkt, host) };
  }

  onEvent(kind: number): void {
    if (kind !== SWEEP) return;
    const now = this.sim.now;
    const last = this.sweeps[this.sweeps.length - 1];
    if (last === undefined || last.endPs >= 0) {
      // a sweep still running when the next is due is not restarted (OpenSM sweeps one at a time)
      this.sweeps.push({ startPs: now, endPs: this.targets.length === 0 ? now : -1 });
      this.next = 0;
      this.answered = 0;
      this.fill();
    }
    if (this.intervalPs > 0) this.sim.at(now + this.intervalPs, this, SWEEP);
  }

  private fill(): void {
    while (this.outstanding < this.maxOnWire && this.next < this.targets.length) {
      this.send(this.smHost, this.targets[this.next++]!, SUBN_GET);
      this.outstanding++;
    }
  }

  private send(src: number, dst: number, method: number): void {
    const pkt = this.pool.acquire();
    pkt.frame = FRAME_SMP;
    pkt.frameBytes = SMP_FRAME_BYTES;
    pkt.src = src;
    pkt.dst = dst;
    pkt.type = method;
    pkt.sentAt = this.sim.now;
    this.smpsSent++;
    this.hostPort(src).sendControl(pkt);
  }

  private arrive(pkt: Packet, host: number): void {
    this.smpsDelivered++;
    const latency = this.sim.now - pkt.sentAt;
    if (latency > this.maxSmpLatencyPs) this.maxSmpLatencyPs = latency;
    const method = pkt.type;
    const from = pkt.src;
    this.pool.release(pkt);
    if (method === SUBN_GET) {
      this.send(host, from, SUBN_GET_RESP);
      return;
    }
    this.outstanding--;
    this.answered++;
    if (this.answered === this.targets.length) this.sweeps[this.sweeps.length - 1]!.endPs = this.sim.now;
    else this.fill();
  }
}
