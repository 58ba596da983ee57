import type { Time } from '../../sim/time.js';
import { SeqTimes } from './seq-times.js';

/** Recoveries a grown reordering window persists for before it falls back (RFC 8985 §6.2 step 4: 16). */
export const RACK_REO_WND_PERSIST = 16;

/**
 * Before any reordering has been seen, the window is 0 once this many PSNs are SACKed above the
 * cumulative ACK (RFC 8985 §6.2 step 4, with RFC 6675's DupThresh of 3), or during a recovery.
 */
export const RACK_DUPTHRESH = 3;

/**
 * RACK's time-based loss detection (RFC 8985, "The RACK-TLP Loss Detection Algorithm for TCP"),
 * on PSNs: a packet is deemed lost when a packet *sent after it* has been delivered (cumulatively
 * or selectively acknowledged) and its own time is up:
 *
 *     lost(P) ⇔ xmit(P) < RACK.xmit_ts  and  now ≥ xmit(P) + RACK.rtt + reo_wnd
 *
 * where RACK.xmit_ts is the send time of the most recently sent delivered packet and RACK.rtt its
 * RTT (§6.2 steps 2 and 5). An RDMA ACK/NACK echoes the send time of the packet that triggered
 * it, so both come straight from the acknowledgement, without the retransmission ambiguity TCP
 * has to work around. The reordering window (§6.2 step 4):
 *
 *     reo_wnd = min(reo_wnd_mult · min_RTT / 4, SRTT)
 *
 * starts at a quarter of the minimum RTT; each round trip in which the receiver reports a
 * duplicate (a D-SACK: a retransmission of a PSN it already had, so the loss was spurious)
 * increments reo_wnd_mult, and the multiplier falls back to 1 after {@link RACK_REO_WND_PERSIST}
 * loss recoveries without one. SRTT follows RFC 6298 (α = 1/8) over every sample.
 *
 * A D-SACK counts only once reordering has been seen. IRN's NACK carries a single selective ack,
 * so a lost NACK leaves a delivered PSN un-SACKed, RACK resends it, and the receiver reports a
 * duplicate with no reordering behind it (TCP repeats its SACK blocks in every ACK, so there
 * this is rare). Counting those on an in-order path with 0.1 % loss widened the window to SRTT
 * and made a 50 MB transfer over 50 µs links 9 % slower than immediate detection; now it is as
 * fast.
 *
 * One addition, this simulator's (no published source in this form): the window is at least the
 * largest *measured* reordering. An acknowledgement that echoes a packet P sent before
 * RACK.xmit_ts says P was overtaken; P arrived RTT(P) − RACK.rtt after the point where its window
 * starts, so a window that wide would have waited for it. This is Linux's pre-RACK way of
 * measuring the reordering degree from SACKs (tcp_check_sack_reordering: a hole filled by a
 * packet that was never resent is reordering, its degree counted in segments) in time units.
 * Under adaptive routing a reordered packet can trail its successors by most of an RTT, and
 * D-SACK steps of min_RTT/4 per round trip take most of a short flow to open the window (a k = 4
 * fat tree permutation of 500 KB flows, IB, no CC: immediate detection resends 914 packets
 * spuriously, RACK with D-SACK steps alone 703, with the measured extent 116). The window is
 * still capped by SRTT, so a real loss waits at most about one more RTT.
 *
 * As in §6.2 step 4, until reordering has been seen (measured, as above) the
 * window is 0 during a recovery or once {@link RACK_DUPTHRESH} PSNs are SACKed above a hole, so a
 * loss on an in-order path is resent as soon as DupThresh would. Left out: the windowed min_RTT
 * filter (the minimum here is over the connection's life). TLP (the probe timeout that recovers
 * a lost tail without the RTO) is TailLossProbe (tail-loss-probe.ts), driven by the queue
 * pair when `tail_loss_probe` is on.
 *
 * The sender ({@link SelectiveRepeatSender}) owns the scan over its holes; this class holds the
 * per-PSN send times (a typed-array ring: no allocation per packet) and the arithmetic.
 */
