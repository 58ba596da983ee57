import { Registry } from '../sim/registry.js';
import { infiniband } from './infiniband.js';
import { iwarp } from './iwarp.js';
import { roceV1 } from './roce-v1.js';
import { roceV2 } from './roce-v2.js';
import { tcp } from './tcp.js';
import { udp } from './udp.js';
import type { TransportVariant } from './transport.js';

/** Every transport, by name (one line each). */
export const transports = new Registry<TransportVariant<any>>('transport').add(roceV2).add(roceV1).add(infiniband).add(tcp).add(iwarp).add(udp);
