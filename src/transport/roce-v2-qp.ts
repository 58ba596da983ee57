/**
 * The RoCE queue pair moved to `rdma/queue-pair.ts` when the verbs layer arrived: one QP class for
 * RC, UC and UD carrying SEND/RECV, WRITE (with immediate), READ and atomics, shared by RoCEv2,
 * RoCEv1 and (later) InfiniBand. Congestion-control calls are in `QueuePair.requestPacket`
 * (onSend, pacing), `responsePacket` (READ responses), `onAck`/`onResponse` (onAck, onLoss),
 * `onEvent` (onTimeout), `onPacket` (onCnp) and `windowFull` (windowBytes). This module keeps the
 * old import path.
 */
export { QueuePair as RoceV2Qp } from './rdma/queue-pair.js';
export { FLAG_FIRST, FLAG_LAST } from './rdma/opcodes.js';
