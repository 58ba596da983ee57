import type { Time } from '../../sim/time.js';

/**
 * The worst-case delayed-ACK time added to the probe timeout when one packet is outstanding
 * (RFC 8985 §7.2's WCDelAckT, 200 ms for TCP), here 0 (no published source for an RDMA value;
 * this is fabricsim's responder): the RC responder ACKs every `ack_every` packets and the last
 * packet of every message at once, with no delayed-ACK timer, and a lone outstanding packet is
 * always a message end, since the requester's window never stops below `ack_every` packets in
 * flight. The one ACK that does wait — one held behind the
 * responder's READ responses — waits for packets already on the wire, not for a timer.
 */
export const TLP_MAX_ACK_DELAY_PS: Time = 0;

/**
 * Tail loss probe (RFC 8985 §7, "The RACK-TLP Loss Detection Algorithm for TCP"): RACK detects a
 * loss only when a packet sent after it is delivered, so a lost *tail* — the last packets of a
 * burst, nothing sent behind them — waits for the retransmission timeout. TLP arms a shorter probe
 * timeout (PTO) instead; when it fires the sender sends one probe, and the acknowledgement the
 * probe draws (an ACK, or a NACK whose selective ack reports the probe) lets RACK find the lost
 * packets as it would anywhere else. The PTO (§7.2):
 *
 *     PTO = 2·SRTT (+ max ACK delay when one packet is outstanding), at most the time left to the RTO
 *
 * The probe is the highest-PSN outstanding packet again (§7.3's fallback; the RFC prefers new
 * data when the window allows it, but the queue pair arms the probe only when the window holds new
 * data back, and a new packet in the middle of a message may draw no ACK from an RDMA responder
 * that ACKs every `ack_every` packets: see the queue pair's onProbeTimeout), and at most one probe
 * per episode (§7.3): a new one is allowed once the cumulative ACK passes
 * every PSN sent before the probe (TLP.end_seq) or a timeout has fired. A probe is scheduled only
 * when data is outstanding, nothing is SACKed, the sender is not in loss recovery, an RTT sample
 * exists (the RFC's PTO without one is 1 s, which the RTO always caps) and the sender has nothing
 * new it may send (the brief's "tail"; the RFC also re-arms it on every new packet, which the next
 * transmission here does anyway). After a probe the RTO is restarted (§7.3: "re-arm the RTO timer,
 * not the PTO timer").
 *
 * TLP's own loss detection (§7.4): a probe that was a retransmission and is acknowledged without
 * a duplicate report repaired a real loss, and the congestion control is told ({@link probeAcked}
 * returns true); a duplicate report says the original had arrived (only its ACK was lost), and
 * nothing is reduced.
 */
export class TailLossProbe {
  /** Probes sent. */
  probes = 0;
  /** Probes whose acknowledgement showed a repaired loss (§7.4). */
  repaired = 0;
  /** The open episode ends when the cumulative ACK reaches this PSN (TLP.end_seq); -1: none open. */
  endPsn = -1;
  /** PSN of the open episode's probe when it was a retransmission (TLP.is_retrans); -1: new data or none. */
  retxPsn = -1;
  /** A duplicate report for {@link retxPsn} arrived: the probe was spurious. */
  private dup = false;

  constructor(
    /** RFC 8985's WCDelAckT, ps. */
    readonly maxAckDelayPs: Time = TLP_MAX_ACK_DELAY_PS,
  ) {}

  /** Whether an episode is open (a probe was sent and not yet acknowledged). */
  get open(): boolean {
    return this.endPsn >= 0;
  }

  /**
   * The probe timeout (RFC 8985 §7.2) for `srtt` (ps, 0: no sample) with `flight` packets
   * outstanding, capped by `rtoLeft` (the time until the RTO fires); Infinity without an RTT sample.
   */
  timeout(srtt: Time, flight: number, rtoLeft: Time): Time {
    if (srtt <= 0) return Infinity;
    let pto = 2 * srtt;
    if (flight === 1) pto += this.maxAckDelayPs;
    return pto < rtoLeft ? pto : rtoLeft;
  }

  /** A probe went out: `endPsn` the sender's highest PSN sent + 1 after it, `retxPsn` the PSN resent (-1: new data). */
  sent(endPsn: number, retxPsn: number): void {
    this.probes++;
    this.endPsn = endPsn;
    this.retxPsn = retxPsn;
    this.dup = false;
  }

  /**
   * An acknowledgement arrived: `una` the cumulative ACK, `dsack` the PSN it reports as a
   * duplicate (-1: none). Returns true when it closes an episode whose retransmitted probe
   * repaired a loss (the congestion control should respond, §7.4.2).
   */
  probeAcked(una: number, dsack: number): boolean {
    if (this.endPsn < 0) return false;
    if (dsack >= 0 && dsack === this.retxPsn) this.dup = true;
    if (una < this.endPsn) return false;
    const repaired = this.retxPsn >= 0 && !this.dup;
    this.endPsn = -1;
    this.retxPsn = -1;
    if (repaired) this.repaired++;
    return repaired;
  }

  /** The RTO fired: the episode is over (the timeout recovers whatever the probe did not). */
  reset(): void {
    this.endPsn = -1;
    this.retxPsn = -1;
    this.dup = false;
  }
}
