import { z } from 'zod';
import type { CongestionControlVariant } from './congestion-control.js';

/** No congestion control: every flow sends at line rate and relies on PFC (or loss) alone. */
export const noneCc: CongestionControlVariant<Record<string, never>> = {
  name: 'none',
  description: 'no congestion control: line rate, relies on PFC backpressure (or loss recovery)',
  params: z.object({}).strict(),
  create() {
    return {
      onAck() {},
      onCongestionSignal() {},
      onTimeout() {},
      rateBps: (lineRate: number) => lineRate,
      windowBytes: () => Infinity,
    };
  },
};
