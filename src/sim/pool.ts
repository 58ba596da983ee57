/**
 * A free list of reusable objects. `acquire()` returns a recycled object (or a new one from the
 * factory); `release()` gives it back. The caller resets fields it relies on.
 */
export class Pool<T> {
  private readonly free: T[] = [];
  /** Objects created so far (live + free). */
  created = 0;

  constructor(private readonly factory: () => T) {}

  acquire(): T {
    const o = this.free.pop();
    if (o !== undefined) return o;
    this.created++;
    return this.factory();
  }

  release(o: T): void {
    this.free.push(o);
  }

  /** Objects currently handed out. */
  get live(): number {
    return this.created - this.free.length;
  }
}
