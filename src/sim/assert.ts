/** Internal invariant check: a failure is a fabricsim bug, never a user error. */
export function assert(condition: unknown, message: string): asserts condition {
  if (!condition) throw new Error(`fabricsim internal error: ${message}`);
}
