import type { Time } from '../../sim/time.js';

/**
 * The host CPU work of posting a send work request (`ibv_post_send`: the core writes the WQE and
 * rings the NIC's doorbell). The host models (src/host/post-send.ts) provide it; the verbs layer
 * only calls it, so transport code never depends on host code. Absent: posting is free.
 */
export interface PostSendHook {
  /**
   * Host `host` posts one work request at `now`: charges a core and returns when the doorbell is
   * rung (≥ now; later than `now` by the posting work, and by any earlier post still occupying
   * every core).
   */
  postSend(host: number, now: Time): Time;
}
