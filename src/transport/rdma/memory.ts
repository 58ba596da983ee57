/** 2^64 - 1: atomics wrap modulo 2^64. */
const MASK64 = (1n << 64n) - 1n;

/**
 * A host's registered memory as the atomics see it: a sparse map of 8-byte words (absent words
 * read as 0). READ and WRITE payloads are not stored (only their sizes and timing are modelled).
 */
export class HostMemory {
  private readonly words = new Map<number, bigint>();

  /** The 64-bit word at `addr` (a multiple of 8). */
  read(addr: number): bigint {
    return this.words.get(addr) ?? 0n;
  }

  /** Stores `value` modulo 2^64 at `addr` (a multiple of 8). */
  write(addr: number, value: bigint): void {
    this.words.set(addr, value & MASK64);
  }

  /** Fetch-and-add: returns the old value and stores old + `add` (mod 2^64). */
  fetchAdd(addr: number, add: bigint): bigint {
    const old = this.read(addr);
    this.write(addr, old + add);
    return old;
  }

  /** Compare-and-swap: returns the old value and stores `swap` if the old value equals `compare`. */
  compareSwap(addr: number, compare: bigint, swap: bigint): bigint {
    const old = this.read(addr);
    if (old === (compare & MASK64)) this.write(addr, swap);
    return old;
  }
}
