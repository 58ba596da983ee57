/**
 * InfiniBand Base Transport Header opcodes and the extended transport headers each carries
 * (InfiniBand Architecture Specification Vol. 1, Release 1.4: §9.2 "Base Transport Header",
 * Table 35 "OpCode Field"; §9.3 "Extended Transport Headers"). RoCEv1/v2 and InfiniBand carry the
 * same transport; only the link and network headers around it differ (see framing.ts).
 *
 * An opcode is `transport prefix | operation`: RC 0x00, UC 0x20, UD 0x60 (RD 0x40 and XRC 0xA0 are
 * not modelled). `Packet.type` holds the full 8-bit opcode, so a capture of simulated packets
 * reads like a real one.
 */

/** Transport service prefixes (the high 3 bits of the opcode). */
export const RC = 0x00;
export const UC = 0x20;
export const UD = 0x60;

/** Operations (the low 5 bits). */
export const SEND_FIRST = 0x00;
export const SEND_MIDDLE = 0x01;
export const SEND_LAST = 0x02;
export const SEND_LAST_IMM = 0x03;
export const SEND_ONLY = 0x04;
export const SEND_ONLY_IMM = 0x05;
export const WRITE_FIRST = 0x06;
export const WRITE_MIDDLE = 0x07;
export const WRITE_LAST = 0x08;
export const WRITE_LAST_IMM = 0x09;
export const WRITE_ONLY = 0x0a;
export const WRITE_ONLY_IMM = 0x0b;
export const READ_REQUEST = 0x0c;
export const READ_RESPONSE_FIRST = 0x0d;
export const READ_RESPONSE_MIDDLE = 0x0e;
export const READ_RESPONSE_LAST = 0x0f;
export const READ_RESPONSE_ONLY = 0x10;
export const ACKNOWLEDGE = 0x11;
export const ATOMIC_ACKNOWLEDGE = 0x12;
export const COMPARE_SWAP = 0x13;
export const FETCH_ADD = 0x14;

/** RoCEv2 Congestion Notification Packet (IBA Annex A17, §A17.9.2): BTH opcode 0x81. */
export const CNP = 0x81;

/** Extended transport header sizes in bytes (IBA §9.3). */
export const DETH = 8; // §9.3.2 Datagram ETH: Q_Key + source QP (UD)
export const RETH = 16; // §9.3.3 RDMA ETH: virtual address, R_Key, DMA length
export const ATOMIC_ETH = 28; // §9.3.4 Atomic ETH: VA, R_Key, swap/add data, compare data
export const AETH = 4; // §9.3.5 ACK ETH: syndrome + MSN
export const ATOMIC_ACK_ETH = 8; // §9.3.6 Atomic ACK ETH: the original remote data
export const IMM_DT = 4; // §9.3.7 Immediate data
/** The RoCEv2 CNP carries 16 reserved bytes after its BTH (IBA Annex A17, §A17.9.2). */
export const CNP_RESERVED = 16;

/** Base transport header (§9.2) and the invariant CRC (§7.8.1): on every IB transport packet. */
export const BTH = 12;
export const ICRC = 4;

/**
 * AETH syndromes (§9.3.5, Table 43), as this model encodes them in `Packet.flags` of ACKNOWLEDGE
 * packets: an ACK, an RNR NAK (receiver not ready: no RECV posted), or one of the NAK codes.
 */
export const SYN_ACK = 0;
export const SYN_RNR_NAK = 1;
export const SYN_NAK_PSN_SEQ = 2;
export const SYN_NAK_INVALID_REQUEST = 3;
export const SYN_NAK_REMOTE_ACCESS = 4;
export const SYN_NAK_REMOTE_OP = 5;

/**
 * `Packet.flags` bits on data packets: first and last packet of a message (the opcode says it
 * too; the bits are for code that does not decode opcodes).
 */
export const FLAG_FIRST = 1;
export const FLAG_LAST = 2;

