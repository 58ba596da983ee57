import { ETH_MIN_FRAME_BYTES } from '../../fabric/packet.js';
import { TcpFraming } from '../tcp/framing.js';

/**
 * iWARP framing on TCP segments (RFC 5044 MPA, RFC 5041 DDP, RFC 5040 RDMAP), for RDMA WRITEs
 * and READ responses (SENDs with `tagged` false; READ requests: {@link readRequestFrame}):
 * each TCP segment carries exactly one MPA FPDU (MPA's "FPDU alignment": the sender sizes the
 * ULPDU so that an FPDU fills one segment), and the FPDU carries one DDP tagged segment:
 *
 *   FPDU = ULPDU_Length (2) + [DDP/RDMAP tagged header (14) + payload] + pad to 4 + CRC32c (4)
 *        (+ a 4-byte marker per 512 bytes with `markers`)
 *
 * The DDP tagged header (RFC 5041 §4.2): DDP control 1 + RDMAP control 1 + STag 4 + tagged
 * offset 8; a SEND's untagged header (§4.3) is 18: control 2 + reserved 4 + queue number 4 +
 * message sequence number 4 + message offset 4. With markers on, the FPDU holds ⌈FPDU/512⌉ markers (an approximation of "one every
 * 512 bytes of TCP sequence space", which puts 2 or 3 in a 1448-byte segment), and its largest
 * ULPDU follows MPA's MULPDU rule. The frame around it is TCP's: Ethernet 14 + IPv4 20 + TCP 20
 * (+ 12 timestamps) + FCS 4. ACKs are plain TCP ACKs.
 */
export const MPA_LENGTH = 2;
export const MPA_CRC = 4;
export const MPA_MARKER = 4;
export const MPA_MARKER_INTERVAL = 512;
/** DDP tagged buffer header with the RDMAP control byte (WRITE, READ response). */
export const DDP_TAGGED_HEADER = 14;
/** DDP untagged buffer header with the RDMAP control byte (SEND, READ request). */
export const DDP_UNTAGGED_HEADER = 18;
/**
 * RDMAP Read Request header (RFC 5040 §4.4): sink STag 4 + sink tagged offset 8 + RDMA Read
 * message size 4 + source STag 4 + source tagged offset 8.
 */
export const RDMAP_READ_REQUEST = 28;

export class IwarpFraming extends TcpFraming {
  /** TCP payload bytes of a full segment (the TCP MSS less options). */
  readonly emss: number;
  /** RDMA payload bytes of a full segment (one FPDU). */
  override readonly mss: number;

  constructor(
    mtu: number,
    vlan: boolean,
    timestamps: boolean,
    readonly markers: boolean,
    /** DDP tagged (WRITE, READ response: 14-byte header) or untagged (SEND: 18-byte header). */
    readonly tagged = true,
  ) {
    super(mtu, vlan, timestamps);
    const emss = mtu - 40 - (timestamps ? 12 : 0);
    this.emss = emss;
    let p = emss - MPA_LENGTH - this.ddpHeader() - MPA_CRC;
    while (p > 0 && this.fpduBytes(p) > emss) p--;
    if (p <= 0) throw new Error(`iWARP: an MTU of ${mtu} leaves no room for an FPDU`);
    this.mss = p;
  }

  /** DDP (+ RDMAP control) header bytes. */
  ddpHeader(): number {
    return this.tagged ? DDP_TAGGED_HEADER : DDP_UNTAGGED_HEADER;
  }

  /** Bytes of the FPDU (with markers) that carries `payload` bytes of a WRITE (or a SEND, untagged). */
  fpduBytes(payload: number): number {
    const ulpdu = this.ddpHeader() + payload;
    const pad = (4 - ((MPA_LENGTH + ulpdu) % 4)) % 4;
    const fpdu = MPA_LENGTH + ulpdu + pad + MPA_CRC;
    return this.markers ? fpdu + MPA_MARKER * Math.ceil(fpdu / MPA_MARKER_INTERVAL) : fpdu;
  }

  /**
   * Frame bytes of a READ request: an FPDU with the untagged DDP header (18) and the RDMAP Read
   * Request header (28) as its ULPDU: 2 + 18 + 28 + CRC 4 = 52 (+ a marker), 122 with timestamps.
   */
  readRequestFrame(): number {
    const ulpdu = DDP_UNTAGGED_HEADER + RDMAP_READ_REQUEST;
    const pad = (4 - ((MPA_LENGTH + ulpdu) % 4)) % 4;
    const fpdu = MPA_LENGTH + ulpdu + pad + MPA_CRC;
    const withMarkers = this.markers ? fpdu + MPA_MARKER * Math.ceil(fpdu / MPA_MARKER_INTERVAL) : fpdu;
    return Math.max(ETH_MIN_FRAME_BYTES, this.baseBytes + withMarkers);
  }

  override dataFrame(payload: number): number {
    return Math.max(ETH_MIN_FRAME_BYTES, this.baseBytes + this.fpduBytes(payload));
  }
}
