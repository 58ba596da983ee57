import { Registry } from '../../sim/registry.js';
import type { CongestionControlVariant } from './congestion-control.js';
import { noneCc } from './none.js';

/** Every congestion-control algorithm, by name (one line each). */
export const congestionControls = new Registry<CongestionControlVariant<any>>('congestion control')
  .add(noneCc);

export type { AckEvent, CcContext, CcFeedback, CongestionControl, CongestionControlVariant } from './congestion-control.js';
