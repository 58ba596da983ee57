import { z } from 'zod';
import { tcpParams } from '../tcp/params.js';

/**
 * Parameters of iWARP: TCP's, plus MPA's and the QP attributes of its verbs. Defaults: markers off
 * (each end asks for them with the M flag of its MPA Request/Reply frame, RFC 5044 §7.1; that
 * current RNICs do not is common knowledge with no published source); ord/ird 16 and the queue
 * depths as the roce-v2 transport's — no published source for iWARP NICs. `mpa_handshake` defaults
 * to `handshake`: a run that simulates TCP's connection setup simulates MPA's too (RFC 5044 §7.1:
 * every MPA connection starts with the Request/Reply exchange).
 */
export const iwarpParams = tcpParams
  .extend({
    mpa_markers: z.boolean().default(false).describe('MPA markers: 4 bytes every 512 bytes of TCP sequence space (RFC 5044 §5; off on current NICs)'),
    mpa_handshake: z
      .boolean()
      .optional()
      .describe(
        "MPA connection setup (RFC 5044 §7.1 with RFC 6581): once TCP is up the initiator sends an MPA Request (20-byte header + 4 bytes of IRD/ORD), the responder an MPA Reply, the initiator a zero-length RDMA WRITE as its first FPDU; no FPDU flows before. Costs the first message one round trip more; absent: follows `handshake`",
      ),
    ord: z.int().min(1).max(256).default(16).describe('outbound RDMA Read queue depth: READs a QP keeps outstanding as initiator (ORD; negotiated down to the peer IRD in MPA); further READs wait'),
    ird: z.int().min(1).max(256).default(16).describe('inbound RDMA Read queue depth: Read Requests a QP accepts outstanding as responder (IRD); caps the peer ORD'),
    sq_depth: z.int().min(1).max(1 << 20).default(128).describe('send queue depth: work requests outstanding per QP (posting beyond it fails, ENOMEM)'),
    rq_depth: z.int().min(1).max(1 << 20).default(512).describe('receive queue depth: RECVs posted and not yet consumed per QP'),
  })
  .strict();

/** Validated iWARP parameters. */
export type IwarpParams = z.infer<typeof iwarpParams>;
