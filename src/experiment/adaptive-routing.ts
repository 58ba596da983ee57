import { ConfigError } from '../sim/errors.js';
import type { ExperimentConfig } from './schema.js';

/**
 * Adaptive routing (`fabric.routing.adaptive`) sends the packets of one queue pair over
 * different paths, so they can arrive out of order. A go-back-N responder (what RoCE NICs and
 * the IB spec's RC do) discards every packet after a gap and NAKs it: the requester resends from
 * there, again and again (on a k = 4 fat tree permutation it resends ~10× the data). InfiniBand
 * adaptive routing works with RC only because the HCA places out-of-order packets (NVIDIA's AR
 * relies on the NIC's out-of-order placement), which here is `loss_recovery: selective-repeat`
 * (IRN-style: out-of-order packets are kept). With `loss_detection: immediate` the sender still
 * resends every hole a NACK reports, so reordered packets are sent twice (on the k = 4 fat tree
 * permutation of 2 MB flows, 4,069 of 7,824); with `loss_detection: rack` it waits a reordering
 * window first (RFC 8985) and resends 131. UC loses a whole message on any gap, so it cannot
 * take adaptive routes either; UD messages are single packets and TCP tolerates reordering
 * (duplicate ACKs), so both may.
 *
 * Throws a ConfigError when adaptive routing meets a transport whose queue pairs would treat
 * reordering as loss.
 */
export function checkAdaptiveRouting(config: ExperimentConfig, transportParams: unknown, file: string | undefined): void {
  if (!config.fabric.routing.adaptive) return;
  const p = transportParams as { loss_recovery?: string; qp_type?: string };
  if (p.qp_type === 'uc') {
    throw new ConfigError("adaptive routing reorders packets and a UC queue pair loses a whole message on any gap; use qp_type 'rc' with loss_recovery 'selective-repeat' (and loss_detection 'rack')", {
      file,
      field: 'fabric.routing.adaptive',
    });
  }
  if (p.loss_recovery === 'go-back-n') {
    throw new ConfigError(
      "adaptive routing reorders packets, and a go-back-N responder discards and NAKs every packet after a gap (the requester would resend most of the data); set transport.loss_recovery: selective-repeat (out-of-order placement, as IB HCAs do under adaptive routing) with transport.loss_detection: rack (resend a hole only after a reordering window), or turn adaptive off",
      { file, field: 'fabric.routing.adaptive' },
    );
  }
}
