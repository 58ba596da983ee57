/**
 * The SL→VL test fabric: a star of three hosts on one EDR switch whose VL arbitration serves VL 5
 * from the high-priority table and VLs 1 and 2 from the low one (equal weights); h0 and h1 each
 * WRITE `bytes` into h2, h0 on SL 1 and h1 on `h1Sl`. `slToVl` is the `fabric.sl_to_vl` block
 * (absent: none); `stopUs` stops the run early.
 */
export function ibSlStar(slToVl: Record<string, unknown> | undefined, opts: { bytes: number; h1Sl: number; stopUs?: number; name: string }) {
  return {
    name: opts.name,
    topology: { generator: 'star', params: { hosts: 3, delay_ns: 100 } },
    fabric: {
      ib_speed: 'EDR',
      ...(slToVl === undefined ? {} : { sl_to_vl: slToVl }),
      scheduler: { kind: 'vl-arbitration', high: [{ vl: 5, weight: 255 }], low: [{ vl: 1, weight: 64 }, { vl: 2, weight: 64 }] },
    },
    transport: { kind: 'infiniband' },
    workload: {
      kind: 'mix',
      workloads: [
        { kind: 'flows', priority: 1, list: [{ src: 'h0', dst: 'h2', bytes: opts.bytes }] },
        { kind: 'flows', priority: opts.h1Sl, list: [{ src: 'h1', dst: 'h2', bytes: opts.bytes }] },
      ],
    },
    ...(opts.stopUs === undefined ? {} : { stop: { time_us: opts.stopUs } }),
  };
}
