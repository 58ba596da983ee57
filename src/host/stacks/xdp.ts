import { z } from 'zod';
import { costNs, stage, type StackVariant } from '../stack.js';
import { kernelParams, kernelStack } from './kernel.js';

/*
 * [X18] T. Høiland-Jørgensen et al., "The eXpress Data Path", CoNEXT 2018: XDP drops ~24 Mpps
 *       on one core (~40 ns per packet including the driver's rx work): xdp_ns 20 + driver 20.
 * Only XDP_DROP and XDP_PASS are modelled (XDP_TX / XDP_REDIRECT: not yet).
 */
const params = kernelParams.extend({
  xdp_ns: costNs(20, 'the XDP program (parse + map lookup + verdict), per packet [X18]'),
  drop_flows: z.array(z.int().min(0)).default(() => []).describe('flow_ids (flows.csv) whose packets get XDP_DROP; every other packet gets XDP_PASS'),
});

/** XDP in the driver, before any sk_buff: XDP_DROP for the listed flows, XDP_PASS (then the kernel path) for the rest. */
export const xdpStack: StackVariant<z.output<typeof params>> = {
  name: 'xdp',
  description: 'XDP program in the driver before the sk_buff: XDP_DROP for drop_flows, XDP_PASS into the kernel path for the rest',
  params,
  create: (p, s) => {
    const k = kernelStack.create({ ...p, drop_flows: [] }, s);
    // interrupt, napi_poll (driver), then the XDP program, then the kernel stages from sk_buff on
    const rx = [k.rx[0]!, k.rx[1]!, stage('xdp_prog', { packet: p.xdp_ns }, '[X18]', s), ...k.rx.slice(2)];
    return { ...k, name: 'xdp', rx, drop: { flows: new Set(p.drop_flows), dropAfter: 3 } };
  },
};
