import { Registry } from '../sim/registry.js';
import { roceV1 } from './roce-v1.js';
import { roceV2 } from './roce-v2.js';
import type { TransportVariant } from './transport.js';

/** Every transport, by name (one line each). */
export const transports = new Registry<TransportVariant<any>>('transport').add(roceV2).add(roceV1);
