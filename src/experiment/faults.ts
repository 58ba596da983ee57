import { z } from 'zod';
import type { Fabric } from '../fabric/build-fabric.js';
import type { EgressPort } from '../fabric/egress-port.js';
import { pauseTimePs } from '../fabric/flow-control/lossless-guards.js';
import { ETH_MIN_FRAME_BYTES, FRAME_PFC } from '../fabric/packet.js';
import { PFC_PAUSE_TX, PFC_RESUME_TX } from '../metrics/pfc-log.js';
import { PC_PAUSE_TX, PC_RESUME_TX } from '../metrics/port-counters.js';
import type { Actor } from '../sim/actor.js';
import { ConfigError } from '../sim/errors.js';
import type { Simulator } from '../sim/simulator.js';
import { us, type Time } from '../sim/time.js';

/**
 * Faults injected into a run: the optional top-level `faults:` list of an experiment file. Each
 * entry is `{kind, ...}`; today there is one kind, `pause-storm`.
 */

/** A NIC that keeps sending PAUSE frames to its switch (a stuck receive pipeline, a buggy driver). */
export const pauseStormSchema = z
  .object({
    kind: z.literal('pause-storm').describe("a host's NIC keeps sending PAUSE frames (maximum quanta) to its switch"),
    host: z
      .union([z.string().min(1), z.int().min(0)], {
        error: (iss) => (iss.input === undefined ? 'required: the storming host, e.g. h3' : 'expected a host: its node key ("h3") or host index (3)'),
      })
      .describe('the storming host: its node key ("h3") or host index'),
    priority: z.int().min(0).max(7).default(3).describe('the priority it pauses; must be a lossless one (default 3)'),
    start_us: z.number().min(0).max(1e9).default(0).describe('when the storm starts, µs (default 0)'),
    duration_us: z
      .number()
      .positive()
      .max(1e9)
      .optional()
      .describe('how long it lasts, µs; at the end the NIC sends a RESUME (absent: until the run ends)'),
    interval_us: z
      .number()
      .positive()
      .max(1e9)
      .optional()
      .describe('time between PAUSE frames, µs (absent: half the pause time of one frame at the host link rate)'),
    quanta: z.int().min(1).max(65535).default(65535).describe('pause time in each frame, in 512-bit-time quanta (default 65535, the maximum)'),
  })
  .strict();

/** One fault. */
export const faultSchema = z.discriminatedUnion('kind', [pauseStormSchema]).describe("a fault: { kind: 'pause-storm', host, priority, start_us, duration_us, interval_us }");

/** The `faults` list. */
export const faultsSchema = z
  .array(faultSchema)
  .max(10_000)
  .default(() => [])
  .describe('faults injected during the run, e.g. [{ kind: pause-storm, host: h3, start_us: 10, duration_us: 500 }] (default none)');

/** A validated fault. */
export type FaultConfig = z.output<typeof faultSchema>;

const SEND = 0;

/** The `trigger` a pause storm's PAUSE frames carry in the PFC log (pfc.csv cause `fault`). */
export const PAUSE_FAULT = -3;

/**
 * A pause storm: from `startPs` the host's NIC sends a PAUSE of `quanta` every `intervalPs` on
 * its port; at `endPs` (if finite) it sends one RESUME and stops. Frames are counted in the host
 * port's `pause_tx`/`resume_tx` and logged in pfc.csv like a switch's.
 */
export class PauseStorm implements Actor {
  actorId = -1;
  /** PAUSE frames sent so far. */
  sent = 0;

  constructor(
    private readonly sim: Simulator,
    private readonly fabric: Fabric,
    private readonly port: EgressPort,
    private readonly priority: number,
    startPs: Time,
    private readonly endPs: Time,
    private readonly intervalPs: Time,
    private readonly quanta: number,
  ) {
    sim.register(this);
    sim.at(startPs, this, SEND);
  }

  onEvent(): void {
    const now = this.sim.now;
    if (now >= this.endPs) {
      this.send(0);
      return;
    }
    this.send(this.quanta);
    this.sent++;
    this.sim.at(Math.min(now + this.intervalPs, this.endPs), this, SEND);
  }

  private send(quanta: number): void {
    const f = this.fabric.pool.acquire();
    f.frame = FRAME_PFC;
    f.frameBytes = ETH_MIN_FRAME_BYTES;
    f.pfcPriority = this.priority;
    f.pfcQuanta = quanta;
    f.priority = 7;
    this.fabric.counters.add(this.port.index, quanta === 0 ? PC_RESUME_TX : PC_PAUSE_TX, 1);
    this.fabric.pfcLog.record(this.sim.now, this.port.index, this.priority, quanta === 0 ? PFC_RESUME_TX : PFC_PAUSE_TX, quanta, PAUSE_FAULT);
    this.port.sendControl(f);
  }
}

/**
 * Schedules the experiment's faults on a built fabric. `hosts` are the host node keys (index =
 * host id). A fault naming an unknown host, or a priority that is not lossless, is a ConfigError
 * at its field (`faults.0.host`).
 */
export function installFaults(sim: Simulator, fabric: Fabric, faults: readonly FaultConfig[], hosts: readonly string[], file?: string): PauseStorm[] {
  const pfc = fabric.options.pfc;
  return faults.map((f, i) => {
    const field = `faults.${i}`;
    const h = typeof f.host === 'number' ? (f.host < hosts.length ? f.host : -1) : hosts.indexOf(f.host);
    if (h < 0) {
      throw new ConfigError(
        `unknown host ${JSON.stringify(f.host)}; expected a host of the topology (h0 … h${hosts.length - 1} or an index 0..${hosts.length - 1})`,
        { file, field: `${field}.host` },
      );
    }
    if (!pfc.enabled || !pfc.priorities.includes(f.priority)) {
      throw new ConfigError(
        `priority ${f.priority} is not lossless here (fabric.pfc ${pfc.enabled ? `protects ${JSON.stringify(pfc.priorities)}` : 'is off'}), so switches ignore PAUSE frames for it`,
        { file, field: `${field}.priority` },
      );
    }
    const port = fabric.hostPort(h);
    const start = us(f.start_us);
    const end = f.duration_us === undefined ? Infinity : start + us(f.duration_us);
    const interval = f.interval_us !== undefined ? us(f.interval_us) : Math.max(1, Math.floor(pauseTimePs(f.quanta, port.rateBps) / 2));
    return new PauseStorm(sim, fabric, port, f.priority, start, end, interval, f.quanta);
  });
}
