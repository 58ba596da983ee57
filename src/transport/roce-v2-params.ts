import { z } from 'zod';

/** Parameters of the RoCEv2 reliable-connection transport, with their defaults. */
export const roceV2Params = z
  .object({
    priority: z.int().min(0).max(7).default(3).describe('traffic class (PFC priority) of data packets'),
    ack_priority: z
      .int()
      .min(0)
      .max(7)
      .optional()
      .describe('traffic class of ACK/NAK packets; defaults to `priority`'),
    ack_every: z
      .int()
      .min(1)
      .max(1024)
      .default(4)
      .describe('ACK coalescing: one ACK per this many in-order packets (the last packet of a message is always ACKed)'),
    rto_us: z.number().positive().max(1e6).default(100).describe('retransmission timeout in microseconds'),
    retry_count: z.int().min(0).max(7).default(7).describe('timeouts in a row without progress before the QP fails the message (IB retry_cnt, 0..7)'),
    window_packets: z.int().min(0).default(0).describe('maximum unacknowledged packets per QP (0: unlimited, as RoCE NICs are)'),
    loss_recovery: z
      .enum(['go-back-n', 'selective-repeat'])
      .default('go-back-n')
      .describe("'go-back-n' (RoCE NICs: resend everything from the lost PSN) or 'selective-repeat' (IRN: resend only the holes)"),
  })
  .strict();

/** Validated RoCEv2 parameters. */
export type RoceV2Params = z.infer<typeof roceV2Params>;
