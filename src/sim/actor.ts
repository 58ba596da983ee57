/**
 * Anything that needs time. The simulator calls `onEvent(kind, arg)` when an event the actor
 * scheduled comes due: `kind` is the actor's own small-integer event code (a named constant in
 * its module), `arg` whatever number it stored (an index, a priority, a generation counter).
 * No closure and no object is created per event.
 */
export interface Actor {
  /** Index in the simulator's actor table, assigned by {@link Simulator.register}. */
  actorId: number;
  onEvent(kind: number, arg: number): void;
}
