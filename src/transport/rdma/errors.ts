/**
 * The error a verbs call returns synchronously (`ibv_post_send`, `ibv_post_recv`,
 * `ibv_modify_qp` return an errno): posting in a state that does not allow it, beyond the queue
 * depth, an inline payload above the QP's limit, a UD datagram above the MTU, an opcode the QP
 * type does not support. Errors found later (no RECV, retries exhausted, ...) are completions
 * with an error status instead.
 */
export class VerbsError extends Error {
  constructor(
    /** The errno name libibverbs would return: `EINVAL` (bad state, opcode or size), `ENOMEM` (queue full). */
    readonly code: 'EINVAL' | 'ENOMEM',
    message: string,
    /** The experiment field that asked for it, when one did (e.g. `workload.qp_type`). */
    readonly field?: string,
  ) {
    super(`${code}: ${message}`);
    this.name = 'VerbsError';
  }
}
