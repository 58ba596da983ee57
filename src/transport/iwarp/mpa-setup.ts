/**
 * MPA connection setup (RFC 5044 §7.1, "Marker PDU Aligned Framing for TCP Specification"; RFC
 * 6581, "Enhanced Remote Direct Memory Access (RDMA) Connection Establishment"), as fabricsim
 * models it with `transport.mpa_handshake` (iwarp):
 *
 * 1. once TCP is up, the initiator (the QP that connects: a static flow's source) sends an **MPA
 *    Request frame** as the first bytes of its TCP stream, and sends no FPDU until the Reply has
 *    arrived (RFC 5044 §7.1);
 * 2. the responder answers with an **MPA Reply frame** as the first bytes of its stream;
 * 3. the initiator then sends a **zero-length RDMA WRITE** as its first FPDU (RFC 6581's
 *    "ready to receive" message; fabricsim models the WRITE variant, what Linux's iWARP
 *    connection managers call MPA_V2_RDMA_WRITE_RTR), and then its own messages;
 * 4. the responder sends no FPDU until that first FPDU of the initiator has arrived (RFC 5044
 *    §7.1 makes the responder wait for it; RFC 6581 makes the initiator send it at once, so the
 *    responder never waits on the application).
 *
 * Each MPA Request/Reply frame is (RFC 5044 §7.1):
 *
 *     Key 16 ("MPA ID Req Frame" / "MPA ID Rep Frame") + M|C|R|Res 1 + Rev 1 + PD_Length 2
 *     + Private Data (PD_Length bytes)
 *
 * with revision 2 (RFC 6581) and PD_Length 4: RFC 6581's Enhanced RDMA Connection Establishment
 * Data, IRD 2 + ORD 2 with the peer-to-peer and RTR-type flag bits in their top bits (Linux's
 * struct mpa_v2_conn_params; no application private data). The frames are not FPDUs: no length field, CRC or markers
 * (markers count from the first FPDU, RFC 5044 §4.3), so they travel as plain TCP payload — TCP
 * resends them like any segment, and MPA's connection-setup timeout never fires in a run that delivers
 * them. IRD/ORD negotiation itself is already modelled (the QP's read limit, queue-pair.ts).
 */

/** MPA Request/Reply header: key 16 + flags 1 + revision 1 + PD_Length 2 (RFC 5044 §7.1). */
export const MPA_REQ_REP_HEADER = 20;
/** Private data of an enhanced (revision 2) Request/Reply: IRD 2 + ORD 2 (RFC 6581). */
export const MPA_V2_PRIVATE_DATA = 4;
/** MPA revision of the frames (RFC 6581: 2). */
export const MPA_REVISION = 2;

/** TCP payload bytes of an MPA Request or Reply frame as modelled: 20 + 4 = 24. */
export function mpaFrameBytes(privateData = MPA_V2_PRIVATE_DATA): number {
  return MPA_REQ_REP_HEADER + privateData;
}
