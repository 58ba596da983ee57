import { z } from 'zod';
import type { CongestionControlVariant } from './congestion-control.js';

/** No congestion control: every flow sends at line rate and relies on PFC (or loss) alone. */
export const noneCc: CongestionControlVariant<Record<string, never>> = {
  name: 'none',
  description: 'no congestion control: line rate, relies on PFC backpressure (or loss recovery)',
  params: z.object({}).strict(),
  feedback: () => ({ cnp: false, cnpIntervalPs: 0, int: false }),
  create(_params, ctx) {
    return {
      onAck() {},
      onCnp() {},
      onLoss() {},
      onTimeout() {},
      onSend() {},
      rateBps: () => ctx.lineRateBps,
      windowBytes: () => Infinity,
    };
  },
};
