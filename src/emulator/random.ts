/** A seeded source of uniform numbers in [0, 1). */
export interface Random {
  /** The next uniform draw in [0, 1). */
  next(): number;
}

/**
 * A small, fast, seeded generator (mulberry32). A string seed is hashed first, which is how the
 * emulator derives one independent stream per purpose: `createRandom(`${seed}/${model}/${index}/ttft`)`
 * gives the same draws for a request whatever other requests run at the same time.
 *
 * Not for cryptography: 32 bits of state, which is plenty for latency jitter.
 *
 * @example
 * const random = createRandom(42);
 * random.next(); // always the same first draw for seed 42
 */
export function createRandom(seed: number | string): Random {
  let state = typeof seed === 'number' ? seed >>> 0 : hashString(seed);
  return {
    next() {
      state = (state + 0x6d2b79f5) >>> 0;
      let t = state;
      t = Math.imul(t ^ (t >>> 15), t | 1);
      t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
      return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
    },
  };
}

/** FNV-1a then a murmur-style finaliser, so that near-identical strings give unrelated seeds. */
function hashString(text: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}
