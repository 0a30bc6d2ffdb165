/**
 * A seeded, stateless random source: `at(entity, salt)` is the same number for the same seed every
 * run, so the generator can re-derive any entity's attributes instead of keeping them in memory.
 * Two rounds of murmur3's finaliser; ample for synthetic data, not for cryptography.
 */
export class SeededRandom {
  constructor(private readonly seed: number) {}

  /** A number in [0, 1) for (entity, salt). */
  at(entity: number, salt: number): number {
    const first = fmix32((this.seed ^ Math.imul(entity, 0x9e3779b1)) >>> 0);
    return fmix32((first ^ Math.imul(salt + 1, 0x632be5ab)) >>> 0) / 4294967296;
  }

  /** An integer in [0, n). */
  below(entity: number, salt: number, n: number): number {
    return Math.floor(this.at(entity, salt) * n);
  }

  /** An index into `weights` chosen with probability proportional to its weight. */
  weighted(entity: number, salt: number, weights: readonly number[]): number {
    let total = 0;
    for (const weight of weights) total += weight;
    let point = this.at(entity, salt) * total;
    for (let index = 0; index < weights.length; index++) {
      point -= weights[index] as number;
      if (point < 0) return index;
    }
    return weights.length - 1;
  }
}

function fmix32(value: number): number {
  let h = value;
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}
