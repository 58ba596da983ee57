import type { FabricOptions } from '../fabric/build-fabric.js';
import { ns, us } from '../sim/time.js';
import type { FabricConfig } from './fabric-schema.js';

/** Maps the validated `fabric` block (file units) to the fabric's run-time options (bytes, ps). */
export function fabricOptions(f: FabricConfig, maxFrameBytes: number): FabricOptions {
  return {
    bufferBytes: f.buffer_bytes,
    buffer: f.buffer.policy === 'dynamic' ? { policy: 'dynamic', alpha: f.buffer.alpha } : { policy: 'static', queueBytes: f.buffer.queue_bytes },
    scheduler:
      f.scheduler.kind === 'dwrr'
        ? { kind: 'dwrr', weights: f.scheduler.weights, quantumBytes: f.scheduler.quantum_bytes }
        : { kind: 'strict' },
    pfc: {
      enabled: f.pfc.enabled,
      priorities: f.pfc.priorities,
      xoffBytes: f.pfc.xoff_bytes,
      xonBytes: f.pfc.xon_bytes,
      headroomBytes: f.pfc.headroom_bytes,
      quanta: f.pfc.quanta,
      xoffAlpha: f.pfc.xoff_alpha ?? 0,
      guards: {
        deadlockCheckPs: f.pfc.deadlock_check_us === undefined ? undefined : us(f.pfc.deadlock_check_us),
        watchdog: f.pfc.watchdog.enabled
          ? { timeoutPs: us(f.pfc.watchdog.timeout_us), restorePs: us(f.pfc.watchdog.restore_us), action: f.pfc.watchdog.action }
          : null,
        onLosslessDrop: f.pfc.on_lossless_drop,
      },
    },
    routing: {
      algorithm: f.routing.algorithm,
      roots: f.routing.root === undefined ? undefined : typeof f.routing.root === 'string' ? [f.routing.root] : f.routing.root,
    },
    ecn:
      f.ecn.kind === 'threshold'
        ? { kind: 'threshold', kBytes: f.ecn.k_bytes }
        : f.ecn.kind === 'red'
          ? { kind: 'red', kminBytes: f.ecn.kmin_bytes, kmaxBytes: f.ecn.kmax_bytes, pmax: f.ecn.pmax }
          : { kind: 'none' },
    ecmp: f.routing.ecmp,
    maxFrameBytes,
    switchLatencyPs: ns(f.switch_latency_ns),
    linkLossRate: f.link_loss_rate,
  };
}
