import { describe, expect, it } from 'vitest';
import { RACK_REO_WND_PERSIST, RackLossDetection } from '../../../src/transport/reliability/rack.js';
import { SelectiveRepeatSender } from '../../../src/transport/reliability/selective-repeat.js';
import { SeqTimes } from '../../../src/transport/reliability/seq-times.js';

/** Packets go out every `GAP` ps; every round trip is `RTT` ps unless a test delays one. */
const GAP = 1_000;
const RTT = 10_000;

/** A RACK sender with PSNs [0, n) posted and sent back to back from t = 0. */
function sender(n: number, end = n): SelectiveRepeatSender {
  const tx = new SelectiveRepeatSender(new RackLossDetection());
  tx.end = end;
  for (let i = 0; i < n; i++) {
    expect(tx.peek()).toBe(i);
    tx.sent(i, 1, i * GAP);
  }
  return tx;
}

describe('RACK loss detection (RFC 8985) on the selective-repeat sender', () => {
  it('a hole is lost exactly when xmit + RACK.rtt + reo_wnd has passed after a later-sent packet was delivered', () => {
    const tx = sender(10);
    const rack = tx.rack!;
    // PSN 0 is missing; PSN 1 (sent at 1 000) is NACKed with its selective ack at 11 000
    const now = 1 * GAP + RTT;
    expect(tx.nak(0, 1)).toBe(false); // no decision on the NACK alone
    expect(tx.feedback(1 * GAP, now, -1)).toBe(false);
    expect(rack.xmitTs).toBe(GAP);
    expect(rack.rtt).toBe(RTT);
    expect(rack.minRtt).toBe(RTT);
    expect(rack.reoWnd).toBe(RTT / 4); // min_RTT/4 before any reordering or D-SACK
    // PSN 0 (sent at 0) times out at 0 + 10 000 + 2 500; PSNs 2.. were sent after PSN 1: no deadline
    const deadline = 0 + RTT + RTT / 4;
    expect(tx.lossTimerAt).toBe(deadline);
    expect(tx.peek()).toBe(-1); // nothing resent, no new data (end = 10)
    expect(tx.lossTimer(deadline - 1)).toBe(false);
    expect(tx.peek()).toBe(-1);
    expect(tx.lossTimer(deadline)).toBe(true); // starts a recovery episode
    expect(tx.peek()).toBe(0);
    tx.sent(0, 1, deadline);
    expect(tx.peek()).toBe(-1); // PSN 1 is SACKed, 2..9 were sent after the delivered packet
    expect(tx.lossTimerAt).toBe(Infinity);
  });

  it('a late packet arriving inside the window is not resent, and its lateness widens the window', () => {
    const tx = sender(10);
    tx.nak(0, 1);
    tx.feedback(GAP, GAP + RTT, -1);
    // PSN 0 arrives 2 000 ps late (before its 12 500 deadline): the cumulative ACK covers 0 and 1
    const t0 = 0 + RTT + 2_000;
    tx.ack(2);
    expect(tx.feedback(0, t0, -1)).toBe(false);
    expect(tx.peek()).toBe(-1);
    expect(tx.rack!.reorderExtent).toBe(2_000); // RTT(P) − RACK.rtt = 12 000 − 10 000
    expect(tx.rack!.reoWnd).toBe(RTT / 4); // the extent is below min_RTT/4: the window stays
  });

  it('a lost retransmission is detected the same way, from its own send time', () => {
    const tx = sender(12, 20);
    tx.nak(0, 1);
    tx.feedback(GAP, GAP + RTT, -1);
    const resentAt = RTT + RTT / 4;
    tx.lossTimer(resentAt);
    expect(tx.peek()).toBe(0);
    tx.sent(0, 1, resentAt);
    // new data after the retransmission: while it is unacknowledged nothing marks PSN 0 again
    expect(tx.peek()).toBe(12);
    tx.sent(12, 1, resentAt + GAP);
    tx.nak(0, 2);
    expect(tx.feedback(2 * GAP, resentAt + GAP, -1)).toBe(false);
    expect(tx.peek()).toBe(13);
    // PSN 12, sent after the retransmission, is delivered: the retransmission is lost. In a
    // recovery with no reordering seen the window is 0 (RFC 8985 §6.2 step 4), so at once
    tx.nak(0, 12);
    expect(tx.feedback(resentAt + GAP, resentAt + GAP + RTT, -1)).toBe(false); // already recovering: no new episode
    expect(tx.peek()).toBe(0);
  });

  it('before any reordering, DupThresh (3) SACKed PSNs close the window; once reordering is seen they do not', () => {
    const run = (seenBefore: boolean) => {
      const tx = sender(10);
      if (seenBefore) tx.rack!.reorderingSeen = true;
      const ev: boolean[] = [];
      for (const s of [1, 2, 3]) {
        tx.nak(0, s);
        ev.push(tx.feedback(s * GAP, s * GAP + 2 * RTT, -1)); // a 20 000 ps round trip: reo_wnd 5 000
      }
      return { tx, ev };
    };
    const fresh = run(false);
    // the third SACK: PSN 0 (sent at 0) is lost at 0 + RACK.rtt + 0 = 20 000 ≤ now = 23 000
    expect(fresh.ev).toEqual([false, false, true]);
    expect(fresh.tx.peek()).toBe(0);
    const seen = run(true);
    expect(seen.ev).toEqual([false, false, false]);
    expect(seen.tx.peek()).toBe(-1);
    expect(seen.tx.lossTimerAt).toBe(0 + 2 * RTT + (2 * RTT) / 4); // 25 000 > 23 000
  });

  it('a D-SACK (a duplicate reported) widens the window by min_RTT/4 once per round trip, up to SRTT, once reordering has been seen', () => {
    const rack = new RackLossDetection();
    rack.delivered(0, RTT);
    expect(rack.reoWnd).toBe(2_500);
    // on a path that never reordered, a duplicate means a lost NACK: no step
    rack.dsack(0, 10);
    expect(rack.reoWndMult).toBe(1);
    rack.delivered(1_000, 11_000);
    rack.delivered(500, 12_000); // sent before 1 000, acknowledged later: overtaken
    expect(rack.reorderingSeen).toBe(true);
    expect(rack.reorderExtent).toBe(11_500 - RTT);
    expect(rack.reoWnd).toBe(2_500); // the extent (1 500) is below min_RTT/4
    rack.dsack(0, 10);
    expect(rack.reoWndMult).toBe(2);
    expect(rack.reoWnd).toBe(5_000);
    rack.dsack(5, 12); // same round (una 5 < 10): no second step
    expect(rack.reoWndMult).toBe(2);
    rack.dsack(10, 20);
    rack.dsack(20, 30);
    rack.dsack(30, 40);
    rack.dsack(40, 50);
    expect(rack.reoWndMult).toBe(6);
    expect(rack.reoWnd).toBe(rack.srtt); // 6 · 2 500 = 15 000, capped at SRTT
    expect(rack.srtt).toBeLessThan(15_000);
    expect(rack.dsacks).toBe(7);
    // the multiplier falls back after RACK_REO_WND_PERSIST loss recoveries without a D-SACK
    for (let i = 0; i < RACK_REO_WND_PERSIST - 1; i++) rack.recoveryEnded();
    expect(rack.reoWndMult).toBe(6);
    rack.recoveryEnded();
    expect(rack.reoWndMult).toBe(1);
  });

  it('SRTT follows RFC 6298 (α = 1/8) and min_RTT the smallest sample; an older echo moves neither RACK.xmit_ts nor RACK.rtt', () => {
    const rack = new RackLossDetection();
    rack.delivered(1_000, 9_000); // 8 000
    rack.delivered(2_000, 18_000); // 16 000
    expect(rack.srtt).toBe(9_000);
    expect(rack.minRtt).toBe(8_000);
    expect(rack.xmitTs).toBe(2_000);
    expect(rack.rtt).toBe(16_000);
    rack.delivered(1_500, 30_000); // an older packet, delivered late: 28 500
    expect(rack.xmitTs).toBe(2_000);
    expect(rack.rtt).toBe(16_000);
    expect(rack.reorderExtent).toBe(28_500 - 16_000);
    expect(rack.lostAt(2_000)).toBe(Infinity); // not sent before the delivered packet
    expect(rack.lostAt(1_999)).toBe(1_999 + 16_000 + rack.reoWnd);
    expect(rack.reoWnd).toBe(rack.srtt); // the extent (12 500) is capped by SRTT
  });

  it('a timeout marks every un-SACKed hole lost, and the oldest even if SACKed', () => {
    const tx = sender(6);
    tx.nak(0, 2);
    tx.nak(0, 3);
    tx.timeout();
    const resent: number[] = [];
    for (let p = tx.peek(); p >= 0; p = tx.peek()) {
      resent.push(p);
      tx.sent(p, 1, 100_000);
    }
    expect(resent).toEqual([0, 1, 4, 5]);
  });

  it('immediate (no RACK) resends the hole on the first NACK, as IRN does', () => {
    const tx = new SelectiveRepeatSender();
    tx.end = 10;
    for (let i = 0; i < 10; i++) tx.sent(tx.peek(), 1, i * GAP);
    expect(tx.nak(0, 1)).toBe(true);
    expect(tx.peek()).toBe(0);
    expect(tx.feedback(GAP, GAP + RTT, -1)).toBe(false);
    expect(tx.lossTimerAt).toBe(Infinity);
  });
});

describe('SeqTimes', () => {
  it('keeps every time of the window when it grows past its capacity', () => {
    const t = new SeqTimes(4);
    for (let s = 10; s < 110; s++) t.set(10, s, s * 7);
    for (let s = 10; s < 110; s++) expect(t.get(s)).toBe(s * 7);
    // the window slides: old slots are reused without growing
    for (let s = 110; s < 200; s++) t.set(s - 50, s, s * 3);
    for (let s = 150; s < 200; s++) expect(t.get(s)).toBe(s * 3);
  });
});
