import type { PostSendHook } from '../transport/rdma/posting.js';
import type { Time } from '../sim/time.js';

/**
 * The cores' work of posting send work requests (`ibv_post_send` + doorbell) on the hosts whose
 * stack charges it (`StackModel.postSendNs`): each post goes to the host's core that frees up
 * first, costs `postSendNs`, and rings the doorbell when done, so a host posts at most
 * `cores / postSendNs` work requests per second. Accounted apart from the receive path (like the
 * transmit work, src/host/tx-path.ts) and written to cpu.csv as the `post_send` stage.
 */
export class PostSendCost implements PostSendHook {
  /** Busy ps of posting by (host, core): index host × maxCores + core. */
  readonly busyPs: Float64Array;
  /** Work requests posted by (host, core). */
  readonly posts: Float64Array;
  private readonly freeAt: Float64Array;
  private readonly maxCores: number;

  constructor(
    /** ps per post by host id (0: the host's stack does not charge posting). */
    private readonly costPs: Float64Array,
    /** Cores by host id. */
    private readonly cores: Int32Array,
  ) {
    this.maxCores = Math.max(1, ...cores);
    const n = costPs.length * this.maxCores;
    this.busyPs = new Float64Array(n);
    this.posts = new Float64Array(n);
    this.freeAt = new Float64Array(n);
  }

  postSend(host: number, now: Time): Time {
    const cost = this.costPs[host] ?? 0;
    if (cost === 0) return now;
    const base = host * this.maxCores;
    let best = base;
    for (let c = base + 1; c < base + this.cores[host]!; c++) if (this.freeAt[c]! < this.freeAt[best]!) best = c;
    const done = Math.max(now, this.freeAt[best]!) + cost;
    this.freeAt[best] = done;
    this.busyPs[best]! += cost;
    this.posts[best]!++;
    return done;
  }

  /** Whether `host` pays for posting. */
  charges(host: number): boolean {
    return (this.costPs[host] ?? 0) > 0;
  }

  /** Busy ps and posts of `core` of `host`. */
  core(host: number, core: number): { busyPs: number; posts: number } {
    const i = host * this.maxCores + core;
    return { busyPs: this.busyPs[i]!, posts: this.posts[i]! };
  }
}
