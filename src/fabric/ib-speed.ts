/**
 * InfiniBand link speeds: per-lane signalling rate, line code and the resulting data rate. A link
 * of `width` lanes (1x, 2x, 4x, 8x, 12x) carries `width` × the lane data rate; the simulator runs
 * links at their data rate, so the encoding overhead is accounted for once, here.
 *
 * | speed | lane signalling (Gbaud) | line code | lane data (Gb/s) | 4x data (Gb/s) |
 * |-------|-------------------------|-----------|------------------|----------------|
 * | SDR   | 2.5                     | 8b/10b    | 2                | 8              |
 * | DDR   | 5                       | 8b/10b    | 4                | 16             |
 * | QDR   | 10                      | 8b/10b    | 8                | 32             |
 * | FDR   | 14.0625                 | 64b/66b   | 13.636...        | 54.545...      |
 * | EDR   | 25.78125                | 64b/66b   | 25               | 100            |
 * | HDR   | 53.125 (PAM4)           | 64b/66b † | 50               | 200            |
 * | NDR   | 106.25 (PAM4)           | 64b/66b † | 100              | 400            |
 *
 * Sources: IBTA "InfiniBand Roadmap" and FDR fact sheet (4x: SDR 10 / DDR 20 / QDR 40 Gb/s
 * signalling, 8/16/32 Gb/s data; FDR 56 Gb/s signalling, 54.54 Gb/s data); Advanced Clustering,
 * "InfiniBand Types and Speeds" (8b/10b for SDR–QDR, 64b/66b for FDR); infiniband.jp, "InfiniBand
 * 規格" (lane rates 14.0625 / 25.78125 / 53.125 / 106.25 Gb/s, 4x data 54.55 / 100 / 200 / 400).
 * † HDR and NDR lanes are PAM4 with Reed-Solomon FEC on top of the 64b/66b-class code: the lane
 * signalling rate is not data × 66/64 for them; the data rate (50 / 100 Gb/s per lane) is what
 * the simulator uses. FDR10 (8b/10b at 10.3125 Gbaud, 40 Gb/s 4x data) is not listed.
 */
export const IB_SPEEDS = {
  SDR: { laneGbaud: 2.5, encoding: '8b/10b', laneDataGbps: 2 },
  DDR: { laneGbaud: 5, encoding: '8b/10b', laneDataGbps: 4 },
  QDR: { laneGbaud: 10, encoding: '8b/10b', laneDataGbps: 8 },
  FDR: { laneGbaud: 14.0625, encoding: '64b/66b', laneDataGbps: (14.0625 * 64) / 66 },
  EDR: { laneGbaud: 25.78125, encoding: '64b/66b', laneDataGbps: 25 },
  HDR: { laneGbaud: 53.125, encoding: '64b/66b', laneDataGbps: 50 },
  NDR: { laneGbaud: 106.25, encoding: '64b/66b', laneDataGbps: 100 },
} as const;

/** An IB speed name. */
export type IbSpeed = keyof typeof IB_SPEEDS;

/** IB link widths (lanes per link). */
export const IB_WIDTHS = [1, 2, 4, 8, 12] as const;

/** Data rate of an IB link of `speed` and `width` lanes, Gb/s (EDR 4x: 100; FDR 4x: 54.5454...). */
export function ibDataRateGbps(speed: IbSpeed, width: number): number {
  return IB_SPEEDS[speed].laneDataGbps * width;
}
