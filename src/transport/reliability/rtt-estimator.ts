import type { Time } from '../../sim/time.js';

/**
 * The retransmission timer of RFC 6298 ("Computing TCP's Retransmission Timer"), in integer ps:
 *
 * - before any sample, RTO = the initial RTO (RFC 6298 §2.1: 1 s);
 * - first sample R: SRTT = R, RTTVAR = R/2 (§2.2);
 * - later samples: RTTVAR = (1 − β)·RTTVAR + β·|SRTT − R|, then SRTT = (1 − α)·SRTT + α·R with
 *   α = 1/8, β = 1/4 (§2.3; RTTVAR uses the old SRTT);
 * - RTO = SRTT + max(G, 4·RTTVAR), G the clock granularity, then clamped to [minimum, maximum]
 *   (§2.4: the RFC's minimum is 1 s; Linux uses 200 ms, datacenters much less);
 * - on expiry the RTO doubles (exponential backoff, §5.5), up to the maximum; the next sample
 *   recomputes it from SRTT and RTTVAR, which ends the backoff.
 */
export class RttEstimator {
  srtt = 0;
  rttvar = 0;
  /** Samples taken. */
  samples = 0;
  /** Current RTO, ps. */
  rto: Time;
  /** Backoffs since the last sample. */
  backoffs = 0;

  constructor(
    readonly minRto: Time,
    readonly maxRto: Time,
    readonly initialRto: Time,
    /** Clock granularity G, ps. */
    readonly granularity: Time,
  ) {
    this.rto = this.clamp(initialRto);
  }

  /** An RTT measurement `r` (ps). */
  sample(r: Time): void {
    if (this.samples === 0) {
      this.srtt = r;
      this.rttvar = r / 2;
    } else {
      this.rttvar = 0.75 * this.rttvar + 0.25 * Math.abs(this.srtt - r);
      this.srtt = 0.875 * this.srtt + 0.125 * r;
    }
    this.samples++;
    this.backoffs = 0;
    this.rto = this.clamp(Math.round(this.srtt + Math.max(this.granularity, 4 * this.rttvar)));
  }

  /** The timer expired: RTO = 2·RTO (at most the maximum). */
  backoff(): void {
    this.backoffs++;
    this.rto = this.clamp(2 * this.rto);
  }

  private clamp(t: Time): Time {
    return Math.min(this.maxRto, Math.max(this.minRto, t));
  }
}
