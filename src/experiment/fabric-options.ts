import type { FabricOptions } from '../fabric/build-fabric.js';
import { CREDIT_BLOCK_BYTES, IB_FLOW_CONTROL_PACKET_BYTES } from '../fabric/flow-control/credit.js';
import { ibThresholdBytes } from '../fabric/marking/ib-fecn.js';
import { ibDataRateGbps } from '../fabric/ib-speed.js';
import { ETH_MIN_FRAME_BYTES, ETH_PREAMBLE_IFG_BYTES } from '../fabric/packet.js';
import { ConfigError } from '../sim/errors.js';
import { ns, us } from '../sim/time.js';
import type { FabricConfig } from './fabric-schema.js';

/**
 * Maps the validated `fabric` block (file units) to the fabric's run-time options (bytes, ps).
 * `linkLayer` is the transport's: InfiniBand links have no preamble/IFG, send 6-byte credit
 * updates, use credits under `flow_control: auto`, and switches forward by the subnet manager's
 * LID tables with `lmc` (the transport's LID mask control).
 */
export function fabricOptions(f: FabricConfig, maxFrameBytes: number, linkLayer: 'ethernet' | 'infiniband' = 'ethernet', lmc = 0): FabricOptions {
  const ib = linkLayer === 'infiniband';
  if (f.ecn.kind === 'ib-fecn' && !ib) {
    throw new ConfigError("ib-fecn is InfiniBand's switch marking (FECN, thresholds in VL buffer credits); on Ethernet use fabric.ecn.kind threshold or red", { field: 'fabric.ecn.kind' });
  }
  const flowControl = f.flow_control === 'auto' ? (ib ? 'credit' : 'pfc') : f.flow_control;
  return {
    lidRouting: ib ? { lmc } : undefined,
    subnetManager: subnetManager(f, ib),
    flowControl,
    credit: { vlBufferBytes: f.credit.vl_buffer_bytes, frameBytes: ib ? IB_FLOW_CONTROL_PACKET_BYTES : ETH_MIN_FRAME_BYTES },
    creditLoopCheckPs: us(f.credit.loop_check_us),
    frameOverheadBytes: ib ? 0 : ETH_PREAMBLE_IFG_BYTES,
    linkRateBps: f.ib_speed === undefined ? undefined : ibDataRateGbps(f.ib_speed, f.ib_width) * 1e9,
    // cut-through: the header a switch routes on (IB: the LRH's DLID; Ethernet: the 5-tuple ECMP hashes)
    slToVl: f.sl_to_vl,
    cutThroughBytes: f.switching === 'cut-through' ? (f.cut_through_bytes ?? (ib ? 8 : 14 + (f.vlan_tag ? 4 : 0) + 20 + 8)) : 0,
    bufferBytes: f.buffer_bytes,
    buffer: f.buffer.policy === 'dynamic' ? { policy: 'dynamic', alpha: f.buffer.alpha } : { policy: 'static', queueBytes: f.buffer.queue_bytes },
    scheduler:
      f.scheduler.kind === 'dwrr'
        ? { kind: 'dwrr', weights: f.scheduler.weights, quantumBytes: f.scheduler.quantum_bytes }
        : f.scheduler.kind === 'vl-arbitration'
          ? { kind: 'vl-arbitration', high: f.scheduler.high, low: f.scheduler.low, highLimit: f.scheduler.high_limit }
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
      // OpenSM's routing engine names: minhop = shortest, updn = updown
      algorithm: f.routing.algorithm === 'minhop' ? 'shortest' : f.routing.algorithm === 'updn' ? 'updown' : f.routing.algorithm,
      roots: f.routing.root === undefined ? undefined : typeof f.routing.root === 'string' ? [f.routing.root] : f.routing.root,
      adaptive: f.routing.adaptive,
    },
    ecn:
      f.ecn.kind === 'threshold'
        ? { kind: 'threshold', kBytes: f.ecn.k_bytes }
        : f.ecn.kind === 'red'
          ? { kind: 'red', kminBytes: f.ecn.kmin_bytes, kmaxBytes: f.ecn.kmax_bytes, pmax: f.ecn.pmax }
          : f.ecn.kind === 'ib-fecn'
            ? {
                kind: 'ib-fecn',
                thresholdBytes: ibThresholdBytes(f.ecn.threshold, f.credit.vl_buffer_bytes),
                markingRate: f.ecn.marking_rate,
                minFrameBytes: f.ecn.packet_size * CREDIT_BLOCK_BYTES,
              }
            : { kind: 'none' },
    ecmp: f.routing.ecmp,
    maxFrameBytes,
    switchLatencyPs: ns(f.switch_latency_ns),
    linkLossRate: f.link_loss_rate,
  };
}

/** `fabric.subnet_manager` in run-time units; only InfiniBand links have VL15. */
function subnetManager(f: FabricConfig, ib: boolean): FabricOptions['subnetManager'] {
  const sm = f.subnet_manager;
  if (sm === undefined) return undefined;
  if (!ib) throw new ConfigError('the subnet manager and VL15 exist only on InfiniBand links; use transport.kind infiniband or leave subnet_manager out', { field: 'fabric.subnet_manager' });
  return { host: sm.host, startPs: us(sm.start_us), intervalPs: us(sm.sweep_interval_us), maxOnWire: sm.max_wire_smps };
}
