/*
 * [M16] D. E. Eisenbud et al., "Maglev: A Fast and Reliable Software Network Load Balancer",
 *       NSDI 2016, §3.4: each backend fills the lookup table in the order of its own permutation
 *       (offset + j × skip mod M), round robin, so the table is evenly split and changes little
 *       when a backend joins or leaves. M = 65537 is the paper's (and Katran's default) prime.
 */

/** Lookup-table size: a prime, so every `skip` generates a full permutation. */
export const MAGLEV_TABLE_SIZE = 65537;

/** FNV-1a over the characters of `s`, started from `seed`. */
function fnv1a(s: string, seed: number): number {
  let h = seed >>> 0;
  for (let i = 0; i < s.length; i++) {
    h ^= s.charCodeAt(i);
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return h >>> 0;
}

/**
 * A Maglev lookup table over `backends` (names; the same names give the same table on every run):
 * entry i is the index of the backend serving hash values ≡ i mod M.
 */
export function maglevTable(backends: readonly string[], size = MAGLEV_TABLE_SIZE): Int32Array {
  const n = backends.length;
  const table = new Int32Array(size).fill(-1);
  if (n === 0) return table;
  const offset = backends.map((b) => fnv1a(b, 0x811c9dc5) % size);
  const skip = backends.map((b) => (fnv1a(b, 0x9747b28c) % (size - 1)) + 1);
  const next = new Int32Array(n);
  let filled = 0;
  for (;;) {
    for (let i = 0; i < n; i++) {
      let c = (offset[i]! + next[i]! * skip[i]!) % size;
      while (table[c]! >= 0) {
        next[i]!++;
        c = (offset[i]! + next[i]! * skip[i]!) % size;
      }
      table[c] = i;
      next[i]!++;
      if (++filled === size) return table;
    }
  }
}
