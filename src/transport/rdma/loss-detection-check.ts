import { ConfigError } from '../../sim/errors.js';

/**
 * Throws a ConfigError when `transport.loss_detection: rack` is asked of a transport whose RC
 * queue pairs go back N: RACK decides which *holes* of a selective-repeat sender are lost, and a
 * go-back-N responder keeps no packet after a hole (its one NAK already says what is missing).
 * Likewise `tail_loss_probe: true` without RACK. Parameters without `loss_detection` (TCP, iWARP,
 * UDP) pass.
 */
export function checkLossDetection(transportParams: unknown, file: string | undefined): void {
  const p = transportParams as { loss_detection?: string; loss_recovery?: string; tail_loss_probe?: boolean };
  if (p.loss_detection === 'rack' && p.loss_recovery !== 'selective-repeat') {
    throw new ConfigError(
      `loss_detection 'rack' decides which holes a selective-repeat sender resends, but loss_recovery is '${String(p.loss_recovery)}' (a go-back-N responder keeps nothing after a hole); set transport.loss_recovery: selective-repeat or loss_detection: immediate`,
      { file, field: 'transport.loss_detection' },
    );
  }
  if (p.tail_loss_probe === true && p.loss_detection !== 'rack') {
    throw new ConfigError(
      `tail_loss_probe is RACK's tail loss probe (RFC 8985 §7), but loss_detection is '${String(p.loss_detection)}'; set transport.loss_detection: rack (with loss_recovery: selective-repeat) or remove tail_loss_probe`,
      { file, field: 'transport.tail_loss_probe' },
    );
  }
}
