import { Pool } from '../sim/pool.js';

/** Preamble + start-of-frame delimiter (8 B) and the minimum inter-frame gap (12 B). */
export const ETH_PREAMBLE_IFG_BYTES = 20;
/** Minimum Ethernet frame (header to FCS): shorter frames are padded. */
export const ETH_MIN_FRAME_BYTES = 64;

/** What a frame is to the fabric. Data-path code sees only `DATA`. */
export const FRAME_DATA = 0;
/** An IEEE 802.1Qbb PFC frame: link-local, consumed by flow control, never forwarded. */
export const FRAME_PFC = 1;
/**
 * A link-level credit update (InfiniBand flow-control packet): link-local, consumed by flow
 * control, never forwarded. It carries the VL in `pfcPriority` and the credits returned (64-byte
 * blocks) in `pfcQuanta` (see flow-control/credit.ts).
 */
export const FRAME_CREDIT = 2;
/**
 * An InfiniBand subnet management packet (SMP) on VL15 (management/subnet-manager.ts): routed
 * by destination like data, but outside flow control: it consumes and returns no credits, is
 * never paused, and leaves every port ahead of the data VLs (VL arbitration does not apply).
 */
export const FRAME_SMP = 3;

/**
 * One packet shape for every protocol, pooled. Fabric fields describe the frame on the wire;
 * transport fields are interpreted by the transport named by `transport` (its own opcodes in
 * `type`), never by the fabric.
 */
export class Packet {
  // ---- frame ----
  /** Ethernet frame bytes, header to FCS (what occupies a buffer). Wire bytes add 20. */
  frameBytes = 0;
  /** Traffic class / PFC priority 0..7. */
  priority = 0;
  /** Source and destination host ids. */
  src = 0;
  dst = 0;
  /** 32-bit hash of the flow's 5-tuple (includes the RoCEv2 UDP source port): ECMP input. */
  flowHash = 0;
  /** ECN field: 0 not-ECT, 2 ECT(0), 3 CE. */
  ecn = 0;
  /** FRAME_DATA, FRAME_PFC, FRAME_CREDIT or FRAME_SMP. */
  frame = FRAME_DATA;
  /** While buffered in a switch: the switch-local ingress port it arrived on. */
  ingress = -1;
  /** Time this packet has spent queued behind a PFC pause so far, ps (summed over hops). */
  pausedPs = 0;
  /** The paused-time clock of its queue when it was enqueued (see EgressPort). */
  pauseMark = 0;
  /**
   * Cut-through: when its last bit arrives at the node that holds it, ps (it was handed over at
   * header arrival, while its tail still streams in); 0 once it has fully arrived.
   */
  tailAt = 0;
  // (the fields above are read at every hop; the ones below rarely: kept apart so a hop touches
  // fewer cache lines of the packet)
  /** Application payload bytes carried. */
  payload = 0;
  /** PFC frames: the priority they pause and the pause time in quanta (0 = resume). */
  pfcPriority = 0;
  pfcQuanta = 0;
  /**
   * SL→VL mapping (switches with `slToVl` only): the service level, i.e. the class its sender
   * gave it (-1 until the first such switch, or a host NIC with an SL→VL table, records it;
   * `priority` is then the VL of the current hop), and the VL it arrived on at the switch holding
   * it (its ingress PFC/credit accounting).
   */
  sl = -1;
  inVl = 0;

  // ---- in-band telemetry (HPCC) ----
  /** Set by the sender: switches stamp INT on this packet. */
  wantsInt = false;
  /** INT records carried (0..MAX_INT_HOPS). */
  intHops = 0;
  /** INT records, INT_FIELDS numbers per hop; allocated on first use and kept by the pool. */
  int: Float64Array | null = null;

  // ---- transport ----
  /** Index of the connection (queue pair) this packet belongs to. */
  conn = -1;
  /** Transport-defined opcode. */
  type = 0;
  /** Packet sequence number (data) or acknowledged PSN (ACK/NAK). */
  psn = 0;
  /** Transport flags (first/last of message, ...), transport-defined bits. */
  flags = 0;
  /** Time the packet left its source NIC, ps. */
  sentAt = 0;
  /** ACKs: the send time of the data packet that triggered this ACK, echoed for RTT samples. */
  echoTs = 0;
  /** ACKs: how many of the packets this ACK newly covers arrived with ECN CE (ECN echo). */
  ecnEcho = 0;
  /** NAKs of selective repeat: the out-of-order PSN that triggered it (a selective ack); -1 none. */
  sackPsn = -1;
  /** TCP ACKs: the advertised receive window, bytes. */
  window = 0;
  /** TCP ACKs: SACK blocks carried (0..4), as [start, end) sequence pairs in `sack`. */
  sackBlocks = 0;
  /** TCP SACK block edges, two numbers per block; allocated on first use and kept by the pool. */
  sack: Float64Array | null = null;
  /**
   * The per-message object this packet belongs to, as its headers would identify it (RDMA: the
   * work request of a request packet, the response job of a READ response or atomic ACK). Never
   * read by the fabric; no object is allocated per packet.
   */
  ref: object | null = null;
  /**
   * Set by the host's receive offload (GRO / LRO, src/host/cpu.ts) on a stream segment it merged
   * into a super-packet that is still open: more segments of the connection may join it. Its
   * endpoint hears `onRxMergeEnd` once the super-packet is complete (flushed up the stack).
   * False on every other packet, and always without a host model or merging.
   */
  rxMergeOpen = false;

  /** Resets every field to its default (called by the pool on reuse). */
  reset(): void {
    this.frameBytes = 0;
    this.payload = 0;
    this.priority = 0;
    this.src = 0;
    this.dst = 0;
    this.flowHash = 0;
    this.ecn = 0;
    this.frame = FRAME_DATA;
    this.pfcPriority = 0;
    this.pfcQuanta = 0;
    this.ingress = -1;
    this.sl = -1;
    this.inVl = 0;
    this.pausedPs = 0;
    this.pauseMark = 0;
    this.tailAt = 0;
    this.conn = -1;
    this.type = 0;
    this.psn = 0;
    this.flags = 0;
    this.sentAt = 0;
    this.echoTs = 0;
    this.ecnEcho = 0;
    this.sackPsn = -1;
    this.window = 0;
    this.sackBlocks = 0;
    this.ref = null;
    this.rxMergeOpen = false;
    this.wantsInt = false;
    this.intHops = 0;
  }
}

/** The pool every packet of a run comes from; `live` is the number of packets in existence. */
export class PacketPool {
  private readonly pool = new Pool<Packet>(() => new Packet());

  /** A packet with every field at its default. */
  acquire(): Packet {
    const p = this.pool.acquire();
    p.reset();
    return p;
  }

  release(p: Packet): void {
    this.pool.release(p);
  }

  /** Packets handed out and not yet released (queued, on a link, or being processed). */
  get live(): number {
    return this.pool.live;
  }

  /** Packet objects ever allocated. */
  get allocated(): number {
    return this.pool.created;
  }
}
