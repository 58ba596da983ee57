import { Registry } from '../../sim/registry.js';
import type { StackVariant } from '../stack.js';
import { dpdkStack } from './dpdk.js';
import { idealStack } from './ideal.js';
import { kernelStack } from './kernel.js';
import { rdmaOffloadStack } from './rdma-offload.js';
import { smartnicStack } from './smartnic.js';
import { softIwarpStack } from './soft-iwarp.js';
import { softRoceStack } from './soft-roce.js';
import { xdpStack } from './xdp.js';

/** Every host stack model, by name (one line each). */
export const stacks = new Registry<StackVariant<any>>('host stack')
  .add(idealStack)
  .add(kernelStack)
  .add(dpdkStack)
  .add(rdmaOffloadStack)
  .add(xdpStack)
  .add(smartnicStack)
  .add(softRoceStack)
  .add(softIwarpStack);
