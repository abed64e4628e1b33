/**
 * Small seeded PRNG for the synthetic export generator.
 *
 * Why not Math.random: the demo dataset must be byte-identical for a seed, so
 * every random draw goes through an explicitly seeded generator. sfc32 is
 * fast, passes PractRand for far more draws than we need, and works on plain
 * 32-bit integers (no BigInt), which keeps generating ~1.6 M ratings cheap.
 */

export interface Rng {
  /** Uniform float in [0, 1). */
  next(): number;
  /** Uniform float in [min, max). */
  uniform(min: number, max: number): number;
  /** Uniform integer in [min, max] (both inclusive). */
  int(min: number, max: number): number;
  /** True with probability p. */
  chance(p: number): boolean;
  /** Normal draw (Box–Muller). */
  normal(mean?: number, sd?: number): number;
  pick<T>(items: readonly T[]): T;
  /** Index drawn with probability proportional to weights[i] (weights >= 0, sum > 0). */
  weightedIndex(weights: readonly number[]): number;
  weightedPick<T>(items: readonly T[], weights: readonly number[]): T;
  /** Fisher–Yates shuffle of a copy; the input is left untouched. */
  shuffle<T>(items: readonly T[]): T[];
}

/**
 * Mixes a seed with any number of string/number labels into a 32-bit seed.
 * Used to give each (organisation, wave) its own independent stream, so the
 * output for one trust does not change when another trust is added or the
 * iteration order changes. FNV-1a over the text, then a murmur3 finaliser
 * to spread nearby inputs ("R0A" vs "R0B") across the whole 32-bit range.
 */
export function deriveSeed(seed: number, ...labels: Array<string | number>): number {
  let h = 0x811c9dc5 ^ (seed >>> 0);
  const text = labels.join("\u0001");
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

export function createRng(seed: number, ...labels: Array<string | number>): Rng {
  const s = labels.length > 0 ? deriveSeed(seed, ...labels) : seed >>> 0;
  // sfc32 state seeded from splitmix-style constants so seed 0 is still fine.
  let a = 0x9e3779b9;
  let b = 0x243f6a88;
  let c = 0xb7e15162;
  let d = s;
  const raw = (): number => {
    a |= 0; b |= 0; c |= 0; d |= 0;
    const t = (((a + b) | 0) + d) | 0;
    d = (d + 1) | 0;
    a = b ^ (b >>> 9);
    b = (c + (c << 3)) | 0;
    c = (c << 21) | (c >>> 11);
    c = (c + t) | 0;
    return (t >>> 0) / 4294967296;
  };
  // Discard the first outputs: sfc32 needs a few rounds to mix a weak seed.
  for (let i = 0; i < 15; i++) raw();

  let spareNormal: number | null = null;

  const rng: Rng = {
    next: raw,
    uniform: (min, max) => min + (max - min) * raw(),
    int: (min, max) => min + Math.floor(raw() * (max - min + 1)),
    chance: (p) => raw() < p,
    normal(mean = 0, sd = 1) {
      if (spareNormal !== null) {
        const z = spareNormal;
        spareNormal = null;
        return mean + sd * z;
      }
      // 1 - raw() is in (0, 1], so log() never sees 0.
      const u1 = 1 - raw();
      const u2 = raw();
      const r = Math.sqrt(-2 * Math.log(u1));
      spareNormal = r * Math.sin(2 * Math.PI * u2);
      return mean + sd * r * Math.cos(2 * Math.PI * u2);
    },
    pick(items) {
      if (items.length === 0) throw new Error("pick from an empty list");
      return items[Math.floor(raw() * items.length)]!;
    },
    weightedIndex(weights) {
      let total = 0;
      for (const w of weights) total += w;
      if (!(total > 0)) throw new Error("weightedIndex needs a positive total weight");
      let x = raw() * total;
      for (let i = 0; i < weights.length; i++) {
        x -= weights[i]!;
        if (x < 0) return i;
      }
      // Floating-point leftovers: fall back to the last non-zero weight.
      for (let i = weights.length - 1; i >= 0; i--) if (weights[i]! > 0) return i;
      return weights.length - 1;
    },
    weightedPick(items, weights) {
      if (items.length !== weights.length) throw new Error("items and weights differ in length");
      return items[rng.weightedIndex(weights)]!;
    },
    shuffle(items) {
      const out = items.slice();
      for (let i = out.length - 1; i > 0; i--) {
        const j = Math.floor(raw() * (i + 1));
        const tmp = out[i]!;
        out[i] = out[j]!;
        out[j] = tmp;
      }
      return out;
    },
  };
  return rng;
}
