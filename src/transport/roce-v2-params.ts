import { z } from 'zod';
import { LOSS_DETECTION_NAMES } from './reliability/reliability.js';

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
    loss_detection: z
      .enum(LOSS_DETECTION_NAMES)
      .default('immediate')
      .describe(
        "with selective-repeat, when a hole counts as lost: 'immediate' (the default; IRN, Mittal et al., SIGCOMM 2018: on the first NACK reporting a later PSN) or 'rack' (RFC 8985: once a packet sent after it is delivered and a reordering window, min RTT/4 growing on duplicates, has passed; tolerates adaptive routing's reordering)",
      ),
    tail_loss_probe: z
      .boolean()
      .optional()
      .describe(
        "with loss_detection 'rack': RACK's tail loss probe (RFC 8985 §7; the RFC's algorithm is RACK-TLP, so absent means on with rack): when the last packets sent are outstanding and nothing new may go, a probe timeout of 2·SRTT (capped by the RTO) resends the highest-PSN outstanding packet so RACK recovers a lost tail without waiting for rto_us; false: RACK alone",
      ),
    qp_type: z
      .enum(['rc', 'uc'])
      .default('rc')
      .describe("QP type of static flows: 'rc' (reliable connection: ACKs, retransmission) or 'uc' (unreliable connection: a lost packet loses its message); apps choose per QP"),
    rnr_retry: z
      .int()
      .min(0)
      .max(7)
      .default(7)
      .describe('RNR NAKs in a row before a SEND fails with IBV_WC_RNR_RETRY_EXC_ERR (IB rnr_retry, 0..7; 7 = retry forever)'),
    min_rnr_timer: z
      .int()
      .min(0)
      .max(31)
      .default(12)
      .describe('how long a requester waits after an RNR NAK, IBA encoding (Table 45): 1 = 0.01 ms … 12 = 0.64 ms … 31 = 491.52 ms, 0 = 655.36 ms'),
    max_rd_atomic: z
      .int()
      .min(1)
      .max(256)
      .default(16)
      .describe('READs and atomics a QP keeps outstanding as requester (initiator depth); further ones wait'),
    max_dest_rd_atomic: z
      .int()
      .min(1)
      .max(256)
      .default(16)
      .describe('READs and atomics a QP accepts outstanding as responder (responder resources); caps the peer\'s initiator depth'),
    sq_depth: z.int().min(1).max(1 << 20).default(128).describe('send queue depth: work requests outstanding per QP (posting beyond it fails, ENOMEM)'),
    rq_depth: z.int().min(1).max(1 << 20).default(512).describe('receive queue depth: RECVs posted and not yet consumed per QP'),
  })
  .strict();

/** Validated RoCEv2 parameters. */
export type RoceV2Params = z.infer<typeof roceV2Params>;
