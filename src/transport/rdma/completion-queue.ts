import type { Actor } from '../../sim/actor.js';
import { Ring } from '../../sim/ring.js';
import type { Simulator } from '../../sim/simulator.js';
import type { Time } from '../../sim/time.js';
import { opcodeNameOf, statusName } from './work-request.js';

/**
 * A completion (`struct ibv_wc`): which work request finished, how, and when the application can
 * see it (`timestampPs`: the NIC's completion plus the DMA write of the entry to host memory).
 */
export class Completion {
  constructor(
    readonly cq: CompletionQueue,
    readonly wrId: number,
    /** `enum ibv_wc_status` value. */
    readonly statusCode: number,
    /** `enum ibv_wc_opcode` value. */
    readonly opcodeCode: number,
    /** Bytes transferred (`byte_len`): received bytes for RECVs (incl. the 40-byte GRH on UD), the message size for sends. */
    readonly bytes: number,
    /** The local QP number. */
    readonly qpn: number,
    readonly host: number,
    readonly timestampPs: Time,
    /** Immediate data (`wc_flags & IBV_WC_WITH_IMM`), or undefined. */
    readonly imm: number | undefined,
    /** The sending QP of a UD datagram, or undefined. */
    readonly srcQpn: number | undefined,
    /** The original remote value of an atomic, or undefined. */
    readonly value: bigint | undefined,
  ) {}

  /** The libibverbs status name (`IBV_WC_SUCCESS`, `IBV_WC_RNR_RETRY_EXC_ERR`, ...). */
  get status(): string {
    return statusName(this.statusCode);
  }

  /** The libibverbs opcode name (`IBV_WC_SEND`, `IBV_WC_RDMA_READ`, `IBV_WC_RECV`, ...). */
  get opcode(): string {
    return opcodeNameOf(this.opcodeCode);
  }
}

/**
 * A completion queue (`ibv_cq`), on one host, shared by any number of QPs (as send CQ, receive CQ
 * or both). Entries become visible at their timestamp. With a `handler` (an application busy-
 * polling the CQ) each entry is handed to it at that time by one event per burst; without one
 * they accumulate for {@link poll}.
 */
export class CompletionQueue implements Actor {
  actorId = -1;
  private readonly entries = new Ring<Completion>(16);
  private armed = false;
  /** Called with each completion when it becomes visible (set by the application). */
  handler: ((c: Completion) => void) | null = null;
  /** Completions ever pushed. */
  count = 0;

  constructor(
    private readonly sim: Simulator,
    /** CQ number (unique in the run). */
    readonly id: number,
    readonly host: number,
  ) {
    sim.register(this);
  }

  /** Adds a completion (timestamps are non-decreasing per CQ). */
  push(c: Completion): void {
    this.entries.push(c);
    this.count++;
    if (this.handler !== null && !this.armed) {
      this.armed = true;
      this.sim.at(Math.max(this.sim.now, c.timestampPs), this, 0);
    }
  }

  /** Entries waiting (not yet handed to a handler or polled). */
  get length(): number {
    return this.entries.length;
  }

  /** Up to `max` completions visible now, oldest first (`ibv_poll_cq`). */
  poll(max = Infinity): Completion[] {
    const out: Completion[] = [];
    while (out.length < max && this.entries.length > 0 && this.entries.peek()!.timestampPs <= this.sim.now) out.push(this.entries.shift()!);
    return out;
  }

  onEvent(): void {
    const now = this.sim.now;
    const h = this.handler;
    while (h !== null && this.entries.length > 0 && this.entries.peek()!.timestampPs <= now) h(this.entries.shift()!);
    this.armed = false;
    if (this.handler !== null && this.entries.length > 0) {
      this.armed = true;
      this.sim.at(Math.max(now, this.entries.peek()!.timestampPs), this, 0);
    }
  }
}
