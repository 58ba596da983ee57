import { ETH_MIN_FRAME_BYTES } from '../../fabric/packet.js';
import type { Framing } from '../transport.js';
import { TcpFraming } from '../tcp/framing.js';

/**
 * iWARP framing on TCP segments (RFC 5044 MPA, RFC 5041 DDP, RFC 5040 RDMAP). Each TCP segment
 * carries exactly one MPA FPDU (MPA's "FPDU alignment": the sender sizes the ULPDU so that an
 * FPDU fills one segment), and the FPDU carries one DDP segment:
 *
 *   FPDU = ULPDU_Length (2) + ULPDU [DDP/RDMAP header + payload] + pad to 4 + CRC32c (4)
 *
 * The DDP tagged header (RFC 5041 §4.2, WRITE and Read Response): DDP control 1 + RDMAP control 1
 * + STag 4 + tagged offset 8 = 14; the untagged header (§4.3, SEND, Read Request, Terminate) is
 * 18: control 2 + reserved 4 + queue number 4 + message sequence number 4 + message offset 4.
 *
 * **Markers** (`markers`, RFC 5044 §4.3): a 4-byte marker at every 512th octet of the TCP
 * sequence space, counted from the first octet of the first FPDU (as Wireshark's MPA dissector
 * places them: offset (512 − (seq − first FPDU seq) mod 512) mod 512 into a segment). A marker
 * sits in the segment whose span covers its position, so an FPDU of f bytes that starts `o` FPDU
 * bytes into the stream (markers not counted) carries ⌊(o + f − 1)/508⌋ − ⌊(o − 1)/508⌋ markers:
 * 508 FPDU bytes lie between two markers, and the stream's first FPDU begins with one. The
 * largest ULPDU is MPA's MULPDU (RFC 5044 §8): EMSS − (6 + 4·⌈EMSS/512⌉ + EMSS mod 4) with
 * markers, EMSS − (6 + EMSS mod 4) without, so a full FPDU and its markers never exceed the
 * segment (1448-byte EMSS: 1436-byte FPDUs with 2 or 3 markers, 1444 or 1448 bytes of TCP
 * payload).
 *
 * The frame around it is TCP's: Ethernet 14 + IPv4 20 + TCP 20 (+ 12 timestamps) + FCS 4. ACKs
 * are plain TCP ACKs.
 */
export const MPA_LENGTH = 2;
export const MPA_CRC = 4;
export const MPA_MARKER = 4;
export const MPA_MARKER_INTERVAL = 512;
/** FPDU bytes between two markers. */
const FPDU_PER_MARKER = MPA_MARKER_INTERVAL - MPA_MARKER;
/** DDP tagged buffer header with the RDMAP control byte (WRITE, READ response). */
export const DDP_TAGGED_HEADER = 14;
/** DDP untagged buffer header with the RDMAP control byte (SEND, READ request). */
export const DDP_UNTAGGED_HEADER = 18;
/**
 * RDMAP Read Request header (RFC 5040 §4.4): sink STag 4 + sink tagged offset 8 + RDMA Read
 * message size 4 + source STag 4 + source tagged offset 8.
 */
export const RDMAP_READ_REQUEST = 28;
/** RFC 7306 Immediate Data message: 8 bytes of immediate data after the untagged DDP header. */
export const RDMAP_IMMEDIATE = 8;
/**
 * RDMAP Terminate message (RFC 5040 §4.8): Terminate Control 4 + DDP Segment Length 2 + the
 * terminated segment's DDP header (18, untagged: a SEND), after its own untagged DDP header.
 */
export const RDMAP_TERMINATE = 4 + 2 + DDP_UNTAGGED_HEADER;

/** FPDU bytes (markers not counted) around a ULPDU of `ulpdu` bytes: length 2 + ULPDU + pad to 4 + CRC 4. */
export function fpduBytes(ulpdu: number): number {
  return MPA_LENGTH + ulpdu + ((4 - ((MPA_LENGTH + ulpdu) % 4)) % 4) + MPA_CRC;
}

/** Markers inside an FPDU of `fpdu` bytes that starts `offset` FPDU bytes (markers not counted) into the stream. */
export function markersIn(offset: number, fpdu: number): number {
  return Math.floor((offset + fpdu - 1) / FPDU_PER_MARKER) - Math.floor((offset - 1) / FPDU_PER_MARKER);
}

export class IwarpFraming extends TcpFraming {
  /** TCP payload bytes of a full segment (the TCP MSS less options). */
  readonly emss: number;
  /** Largest ULPDU (RFC 5044 §8 MULPDU). */
  readonly mulpdu: number;
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
    this.mulpdu = emss - (6 + (markers ? MPA_MARKER * Math.ceil(emss / MPA_MARKER_INTERVAL) : 0) + (emss % 4));
    this.mss = this.mulpdu - this.ddpHeader();
    if (this.mss <= 0) throw new Error(`iWARP: an MTU of ${mtu} leaves no room for an FPDU`);
  }

  /** DDP (+ RDMAP control) header bytes. */
  ddpHeader(): number {
    return this.tagged ? DDP_TAGGED_HEADER : DDP_UNTAGGED_HEADER;
  }

  /** FPDU bytes (markers not counted) of a segment carrying `payload` bytes of a WRITE (or, untagged, a SEND). */
  fpduBytes(payload: number): number {
    return fpduBytes(this.ddpHeader() + payload);
  }

  /** Frame bytes of an FPDU of `fpdu` bytes starting `offset` FPDU bytes into the stream (its markers included). */
  frameAt(fpdu: number, offset: number): number {
    const m = this.markers ? MPA_MARKER * markersIn(offset, fpdu) : 0;
    return Math.max(ETH_MIN_FRAME_BYTES, this.baseBytes + fpdu + m);
  }

  /**
   * Frame bytes of a READ request at the start of a stream: an FPDU with the untagged DDP header
   * (18) and the RDMAP Read Request header (28) as its ULPDU: 2 + 18 + 28 + CRC 4 = 52 (+ the
   * stream's first marker), 122 with timestamps.
   */
  readRequestFrame(): number {
    return this.frameAt(fpduBytes(DDP_UNTAGGED_HEADER + RDMAP_READ_REQUEST), 0);
  }

  /** Frame bytes of segment `k` of a message of `bytes` that starts a stream (a static flow's). */
  frameOf(bytes: number, k: number): number {
    const full = this.fpduBytes(this.mss);
    return this.frameAt(this.fpduBytes(this.payload(bytes, k)), k * full);
  }

  /** Frame bytes of a segment carrying `bytes` of plain TCP payload, no FPDU (an MPA Request/Reply frame). */
  plainFrame(bytes: number): number {
    return Math.max(ETH_MIN_FRAME_BYTES, this.baseBytes + bytes);
  }

  /** Frame bytes of a segment carrying `payload` bytes at the start of a stream. */
  override dataFrame(payload: number): number {
    return this.frameAt(this.fpduBytes(payload), 0);
  }

  /** The transport-level framing of a static flow's message (it starts its stream). */
  override framing(): Framing {
    return {
      packets: (bytes) => this.segments(bytes),
      frameBytes: (bytes, k) => this.frameOf(bytes, k),
      ackFrameBytes: this.ackFrame(0),
      maxFrameBytes: this.baseBytes + this.emss,
      mss: this.mss,
    };
  }
}