/** Extended-header bytes of each 8-bit opcode (0 for unknown ones). */
export const EXT_HEADER_BYTES: Uint8Array = (() => {
  const t = new Uint8Array(256);
  for (const prefix of [RC, UC]) {
    t[prefix | SEND_LAST_IMM] = IMM_DT;
    t[prefix | SEND_ONLY_IMM] = IMM_DT;
    t[prefix | WRITE_FIRST] = RETH;
    t[prefix | WRITE_LAST_IMM] = IMM_DT;
    t[prefix | WRITE_ONLY] = RETH;
    t[prefix | WRITE_ONLY_IMM] = RETH + IMM_DT;
  }
  t[RC | READ_REQUEST] = RETH;
  t[RC | READ_RESPONSE_FIRST] = AETH;
  t[RC | READ_RESPONSE_LAST] = AETH;
  t[RC | READ_RESPONSE_ONLY] = AETH;
  t[RC | ACKNOWLEDGE] = AETH;
  t[RC | ATOMIC_ACKNOWLEDGE] = AETH + ATOMIC_ACK_ETH;
  t[RC | COMPARE_SWAP] = ATOMIC_ETH;
  t[RC | FETCH_ADD] = ATOMIC_ETH;
  t[UD | SEND_ONLY] = DETH;
  t[UD | SEND_ONLY_IMM] = DETH + IMM_DT;
  t[CNP] = CNP_RESERVED;
  return t;
})();

/** Names of the opcodes, for messages and traces (`RC RDMA WRITE First`, as IBA Table 35 lists them). */
export function opcodeName(op: number): string {
  if (op === CNP) return 'CNP';
  const svc = op & 0xe0;
  const prefix = svc === RC ? 'RC' : svc === UC ? 'UC' : svc === UD ? 'UD' : `0x${svc.toString(16)}`;
  const names: Record<number, string> = {
    [SEND_FIRST]: 'SEND First', [SEND_MIDDLE]: 'SEND Middle', [SEND_LAST]: 'SEND Last',
    [SEND_LAST_IMM]: 'SEND Last with Immediate', [SEND_ONLY]: 'SEND Only', [SEND_ONLY_IMM]: 'SEND Only with Immediate',
    [WRITE_FIRST]: 'RDMA WRITE First', [WRITE_MIDDLE]: 'RDMA WRITE Middle', [WRITE_LAST]: 'RDMA WRITE Last',
    [WRITE_LAST_IMM]: 'RDMA WRITE Last with Immediate', [WRITE_ONLY]: 'RDMA WRITE Only',
    [WRITE_ONLY_IMM]: 'RDMA WRITE Only with Immediate', [READ_REQUEST]: 'RDMA READ Request',
    [READ_RESPONSE_FIRST]: 'RDMA READ response First', [READ_RESPONSE_MIDDLE]: 'RDMA READ response Middle',
    [READ_RESPONSE_LAST]: 'RDMA READ response Last', [READ_RESPONSE_ONLY]: 'RDMA READ response Only',
    [ACKNOWLEDGE]: 'Acknowledge', [ATOMIC_ACKNOWLEDGE]: 'ATOMIC Acknowledge', [COMPARE_SWAP]: 'CmpSwap', [FETCH_ADD]: 'FetchAdd',
  };
  return `${prefix} ${names[op & 0x1f] ?? `0x${(op & 0x1f).toString(16)}`}`;
}

/** True for opcodes a requester sends (SEND, WRITE, READ request, atomics). */
export function isRequest(op: number): boolean {
  const o = op & 0x1f;
  return op !== CNP && (o <= READ_REQUEST || o === COMPARE_SWAP || o === FETCH_ADD);
}

/** True for READ response opcodes. */
export function isReadResponse(op: number): boolean {
  const o = op & 0x1f;
  return op !== CNP && o >= READ_RESPONSE_FIRST && o <= READ_RESPONSE_ONLY;
}

/**
 * The opcode of packet `k` of `packets` of a SEND (`write` false) or WRITE message on transport
 * `prefix`, with or without immediate data (which rides on the last packet).
 */
export function segmentOpcode(prefix: number, write: boolean, imm: boolean, k: number, packets: number): number {
  const first = k === 0;
  const last = k === packets - 1;
  let op: number;
  if (first && last) op = write ? (imm ? WRITE_ONLY_IMM : WRITE_ONLY) : imm ? SEND_ONLY_IMM : SEND_ONLY;
  else if (first) op = write ? WRITE_FIRST : SEND_FIRST;
  else if (last) op = write ? (imm ? WRITE_LAST_IMM : WRITE_LAST) : imm ? SEND_LAST_IMM : SEND_LAST;
  else op = write ? WRITE_MIDDLE : SEND_MIDDLE;
  return prefix | op;
}

/** The opcode of response packet `k` of `packets` of a READ. */
export function readResponseOpcode(k: number, packets: number): number {
  if (packets === 1) return RC | READ_RESPONSE_ONLY;
  if (k === 0) return RC | READ_RESPONSE_FIRST;
  return RC | (k === packets - 1 ? READ_RESPONSE_LAST : READ_RESPONSE_MIDDLE);
}