export class RackLossDetection {
  /** Send time of the most recently sent packet known delivered (RACK.xmit_ts), ps; -1: none yet. */
  xmitTs: Time = -1;
  /** RTT of that packet (RACK.rtt), ps. */
  rtt: Time = 0;
  /** Smallest RTT sample, ps (Infinity: none). */
  minRtt: Time = Infinity;
  /** Smoothed RTT (RFC 6298), ps; 0 before the first sample. */
  srtt: Time = 0;
  /** The reordering window's multiplier (RACK.reo_wnd_mult). */
  reoWndMult = 1;
  /** Duplicates (D-SACKs) reported by the receiver. */
  dsacks = 0;
  /**
   * The largest reordering measured, ps: RTT(P) − RACK.rtt for a delivered packet P sent before
   * RACK.xmit_ts (0: none seen). The window is at least this wide.
   */
  reorderExtent: Time = 0;
  /** Reordering has been measured (a packet overtaken by a later-sent one): RACK.reordering_seen. */
  reorderingSeen = false;
  private reoWndPersist = 0;
  /** A D-SACK round ends when the cumulative ACK reaches this (-1: no round open). */
  private dsackRound = -1;
  private readonly times = new SeqTimes();

  /** PSNs [psn, psn + count) were transmitted at `now`; `base` is the oldest unacknowledged PSN. */
  sent(base: number, psn: number, count: number, now: Time): void {
    for (let s = psn; s < psn + count; s++) this.times.set(base, s, now);
  }

  /** When `psn` was last transmitted. */
  sentAt(psn: number): Time {
    return this.times.get(psn);
  }

  /** An acknowledgement arrived at `now` for a packet sent at `echoTs` (RFC 8985 §6.2 step 2). */
  delivered(echoTs: Time, now: Time): void {
    if (echoTs < 0 || echoTs > now) return;
    const r = now - echoTs;
    if (r < this.minRtt) this.minRtt = r;
    this.srtt = this.srtt === 0 ? r : Math.round(this.srtt + (r - this.srtt) / 8);
    if (echoTs >= this.xmitTs) {
      this.xmitTs = echoTs;
      this.rtt = r;
    } else if (r - this.rtt > this.reorderExtent) {
      // overtaken by a later-sent packet already delivered: it came r − RACK.rtt after the point
      // where the window starts counting; a window at least this wide would not have resent it
      this.reorderExtent = r - this.rtt;
      this.reoWndPersist = RACK_REO_WND_PERSIST;
      this.reorderingSeen = true;
    }
  }

  /**
   * The receiver reported a duplicate: once reordering has been seen, the reordering window grows
   * by min_RTT/4, once per round trip (`una` the cumulative ACK, `sndNxt` the next PSN to send:
   * the round ends when `una` passes it).
   */
  dsack(una: number, sndNxt: number): void {
    this.dsacks++;
    // no reordering measured: the receiver had the packet because the NACK reporting it was lost
    if (!this.reorderingSeen) return;
    if (this.dsackRound >= 0 && una < this.dsackRound) return;
    this.dsackRound = sndNxt;
    this.reoWndMult++;
    this.reoWndPersist = RACK_REO_WND_PERSIST;
  }

  /**
   * A loss recovery ended: after {@link RACK_REO_WND_PERSIST} of them without a D-SACK or a
   * measured reordering the window falls back to min_RTT/4.
   */
  recoveryEnded(): void {
    if (this.reoWndPersist > 0 && --this.reoWndPersist === 0) {
      this.reoWndMult = 1;
      this.reorderExtent = 0;
    }
  }

  /**
   * The reordering window, ps: min(max(reo_wnd_mult · min_RTT / 4, reorder extent), SRTT); 0
   * before any RTT sample.
   */
  get reoWnd(): Time {
    if (this.minRtt === Infinity) return 0;
    let w = Math.floor((this.reoWndMult * this.minRtt) / 4);
    if (this.reorderExtent > w) w = this.reorderExtent;
    return w < this.srtt ? w : this.srtt;
  }

  /**
   * The window to apply now: 0 before any reordering has been seen if the sender is recovering or
   * `sackedOut` ≥ {@link RACK_DUPTHRESH}, else {@link reoWnd}.
   */
  window(recovering: boolean, sackedOut: number): Time {
    if (!this.reorderingSeen && (recovering || sackedOut >= RACK_DUPTHRESH)) return 0;
    return this.reoWnd;
  }

  /**
   * When a packet sent at `xmit` is deemed lost: xmit + RACK.rtt + `reoWnd` if a packet sent after
   * it has been delivered, else Infinity (nothing says it is missing yet).
   */
  lostAt(xmit: Time, reoWnd: Time = this.reoWnd): Time {
    if (xmit >= this.xmitTs) return Infinity;
    return xmit + this.rtt + reoWnd;
  }
}
