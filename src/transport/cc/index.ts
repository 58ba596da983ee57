import { Registry } from '../../sim/registry.js';
import type { CongestionControlVariant } from './congestion-control.js';
import { dcqcnCc } from './dcqcn.js';
import { dctcpCc } from './dctcp.js';
import { hpccCc } from './hpcc.js';
import { noneCc } from './none.js';
import { timelyCc } from './timely.js';
import { newRenoCc } from './newreno.js';
import { cubicCc } from './cubic.js';
import { ibCc } from './ib-cc.js';

/** Every congestion-control algorithm, by name (one line each). */
export const congestionControls = new Registry<CongestionControlVariant<any>>('congestion control')
  .add(noneCc)
  .add(dcqcnCc)
  .add(hpccCc)
  .add(timelyCc)
  .add(dctcpCc)
  .add(newRenoCc)
  .add(cubicCc)
  .add(ibCc);

export type { AckEvent, CcContext, CcFeedback, CongestionControl, CongestionControlVariant } from './congestion-control.js';
